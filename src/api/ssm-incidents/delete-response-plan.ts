/** DeleteResponsePlan: idempotent; a plan that does not exist is already deleted. */
import type { DeleteResponsePlanInput, DeleteResponsePlanOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<DeleteResponsePlanInput, DeleteResponsePlanOutput>(async (input, ctx) => {
  await ctx.services.responsePlans.delete(ctx.actor.accountId, input.arn);
});
