/** GetContact: the contact with its plan (tags come from ListTagsForResource). */
import type { GetContactRequest, GetContactResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<GetContactRequest, GetContactResult>(async (input, ctx) => {
  const c = await ctx.services.contacts.get(ctx.actor.accountId, input.ContactId);
  return { ContactArn: c.arn, Alias: c.alias, DisplayName: c.displayName, Type: c.type, Plan: c.plan };
});
