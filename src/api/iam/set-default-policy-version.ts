/** SetDefaultPolicyVersion: makes a version the one in effect. */
import type { SetDefaultPolicyVersionRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<SetDefaultPolicyVersionRequest>(async (input, ctx) => {
  await ctx.services.iam.policies.setDefaultVersion(accountOf(ctx), input.PolicyArn, input.VersionId);
});
