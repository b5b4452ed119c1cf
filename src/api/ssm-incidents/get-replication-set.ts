/** GetReplicationSet: the set with its regions. */
import type { GetReplicationSetInput, GetReplicationSetOutput, RegionInfo } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<GetReplicationSetInput, GetReplicationSetOutput>(async (input, ctx) => {
  const set = await ctx.services.replicationSets.get(ctx.actor.accountId, input.arn);
  const regionMap: Record<string, RegionInfo> = {};
  for (const [name, r] of Object.entries(set.regions)) {
    regionMap[name] = { sseKmsKeyId: r.sseKmsKeyId, status: r.status, statusMessage: r.statusMessage, statusUpdateDateTime: r.statusUpdatedAt };
  }
  return {
    replicationSet: {
      arn: set.arn, createdBy: set.createdBy, createdTime: set.createdAt, deletionProtected: set.deletionProtected,
      lastModifiedBy: set.lastModifiedBy, lastModifiedTime: set.lastModifiedAt, regionMap, status: set.status,
    },
  };
});
