/** GetUserPolicy: an inline policy of a user, its document URL-encoded. */
import { encodePolicyDocument } from '../../iam/policy-text.js';
import type { GetUserPolicyRequest, GetUserPolicyResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<GetUserPolicyRequest, GetUserPolicyResponse>(async (input, ctx) => {
  const policy = await ctx.services.iam.permissions.getInlinePolicy(accountOf(ctx), { type: 'user', name: input.UserName }, input.PolicyName);
  return { UserName: policy.principalName, PolicyName: policy.name, PolicyDocument: encodePolicyDocument(policy.document) };
});
