/** StartEngagement: engages a contact, escalation plan or on-call schedule now. */
import type { StartEngagementRequest, StartEngagementResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<StartEngagementRequest, StartEngagementResult>(async (input, ctx) => {
  const EngagementArn = await ctx.services.engagements.start(ctx.actor.accountId, {
    contactArn: input.ContactId, sender: input.Sender, subject: input.Subject, content: input.Content,
    publicSubject: input.PublicSubject, publicContent: input.PublicContent, incidentId: input.IncidentId,
  }, input.IdempotencyToken);
  return { EngagementArn };
});
