/** TagUser: adds or overwrites a user's tags. */
import type { TagUserRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<TagUserRequest>(async (input, ctx) => {
  await ctx.services.iam.users.tag(accountOf(ctx), input.UserName, input.Tags);
});
