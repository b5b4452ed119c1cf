/** CreatePolicyVersion: a new version (at most five), the default when SetAsDefault. */
import type { CreatePolicyVersionRequest, CreatePolicyVersionResponse } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf, versionShape } from './iam-shapes.js';

export default handler<CreatePolicyVersionRequest, CreatePolicyVersionResponse>(async (input, ctx) => {
  const version = await ctx.services.iam.policies.createVersion(accountOf(ctx), input.PolicyArn, input.PolicyDocument, input.SetAsDefault ?? false);
  return { PolicyVersion: versionShape(version, false) };
});
