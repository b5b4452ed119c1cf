/**
 * The work queue on the run's database (SQLite, or PostgreSQL with TOCSIN_TEST_DB=postgres):
 * transactional enqueue, due times on a ManualClock, retries and death, dedupe keys, sendOnce,
 * timeouts, leases, the background loop's wake-up, graceful stop and the token sweep.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import type { Database } from '../../src/db/database.js';
import { tokenSweep } from '../../src/engine/token-sweep.js';
import { LeaseLostError, PermanentJobError, type Job, type JobKind } from '../../src/engine/job.js';
import type { SendOutcome } from '../../src/engine/deliveries.js';
import { ManualClock, systemClock } from '../../src/time/clock.js';
import { onPostgres, startTestServer } from '../helpers/server.js';
import { openTestDatabase, type TestDatabase } from '../helpers/test-databases.js';
import { gate, jobRows, nextEvent, testEngine } from './engine-helpers.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
let tdb: TestDatabase;
let database: Database;

before(async () => {
  tdb = await openTestDatabase(onPostgres ? 'postgres' : 'sqlite');
  database = tdb.database;
});
after(() => tdb.drop());
beforeEach(async () => {
  await database.write(async (trx) => {
    await trx.deleteFrom('engine_jobs').execute();
    await trx.deleteFrom('engine_deliveries').execute();
    await trx.deleteFrom('settings').where('key', 'like', 'test:%').execute();
    await trx.deleteFrom('idempotency_tokens').execute();
  });
});

/** The state change a test handler commits with its completion. */
const mark = (key: string, value = '') => (trx: Parameters<Parameters<Database['write']>[0]>[0]) =>
  trx.insertInto('settings').values({ key: `test:${key}`, value }).execute().then(() => undefined);
const marks = async () => (await database.db.selectFrom('settings').selectAll().where('key', 'like', 'test:%').orderBy('key').execute())
  .map((r) => `${r.key.slice(5)}=${r.value}`);

test('a job enqueued in a transaction that rolls back does not exist; a committed one runs once, with its state change', async () => {
  const engine = testEngine(database, new ManualClock(T0));
  const runs: Job[] = [];
  engine.register({ kind: 'record', async run(job, ctx) {
    runs.push(job);
    await ctx.complete(mark(job.id, JSON.stringify(job.payload)));
  } });
  await assert.rejects(database.write(async (trx) => {
    await engine.enqueue(trx, { kind: 'record', payload: { n: 1 } });
    throw new Error('the state change failed');
  }), /the state change failed/);
  assert.deepEqual(await jobRows(database), []);
  assert.equal(await engine.runDue(), 0);

  const id = await database.write((trx) => engine.enqueue(trx, { kind: 'record', payload: { n: 2 } }));
  assert.equal(await engine.runDue(), 1);
  assert.equal(await engine.runDue(), 0);
  assert.deepEqual(runs.map((j) => [j.id, j.attempt, j.payload]), [[id, 1, { n: 2 }]]);
  assert.deepEqual(await marks(), [`${id}={"n":2}`]);
  assert.deepEqual(await jobRows(database), [], 'a completed job is gone');
  await assert.rejects(database.write((trx) => engine.enqueue(trx, { kind: 'nope' })), /unknown job kind 'nope'/);
});

test('a future job waits for its time and runs when the clock reaches it', async () => {
  const clock = new ManualClock(T0);
  const engine = testEngine(database, clock);
  const ran: number[] = [];
  engine.register({ kind: 'later', async run() {
    ran.push(clock.now().getTime());
  } });
  await database.write((trx) => engine.enqueue(trx, { kind: 'later', runAt: new Date(T0 + 3 * 3600_000) }));
  assert.equal(await engine.runDue(), 0);
  clock.advance(3 * 3600_000 - 1);
  assert.equal(await engine.runDue(), 0);
  clock.advance(1);
  assert.equal(await engine.runDue(), 1);
  assert.deepEqual(ran, [T0 + 3 * 3600_000]);
});

test('a failing job is retried with growing delays, its attempts and error recorded, and dies after max attempts', async () => {
  const clock = new ManualClock(T0);
  const engine = testEngine(database, clock);
  const seen: (string | null)[] = [];
  engine.register({ kind: 'flaky', maxAttempts: 3, backoffMs: { baseMs: 1000, capMs: 60_000 }, async run(job) {
    seen.push(job.lastError);
    throw new Error(`boom ${job.attempt}`);
  } });
  const retried: Date[] = [];
  engine.on('job:retried', (e) => retried.push(e.nextRunAt));
  const died = nextEvent(engine, 'job:failed');
  await database.write((trx) => engine.enqueue(trx, { kind: 'flaky' }));

  assert.equal(await engine.runDue(), 1);
  let [row] = await jobRows(database);
  assert.equal(row!.state, 'waiting');
  assert.equal(row!.attempts, 1);
  assert.equal(row!.last_error, 'boom 1');
  const first = Number(row!.run_at) - clock.now().getTime();
  assert.ok(first >= 500 && first <= 1000, `first retry after ${first} ms`);
  assert.equal(await engine.runDue(), 0, 'not due before its backoff');

  clock.set(Number(row!.run_at));
  assert.equal(await engine.runDue(), 1);
  [row] = await jobRows(database);
  assert.equal(row!.attempts, 2);
  const second = Number(row!.run_at) - clock.now().getTime();
  assert.ok(second >= 1000 && second <= 2000, `second retry after ${second} ms`);

  clock.set(Number(row!.run_at));
  assert.equal(await engine.runDue(), 1);
  const dead = await died;
  assert.equal(dead.error, 'boom 3');
  assert.equal(dead.job.attempt, 3);
  [row] = await jobRows(database);
  assert.deepEqual([row!.state, row!.attempts, row!.last_error, row!.locked_by], ['dead', 3, 'boom 3', null]);
  assert.deepEqual(seen, [null, 'boom 1', 'boom 2']);
  assert.equal(retried.length, 2);
  clock.advance(24 * 3600_000);
  assert.equal(await engine.runDue(), 0, 'a dead job never runs again');
});

test('a permanent failure kills the job at once', async () => {
  const engine = testEngine(database, new ManualClock(T0));
  engine.register({ kind: 'doomed', async run() {
    throw new PermanentJobError('no such address');
  } });
  engine.register({ kind: 'refused', async run() {
    throw Object.assign(new Error('provider refused the number'), { permanent: true });
  } });
  await database.write(async (trx) => {
    await engine.enqueue(trx, { kind: 'doomed' });
    await engine.enqueue(trx, { kind: 'refused' });
  });
  assert.equal(await engine.runDue(), 2);
  const rows = await jobRows(database);
  assert.deepEqual(rows.map((r) => [r.kind, r.state, r.attempts, r.last_error]).sort(), [
    ['doomed', 'dead', 1, 'PermanentJobError: no such address'],
    ['refused', 'dead', 1, 'provider refused the number'],
  ]);
});

test('a dedupe key keeps the waiting job, or with replace moves it; a running job does not hold its key', async () => {
  const clock = new ManualClock(T0);
  const engine = testEngine(database, clock);
  const hold = gate();
  const started = gate<Job>();
  engine.register({ kind: 'keyed', async run(job) {
    if ((job.payload as { hold?: boolean }).hold) {
      started.open(job);
      await hold.promise;
      throw new Error('failed after a newer job was enqueued');
    }
  } });
  const enqueue = (payload: unknown, runAtMs: number, replace = false) =>
    database.write((trx) => engine.enqueue(trx, { kind: 'keyed', dedupeKey: 'k', payload, runAt: new Date(runAtMs), replace }));

  const id = await enqueue({ v: 'a' }, T0 + 10_000);
  assert.ok(id);
  assert.equal(await enqueue({ v: 'b' }, T0 + 1000), undefined, 'the waiting job is kept');
  let rows = await jobRows(database);
  assert.deepEqual(rows.map((r) => [r.id, r.payload, Number(r.run_at)]), [[id, '{"v":"a"}', T0 + 10_000]]);
  assert.equal(await enqueue({ v: 'c' }, T0 + 5000, true), id, 'replace keeps the id');
  rows = await jobRows(database);
  assert.deepEqual(rows.map((r) => [r.id, r.payload, Number(r.run_at)]), [[id, '{"v":"c"}', T0 + 5000]]);
  assert.equal(await enqueue({ hold: true }, T0, true), id);

  // While it runs, the key is free: work enqueued now is not lost.
  const run = engine.runDue();
  await started.promise;
  const newer = await enqueue({ v: 'newer' }, T0 + 60_000);
  assert.ok(newer && newer !== id);
  // It then fails: the newer waiting job does the work, so the failed one gives way.
  const superseded = nextEvent(engine, 'job:superseded');
  hold.open();
  await run;
  assert.equal((await superseded).job.id, id);
  rows = await jobRows(database);
  assert.deepEqual(rows.map((r) => [r.id, r.state, r.payload]), [[newer, 'waiting', '{"v":"newer"}']]);
});

test('sendOnce calls the provider once per key: never again once sent, again after a refusal, never after a lost "sending"', async () => {
  const clock = new ManualClock(T0);
  const engine = testEngine(database, clock);
  const calls: string[] = [];
  const outcomes: [string, SendOutcome<{ providerId: string }>][] = [];
  let refuseNext = false;
  engine.register({ kind: 'page', backoffMs: { baseMs: 1000, capMs: 1000 }, async run(job, ctx) {
    const key = (job.payload as { key: string }).key;
    const out = await ctx.sendOnce(key, async () => {
      calls.push(key);
      if (refuseNext) {
        refuseNext = false;
        throw new Error('provider answered 503');
      }
      return { providerId: `msg-${calls.length}` };
    });
    outcomes.push([key, out]);
  } });
  const page = (key: string) => database.write((trx) => engine.enqueue(trx, { kind: 'page', payload: { key } }));
  const delivery = (key: string) => database.db.selectFrom('engine_deliveries').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();

  await page('A');
  assert.equal(await engine.runDue(), 1);
  await page('A');
  assert.equal(await engine.runDue(), 1);
  assert.deepEqual(calls, ['A']);
  assert.deepEqual(outcomes.map(([, o]) => o), [
    { status: 'sent', providerId: 'msg-1', result: { providerId: 'msg-1' }, repeated: false },
    { status: 'sent', providerId: 'msg-1', result: { providerId: 'msg-1' }, repeated: true },
  ]);
  assert.deepEqual([(await delivery('A')).state, (await delivery('A')).provider_id], ['sent', 'msg-1']);

  // A refusal is recorded; the retry may call again (the provider did not take the message).
  refuseNext = true;
  await page('B');
  assert.equal(await engine.runDue(), 1);
  assert.deepEqual([(await delivery('B')).state, (await delivery('B')).error], ['failed', 'provider answered 503']);
  clock.advance(1000);
  assert.equal(await engine.runDue(), 1);
  assert.deepEqual(calls, ['A', 'B', 'B']);
  assert.equal((await delivery('B')).state, 'sent');

  // 'sending' left by a process that died during the call: not called again, outcome unknown.
  await database.write((trx) => trx.insertInto('engine_deliveries')
    .values({ idempotency_key: 'C', state: 'sending', job_id: 'a-dead-process-job', attempt: 1, started_at: T0 - 5000 }).execute());
  const unknown = nextEvent(engine, 'delivery:unknown');
  await page('C');
  assert.equal(await engine.runDue(), 1);
  assert.equal((await unknown).key, 'C');
  assert.deepEqual(calls, ['A', 'B', 'B']);
  assert.deepEqual(outcomes.at(-1), ['C', { status: 'unknown' }]);
  assert.equal((await delivery('C')).state, 'unknown');
  await page('C');
  assert.equal(await engine.runDue(), 1);
  assert.deepEqual(calls, ['A', 'B', 'B'], 'still never called');
});

test('a hanging call times out; the retry finds its "sending" record and does not call again', async () => {
  const clock = new ManualClock(T0);
  const engine = testEngine(database, clock);
  let calls = 0;
  const results: string[] = [];
  engine.register({ kind: 'stuck-send', timeoutMs: 100, backoffMs: { baseMs: 10, capMs: 10 }, async run(_job, ctx) {
    const out = await ctx.sendOnce('D', async () => {
      calls++;
      await new Promise(() => {}); // the provider never answers
      return { providerId: 'never' };
    });
    results.push(out.status);
  } });
  const retried = nextEvent(engine, 'job:retried');
  await database.write((trx) => engine.enqueue(trx, { kind: 'stuck-send' }));
  assert.equal(await engine.runDue(), 1);
  assert.match((await retried).error, /timed out after 100 ms/);
  clock.advance(10);
  assert.equal(await engine.runDue(), 1);
  assert.equal(calls, 1);
  assert.deepEqual(results, ['unknown']);
  assert.deepEqual(await jobRows(database), []);
});

test('a handler that outlives its timeout cannot complete: its state change is refused and the retry completes', async () => {
  const clock = new ManualClock(T0);
  const engine = testEngine(database, clock);
  const late = gate<unknown>();
  engine.register({ kind: 'slow', timeoutMs: 100, backoffMs: { baseMs: 10, capMs: 10 }, async run(job, ctx) {
    if (job.attempt === 1) {
      await new Promise((r) => setTimeout(r, 300));
      late.open(await ctx.complete(mark('slow-first')).catch((err) => err));
      return;
    }
    await ctx.complete(mark('slow-retry'));
  } });
  await database.write((trx) => engine.enqueue(trx, { kind: 'slow' }));
  assert.equal(await engine.runDue(), 1);
  clock.advance(10);
  assert.equal(await engine.runDue(), 1);
  assert.ok((await late.promise) instanceof LeaseLostError);
  assert.deepEqual(await marks(), ['slow-retry=']);
});

/** Two engines ("nodes") with a 60 s lease on one ManualClock, and gates to hold the first one's run. */
function twoNodes() {
  const clock = new ManualClock(T0);
  const settings = { leaseMs: 60_000, jobTimeoutMs: 10_000 };
  return {
    clock, hold: gate(), started: gate(),
    first: testEngine(database, clock, { ...settings, nodeId: 'first' }),
    second: testEngine(database, clock, { ...settings, nodeId: 'second' }),
  };
}

test('a job whose lease ended is run again by another engine, and the first run can no longer complete it', async () => {
  const { clock, first, second, hold, started } = twoNodes();
  const kind = (name: string): JobKind => ({ kind: 'leased', async run(job, ctx) {
    if (name === 'first') {
      started.open();
      await hold.promise;
    }
    await ctx.complete(mark(`by-${name}`, String(job.attempt)));
  } });
  first.register(kind('first'));
  second.register(kind('second'));
  await database.write((trx) => first.enqueue(trx, { kind: 'leased' }));
  const lost = nextEvent(first, 'job:leaseLost');
  const firstRun = first.runDue();
  await started.promise;
  clock.advance(59_999);
  assert.equal(await second.runDue(), 0, 'the lease still holds');
  clock.advance(1);
  assert.equal(await second.runDue(), 1);
  hold.open();
  await firstRun;
  await lost;
  assert.deepEqual(await marks(), ['by-second=2']);
  assert.deepEqual(await jobRows(database), []);
});

test('a job whose node died during its last attempt dies when its lease ends instead of running again', async () => {
  const { clock, first, second, hold, started } = twoNodes();
  let secondRan = false;
  first.register({ kind: 'once', maxAttempts: 1, async run() {
    started.open();
    await hold.promise;
  } });
  second.register({ kind: 'once', maxAttempts: 1, async run() {
    secondRan = true;
  } });
  await database.write((trx) => first.enqueue(trx, { kind: 'once' }));
  const firstRun = first.runDue();
  await started.promise;
  clock.advance(60_000);
  const died = nextEvent(second, 'job:failed');
  assert.equal(await second.runDue(), 1);
  assert.match((await died).error, /the process running attempt 1 stopped before it finished/);
  assert.equal(secondRan, false);
  const [row] = await jobRows(database);
  assert.deepEqual([row!.state, row!.attempts], ['dead', 2]);
  hold.open();
  await firstRun;
  assert.equal((await jobRows(database))[0]!.state, 'dead', 'the first run could not complete it either');
});

test('the running engine runs a job enqueued now well under a second later, and a later one not before its time', async () => {
  const engine = testEngine(database, systemClock, { listenUrl: tdb.location.databaseUrl });
  engine.register({ kind: 'prompt', async run() {} });
  await engine.start();
  try {
    // Let PostgreSQL's LISTEN connection come up (a job committed before it is found by the poll, later).
    if (onPostgres) await new Promise((r) => setTimeout(r, 300));
    const lags: number[] = [];
    for (let i = 0; i < 5; i++) {
      const done = nextEvent(engine, 'job:completed');
      const t0 = Date.now();
      await database.write((trx) => engine.enqueue(trx, { kind: 'prompt' }));
      const e = await done;
      lags.push(Date.now() - t0);
      assert.ok(e.lagMs >= 0);
    }
    assert.ok(Math.max(...lags) < 500, `enqueue to completion took ${lags.join(', ')} ms`);

    const done = nextEvent(engine, 'job:completed');
    const runAt = Date.now() + 300;
    await database.write((trx) => engine.enqueue(trx, { kind: 'prompt', runAt: new Date(runAt) }));
    const e = await done;
    assert.ok(e.lagMs >= 0 && e.lagMs < 500, `ran ${e.lagMs} ms after its time`);
    assert.ok(Date.now() >= runAt);
  } finally {
    await engine.stop();
  }
});

test('with every slot busy, a wake-up waits for a free slot (the event loop keeps turning) and the job runs then', async () => {
  const engine = testEngine(database, systemClock, { batchSize: 2, listenUrl: tdb.location.databaseUrl });
  const hold = gate();
  let started = 0;
  const busy = new Promise<void>((resolve) => engine.on('job:started', () => ++started === 2 && resolve()));
  engine.register({ kind: 'hold', async run() {
    await hold.promise;
  } });
  engine.register({ kind: 'after', async run() {} });
  await engine.start();
  try {
    await database.write(async (trx) => {
      await engine.enqueue(trx, { kind: 'hold' });
      await engine.enqueue(trx, { kind: 'hold' });
    });
    await busy;
    const after = nextEvent(engine, 'job:completed', (e) => e.job.kind === 'after');
    await database.write((trx) => engine.enqueue(trx, { kind: 'after' }));
    await new Promise((r) => setTimeout(r, 50)); // would never fire if the loop spun on the wake-up
    assert.equal(engine.running, 2);
    hold.open();
    await after;
  } finally {
    await engine.stop();
  }
});

test('stop lets a running job finish and gives back one that outlasts the grace period; a throwing listener changes nothing', async () => {
  const engine = testEngine(database, systemClock, { stopGraceMs: 200, listenUrl: tdb.location.databaseUrl });
  const started: string[] = [];
  engine.register({ kind: 'quick', async run(_job, ctx) {
    started.push('quick');
    await new Promise((r) => setTimeout(r, 50));
    await ctx.complete(mark('quick'));
  } });
  engine.register({ kind: 'endless', async run(_job, ctx) {
    started.push('endless');
    await new Promise((r) => ctx.signal.addEventListener('abort', r));
  } });
  engine.on('job:started', () => {
    throw new Error('a broken metrics listener');
  });
  let count = 0;
  const both = new Promise<void>((resolve) => engine.on('job:started', () => ++count === 2 && resolve()));
  await engine.start();
  await database.write(async (trx) => {
    await engine.enqueue(trx, { kind: 'quick' });
    await engine.enqueue(trx, { kind: 'endless' });
  });
  await both;
  const released = nextEvent(engine, 'job:released');
  await engine.stop();
  assert.equal((await released).job.kind, 'endless');
  assert.deepEqual(started.sort(), ['endless', 'quick']);
  assert.deepEqual(await marks(), ['quick=']);
  const rows = await jobRows(database);
  assert.deepEqual(rows.map((r) => [r.kind, r.state, r.attempts, r.locked_by]), [['endless', 'waiting', 0, null]]);
});

test('the token sweep is one job per cluster: it deletes expired tokens and schedules its next run', async () => {
  const clock = new ManualClock(T0);
  const a = testEngine(database, clock);
  const b = testEngine(database, clock);
  a.register(tokenSweep);
  b.register(tokenSweep);
  await database.write((trx) => tokenSweep.ensure(a, trx, clock.now()));
  await database.write((trx) => tokenSweep.ensure(b, trx, clock.now()));
  let rows = await jobRows(database);
  assert.deepEqual(rows.map((r) => [r.kind, r.state, Number(r.run_at)]), [['idempotency:token-sweep', 'waiting', T0 + 3600_000]]);
  const token = (token: string, createdAt: number) => ({ account_id: '111122223333', operation: 'StartIncident', token, request_hash: 'h', response: '', created_at: createdAt });
  await database.write((trx) => trx.insertInto('idempotency_tokens').values([token('old', T0 - 24 * 3600_000), token('fresh', T0)]).execute());
  clock.advance(3600_000);
  assert.equal(await a.runDue() + await b.runDue(), 1);
  const left = await database.db.selectFrom('idempotency_tokens').select('token').execute();
  assert.deepEqual(left.map((t) => t.token), ['fresh']);
  rows = await jobRows(database);
  assert.deepEqual(rows.map((r) => [r.state, Number(r.run_at)]), [['waiting', T0 + 2 * 3600_000]]);
});

test('a server starts its engine with the token sweep scheduled, and close stops it', async () => {
  const clock = new ManualClock(Date.now());
  const server = await startTestServer({ app: { clock } });
  try {
    assert.equal(server.app.engine, server.app.services.engine);
    const rows = await jobRows(server.app.database);
    assert.deepEqual(rows.map((r) => [r.kind, r.state]), [['idempotency:token-sweep', 'waiting']]);
    clock.advance(3600_000);
    const done = nextEvent(server.app.engine, 'job:completed');
    assert.equal(await server.app.engine.runDue(), 1);
    assert.equal((await done).job.kind, 'idempotency:token-sweep');
  } finally {
    await server.close();
  }
});
