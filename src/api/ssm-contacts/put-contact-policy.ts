/** PutContactPolicy: the contact's resource policy (replacing any earlier one), which shares it with other accounts. */
import type { PutContactPolicyRequest, PutContactPolicyResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<PutContactPolicyRequest, PutContactPolicyResult>(async (input, ctx) => {
  await ctx.services.contacts.putPolicy(ctx.actor.accountId, input.ContactArn, input.Policy);
});
