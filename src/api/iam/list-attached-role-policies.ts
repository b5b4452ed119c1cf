/** ListAttachedRolePolicies: managed policies attached to a role, in name order. */
import type { ListAttachedRolePoliciesRequest, ListAttachedRolePoliciesResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, pageFields } from './iam-shapes.js';

export default handler<ListAttachedRolePoliciesRequest, ListAttachedRolePoliciesResponse>(async (input, ctx) => {
  const page = await ctx.services.iam.permissions.listAttachedPolicies(accountOf(ctx), { type: 'role', name: input.RoleName }, {
    pathPrefix: input.PathPrefix, marker: input.Marker, maxItems: input.MaxItems,
  });
  return { AttachedPolicies: page.items.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })), ...pageFields(page) };
});
