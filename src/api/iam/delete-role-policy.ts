/** DeleteRolePolicy: deletes an inline policy of a role. */
import type { DeleteRolePolicyRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<DeleteRolePolicyRequest>(async (input, ctx) => {
  await ctx.services.iam.permissions.deleteInlinePolicy(accountOf(ctx), { type: 'role', name: input.RoleName }, input.PolicyName);
});
