/** AttachRolePolicy: attaches a managed policy to a role. */
import type { AttachRolePolicyRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<AttachRolePolicyRequest>(async (input, ctx) => {
  await ctx.services.iam.permissions.attachPolicy(accountOf(ctx), { type: 'role', name: input.RoleName }, input.PolicyArn);
});
