/** GetContactPolicy: the contact's resource policy, if it has one. */
import type { GetContactPolicyRequest, GetContactPolicyResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<GetContactPolicyRequest, GetContactPolicyResult>(async (input, ctx) => {
  return { ContactArn: input.ContactArn, Policy: await ctx.services.contacts.getPolicy(ctx.actor.accountId, input.ContactArn) };
});
