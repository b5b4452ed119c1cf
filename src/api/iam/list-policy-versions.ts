/** ListPolicyVersions: a managed policy's versions, newest first. */
import type { ListPolicyVersionsRequest, ListPolicyVersionsResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, pageFields, versionShape } from './iam-shapes.js';

export default handler<ListPolicyVersionsRequest, ListPolicyVersionsResponse>(async (input, ctx) => {
  const page = await ctx.services.iam.policies.listVersions(accountOf(ctx), input.PolicyArn, { marker: input.Marker, maxItems: input.MaxItems });
  return { Versions: page.items.map((v) => versionShape(v, false)), ...pageFields(page) };
});
