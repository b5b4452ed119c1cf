/** DeleteUser: a user with nothing attached (DeleteConflict otherwise). */
import type { DeleteUserRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<DeleteUserRequest>(async (input, ctx) => {
  await ctx.services.iam.users.delete(accountOf(ctx), input.UserName);
});
