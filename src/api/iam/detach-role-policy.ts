/** DetachRolePolicy: detaches a managed policy from a role. */
import type { DetachRolePolicyRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<DetachRolePolicyRequest>(async (input, ctx) => {
  await ctx.services.iam.permissions.detachPolicy(accountOf(ctx), { type: 'role', name: input.RoleName }, input.PolicyArn);
});
