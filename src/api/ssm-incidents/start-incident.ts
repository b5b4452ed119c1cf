/** StartIncident: opens an incident from a response plan (or returns the OPEN duplicate). */
import type { StartIncidentInput, StartIncidentOutput } from '../models/ssm-incidents.types.js';
import { handler } from '../operation.js';

export default handler<StartIncidentInput, StartIncidentOutput>(async (input, ctx) => {
  const incidentRecordArn = await ctx.services.incidents.start(ctx.actor, input);
  return { incidentRecordArn };
});
