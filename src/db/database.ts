/**
 * Opens the database (embedded SQLite or PostgreSQL), runs migrations, and offers the one
 * write path: `write(fn)` runs fn in a transaction and resolves only once it is durable.
 *
 * Why group commit: a commit is durable only after fsync, and an fsync costs a millisecond or
 * more. SQLite has one writer, so `write` queues concurrent writers and commits them together:
 * each in its own SAVEPOINT (one failing rolls back only itself), one COMMIT and one fsync for
 * the batch (journal_mode=WAL, synchronous=FULL). PostgreSQL groups concurrent commits by
 * itself (one WAL flush covers every backend waiting on it), so there each write is its own
 * transaction on a pooled connection, retried on serialization failures and deadlocks.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { isUniqueViolation, mapConstraintError } from './constraint-errors.js';
import { migrations } from './migrations/index.js';
import type { DB } from './schema.js';

/** A function that does its reads and writes on `trx` only (never on the outer handle). */
export type WriteFn<T> = (trx: Transaction<DB>) => Promise<T>;

/** The opened database. */
export interface Database {
  readonly dialect: 'sqlite' | 'postgres';
  /** Reads outside any write. */
  readonly db: Kysely<DB>;
  /** Runs fn in a transaction; resolves after the commit is durable. */
  write<T>(fn: WriteFn<T>): Promise<T>;
  close(): Promise<void>;
}

/** Options for openDatabase. */
export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  /** Largest number of writes committed together on SQLite. */
  maxBatch?: number;
}

/** Opens and migrates the configured database. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const database = opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize ?? 16) : openSqlite(opts);
  try {
    await migrate(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

/** Brings the schema up to date; refuses unordered or unknown migrations (Kysely's Migrator). */
export async function migrate(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error)?.message ?? error}`);
  }
}

pg.types.setTypeParser(20, (v) => Number(v)); // BIGINT: our epoch-ms and seq values fit in a double

/**
 * Why named statements: Kysely sends every query unnamed, so PostgreSQL parses and plans it
 * again each time. Naming each distinct SQL text makes pg prepare it once per connection and
 * then only bind and execute. Only plain DML is named (never DDL or multi-statement text).
 */
function namePreparedStatements(pool: pg.Pool): void {
  const names = new Map<string, string>();
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: any[]) => any;
    (client as any).query = (text: unknown, values?: unknown, cb?: unknown) => {
      if (typeof text === 'string' && Array.isArray(values) && cb === undefined && /^\s*(select|insert|update|delete|with)\b/i.test(text)) {
        let name = names.get(text);
        if (!name && names.size < 2000) names.set(text, (name = `k${names.size}`));
        if (name) return query({ name, text, values });
      }
      return query(text, values, cb);
    };
  });
}

function openPostgres(url: string, poolSize: number): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  namePreparedStatements(pool);
  // pg-pool's end() resolves once it has asked each client to end, before their sockets are
  // closed; close() also waits for every client's 'remove', so a caller that drops the
  // database next (the tests) does not terminate live backends (an uncaught client error).
  let connected = 0;
  let allRemoved: (() => void) | undefined;
  pool.on('connect', () => connected++);
  pool.on('remove', () => {
    if (--connected === 0) allRemoved?.();
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    db,
    async write<T>(fn: WriteFn<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(fn);
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (attempt < 5 && (code === '40001' || code === '40P01')) continue;
          // Two first uses of one clientToken raced: the retry finds the winner's result.
          if (attempt < 5 && isUniqueViolation(err, 'idempotency_tokens_pk', '')) continue;
          throw mapConstraintError(err);
        }
      }
    },
    async close() {
      const removed = connected === 0 ? Promise.resolve() : new Promise<void>((resolve) => (allRemoved = resolve));
      await db.destroy();
      await removed;
    },
  };
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

interface Pending {
  fn: WriteFn<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

function openSqlite(opts: OpenOptions): Database {
  mkdirSync(opts.dataDir, { recursive: true });
  const file = join(opts.dataDir, 'tocsin.db');
  const native = new SQLite(file);
  native.pragma('journal_mode = WAL');
  native.pragma('synchronous = FULL');
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 5000');
  native.pragma('cache_size = -65536'); // 64 MiB of page cache instead of 2 MiB
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cachingPrepare(native) }) });
  const maxBatch = opts.maxBatch ?? 256;
  const queue: Pending[] = [];
  let flushing = false;
  let closed = false;

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        const outcomes: { ok: boolean; value: unknown }[] = [];
        try {
          await db.transaction().execute(async (trx) => {
            for (const job of batch) {
              await sql`SAVEPOINT w`.execute(trx);
              try {
                const value = await job.fn(trx);
                await sql`RELEASE w`.execute(trx);
                outcomes.push({ ok: true, value });
              } catch (err) {
                await sql`ROLLBACK TO w`.execute(trx);
                await sql`RELEASE w`.execute(trx);
                outcomes.push({ ok: false, value: mapConstraintError(err) });
              }
            }
          });
        } catch (err) {
          // The commit itself failed: nothing in the batch is durable.
          for (const job of batch) job.reject(err);
          continue;
        }
        batch.forEach((job, i) => (outcomes[i].ok ? job.resolve(outcomes[i].value) : job.reject(outcomes[i].value)));
        // Let requests that arrived during the commit reach the queue, so they share the next one.
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      flushing = false;
    }
  }

  return {
    dialect: 'sqlite',
    db,
    write<T>(fn: WriteFn<T>): Promise<T> {
      if (closed) return Promise.reject(new Error('database is closed'));
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn: fn as WriteFn<unknown>, resolve: resolve as (v: unknown) => void, reject });
        if (!flushing) void flush();
      });
    },
    async close() {
      closed = true;
      while (flushing || queue.length > 0) await new Promise((r) => setTimeout(r, 5));
      await db.destroy();
    },
  };
}
