/** UpdateContactChannel: a new name and/or delivery address (a new address must be activated again). */
import type { UpdateContactChannelRequest, UpdateContactChannelResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<UpdateContactChannelRequest, UpdateContactChannelResult>(async (input, ctx) => {
  await ctx.services.contactChannels.update(ctx.actor.accountId, input.ContactChannelId, { name: input.Name, deliveryAddress: input.DeliveryAddress });
});
