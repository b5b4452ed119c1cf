/** DescribePage: a page with its engagement's texts and its sent, delivery and read times. */
import type { DescribePageRequest, DescribePageResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<DescribePageRequest, DescribePageResult>(async (input, ctx) => {
  const { page, engagement: e } = await ctx.services.engagements.describePage(ctx.actor.accountId, input.PageId);
  return {
    PageArn: page.arn, EngagementArn: e.arn, ContactArn: page.contactArn, Sender: e.sender, Subject: e.subject, Content: e.content,
    PublicSubject: e.publicSubject, PublicContent: e.publicContent, IncidentId: e.incidentId,
    SentTime: page.sentTime, ReadTime: page.readTime, DeliveryTime: page.deliveryTime,
  };
});
