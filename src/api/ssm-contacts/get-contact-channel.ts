/** GetContactChannel: the channel with its activation status. */
import type { GetContactChannelRequest, GetContactChannelResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';
import { contactChannelOutput } from './contact-channel-output.js';

export default handler<GetContactChannelRequest, GetContactChannelResult>(async (input, ctx) => {
  return contactChannelOutput(await ctx.services.contactChannels.get(ctx.actor.accountId, input.ContactChannelId));
});
