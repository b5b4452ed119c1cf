/**
 * The engine's job loop, in process, on SQLite and PostgreSQL: how fast it drains a backlog
 * (jobs/s) and how long a job waits from its due time to its completion (p50/p99).
 *
 *   npx tsx bench/engine.ts                          # both databases
 *   npx tsx bench/engine.ts --db sqlite --jobs 20000 --rate 500 --seconds 5
 *
 * Flags: --db sqlite|postgres|both (both), --jobs N (10000, the backlog), --batch N (32, the
 * engine's batch size), --rate R (300 jobs/s enqueued in the latency runs), --seconds S (4, each
 * latency run), --pg-url URL (admin URL where a fresh database is created and dropped).
 *
 * Per database, a fresh database and one Engine (system clock, LISTEN on PostgreSQL):
 * 1. backlog: N no-op jobs are enqueued (500 per transaction) with the engine stopped, then it
 *    starts; jobs/s = N / time from start to the last completion. Each job is a claim (shared
 *    by its batch) and a durable completion (its row deleted), so this is the queue's overhead.
 * 2. due at once: an open loop enqueues R jobs/s, each in its own transaction, due at once;
 *    latency = completion - due time, so it includes the enqueue's durable commit, the wake-up
 *    (in process on SQLite, NOTIFY on PostgreSQL), the claim and the completion.
 * 3. scheduled: the same with each job due 100 ms after it is enqueued (the loop's timers).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '../src/db/database.js';
import { Engine } from '../src/engine/engine.js';
import { createLogger } from '../src/logger.js';
import { systemClock } from '../src/time/clock.js';
import { summarize, type LatencySummary } from './load.js';
import { adminQuery } from './server-process.js';

const { values: flags } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    jobs: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '32' },
    rate: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '4' },
    'pg-url': { type: 'string', default: process.env.TOCSIN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const jobs = Number(flags.jobs);
const batchSize = Number(flags.batch);
const rate = Number(flags.rate);
const seconds = Number(flags.seconds);
const databases = (flags.db === 'both' ? ['sqlite', 'postgres'] : [flags.db]) as ('sqlite' | 'postgres')[];

/** Epoch milliseconds with sub-millisecond resolution. */
const nowMs = () => performance.timeOrigin + performance.now();

async function open(kind: 'sqlite' | 'postgres'): Promise<{ database: Database; url?: string; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-bench-engine-'));
  let url: string | undefined;
  let name: string | undefined;
  if (kind === 'postgres') {
    name = `tocsin_bench_engine_${process.pid}_${Date.now().toString(36)}`;
    await adminQuery(flags['pg-url']!, `CREATE DATABASE ${name}`);
    const u = new URL(flags['pg-url']!);
    u.pathname = `/${name}`;
    url = u.toString();
  }
  const database = await openDatabase({ dataDir, databaseUrl: url });
  return {
    database, url,
    cleanup: async () => {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (name) await adminQuery(flags['pg-url']!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Enqueues `rate` jobs/s for `seconds`, each due `aheadMs` after it is enqueued; resolves with due-to-completion latencies. */
async function openLoop(engine: Engine, database: Database, aheadMs: number): Promise<LatencySummary> {
  const total = Math.round(rate * seconds);
  const due = new Map<number, number>();
  const lat: number[] = [];
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  const onDone = ({ job }: { job: { payload: unknown } }) => {
    const d = due.get((job.payload as { i?: number } | null)?.i ?? -1);
    if (d === undefined) return;
    lat.push(nowMs() - d);
    if (lat.length === total) finished();
  };
  engine.on('job:completed', onDone);
  const t0 = nowMs();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const at = t0 + (i * 1000) / rate;
    if (at > nowMs()) await new Promise((r) => setTimeout(r, at - nowMs()));
    const runAt = Math.ceil(nowMs() + aheadMs);
    // Keyed by payload, set before the write: the job may complete before the write's promise resolves.
    due.set(i, runAt);
    writes.push(database.write((trx) => engine.enqueue(trx, { kind: 'bench:noop', runAt: new Date(runAt), payload: { i } })).then(() => undefined));
  }
  await Promise.all(writes);
  await all;
  engine.off('job:completed', onDone);
  return summarize(lat);
}

async function runOne(kind: 'sqlite' | 'postgres') {
  const { database, url, cleanup } = await open(kind);
  const engine = new Engine({ database, clock: systemClock, logger: createLogger('warn'), listenUrl: url, batchSize });
  engine.register({ kind: 'bench:noop', async run() {} });
  try {
    for (let t = 0; t < jobs / 500; t++) {
      await database.write(async (trx) => {
        for (let i = 0; i < 500; i++) await engine.enqueue(trx, { kind: 'bench:noop' });
      });
    }
    let done = 0;
    const drained = new Promise<void>((r) => engine.on('job:completed', () => ++done === jobs && r()));
    const t0 = nowMs();
    await engine.start();
    await drained;
    const drainSeconds = (nowMs() - t0) / 1000;
    engine.removeAllListeners('job:completed');
    // Let PostgreSQL's LISTEN connection settle before measuring wake-ups.
    await new Promise((r) => setTimeout(r, 300));
    const atOnce = await openLoop(engine, database, 0);
    const scheduled = await openLoop(engine, database, 100);
    return { kind, jobsPerSecond: jobs / drainSeconds, atOnce, scheduled };
  } finally {
    await engine.stop();
    await cleanup();
  }
}

const f = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
console.log(`engine bench: ${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}; backlog ${jobs}, batch ${batchSize}, open loop ${rate} jobs/s for ${seconds} s`);
const rows: string[] = [];
for (const kind of databases) {
  const r = await runOne(kind);
  rows.push(`| ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${Math.round(r.jobsPerSecond)} | ${f(r.atOnce.p50)} / ${f(r.atOnce.p99)} / ${f(r.atOnce.max)} | ${f(r.scheduled.p50)} / ${f(r.scheduled.p99)} / ${f(r.scheduled.max)} |`);
  console.log(rows.at(-1));
}
console.log('');
console.log(`| database | backlog drain, jobs/s | due at once: due → completed p50 / p99 / max ms @ ${rate}/s | due in 100 ms: p50 / p99 / max ms |`);
console.log('|---|---:|---|---|');
for (const row of rows) console.log(row);
