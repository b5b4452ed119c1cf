/** UpdateContact: a new display name and/or a whole new plan. */
import type { UpdateContactRequest, UpdateContactResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<UpdateContactRequest, UpdateContactResult>(async (input, ctx) => {
  await ctx.services.contacts.update(ctx.actor.accountId, input.ContactId, { displayName: input.DisplayName, plan: input.Plan });
});
