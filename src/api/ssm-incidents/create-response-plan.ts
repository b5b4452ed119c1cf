/** CreateResponsePlan: a new incident template with its engagements, runbook, chat and integrations. */
import type { CreateResponsePlanInput, CreateResponsePlanOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<CreateResponsePlanInput, CreateResponsePlanOutput>(async (input, ctx) => {
  const { clientToken, ...plan } = input;
  const arn = await ctx.services.responsePlans.create(ctx.actor.accountId, plan, clientToken);
  return { arn };
});
