/** DescribeEngagement. */
import type { DescribeEngagementRequest, DescribeEngagementResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<DescribeEngagementRequest, DescribeEngagementResult>(async (input, ctx) => {
  const e = await ctx.services.engagements.describe(ctx.actor.accountId, input.EngagementId);
  return {
    ContactArn: e.contactArn, EngagementArn: e.arn, Sender: e.sender, Subject: e.subject, Content: e.content,
    PublicSubject: e.publicSubject, PublicContent: e.publicContent, IncidentId: e.incidentId, StartTime: e.startTime, StopTime: e.stopTime,
  };
});
