/** ListIncidentFindings: summaries of the findings attached to an incident. */
import type { ListIncidentFindingsInput, ListIncidentFindingsOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<ListIncidentFindingsInput, ListIncidentFindingsOutput>(async (input, ctx) => {
  const { incidentRecordArn, ...page } = input;
  const { items, nextToken } = await ctx.services.incidents.listFindings(ctx.actor, incidentRecordArn, page);
  return { findings: items, nextToken };
});
