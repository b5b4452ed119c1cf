/** Handlers of the ssm-incidents API, one file per operation. */
import type { OperationHandler } from '../operation.js';
// -- replication sets, response plans, tags, resource policies
import createReplicationSet from './create-replication-set.js';
import getReplicationSet from './get-replication-set.js';
import listReplicationSets from './list-replication-sets.js';
import updateReplicationSet from './update-replication-set.js';
import updateDeletionProtection from './update-deletion-protection.js';
import deleteReplicationSet from './delete-replication-set.js';
import createResponsePlan from './create-response-plan.js';
import getResponsePlan from './get-response-plan.js';
import listResponsePlans from './list-response-plans.js';
import updateResponsePlan from './update-response-plan.js';
import deleteResponsePlan from './delete-response-plan.js';
import tagResource from './tag-resource.js';
import untagResource from './untag-resource.js';
import listTagsForResource from './list-tags-for-resource.js';
import putResourcePolicy from './put-resource-policy.js';
import getResourcePolicies from './get-resource-policies.js';
import deleteResourcePolicy from './delete-resource-policy.js';
// -- incidents, timeline, related items, findings
import startIncident from './start-incident.js';
import getIncidentRecord from './get-incident-record.js';
import listIncidentRecords from './list-incident-records.js';
import updateIncidentRecord from './update-incident-record.js';
import deleteIncidentRecord from './delete-incident-record.js';
import createTimelineEvent from './create-timeline-event.js';
import getTimelineEvent from './get-timeline-event.js';
import listTimelineEvents from './list-timeline-events.js';
import updateTimelineEvent from './update-timeline-event.js';
import deleteTimelineEvent from './delete-timeline-event.js';
import listRelatedItems from './list-related-items.js';
import updateRelatedItems from './update-related-items.js';
import listIncidentFindings from './list-incident-findings.js';
import batchGetIncidentFindings from './batch-get-incident-findings.js';

/** Operation name -> handler. */
export const ssmIncidentsHandlers: Record<string, OperationHandler> = {
  // -- replication sets, response plans, tags, resource policies (entries)
  CreateReplicationSet: createReplicationSet,
  GetReplicationSet: getReplicationSet,
  ListReplicationSets: listReplicationSets,
  UpdateReplicationSet: updateReplicationSet,
  UpdateDeletionProtection: updateDeletionProtection,
  DeleteReplicationSet: deleteReplicationSet,
  CreateResponsePlan: createResponsePlan,
  GetResponsePlan: getResponsePlan,
  ListResponsePlans: listResponsePlans,
  UpdateResponsePlan: updateResponsePlan,
  DeleteResponsePlan: deleteResponsePlan,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  PutResourcePolicy: putResourcePolicy,
  GetResourcePolicies: getResourcePolicies,
  DeleteResourcePolicy: deleteResourcePolicy,
  // -- incidents, timeline, related items, findings (entries)
  StartIncident: startIncident,
  GetIncidentRecord: getIncidentRecord,
  ListIncidentRecords: listIncidentRecords,
  UpdateIncidentRecord: updateIncidentRecord,
  DeleteIncidentRecord: deleteIncidentRecord,
  CreateTimelineEvent: createTimelineEvent,
  GetTimelineEvent: getTimelineEvent,
  ListTimelineEvents: listTimelineEvents,
  UpdateTimelineEvent: updateTimelineEvent,
  DeleteTimelineEvent: deleteTimelineEvent,
  ListRelatedItems: listRelatedItems,
  UpdateRelatedItems: updateRelatedItems,
  ListIncidentFindings: listIncidentFindings,
  BatchGetIncidentFindings: batchGetIncidentFindings,
};
