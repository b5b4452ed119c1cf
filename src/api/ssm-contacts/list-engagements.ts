/** ListEngagements: newest first, by incident and start-time range. */
import type { ListEngagementsRequest, ListEngagementsResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<ListEngagementsRequest, ListEngagementsResult>(async (input, ctx) => {
  const page = await ctx.services.engagements.list(ctx.actor.accountId, {
    incidentId: input.IncidentId, startFrom: input.TimeRangeValue?.StartTime, startTo: input.TimeRangeValue?.EndTime,
    maxResults: input.MaxResults, nextToken: input.NextToken,
  });
  return {
    Engagements: page.items.map((e) => ({
      EngagementArn: e.arn, ContactArn: e.contactArn, Sender: e.sender, IncidentId: e.incidentId, StartTime: e.startTime, StopTime: e.stopTime,
    })),
    NextToken: page.nextToken,
  };
});
