/** TagRole: adds or overwrites a role's tags. */
import type { TagRoleRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<TagRoleRequest>(async (input, ctx) => {
  await ctx.services.iam.roles.tag(accountOf(ctx), input.RoleName, input.Tags);
});
