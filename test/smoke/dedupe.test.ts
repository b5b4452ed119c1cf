/** StartIncident dedupe: one OPEN incident per dedupe string, sequentially and under concurrency. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GetIncidentRecordCommand, ListRelatedItemsCommand, ListTimelineEventsCommand, UpdateIncidentRecordCommand,
} from '@aws-sdk/client-ssm-incidents';
import { sql } from 'kysely';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { createPlan, startIncident } from '../helpers/incident-fixtures.js';
import { onPostgres, startTestServer, type TestServer } from '../helpers/server.js';

describe('StartIncident dedupe', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  const incidentsOf = (plan: string) =>
    s.app.database.db.selectFrom('incidents').select(['arn', 'status']).where('response_plan_arn', '=', plan).execute();
  const resolve = (arn: string) => s.incidents.send(new UpdateIncidentRecordCommand({ arn, status: 'RESOLVED' }));

  test('a second start with the dedupe string of an OPEN incident returns that incident and creates nothing', async () => {
    const plan = await createPlan(s, { dedupeString: 'db-primary-down' });
    const first = await startIncident(s, plan);
    const second = await startIncident(s, plan, { title: 'Another alarm' });
    assert.equal(second, first);
    assert.equal((await incidentsOf(plan)).length, 1);
    const events = (await s.incidents.send(new ListTimelineEventsCommand({ incidentRecordArn: first }))).eventSummaries!;
    assert.equal(events.length, 1);
    const record = (await s.incidents.send(new GetIncidentRecordCommand({ arn: first }))).incidentRecord!;
    assert.equal(record.dedupeString, 'db-primary-down');
    assert.equal(record.title, 'Checkout is down');
  });

  test('related items sent with a duplicate start join the open incident, once each', async () => {
    const plan = await createPlan(s, { dedupeString: 'evidence' });
    const dashboard = { identifier: { type: 'METRIC' as const, value: { url: 'https://grafana.example.com/d/1' } } };
    const first = await startIncident(s, plan, { relatedItems: [dashboard] });
    const runbook = { identifier: { type: 'OTHER' as const, value: { url: 'https://wiki.example.com/runbook' } } };
    assert.equal(await startIncident(s, plan, { relatedItems: [dashboard, runbook] }), first);
    const items = (await s.incidents.send(new ListRelatedItemsCommand({ incidentRecordArn: first }))).relatedItems!;
    assert.deepEqual(items.map((i) => i.identifier!.value!.url), ['https://grafana.example.com/d/1', 'https://wiki.example.com/runbook']);
  });

  test('once the incident is resolved, the next start opens a new incident', async () => {
    const plan = await createPlan(s, { dedupeString: 'disk-full' });
    const first = await startIncident(s, plan);
    await resolve(first);
    const second = await startIncident(s, plan);
    assert.notEqual(second, first);
    assert.equal(await startIncident(s, plan), second);
    assert.deepEqual((await incidentsOf(plan)).map((r) => r.status).sort(), ['OPEN', 'RESOLVED']);
  });

  test('plans without a dedupe string open a new incident every time', async () => {
    const plan = await createPlan(s);
    assert.notEqual(await startIncident(s, plan), await startIncident(s, plan));
  });

  test('reopening a resolved incident while another OPEN one holds its dedupe string is ConflictException naming it', async () => {
    const plan = await createPlan(s, { dedupeString: 'cpu-hot' });
    const first = await startIncident(s, plan);
    await resolve(first);
    const second = await startIncident(s, plan);
    const err = await expectAwsError(s.incidents.send(new UpdateIncidentRecordCommand({ arn: first, status: 'OPEN' })), 'ConflictException', 409, second);
    assert.equal(err.resourceIdentifier, second);
    await resolve(second);
    await s.incidents.send(new UpdateIncidentRecordCommand({ arn: first, status: 'OPEN' }));
    assert.equal(await startIncident(s, plan), first, 'the reopened incident holds the dedupe string again');
  });

  for (const tokens of ['no clientToken', 'distinct clientTokens', 'one shared clientToken'] as const) {
    test(`25 concurrent starts with one dedupe string and ${tokens} open exactly one incident`, async () => {
      const plan = await createPlan(s, { dedupeString: `storm-${tokens}` });
      const token = (i: number) => (tokens === 'no clientToken' ? '' : tokens === 'distinct clientTokens' ? `storm-${i}` : 'storm-shared');
      const arns = await Promise.all(Array.from({ length: 25 }, (_, i) => startIncident(s, plan, { clientToken: token(i) })));
      assert.equal(new Set(arns).size, 1);
      const rows = await incidentsOf(plan);
      assert.deepEqual(rows, [{ arn: arns[0], status: 'OPEN' }]);
      const events = await s.app.database.db.selectFrom('timeline_events').select('event_id').where('incident_arn', '=', arns[0]!).execute();
      assert.equal(events.length, 1);
    });
  }

  test('20 concurrent starts sharing one clientToken on a plan without a dedupe string open exactly one incident', async () => {
    const plan = await createPlan(s);
    const arns = await Promise.all(Array.from({ length: 20 }, () => startIncident(s, plan, { clientToken: 'retry-storm' })));
    assert.equal(new Set(arns).size, 1);
    assert.deepEqual(await incidentsOf(plan), [{ arn: arns[0], status: 'OPEN' }]);
    const events = await s.app.database.db.selectFrom('timeline_events').select('event_id').where('incident_arn', '=', arns[0]!).execute();
    assert.equal(events.length, 1);
  });

  test('the dedupe lookup reads the dedupe index, not every incident of the account, even without statistics', async () => {
    const db = s.app.database.db;
    const lookup = 'SELECT arn FROM incidents WHERE account_id = $1 AND open_dedupe = $2';
    let plan: string;
    if (onPostgres) {
      // A prepared statement's generic plan, as the pool's named statements use after five runs.
      plan = await db.connection().execute(async (c) => {
        await sql`SET plan_cache_mode = force_generic_plan`.execute(c);
        await sql.raw(`PREPARE dedupe_lookup(text, text) AS ${lookup}`).execute(c);
        try {
          const rows = (await sql.raw<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE dedupe_lookup('a', 'b')`).execute(c)).rows;
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        } finally {
          await sql`DEALLOCATE dedupe_lookup`.execute(c);
          await sql`RESET plan_cache_mode`.execute(c);
        }
      });
      assert.match(plan, /incidents_open_dedupe_key/);
    } else {
      const rows = (await sql.raw<{ detail: string }>(`EXPLAIN QUERY PLAN ${lookup.replace(/\$\d/g, "'x'")}`).execute(db)).rows;
      plan = rows.map((r) => r.detail).join('\n');
      assert.match(plan, /\(account_id=\? AND open_dedupe=\?\)/);
    }
  });
});
