/**
 * Opens the database (embedded SQLite or PostgreSQL), runs migrations, and offers the one
 * write path: `write(fn)` runs fn in a transaction and resolves only once it is durable.
 *
 * Why group commit: a commit is durable only after fsync, and an fsync costs a fraction of a
 * millisecond or more. SQLite has one writer, so `write` queues concurrent writers and commits
 * them together with one fdatasync, off the event loop (src/db/sqlite.ts says how). PostgreSQL
 * groups concurrent commits by itself (one WAL flush covers every backend waiting on it), so
 * there each write is its own transaction on a pooled connection, retried on serialization
 * failures and deadlocks.
 */
import { Kysely, Migrator, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { isUniqueViolation, mapConstraintError } from './constraint-errors.js';
import { migrations } from './migrations/index.js';
import { openSqlite } from './sqlite.js';
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
  /**
   * A write of exactly one modifying statement (reads may follow it). On PostgreSQL it runs
   * without BEGIN/COMMIT (a single statement is atomic and, with synchronous_commit, durable
   * when it returns), saving two round trips; on SQLite it is an ordinary batched write.
   */
  writeSingle<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T>;
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
  if (!opts.databaseUrl) return openSqlite(opts.dataDir, migrate, opts.maxBatch);
  const database = openPostgres(opts.databaseUrl, opts.poolSize ?? 16);
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
    const cause = error as Error & { code?: string };
    const err = new Error(failed ? `database migration ${failed.migrationName} failed: ${cause?.message ?? error}` : `database migration failed: ${cause?.message ?? error}`);
    (err as Error & { code?: string }).code = cause?.code;
    throw err;
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
    async writeSingle<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
      try {
        return await fn(db);
      } catch (err) {
        throw mapConstraintError(err);
      }
    },
    async close() {
      const removed = connected === 0 ? Promise.resolve() : new Promise<void>((resolve) => (allRemoved = resolve));
      await db.destroy();
      await removed;
    },
  };
}
