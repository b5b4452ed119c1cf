/** ListTagsForResource: the resource's tags as a map. */
import type { ListTagsForResourceRequest, ListTagsForResourceResponse } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<ListTagsForResourceRequest, ListTagsForResourceResponse>(async (input, ctx) => {
  return { tags: await ctx.services.tags.list(ctx.actor.accountId, input.resourceArn) };
});
