/** UpdateTimelineEvent: changes the given members of a custom event or note. */
import type { UpdateTimelineEventInput, UpdateTimelineEventOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<UpdateTimelineEventInput, UpdateTimelineEventOutput>(async (input, ctx) => {
  const { incidentRecordArn, eventId, ...changes } = input;
  await ctx.services.timeline.update(ctx.actor, incidentRecordArn, eventId, changes);
});
