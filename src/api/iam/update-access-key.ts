/** UpdateAccessKey: activates or deactivates a user's key. */
import type { UpdateAccessKeyRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, implicitUserForChange } from './iam-shapes.js';

export default handler<UpdateAccessKeyRequest>(async (input, ctx) => {
  await ctx.services.iam.accessKeys.update(accountOf(ctx), implicitUserForChange(ctx.caller, input.UserName), input.AccessKeyId, input.Status);
});
