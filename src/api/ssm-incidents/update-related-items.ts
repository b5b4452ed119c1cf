/** UpdateRelatedItems: adds one related item or removes one. */
import type { UpdateRelatedItemsInput, UpdateRelatedItemsOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<UpdateRelatedItemsInput, UpdateRelatedItemsOutput>(async (input, ctx) => {
  await ctx.services.incidents.updateRelatedItems(ctx.actor, input.incidentRecordArn, input.relatedItemsUpdate, input.clientToken);
});
