/** DeleteReplicationSet: deletes the set and all the account's Incident Manager data. */
import type { DeleteReplicationSetInput, DeleteReplicationSetOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<DeleteReplicationSetInput, DeleteReplicationSetOutput>(async (input, ctx) => {
  await ctx.services.replicationSets.delete(ctx.actor.accountId, input.arn);
});
