/** AttachUserPolicy: attaches a managed policy to a user. */
import type { AttachUserPolicyRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<AttachUserPolicyRequest>(async (input, ctx) => {
  await ctx.services.iam.permissions.attachPolicy(accountOf(ctx), { type: 'user', name: input.UserName }, input.PolicyArn);
});
