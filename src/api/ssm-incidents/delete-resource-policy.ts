/** DeleteResourcePolicy: removes one policy from a response plan. */
import type { DeleteResourcePolicyInput, DeleteResourcePolicyOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<DeleteResourcePolicyInput, DeleteResourcePolicyOutput>(async (input, ctx) => {
  await ctx.services.resourcePolicies.delete(ctx.actor.accountId, input.resourceArn, input.policyId);
});
