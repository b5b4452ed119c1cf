/** UntagUser: removes a user's tags by key. */
import type { UntagUserRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<UntagUserRequest>(async (input, ctx) => {
  await ctx.services.iam.users.untag(accountOf(ctx), input.UserName, input.TagKeys);
});
