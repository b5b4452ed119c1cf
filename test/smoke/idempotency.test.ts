/** clientToken semantics under concurrency, across DeleteReplicationSet, and over time. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateReplicationSetCommand, CreateResponsePlanCommand, DeleteReplicationSetCommand, ListReplicationSetsCommand,
  ListResponsePlansCommand, StartIncidentCommand,
} from '@aws-sdk/client-ssm-incidents';
import { deleteExpiredTokens, tokenLifetimeMs } from '../../src/idempotency/idempotency.js';
import { ManualClock } from '../../src/time/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const template = { title: 'Site down', impact: 1 };

async function setArns(s: TestServer): Promise<string[]> {
  return (await s.incidents.send(new ListReplicationSetsCommand({}))).replicationSetArns ?? [];
}

async function deleteSet(s: TestServer): Promise<void> {
  for (const arn of await setArns(s)) await s.incidents.send(new DeleteReplicationSetCommand({ arn }));
}

async function tokenCount(s: TestServer): Promise<number> {
  const row = await s.app.database.db.selectFrom('idempotency_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('concurrent first uses of one clientToken', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  test('30 concurrent CreateResponsePlan with one token and identical input all get the same ARN; one plan exists', async () => {
    const input = { name: 'same-token', incidentTemplate: template, clientToken: 'plan-token-1' };
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => s.incidents.send(new CreateResponsePlanCommand(input))));
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    assert.deepEqual(failed.map((r) => `${r.reason.name}: ${r.reason.message}`), []);
    const arns = new Set(results.map((r) => (r as PromiseFulfilledResult<{ arn?: string }>).value.arn));
    assert.equal(arns.size, 1);
    const { responsePlanSummaries } = await s.incidents.send(new ListResponsePlansCommand({}));
    assert.deepEqual(responsePlanSummaries?.map((p) => p.name), ['same-token']);
  });

  test('20 concurrent CreateReplicationSet with one token all get the same ARN', async () => {
    await deleteSet(s);
    const input = { regions: { 'us-east-1': {} }, clientToken: 'rs-token-1' };
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => s.incidents.send(new CreateReplicationSetCommand(input))));
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    assert.deepEqual(failed.map((r) => `${r.reason.name}: ${r.reason.message}`), []);
    const arns = new Set(results.map((r) => (r as PromiseFulfilledResult<{ arn?: string }>).value.arn));
    assert.equal(arns.size, 1);
    assert.deepEqual(await setArns(s), [...arns]);
  });
});

describe('DeleteReplicationSet', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  test('forgets the account\'s clientTokens: the same token creates a new set afterwards', async () => {
    await deleteSet(s);
    const input = { regions: { 'us-east-1': {} }, clientToken: 'rs-tok' };
    const first = await s.incidents.send(new CreateReplicationSetCommand(input));
    await s.incidents.send(new DeleteReplicationSetCommand({ arn: first.arn }));
    assert.deepEqual(await setArns(s), []);
    const second = await s.incidents.send(new CreateReplicationSetCommand(input));
    assert.notEqual(second.arn, first.arn);
    assert.deepEqual(await setArns(s), [second.arn]);
  });
});

describe('clientTokens older than the token lifetime', () => {
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ app: { clock } });
    // The engine's hourly token sweep follows this clock: after each 25-hour jump it would
    // delete rows behind the counts asserted here (the last test sweeps by hand instead).
    await s.app.engine.stop();
  });
  after(() => s.close());
  /** Signs with the server's clock, which runs ahead (the SDK resets its offset from each answer's Date). */
  const send: TestServer['incidents']['send'] = ((command: any) => {
    (s.incidents.config as { systemClockOffset?: number }).systemClockOffset = clock.now().getTime() - Date.now();
    return s.incidents.send(command);
  }) as any;

  test('a retry 25 hours later is a new request', async () => {
    const first = await send(new CreateResponsePlanCommand({ name: 'old', incidentTemplate: template, clientToken: 'aging' }));
    clock.advance(25 * 3600_000);
    const second = await send(new CreateResponsePlanCommand({ name: 'new', incidentTemplate: template, clientToken: 'aging' }));
    assert.notEqual(second.arn, first.arn);
    assert.match(second.arn!, /response-plan\/new$/);
  });

  test('StartIncident with a token used more than the lifetime ago opens a new incident', async () => {
    const planArn = (await send(new CreateResponsePlanCommand({ name: 'start-plan', incidentTemplate: template }))).arn!;
    const start = () => send(new StartIncidentCommand({ responsePlanArn: planArn, clientToken: 'start-aging' }));
    const first = (await start()).incidentRecordArn;
    assert.equal((await start()).incidentRecordArn, first); // a retry within the lifetime replays
    clock.advance(25 * 3600_000);
    const second = (await start()).incidentRecordArn;
    assert.notEqual(second, first);
    assert.equal((await start()).incidentRecordArn, second); // and the renewed token replays again
  });

  test('deleteExpiredTokens removes rows older than the cutoff only', async () => {
    const old = await tokenCount(s);
    assert.equal(old, 3); // 'aging' and 'start-aging' (each renewed once), and the SDK's own token for 'start-plan'
    clock.advance(tokenLifetimeMs + 1);
    await send(new CreateResponsePlanCommand({ name: 'fresh', incidentTemplate: template, clientToken: 'fresh' }));
    const removed = await deleteExpiredTokens(s.app.database.db, clock.now().getTime() - tokenLifetimeMs);
    assert.equal(removed, old);
    assert.equal(await tokenCount(s), 1);
  });
});
