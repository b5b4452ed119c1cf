/** ListRoles: the account's roles under a path prefix, in name order. */
import type { ListRolesRequest, ListRolesResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, pageFields, roleShape } from './iam-shapes.js';

export default handler<ListRolesRequest, ListRolesResponse>(async (input, ctx) => {
  const page = await ctx.services.iam.roles.list(accountOf(ctx), { pathPrefix: input.PathPrefix, marker: input.Marker, maxItems: input.MaxItems });
  return { Roles: page.items.map((r) => roleShape(r)), ...pageFields(page) };
});
