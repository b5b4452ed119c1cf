/** CreateRole: a role with its trust policy (AssumeRolePolicyDocument). */
import type { CreateRoleRequest, CreateRoleResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, roleShape } from './iam-shapes.js';

export default handler<CreateRoleRequest, CreateRoleResponse>(async (input, ctx) => {
  const role = await ctx.services.iam.roles.create(accountOf(ctx), {
    roleName: input.RoleName, path: input.Path, trustPolicy: input.AssumeRolePolicyDocument, description: input.Description,
    maxSessionSeconds: input.MaxSessionDuration, tags: input.Tags, permissionsBoundary: input.PermissionsBoundary,
  });
  return { Role: roleShape(role, { tags: role.tags }) };
});
