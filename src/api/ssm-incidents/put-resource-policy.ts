/** PutResourcePolicy: attaches a policy to a response plan. */
import type { PutResourcePolicyInput, PutResourcePolicyOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<PutResourcePolicyInput, PutResourcePolicyOutput>(async (input, ctx) => {
  return { policyId: await ctx.services.resourcePolicies.put(ctx.actor.accountId, input.resourceArn, input.policy) };
});
