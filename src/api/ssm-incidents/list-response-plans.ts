/** ListResponsePlans: summaries in name order. */
import type { ListResponsePlansInput, ListResponsePlansOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<ListResponsePlansInput, ListResponsePlansOutput>(async (input, ctx) => {
  const page = await ctx.services.responsePlans.list(ctx.actor.accountId, input);
  return { responsePlanSummaries: page.summaries, nextToken: page.nextToken };
});
