/** DetachUserPolicy: detaches a managed policy from a user. */
import type { DetachUserPolicyRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<DetachUserPolicyRequest>(async (input, ctx) => {
  await ctx.services.iam.permissions.detachPolicy(accountOf(ctx), { type: 'user', name: input.UserName }, input.PolicyArn);
});
