/**
 * DeleteReplicationSet wipes the account's data even while incidents are being started: no
 * start that raced the delete leaves an incident (or its timeline) behind.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DeleteReplicationSetCommand, ListReplicationSetsCommand, StartIncidentCommand,
} from '@aws-sdk/client-ssm-incidents';
import { createPlan } from '../helpers/incident-fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => (s = await startTestServer()));
after(() => s.close());

test('starts racing DeleteReplicationSet leave no incident behind', async () => {
  const plans = [await createPlan(s), await createPlan(s, { dedupeString: 'race' })];
  // Warm both paths (and the plan cache) first.
  for (const plan of plans) await s.incidents.send(new StartIncidentCommand({ responsePlanArn: plan }));
  const [setArn] = (await s.incidents.send(new ListReplicationSetsCommand({}))).replicationSetArns!;
  const starts = Array.from({ length: 120 }, (_, i) =>
    s.incidents.send(new StartIncidentCommand({ responsePlanArn: plans[i % 2]! })).then(() => 'ok', (err) => err.name));
  await new Promise((r) => setTimeout(r, 5));
  await s.incidents.send(new DeleteReplicationSetCommand({ arn: setArn! }));
  const outcomes = await Promise.all(starts);
  assert.ok(outcomes.every((o) => ['ok', 'ValidationException', 'ResourceNotFoundException'].includes(o)), String(outcomes));
  const db = s.app.database.db;
  const left = await db.selectFrom('incidents').select('arn').where('account_id', '=', s.accountId).execute();
  assert.deepEqual(left, []);
  const events = await db.selectFrom('timeline_events').select('event_id').execute();
  assert.deepEqual(events, []);
});
