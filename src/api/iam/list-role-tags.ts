/** ListRoleTags: a role's tags. */
import type { ListRoleTagsRequest, ListRoleTagsResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, pageFields } from './iam-shapes.js';

export default handler<ListRoleTagsRequest, ListRoleTagsResponse>(async (input, ctx) => {
  const page = await ctx.services.iam.roles.listTags(accountOf(ctx), input.RoleName, { marker: input.Marker, maxItems: input.MaxItems });
  return { Tags: page.items, ...pageFields(page) };
});
