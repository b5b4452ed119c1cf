/** GetCallerIdentity: the account, ARN and unique id of whoever signed the request. */
import type { GetCallerIdentityRequest, GetCallerIdentityResponse } from '../models/sts.types.js';
import { handler } from '../operation.js';

export default handler<GetCallerIdentityRequest, GetCallerIdentityResponse>(async (_input, ctx) => {
  const id = ctx.services.sts.callerIdentity(ctx.caller);
  return { UserId: id.userId, Account: id.account, Arn: id.arn };
});
