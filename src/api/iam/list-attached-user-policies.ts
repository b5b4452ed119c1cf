/** ListAttachedUserPolicies: managed policies attached to a user, in name order. */
import type { ListAttachedUserPoliciesRequest, ListAttachedUserPoliciesResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, pageFields } from './iam-shapes.js';

export default handler<ListAttachedUserPoliciesRequest, ListAttachedUserPoliciesResponse>(async (input, ctx) => {
  const page = await ctx.services.iam.permissions.listAttachedPolicies(accountOf(ctx), { type: 'user', name: input.UserName }, {
    pathPrefix: input.PathPrefix, marker: input.Marker, maxItems: input.MaxItems,
  });
  return { AttachedPolicies: page.items.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })), ...pageFields(page) };
});
