/** AcceptPage: DELIVERED records that a page arrived, READ acknowledges it. */
import type { AcceptPageRequest, AcceptPageResult } from '../models/ssm-contacts.types.js';
import { handler } from '../operation.js';

export default handler<AcceptPageRequest, AcceptPageResult>(async (input, ctx) => {
  await ctx.services.engagements.accept(ctx.actor.accountId, {
    pageArn: input.PageId, contactChannelArn: input.ContactChannelId, acceptType: input.AcceptType, note: input.Note,
    acceptCode: input.AcceptCode, acceptCodeValidation: input.AcceptCodeValidation,
  });
});
