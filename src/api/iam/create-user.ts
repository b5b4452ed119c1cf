/** CreateUser: a user with a path and tags. */
import type { CreateUserRequest, CreateUserResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, userShape } from './iam-shapes.js';

export default handler<CreateUserRequest, CreateUserResponse>(async (input, ctx) => {
  const user = await ctx.services.iam.users.create(accountOf(ctx), {
    userName: input.UserName, path: input.Path, tags: input.Tags, permissionsBoundary: input.PermissionsBoundary,
  });
  return { User: userShape(user, user.tags) };
});
