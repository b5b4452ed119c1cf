/** TagResource: adds or overwrites tags of a contact. */
import type { TagResourceRequest, TagResourceResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<TagResourceRequest, TagResourceResult>(async (input, ctx) => {
  await ctx.services.tags.tagList(ctx.actor.accountId, input.ResourceARN, input.Tags);
});
