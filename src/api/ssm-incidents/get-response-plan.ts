/** GetResponsePlan: every member as it was given (tags come from ListTagsForResource). */
import type { GetResponsePlanInput, GetResponsePlanOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<GetResponsePlanInput, GetResponsePlanOutput>(async (input, ctx) => {
  const p = await ctx.services.responsePlans.get(ctx.actor.accountId, input.arn);
  return {
    arn: p.arn, name: p.name, displayName: p.displayName, incidentTemplate: p.incidentTemplate,
    chatChannel: p.chatChannel, engagements: p.engagements, actions: p.actions, integrations: p.integrations,
  };
});
