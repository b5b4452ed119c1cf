/** DeactivateContactChannel: the channel is no longer engaged until activated again. */
import type { DeactivateContactChannelRequest, DeactivateContactChannelResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<DeactivateContactChannelRequest, DeactivateContactChannelResult>(async (input, ctx) => {
  await ctx.services.contactChannels.deactivate(ctx.actor.accountId, input.ContactChannelId);
});
