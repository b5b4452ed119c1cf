/** BatchGetIncidentFindings: the requested findings, and an error entry for each one missing. */
import type { BatchGetIncidentFindingsInput, BatchGetIncidentFindingsOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<BatchGetIncidentFindingsInput, BatchGetIncidentFindingsOutput>(async (input, ctx) => {
  return ctx.services.incidents.batchGetFindings(ctx.actor, input.incidentRecordArn, input.findingIds);
});
