/** DeletePolicyVersion: a version other than the default. */
import type { DeletePolicyVersionRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<DeletePolicyVersionRequest>(async (input, ctx) => {
  await ctx.services.iam.policies.deleteVersion(accountOf(ctx), input.PolicyArn, input.VersionId);
});
