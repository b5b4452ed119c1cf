/** GetPolicy: a managed policy (the account's or AWS managed) with its attachment count. */
import type { GetPolicyRequest, GetPolicyResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, policyShape } from './iam-shapes.js';

export default handler<GetPolicyRequest, GetPolicyResponse>(async (input, ctx) => {
  const policy = await ctx.services.iam.policies.get(accountOf(ctx), input.PolicyArn);
  return { Policy: policyShape(policy, { tags: policy.tags }) };
});
