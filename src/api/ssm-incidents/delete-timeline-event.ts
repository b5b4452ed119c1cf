/** DeleteTimelineEvent: removes a custom event or note; an unknown event is fine. */
import type { DeleteTimelineEventInput, DeleteTimelineEventOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<DeleteTimelineEventInput, DeleteTimelineEventOutput>(async (input, ctx) => {
  await ctx.services.timeline.delete(ctx.actor, input.incidentRecordArn, input.eventId);
});
