/** UpdateDeletionProtection: turns the replication set's deletion protection on or off. */
import type { UpdateDeletionProtectionInput, UpdateDeletionProtectionOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<UpdateDeletionProtectionInput, UpdateDeletionProtectionOutput>(async (input, ctx) => {
  await ctx.services.replicationSets.setDeletionProtection(ctx.actor, input.arn, input.deletionProtected, input.clientToken);
});
