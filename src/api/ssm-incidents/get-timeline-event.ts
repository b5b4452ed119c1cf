/** GetTimelineEvent: one event of an incident's timeline. */
import type { GetTimelineEventInput, GetTimelineEventOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<GetTimelineEventInput, GetTimelineEventOutput>(async (input, ctx) => {
  const event = await ctx.services.timeline.get(ctx.actor, input.incidentRecordArn, input.eventId);
  return { event };
});
