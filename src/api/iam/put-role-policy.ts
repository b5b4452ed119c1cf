/** PutRolePolicy: creates or replaces an inline policy of a role. */
import type { PutRolePolicyRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<PutRolePolicyRequest>(async (input, ctx) => {
  await ctx.services.iam.permissions.putInlinePolicy(accountOf(ctx), { type: 'role', name: input.RoleName }, input.PolicyName, input.PolicyDocument);
});
