/** StopEngagement: nobody else is engaged and nothing more is sent. */
import type { StopEngagementRequest, StopEngagementResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<StopEngagementRequest, StopEngagementResult>(async (input, ctx) => {
  await ctx.services.engagements.stop(ctx.actor.accountId, input.EngagementId, input.Reason);
});
