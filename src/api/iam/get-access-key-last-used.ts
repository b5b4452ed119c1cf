/** GetAccessKeyLastUsed: when, where and with which service a key of the account was last used. */
import { AccessDeniedError } from '../../errors.js';
import type { GetAccessKeyLastUsedRequest, GetAccessKeyLastUsedResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<GetAccessKeyLastUsedRequest, GetAccessKeyLastUsedResponse>(async (input, ctx) => {
  const use = await ctx.services.iam.accessKeys.lastUsed(accountOf(ctx), input.AccessKeyId);
  // A key of another account (or none) is not the caller's to ask about.
  if (!use) {
    throw new AccessDeniedError(`User: ${ctx.caller.principalArn} is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key ${input.AccessKeyId}`);
  }
  // The permission is on the key's owner: its user, or the account root for a root key.
  const owner = use.userArn ?? `arn:aws:iam::${accountOf(ctx)}:root`;
  await ctx.services.access.authorizeTarget(ctx.caller, { action: 'iam:GetAccessKeyLastUsed', resource: owner }, { secureTransport: false });
  return {
    ...(use.userName !== undefined ? { UserName: use.userName } : {}),
    AccessKeyLastUsed: {
      ...(use.lastUsedAt ? { LastUsedDate: use.lastUsedAt } : {}), ServiceName: use.service ?? 'N/A', Region: use.region ?? 'N/A',
    },
  };
});
