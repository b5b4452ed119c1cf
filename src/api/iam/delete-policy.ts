/** DeletePolicy: a managed policy attached to nothing, with only its default version left. */
import type { DeletePolicyRequest } from '../models/iam.types.js';
import { handler } from '../operation.js';
import { accountOf } from './iam-shapes.js';

export default handler<DeletePolicyRequest>(async (input, ctx) => {
  await ctx.services.iam.policies.delete(accountOf(ctx), input.PolicyArn);
});
