/** DeleteRole: a role with no policies left (DeleteConflict otherwise); its sessions stop working. */
import type { DeleteRoleRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<DeleteRoleRequest>(async (input, ctx) => {
  await ctx.services.iam.roles.delete(accountOf(ctx), input.RoleName);
});
