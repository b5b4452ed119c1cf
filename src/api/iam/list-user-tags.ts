/** ListUserTags: a user's tags. */
import type { ListUserTagsRequest, ListUserTagsResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, pageFields } from './iam-shapes.js';

export default handler<ListUserTagsRequest, ListUserTagsResponse>(async (input, ctx) => {
  const page = await ctx.services.iam.users.listTags(accountOf(ctx), input.UserName, { marker: input.Marker, maxItems: input.MaxItems });
  return { Tags: page.items, ...pageFields(page) };
});
