/** ActivateContactChannel: the code sent to the channel activates it. */
import type { ActivateContactChannelRequest, ActivateContactChannelResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<ActivateContactChannelRequest, ActivateContactChannelResult>(async (input, ctx) => {
  await ctx.services.contactChannels.activate(ctx.actor.accountId, input.ContactChannelId, input.ActivationCode);
});
