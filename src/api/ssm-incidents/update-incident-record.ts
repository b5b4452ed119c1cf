/** UpdateIncidentRecord: changes the given members; resolving and reopening included. */
import type { UpdateIncidentRecordInput, UpdateIncidentRecordOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<UpdateIncidentRecordInput, UpdateIncidentRecordOutput>(async (input, ctx) => {
  const { arn, ...changes } = input;
  await ctx.services.incidents.update(ctx.actor, arn, changes);
});
