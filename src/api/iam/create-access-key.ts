/** CreateAccessKey: a new Active key for a user; the only response that carries its secret. */
import type { CreateAccessKeyRequest, CreateAccessKeyResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, implicitUserForChange } from './iam-shapes.js';

export default handler<CreateAccessKeyRequest, CreateAccessKeyResponse>(async (input, ctx) => {
  const key = await ctx.services.iam.accessKeys.create(accountOf(ctx), implicitUserForChange(ctx.caller, input.UserName));
  return {
    AccessKey: { UserName: key.userName!, AccessKeyId: key.accessKeyId, Status: key.status, SecretAccessKey: key.secretAccessKey, CreateDate: key.createdAt },
  };
});
