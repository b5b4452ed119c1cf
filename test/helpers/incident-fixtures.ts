/** Response plans and incidents for the incident smoke tests, made through the SDK. */
import {
  CreateResponsePlanCommand, StartIncidentCommand, type CreateResponsePlanCommandInput, type IncidentTemplate,
  type StartIncidentCommandInput,
} from '@aws-sdk/client-ssm-incidents';
import type { TestServer } from './server.js';

let plans = 0;

/** Creates a response plan (a fresh name each call) and returns its ARN. */
export async function createPlan(
  s: TestServer, template: Partial<IncidentTemplate> = {}, extra: Partial<CreateResponsePlanCommandInput> = {},
): Promise<string> {
  const out = await s.incidents.send(new CreateResponsePlanCommand({
    name: `plan-${process.pid}-${++plans}`,
    incidentTemplate: { title: 'Checkout is down', impact: 2, ...template },
    ...extra,
  }));
  return out.arn!;
}

/** Starts an incident from a plan and returns its ARN. */
export async function startIncident(s: TestServer, responsePlanArn: string, extra: Partial<StartIncidentCommandInput> = {}): Promise<string> {
  const out = await s.incidents.send(new StartIncidentCommand({ responsePlanArn, ...extra }));
  return out.incidentRecordArn!;
}

/** An incident record ARN in another account (never visible to the test caller). */
export function foreignIncidentArn(): string {
  return 'arn:aws:ssm-incidents::999988887777:incident-record/plan/3f1e6c1a-7b1d-4d3e-9c1a-0b9e8f7a6d5c';
}
