/** PutUserPolicy: creates or replaces an inline policy of a user. */
import type { PutUserPolicyRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<PutUserPolicyRequest>(async (input, ctx) => {
  await ctx.services.iam.permissions.putInlinePolicy(accountOf(ctx), { type: 'user', name: input.UserName }, input.PolicyName, input.PolicyDocument);
});
