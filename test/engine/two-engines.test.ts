/**
 * Several nodes share one PostgreSQL database: two engines on two Database connections (two
 * pools, two LISTEN connections) run 2,000 jobs; every job runs exactly once and both work.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import { systemClock } from '../../src/time/clock.js';
import { onPostgres } from '../helpers/server.js';
import { openTestDatabase } from '../helpers/test-databases.js';
import { testEngine } from './engine-helpers.js';

const jobs = 2000;

test('two engines on one PostgreSQL database run every one of 2,000 jobs exactly once, and both take part', { skip: !onPostgres && 'one process per SQLite data directory' }, async () => {
  const tdb = await openTestDatabase('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-engine-'));
  const other = await openDatabase({ dataDir: dir, databaseUrl: tdb.location.databaseUrl, poolSize: 4 });
  try {
    await sql`CREATE TABLE test_effects (job_id text NOT NULL, engine text NOT NULL)`.execute(tdb.database.db);
    const runs = new Map<string, number>();
    const engines = [tdb.database, other].map((database, i) => {
      const engine = testEngine(database, systemClock, { listenUrl: tdb.location.databaseUrl, nodeId: `node-${i}`, batchSize: 16 });
      engine.register({ kind: 'count', async run(job, ctx) {
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        await ctx.complete((trx) => sql`INSERT INTO test_effects VALUES (${job.id}, ${`node-${i}`})`.execute(trx).then(() => undefined));
      } });
      return engine;
    });
    let completed = 0;
    const all = new Promise<void>((resolve) => {
      for (const e of engines) e.on('job:completed', () => ++completed === jobs && resolve());
    });
    await Promise.all(engines.map((e) => e.start()));
    // Let both LISTEN connections come up, so neither waits for its poll to see the first jobs.
    await new Promise((r) => setTimeout(r, 300));
    // Enqueued through both nodes, 100 per transaction.
    for (let t = 0; t < jobs / 100; t++) {
      const [database, engine] = t % 2 ? [other, engines[1]!] : [tdb.database, engines[0]!];
      await database.write(async (trx) => {
        for (let i = 0; i < 100; i++) await engine.enqueue(trx, { kind: 'count', payload: { t, i } });
      });
    }
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${completed} of ${jobs} jobs completed in 60 s`)), 60_000).unref());
    await Promise.race([all, timeout]);
    await Promise.all(engines.map((e) => e.stop()));

    assert.equal(runs.size, jobs);
    assert.deepEqual([...new Set(runs.values())], [1], 'no job ran twice');
    const effects = await sql<{ engine: string; n: number; distinct_jobs: number }>`
      SELECT engine, count(*)::int AS n, count(DISTINCT job_id)::int AS distinct_jobs FROM test_effects GROUP BY engine ORDER BY engine`.execute(tdb.database.db);
    assert.equal(effects.rows.reduce((a, r) => a + r.n, 0), jobs);
    assert.equal(effects.rows.reduce((a, r) => a + r.distinct_jobs, 0), jobs);
    assert.deepEqual(effects.rows.map((r) => r.engine), ['node-0', 'node-1'], `both engines ran jobs: ${JSON.stringify(effects.rows)}`);
    assert.ok(effects.rows.every((r) => r.n > 0));
    const left = await tdb.database.db.selectFrom('engine_jobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(left.n), 0);
  } finally {
    await other.close();
    rmSync(dir, { recursive: true, force: true });
    await tdb.drop();
  }
});
