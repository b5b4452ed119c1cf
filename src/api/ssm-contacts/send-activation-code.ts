/** SendActivationCode: a fresh code over the channel itself. */
import type { SendActivationCodeRequest, SendActivationCodeResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<SendActivationCodeRequest, SendActivationCodeResult>(async (input, ctx) => {
  await ctx.services.contactChannels.sendActivationCode(ctx.actor.accountId, input.ContactChannelId);
});
