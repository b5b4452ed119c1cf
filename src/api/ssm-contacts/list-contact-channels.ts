/** ListContactChannels: a contact's channels in creation order. */
import type { ListContactChannelsRequest, ListContactChannelsResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';
import { contactChannelOutput } from './contact-channel-output.js';

export default handler<ListContactChannelsRequest, ListContactChannelsResult>(async (input, ctx) => {
  const page = await ctx.services.contactChannels.list(ctx.actor.accountId, input.ContactId, { maxResults: input.MaxResults, nextToken: input.NextToken });
  return { ContactChannels: page.channels.map(contactChannelOutput), NextToken: page.nextToken };
});
