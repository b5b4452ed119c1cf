/** CreateReplicationSet: sets Incident Manager up in the caller's account. */
import type { CreateReplicationSetInput, CreateReplicationSetOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<CreateReplicationSetInput, CreateReplicationSetOutput>(async (input, ctx) => {
  const { clientToken, ...rest } = input;
  const arn = await ctx.services.replicationSets.create(ctx.actor, rest, clientToken);
  return { arn };
});
