/** ListPagesByEngagement: the pages an engagement made, oldest first. */
import type { ListPagesByEngagementRequest, ListPagesByEngagementResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';
import { pageSummary } from './page-summary.js';

export default handler<ListPagesByEngagementRequest, ListPagesByEngagementResult>(async (input, ctx) => {
  const page = await ctx.services.engagements.listPages(ctx.actor.accountId, { engagementArn: input.EngagementId }, {
    maxResults: input.MaxResults, nextToken: input.NextToken,
  });
  return { Pages: page.items.map(pageSummary), NextToken: page.nextToken };
});
