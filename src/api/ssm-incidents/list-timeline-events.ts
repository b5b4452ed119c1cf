/** ListTimelineEvents: event summaries by event time, filtered. */
import type { ListTimelineEventsInput, ListTimelineEventsOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<ListTimelineEventsInput, ListTimelineEventsOutput>(async (input, ctx) => {
  const { incidentRecordArn, ...query } = input;
  const page = await ctx.services.timeline.list(ctx.actor, incidentRecordArn, query);
  return {
    eventSummaries: page.items.map((e) => ({
      incidentRecordArn: e.incidentRecordArn, eventId: e.eventId, eventType: e.eventType, eventTime: e.eventTime,
      eventUpdatedTime: e.eventUpdatedTime, eventReferences: e.eventReferences,
    })),
    nextToken: page.nextToken,
  };
});
