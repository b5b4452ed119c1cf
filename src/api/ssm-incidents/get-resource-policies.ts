/** GetResourcePolicies: the plan's policies, shared from this server's region. */
import type { GetResourcePoliciesInput, GetResourcePoliciesOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<GetResourcePoliciesInput, GetResourcePoliciesOutput>(async (input, ctx) => {
  const page = await ctx.services.resourcePolicies.list(ctx.actor.accountId, input.resourceArn, input);
  return {
    resourcePolicies: page.policies.map((p) => ({ policyId: p.policyId, policyDocument: p.policyDocument, ramResourceShareRegion: ctx.region })),
    nextToken: page.nextToken,
  };
});
