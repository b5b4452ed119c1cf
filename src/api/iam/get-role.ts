/** GetRole: a role with its trust policy, tags and last use. */
import type { GetRoleRequest, GetRoleResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, roleShape } from './iam-shapes.js';

export default handler<GetRoleRequest, GetRoleResponse>(async (input, ctx) => {
  const role = await ctx.services.iam.roles.get(accountOf(ctx), input.RoleName);
  return { Role: roleShape(role, { tags: role.tags, full: true }) };
});
