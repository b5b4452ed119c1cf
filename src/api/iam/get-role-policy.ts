/** GetRolePolicy: an inline policy of a role, its document URL-encoded. */
import { encodePolicyDocument } from '../../iam/policy-text.js';
import type { GetRolePolicyRequest, GetRolePolicyResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<GetRolePolicyRequest, GetRolePolicyResponse>(async (input, ctx) => {
  const policy = await ctx.services.iam.permissions.getInlinePolicy(accountOf(ctx), { type: 'role', name: input.RoleName }, input.PolicyName);
  return { RoleName: policy.principalName, PolicyName: policy.name, PolicyDocument: encodePolicyDocument(policy.document) };
});
