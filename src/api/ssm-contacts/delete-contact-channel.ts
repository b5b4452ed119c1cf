/** DeleteContactChannel: the channel stops being engaged (plans naming it skip it, as in AWS). */
import type { DeleteContactChannelRequest, DeleteContactChannelResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<DeleteContactChannelRequest, DeleteContactChannelResult>(async (input, ctx) => {
  await ctx.services.contactChannels.delete(ctx.actor.accountId, input.ContactChannelId);
});
