/** ListUserPolicies: names of a user's inline policies. */
import type { ListUserPoliciesRequest, ListUserPoliciesResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, pageFields } from './iam-shapes.js';

export default handler<ListUserPoliciesRequest, ListUserPoliciesResponse>(async (input, ctx) => {
  const page = await ctx.services.iam.permissions.listInlinePolicies(accountOf(ctx), { type: 'user', name: input.UserName }, { marker: input.Marker, maxItems: input.MaxItems });
  return { PolicyNames: page.items, ...pageFields(page) };
});
