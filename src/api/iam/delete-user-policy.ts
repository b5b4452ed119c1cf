/** DeleteUserPolicy: deletes an inline policy of a user. */
import type { DeleteUserPolicyRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<DeleteUserPolicyRequest>(async (input, ctx) => {
  await ctx.services.iam.permissions.deleteInlinePolicy(accountOf(ctx), { type: 'user', name: input.UserName }, input.PolicyName);
});
