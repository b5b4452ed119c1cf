/** ListReplicationSets: the ARN of the caller's set, if any. */
import type { ListReplicationSetsInput, ListReplicationSetsOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<ListReplicationSetsInput, ListReplicationSetsOutput>(async (input, ctx) => {
  const page = await ctx.services.replicationSets.list(ctx.actor.accountId, input);
  return { replicationSetArns: page.arns, nextToken: page.nextToken };
});
