/** GetUser: the named user, or the signing user when no name is given (root: the account). */
import type { GetUserRequest, GetUserResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, implicitUser, userShape } from './iam-shapes.js';

export default handler<GetUserRequest, GetUserResponse>(async (input, ctx) => {
  const name = implicitUser(ctx.caller, input.UserName);
  if (name === undefined) {
    // Root: IAM describes the account's root principal (it has no name or path; the model requires them).
    const account = await ctx.services.accounts.findAccount(ctx.caller.accountId);
    return { User: { Path: '/', UserName: '', UserId: ctx.caller.accountId, Arn: ctx.caller.principalArn, CreateDate: account?.createdAt ?? new Date(0) } };
  }
  const user = await ctx.services.iam.users.get(accountOf(ctx), name);
  return { User: userShape(user, user.tags) };
});
