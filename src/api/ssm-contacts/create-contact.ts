/** CreateContact: a personal contact, escalation plan or on-call schedule, with its plan and tags. */
import type { CreateContactRequest, CreateContactResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<CreateContactRequest, CreateContactResult>(async (input, ctx) => {
  const { IdempotencyToken, Alias, DisplayName, Type, Plan, Tags } = input;
  const ContactArn = await ctx.services.contacts.create(ctx.actor.accountId, { alias: Alias, displayName: DisplayName, type: Type, plan: Plan, tags: Tags }, IdempotencyToken);
  return { ContactArn };
});
