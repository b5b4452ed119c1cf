/** TagResource: adds or overwrites tags of a response plan, incident record or the replication set. */
import type { TagResourceRequest, TagResourceResponse } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<TagResourceRequest, TagResourceResponse>(async (input, ctx) => {
  await ctx.services.tags.tag(ctx.actor.accountId, input.resourceArn, input.tags);
});
