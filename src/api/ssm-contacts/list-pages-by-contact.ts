/** ListPagesByContact: the pages a personal contact received, oldest first. */
import type { ListPagesByContactRequest, ListPagesByContactResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';
import { pageSummary } from './page-summary.js';

export default handler<ListPagesByContactRequest, ListPagesByContactResult>(async (input, ctx) => {
  const page = await ctx.services.engagements.listPages(ctx.actor.accountId, { contactArn: input.ContactId }, {
    maxResults: input.MaxResults, nextToken: input.NextToken,
  });
  return { Pages: page.items.map(pageSummary), NextToken: page.nextToken };
});
