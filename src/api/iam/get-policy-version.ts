/** GetPolicyVersion: one version of a managed policy, its document URL-encoded. */
import type { GetPolicyVersionRequest, GetPolicyVersionResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, versionShape } from './iam-shapes.js';

export default handler<GetPolicyVersionRequest, GetPolicyVersionResponse>(async (input, ctx) => {
  const version = await ctx.services.iam.policies.getVersion(accountOf(ctx), input.PolicyArn, input.VersionId);
  return { PolicyVersion: versionShape(version, true) };
});
