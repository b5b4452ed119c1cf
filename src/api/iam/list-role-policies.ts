/** ListRolePolicies: names of a role's inline policies. */
import type { ListRolePoliciesRequest, ListRolePoliciesResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, pageFields } from './iam-shapes.js';

export default handler<ListRolePoliciesRequest, ListRolePoliciesResponse>(async (input, ctx) => {
  const page = await ctx.services.iam.permissions.listInlinePolicies(accountOf(ctx), { type: 'role', name: input.RoleName }, { marker: input.Marker, maxItems: input.MaxItems });
  return { PolicyNames: page.items, ...pageFields(page) };
});
