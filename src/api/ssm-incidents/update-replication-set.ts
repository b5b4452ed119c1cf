/** UpdateReplicationSet: adds or deletes one region (the model allows exactly one action). */
import type { RegionChange } from '../../replication-sets/replication-set.js';
import type { UpdateReplicationSetInput, UpdateReplicationSetOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<UpdateReplicationSetInput, UpdateReplicationSetOutput>(async (input, ctx) => {
  const action = input.actions[0]!;
  const change: RegionChange = action.addRegionAction
    ? { add: { regionName: action.addRegionAction.regionName, sseKmsKeyId: action.addRegionAction.sseKmsKeyId } }
    : { remove: { regionName: action.deleteRegionAction!.regionName } };
  await ctx.services.replicationSets.updateRegions(ctx.actor, input.arn, change, input.clientToken);
});
