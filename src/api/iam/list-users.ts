/** ListUsers: the account's users under a path prefix, in name order. */
import type { ListUsersRequest, ListUsersResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, pageFields, userShape } from './iam-shapes.js';

export default handler<ListUsersRequest, ListUsersResponse>(async (input, ctx) => {
  const page = await ctx.services.iam.users.list(accountOf(ctx), { pathPrefix: input.PathPrefix, marker: input.Marker, maxItems: input.MaxItems });
  return { Users: page.items.map((u) => userShape(u)), ...pageFields(page) };
});
