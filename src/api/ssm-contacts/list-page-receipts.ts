/** ListPageReceipts: SENT, DELIVERED, READ, ERROR and STOP, in order. */
import type { ListPageReceiptsRequest, ListPageReceiptsResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<ListPageReceiptsRequest, ListPageReceiptsResult>(async (input, ctx) => {
  const page = await ctx.services.engagements.listReceipts(ctx.actor.accountId, input.PageId, { maxResults: input.MaxResults, nextToken: input.NextToken });
  return {
    Receipts: page.items.map((r) => ({ ContactChannelArn: r.contactChannelArn, ReceiptType: r.receiptType, ReceiptInfo: r.receiptInfo, ReceiptTime: r.receiptTime })),
    NextToken: page.nextToken,
  };
});
