/** ListContacts: summaries in alias order, by alias prefix and type. */
import type { ListContactsRequest, ListContactsResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<ListContactsRequest, ListContactsResult>(async (input, ctx) => {
  const page = await ctx.services.contacts.list(ctx.actor.accountId, {
    aliasPrefix: input.AliasPrefix, type: input.Type, maxResults: input.MaxResults, nextToken: input.NextToken,
  });
  return {
    Contacts: page.contacts.map((c) => ({ ContactArn: c.arn, Alias: c.alias, DisplayName: c.displayName, Type: c.type })),
    NextToken: page.nextToken,
  };
});
