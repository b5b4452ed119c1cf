/**
 * Jobs survive the process: a server is killed with SIGKILL (as test/smoke/durability.test.ts
 * does) while one job is claimed and two wait; after the restart the overdue one runs at once,
 * the future one at its time, and the claimed one again: at once on SQLite (the next process
 * owns the data directory, so the old lease is void), after its lease on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../../src/db/database.js';
import { freshDatabaseEnv, onPostgres } from '../helpers/server.js';
import { root } from '../helpers/server-process.js';

interface Line { event: string; key?: string; attempt?: number; at: number; runAt?: number; base?: number }

const children: ChildProcess[] = [];
after(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

/** Starts test/engine/job-server.ts; `next(match)` resolves with the first printed line that matches. */
function jobServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/engine/job-server.ts')], {
    cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, TOCSIN_PORT: '0', TOCSIN_LOG_LEVEL: 'warn', TOCSIN_ACCOUNT_ID: '111122223333', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: Line[] = [];
  const waiters: { match: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  child.stdout!.on('data', (d) => {
    out += d;
    let nl;
    while ((nl = out.indexOf('\n')) >= 0) {
      const text = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as Line;
      lines.push(line);
      for (const w of waiters.filter((x) => x.match(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = (match: (l: Line) => boolean, timeoutMs = 20_000) => new Promise<Line>((resolve, reject) => {
    const seen = lines.find(match);
    if (seen) return resolve(seen);
    const timer = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
    waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    void exited.then((code) => reject(new Error(`job server exited (${code}); stderr:\n${err}`)));
  });
  return { child, next, exited };
}

const completed = (key: string) => (l: Line) => l.event === 'completed' && l.key === key;
const untilMs = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

test('after a SIGKILL, the next process runs the overdue job at once, the future one at its time, and the claimed one again', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-restart-'));
  const { env: dbEnv, drop } = await freshDatabaseEnv();
  const leaseMs = 3000;
  const env: Record<string, string> = {
    TOCSIN_DATA_DIR: dataDir, TOCSIN_ENGINE_LEASE_MS: String(leaseMs), TOCSIN_ENGINE_JOB_TIMEOUT_MS: '2000',
    ...(dbEnv.DATABASE_URL ? { DATABASE_URL: dbEnv.DATABASE_URL } : {}),
  };
  try {
    const first = jobServer({ ...env, TEST_ENQUEUE: JSON.stringify([
      { kind: 'test:hang', key: 'claimed', delayMs: 0 },
      { kind: 'test:record', key: 'overdue', delayMs: 1000 },
      { kind: 'test:record', key: 'future', delayMs: 7000 },
    ]) });
    const ready = await first.next((l) => l.event === 'ready');
    const claimed = await first.next((l) => l.event === 'started' && l.key === 'claimed');
    first.child.kill('SIGKILL');
    await first.exited;
    // Restart only once the 'overdue' job is past due.
    await untilMs(ready.base! + 1000);

    const second = jobServer(env);
    const restarted = await second.next((l) => l.event === 'ready');
    const overdue = await second.next(completed('overdue'));
    assert.ok(overdue.at - restarted.at < 1000, `the overdue job ran ${overdue.at - restarted.at} ms after the restart`);
    const again = await second.next(completed('claimed'));
    assert.equal(again.attempt, 2);
    if (onPostgres) assert.ok(again.at >= claimed.at + leaseMs, 'taken over only once its lease ended');
    else assert.ok(again.at - restarted.at < 1000, `the claimed job ran again ${again.at - restarted.at} ms after the restart`);
    const future = await second.next(completed('future'));
    assert.ok(future.at >= ready.base! + 7000, 'not before its time');
    assert.ok(future.at - Math.max(future.runAt!, restarted.at) < 1000, `the future job ran ${future.at - future.runAt!} ms after its time`);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);

    const database = await openDatabase({ dataDir, databaseUrl: dbEnv.DATABASE_URL, poolSize: 1 });
    try {
      const ran = await database.db.selectFrom('settings').selectAll().where('key', 'like', 'test:ran:%').orderBy('key').execute();
      assert.deepEqual(ran.map((r) => [r.key, JSON.parse(r.value).attempt]), [['test:ran:claimed', 2], ['test:ran:future', 1], ['test:ran:overdue', 1]]);
      const left = await database.db.selectFrom('engine_jobs').select(['kind', 'state']).execute();
      assert.deepEqual(left, [{ kind: 'idempotency:token-sweep', state: 'waiting' }]);
    } finally {
      await database.close();
    }
  } finally {
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
