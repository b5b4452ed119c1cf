/** CreateContactChannel: an EMAIL, SMS or VOICE channel of a personal contact; sends its activation code unless DeferActivation. */
import type { CreateContactChannelRequest, CreateContactChannelResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<CreateContactChannelRequest, CreateContactChannelResult>(async (input, ctx) => {
  const ContactChannelArn = await ctx.services.contactChannels.create(ctx.actor.accountId, {
    contactArn: input.ContactId, name: input.Name, type: input.Type, address: input.DeliveryAddress.SimpleAddress,
    deferActivation: input.DeferActivation,
  }, input.IdempotencyToken);
  return { ContactChannelArn };
});
