/** DeleteContact: with its channels, tags and policy; refused while a plan still engages it. */
import type { DeleteContactRequest, DeleteContactResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<DeleteContactRequest, DeleteContactResult>(async (input, ctx) => {
  await ctx.services.contacts.delete(ctx.actor.accountId, input.ContactId);
});
