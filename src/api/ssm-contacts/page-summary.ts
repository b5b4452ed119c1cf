/** The Page shape of ListPagesByContact and ListPagesByEngagement. */
import type { Page as WirePage } from '../models/ssm-contacts.types.js';
import type { Page } from '../../engagements/engagement.js';

/** One listed page. */
export function pageSummary(p: Page & { sender: string; incidentId?: string }): WirePage {
  return {
    PageArn: p.arn, EngagementArn: p.engagementArn, ContactArn: p.contactArn, Sender: p.sender, IncidentId: p.incidentId,
    SentTime: p.sentTime, DeliveryTime: p.deliveryTime, ReadTime: p.readTime,
  };
}
