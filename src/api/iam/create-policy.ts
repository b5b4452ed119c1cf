/** CreatePolicy: a customer managed policy; its document becomes v1, the default. */
import type { CreatePolicyRequest, CreatePolicyResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, policyShape } from './iam-shapes.js';

export default handler<CreatePolicyRequest, CreatePolicyResponse>(async (input, ctx) => {
  const policy = await ctx.services.iam.policies.create(accountOf(ctx), {
    policyName: input.PolicyName, path: input.Path, document: input.PolicyDocument, description: input.Description, tags: input.Tags,
  });
  return { Policy: policyShape(policy, { tags: policy.tags }) };
});
