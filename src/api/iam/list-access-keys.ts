/** ListAccessKeys: a user's keys (root: the account's root keys), never their secrets. */
import type { ListAccessKeysRequest, ListAccessKeysResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, implicitUser, pageFields } from './iam-shapes.js';

export default handler<ListAccessKeysRequest, ListAccessKeysResponse>(async (input, ctx) => {
  const page = await ctx.services.iam.accessKeys.list(accountOf(ctx), implicitUser(ctx.caller, input.UserName), { marker: input.Marker, maxItems: input.MaxItems });
  return {
    AccessKeyMetadata: page.items.map((k) => ({
      ...(k.userName !== undefined ? { UserName: k.userName } : {}), AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: k.createdAt,
    })),
    ...pageFields(page),
  };
});
