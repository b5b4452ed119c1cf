/** ListRelatedItems: an incident's related items in the order they were added. */
import type { ListRelatedItemsInput, ListRelatedItemsOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<ListRelatedItemsInput, ListRelatedItemsOutput>(async (input, ctx) => {
  const { incidentRecordArn, ...page } = input;
  const { items, nextToken } = await ctx.services.incidents.listRelatedItems(ctx.actor, incidentRecordArn, page);
  return {
    relatedItems: items.map((item) => ({ generatedId: item.generatedId, identifier: item.identifier, title: item.title })),
    nextToken,
  };
});
