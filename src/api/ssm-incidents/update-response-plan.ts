/** UpdateResponsePlan: changes the members present; the incidentTemplate* members change the template. */
import type { UpdateResponsePlanInput, UpdateResponsePlanOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<UpdateResponsePlanInput, UpdateResponsePlanOutput>(async (input, ctx) => {
  await ctx.services.responsePlans.update(ctx.actor.accountId, input.arn, {
    displayName: input.displayName,
    title: input.incidentTemplateTitle,
    impact: input.incidentTemplateImpact,
    summary: input.incidentTemplateSummary,
    dedupeString: input.incidentTemplateDedupeString,
    notificationTargets: input.incidentTemplateNotificationTargets,
    incidentTags: input.incidentTemplateTags,
    chatChannel: input.chatChannel,
    engagements: input.engagements,
    actions: input.actions,
    integrations: input.integrations,
  }, input.clientToken);
});
