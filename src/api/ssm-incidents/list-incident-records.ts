/** ListIncidentRecords: summaries of the account's incidents, newest first, filtered. */
import type { ListIncidentRecordsInput, ListIncidentRecordsOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<ListIncidentRecordsInput, ListIncidentRecordsOutput>(async (input, ctx) => {
  const page = await ctx.services.incidents.list(ctx.actor, input);
  return {
    incidentRecordSummaries: page.items.map((i) => ({
      arn: i.arn, title: i.title, status: i.status, impact: i.impact, creationTime: i.createdAt,
      resolvedTime: i.resolvedAt, incidentRecordSource: i.source,
    })),
    nextToken: page.nextToken,
  };
});
