/** UntagRole: removes a role's tags by key. */
import type { UntagRoleRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<UntagRoleRequest>(async (input, ctx) => {
  await ctx.services.iam.roles.untag(accountOf(ctx), input.RoleName, input.TagKeys);
});
