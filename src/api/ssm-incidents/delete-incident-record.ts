/** DeleteIncidentRecord: removes the record and everything attached to it; unknown is fine. */
import type { DeleteIncidentRecordInput, DeleteIncidentRecordOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<DeleteIncidentRecordInput, DeleteIncidentRecordOutput>(async (input, ctx) => {
  await ctx.services.incidents.delete(ctx.actor, input.arn);
});
