/** ListPolicies: managed policies by scope (Local, AWS, All), path prefix and attachment. */
import type { ListPoliciesRequest, ListPoliciesResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, pageFields, policyShape } from './iam-shapes.js';

export default handler<ListPoliciesRequest, ListPoliciesResponse>(async (input, ctx) => {
  const page = await ctx.services.iam.policies.list(accountOf(ctx), {
    scope: input.Scope, onlyAttached: input.OnlyAttached, pathPrefix: input.PathPrefix, policyUsageFilter: input.PolicyUsageFilter,
    marker: input.Marker, maxItems: input.MaxItems,
  });
  return { Policies: page.items.map((p) => policyShape(p, { description: false })), ...pageFields(page) };
});
