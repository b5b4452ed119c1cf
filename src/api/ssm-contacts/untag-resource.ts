/** UntagResource: removes tag keys of a contact (absent keys are fine). */
import type { UntagResourceRequest, UntagResourceResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<UntagResourceRequest, UntagResourceResult>(async (input, ctx) => {
  await ctx.services.tags.untag(ctx.actor.accountId, input.ResourceARN, input.TagKeys, 'ssm-contacts');
});
