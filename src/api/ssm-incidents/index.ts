/** Handlers of the ssm-incidents API, one file per operation. */
import type { OperationHandler } from '../operation.js';
// -- replication sets, response plans, tags, resource policies
// -- incidents, timeline, related items, findings

/** Operation name -> handler. */
export const ssmIncidentsHandlers: Record<string, OperationHandler> = {
  // -- replication sets, response plans, tags, resource policies (entries)
  // -- incidents, timeline, related items, findings (entries)
};
