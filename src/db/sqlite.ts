/**
 * The embedded database: SQLite through better-sqlite3, with group commit and fsync kept off
 * the event loop.
 *
 * Why this shape: a commit is durable only once fsync returns (0.3 ms or more here), and
 * better-sqlite3 is synchronous, so with synchronous=FULL every commit would stall the whole
 * server. Instead:
 *  - writers queue (`write(fn)`); the queue runs as one transaction, each writer in its own
 *    SAVEPOINT (a failing writer rolls back only itself), committed with synchronous=OFF:
 *    the commit only appends the batch's frames to the WAL file;
 *  - then fdatasync(WAL) runs on libuv's thread pool while the event loop keeps serving (and
 *    queueing the next batch); a writer's promise resolves only after the fdatasync that
 *    covers its commit (group commit: one commit and one fdatasync per batch);
 *  - checkpoints (copying WAL pages into the database file) never run on this connection
 *    (wal_autocheckpoint=0): a worker thread with its own connection runs PASSIVE checkpoints
 *    with synchronous=FULL, which fsyncs the database file before the WAL may be reused, so
 *    WAL frames are never overwritten before their pages are durable elsewhere;
 *  - close() checkpoints with synchronous=FULL before the WAL goes away.
 */
import { chmodSync, closeSync, existsSync, fdatasync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { ConfigError } from '../config/config.js';
import { mapConstraintError } from './constraint-errors.js';
import type { Database, WriteFn } from './database.js';
import type { DB } from './schema.js';

interface Pending {
  fn: WriteFn<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** A settled writer waiting for the fdatasync that makes its commit durable. */
interface Committed {
  job: Pending;
  ok: boolean;
  value: unknown;
}

const checkpointEveryMs = 250;
const savepoint = CompiledQuery.raw('SAVEPOINT w');
const release = CompiledQuery.raw('RELEASE w');
const rollbackTo = CompiledQuery.raw('ROLLBACK TO w');

/** Opens (creating) `<dataDir>/tocsin.db`; `prepare` (the migrations) runs first, fully synchronous. */
export async function openSqlite(dataDir: string, prepare: (db: Kysely<DB>) => Promise<void>, maxBatch = 256): Promise<Database> {
  // The database holds credentials: only the owner may read the directory and its files.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const releaseLock = lockDataDir(dataDir);
  const file = join(dataDir, 'tocsin.db');
  const native = new SQLite(file);
  native.pragma('journal_mode = WAL');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  native.pragma('synchronous = FULL');
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 5000');
  native.pragma('cache_size = -65536'); // 64 MiB of page cache instead of 2 MiB
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cachingPrepare(native) }) });
  try {
    await prepare(db);
  } catch (err) {
    await db.destroy();
    releaseLock();
    throw err;
  }
  native.pragma('wal_checkpoint(TRUNCATE)');
  native.pragma('synchronous = OFF'); // from here on durability comes from our fdatasync of the WAL
  native.pragma('wal_autocheckpoint = 0');
  native.pragma('journal_size_limit = 67108864');
  // The WAL file exists while a connection is open in WAL mode; hold it to fdatasync it.
  const walFd = openSync(`${file}-wal`, 'r+');
  const checkpointer = startCheckpointer(file);

  const queue: Pending[] = [];
  let flushing = false;
  let closed = false;
  let dirty = false;
  let idle: (() => void) | undefined;

  /** fdatasync of the WAL on the thread pool: the event loop keeps serving meanwhile. */
  const syncWal = () => new Promise<void>((resolve, reject) => fdatasync(walFd, (err) => (err ? reject(err) : resolve())));

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        const settled: Committed[] = [];
        try {
          await db.transaction().execute(async (trx) => {
            for (const job of batch) {
              await trx.executeQuery(savepoint);
              try {
                const value = await job.fn(trx);
                await trx.executeQuery(release);
                settled.push({ job, ok: true, value });
              } catch (err) {
                await trx.executeQuery(rollbackTo);
                await trx.executeQuery(release);
                settled.push({ job, ok: false, value: mapConstraintError(err) });
              }
            }
          });
        } catch (err) {
          // The commit itself failed: nothing in the batch happened.
          for (const job of batch) job.reject(err);
          continue;
        }
        dirty = true;
        // Writers that queue during the fdatasync share the next commit (group commit).
        try {
          await syncWal();
        } catch (err) {
          for (const c of settled) c.job.reject(err);
          continue;
        }
        for (const c of settled) (c.ok ? c.job.resolve(c.value) : c.job.reject(c.value));
      }
    } finally {
      flushing = false;
      if (queue.length === 0) idle?.();
    }
  }

  const timer = setInterval(() => {
    if (!dirty) return;
    dirty = false;
    checkpointer.postMessage('checkpoint');
  }, checkpointEveryMs);
  timer.unref();

  function write<T>(fn: WriteFn<T>): Promise<T> {
    if (closed) return Promise.reject(new Error('database is closed'));
    return new Promise<T>((resolve, reject) => {
      queue.push({ fn: fn as WriteFn<unknown>, resolve: resolve as (v: unknown) => void, reject });
      if (!flushing) void flush();
    });
  }

  return {
    dialect: 'sqlite',
    db,
    write,
    writeSingle: write,
    async close() {
      closed = true;
      clearInterval(timer);
      if (flushing || queue.length > 0) await new Promise<void>((r) => (idle = r));
      await checkpointer.terminate();
      native.pragma('synchronous = FULL');
      native.pragma('wal_checkpoint(TRUNCATE)');
      closeSync(walFd);
      await db.destroy();
      releaseLock();
    },
  };
}

/**
 * One process per data directory: a second server on the same SQLite files would fight the
 * first for the write lock (and our WAL handling assumes one writer). The lock is a file
 * holding the owner's pid, created exclusively; one left by a process that no longer runs is
 * taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lock = join(dataDir, 'tocsin.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lock, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
        throw new ConfigError(`another Tocsin (pid ${pid}) is using ${dataDir}; stop it or choose another TOCSIN_DATA_DIR`);
      }
      rmSync(lock, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A worker thread that checkpoints the WAL into the database file, fsyncing it, on request. */
function startCheckpointer(file: string): Worker {
  const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const SQLite = require(workerData.modulePath);
    const db = new SQLite(workerData.file);
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    parentPort.on('message', () => {
      try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { console.error('tocsin: checkpoint failed: ' + err.message); }
    });
  `, { eval: true, workerData: { modulePath, file } });
  worker.unref();
  return worker;
}

/**
 * Why: Kysely prepares every query afresh, and preparing costs more than running a small
 * statement. Statements are cached by SQL text (bounded); better-sqlite3 statements are
 * reusable because every call runs to completion synchronously (Kysely never streams here).
 */
function cachingPrepare(native: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  return new Proxy(native, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (text: string) => {
          let stmt = cache.get(text);
          if (!stmt) {
            if (cache.size >= 1000) cache.clear();
            stmt = target.prepare(text);
            cache.set(text, stmt);
          }
          return stmt;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
