/** CreateTimelineEvent: adds a custom event or note to an incident's timeline. */
import type { CreateTimelineEventInput, CreateTimelineEventOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<CreateTimelineEventInput, CreateTimelineEventOutput>(async (input, ctx) => {
  const { incidentRecordArn, ...event } = input;
  const eventId = await ctx.services.timeline.create(ctx.actor, incidentRecordArn, event);
  return { eventId, incidentRecordArn };
});
