/** UntagResource: removes tag keys (absent keys are fine). */
import type { UntagResourceRequest, UntagResourceResponse } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<UntagResourceRequest, UntagResourceResponse>(async (input, ctx) => {
  await ctx.services.tags.untag(ctx.actor.accountId, input.resourceArn, input.tagKeys);
});
