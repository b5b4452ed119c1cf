/** ListPageResolutions: how the page's contact was reached (escalation plan, on-call schedule, contact). */
import type { ListPageResolutionsRequest, ListPageResolutionsResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<ListPageResolutionsRequest, ListPageResolutionsResult>(async (input, ctx) => {
  return { PageResolutions: await ctx.services.engagements.listResolutions(ctx.actor.accountId, input.PageId) };
});
