/**
 * Servers under test, each in its own process: spawn, wait until GET /health answers 200,
 * and tear down (SIGTERM, then SIGKILL after a grace period; the temporary SQLite directory
 * is removed, the PostgreSQL database dropped). Also reads process CPU time from /proc so a
 * run can report how busy the server (and PostgreSQL's backends) were.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The project root (bench/..). */
export const root = new URL('..', import.meta.url).pathname;

/** A running server process. */
export interface ServerProcess {
  name: string;
  url: string;
  host: string;
  port: number;
  pid: number;
  /** process.hrtime when the process was spawned, in ms (a --cpu-prof profile's time starts about then). */
  spawnedAtMs: number;
  /** Recent stdout/stderr lines, for diagnostics. */
  log(): string;
  /** How the process ended, if it has (it should not before stop()). */
  exited(): { code: number | null; signal: string | null } | undefined;
  /** Stops the process and removes what it was given (data dir, database). */
  stop(): Promise<void>;
}

/** Spawns `node <args>`; resolves once it printed "listening on http://..." and /health answers 200. */
async function spawnServer(name: string, args: string[], env: NodeJS.ProcessEnv, cleanup: () => Promise<void>, timeoutMs = 60_000): Promise<ServerProcess> {
  const spawnedAtMs = Number(process.hrtime.bigint()) / 1e6;
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(l);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  let exited: { code: number | null; signal: string | null } | undefined;
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = { code, signal };
    resolve();
  }));
  const log = () => lines.join('\n');
  child.stderr!.on('data', keep);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name}: no "listening on" line within ${timeoutMs} ms\n${log()}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      out += chunk.toString('utf8');
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${JSON.stringify(exited)}) before listening:\n${log()}`));
    });
  }).catch(async (err) => {
    child.kill('SIGKILL');
    await cleanup();
    throw err;
  });
  const { hostname, port } = new URL(url);
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const grace = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(grace);
    }
    await cleanup();
  };
  try {
    await waitHealthy(hostname, Number(port), timeoutMs, () => exited !== undefined);
  } catch (err) {
    await stop();
    throw new Error(`${name}: ${(err as Error).message}\n${log()}`);
  }
  return { name, url, host: hostname, port: Number(port), pid: child.pid!, spawnedAtMs, log, stop, exited: () => exited };
}

function getStatus(host: string, port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const r = http.get({ host, port, path, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    r.setTimeout(2000, () => r.destroy());
    r.on('error', () => resolve(0));
  });
}

async function waitHealthy(host: string, port: number, timeoutMs: number, dead: () => boolean): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (dead()) throw new Error('exited before /health answered 200');
    if ((await getStatus(host, port, '/health')) === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`/health did not answer 200 within ${timeoutMs} ms`);
}

/** Starts the bare baseline server (bench/baseline-server.ts). */
export function startBaseline(): Promise<ServerProcess> {
  return spawnServer('baseline', ['--import', 'tsx', 'bench/baseline-server.ts', '0'], { ...process.env }, async () => {});
}

/** How to start Tocsin. */
export interface TocsinOptions {
  db: 'sqlite' | 'postgres';
  /** Admin URL on which a fresh database is created (and dropped afterwards). */
  pgAdminUrl: string;
  accountId: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
  logLevel?: string;
}

/** The started Tocsin, with the name of its PostgreSQL database when on PostgreSQL. */
export interface TocsinProcess extends ServerProcess {
  database?: string;
  dataDir: string;
}

/** Starts `node bin/tocsin.js serve` on a free port with a fresh temp data dir and, on PostgreSQL, a fresh database. */
export async function startTocsin(opts: TocsinOptions): Promise<TocsinProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-bench-'));
  let database: string | undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TOCSIN_HOST: '127.0.0.1',
    TOCSIN_PORT: '0',
    TOCSIN_DATA_DIR: dataDir,
    TOCSIN_ACCOUNT_ID: opts.accountId,
    TOCSIN_ACCESS_KEY_ID: opts.credentials.accessKeyId,
    TOCSIN_SECRET_ACCESS_KEY: opts.credentials.secretAccessKey,
    TOCSIN_LOG_LEVEL: opts.logLevel ?? 'warn',
  };
  delete env.DATABASE_URL;
  if (opts.db === 'postgres') {
    database = `tocsin_bench_${process.pid}_${Date.now().toString(36)}`;
    await adminQuery(opts.pgAdminUrl, `CREATE DATABASE ${database}`);
    const url = new URL(opts.pgAdminUrl);
    url.pathname = `/${database}`;
    env.DATABASE_URL = url.toString();
  }
  const cleanup = async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (database) await adminQuery(opts.pgAdminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  };
  const proc = await spawnServer(`tocsin (${opts.db})`, [...(opts.nodeArgs ?? []), 'bin/tocsin.js', 'serve'], env, cleanup);
  return { ...proc, database, dataDir };
}

/** Runs one statement on the admin connection. */
export async function adminQuery(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text, values);
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------- CPU time from /proc

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds a process has used in user and in kernel mode ({0, 0} once it is gone). */
export function processCpuSplit(pid: number): { user: number; sys: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(f[11]) / TICKS, sys: Number(f[12]) / TICKS }; // fields 14 and 15 (utime, stime)
  } catch {
    return { user: 0, sys: 0 };
  }
}

/** CPU seconds (user + system) a process has used, or 0 once it is gone. */
export function processCpuSeconds(pid: number): number {
  const { user, sys } = processCpuSplit(pid);
  return user + sys;
}

const PG_BACKGROUND = /postgres: (?:\S+: )?(walwriter|checkpointer|background writer|autovacuum launcher|logical replication launcher|stats collector|archiver)/;

/**
 * A meter of the CPU seconds PostgreSQL spends for one database: its backends (found by the
 * process title, which names the database) and the server's background processes (WAL
 * writer, checkpointer, ...). Other databases' backends (other users of the server) are left
 * out; a process that exits keeps the CPU it was last seen with.
 */
export function postgresCpuMeter(database: string): () => number {
  const last = new Map<number, number>();
  return () => {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const comm = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
        if (comm !== 'postgres' && !comm.startsWith('postgres:')) continue;
        const title = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
        if (!title.includes(` ${database} `) && !PG_BACKGROUND.test(title)) continue;
        last.set(Number(d), processCpuSeconds(Number(d)));
      } catch {
        // gone meanwhile
      }
    }
    let total = 0;
    for (const v of last.values()) total += v;
    return total;
  };
}

/** CPU seconds the whole machine has been busy (all cores; everything but idle and iowait). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS;
}
