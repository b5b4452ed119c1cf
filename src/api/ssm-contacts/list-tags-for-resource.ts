/** ListTagsForResource: a contact's tags as a list of {Key, Value}. */
import type { ListTagsForResourceRequest, ListTagsForResourceResult } from '../models/ssm-contacts.types.js';
import { toTagList } from '../../tags/tag-list.js';
import { handler } from '../operation.js';

export default handler<ListTagsForResourceRequest, ListTagsForResourceResult>(async (input, ctx) => {
  return { Tags: toTagList(await ctx.services.tags.list(ctx.actor.accountId, input.ResourceARN, 'ssm-contacts')) };
});
