/** DeleteAccessKey: deletes a user's key; requests signed with it stop working. */
import type { DeleteAccessKeyRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, implicitUserForChange } from './iam-shapes.js';

export default handler<DeleteAccessKeyRequest>(async (input, ctx) => {
  await ctx.services.iam.accessKeys.delete(accountOf(ctx), implicitUserForChange(ctx.caller, input.UserName), input.AccessKeyId);
});
