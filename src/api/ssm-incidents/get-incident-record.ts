/** GetIncidentRecord: every member of the record. */
import type { GetIncidentRecordInput, GetIncidentRecordOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<GetIncidentRecordInput, GetIncidentRecordOutput>(async (input, ctx) => {
  const i = await ctx.services.incidents.get(ctx.actor, input.arn);
  return {
    incidentRecord: {
      arn: i.arn, title: i.title, summary: i.summary, status: i.status, impact: i.impact,
      creationTime: i.createdAt, resolvedTime: i.resolvedAt, lastModifiedTime: i.lastModifiedAt, lastModifiedBy: i.lastModifiedBy,
      dedupeString: i.dedupeString, incidentRecordSource: i.source, chatChannel: i.chatChannel,
      notificationTargets: i.notificationTargets, automationExecutions: i.automationExecutions,
    },
  };
});
