/** UpdateAssumeRolePolicy: replaces a role's trust policy. */
import type { UpdateAssumeRolePolicyRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<UpdateAssumeRolePolicyRequest>(async (input, ctx) => {
  await ctx.services.iam.roles.updateTrustPolicy(accountOf(ctx), input.RoleName, input.PolicyDocument);
});
