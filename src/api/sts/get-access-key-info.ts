/** GetAccessKeyInfo: the account an access key id belongs to. */
import type { GetAccessKeyInfoRequest, GetAccessKeyInfoResponse } from '../models/sts.types.js';
import { handler } from '../operation.js';

export default handler<GetAccessKeyInfoRequest, GetAccessKeyInfoResponse>(async (input, ctx) => {
  const info = await ctx.services.sts.accessKeyInfo(input.AccessKeyId);
  return { Account: info.account };
});
