/**
 * The engine's SQL: every statement on engine_jobs. States are written as literals, never bound,
 * so both databases match them to the partial indexes of migration 0005 (a bound `state = $1`
 * in a generic plan could not use an index whose predicate is `state = 'waiting'`).
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import type { DB, EngineJobsTable } from '../db/schema.js';

/** A job row as read. */
export type JobRow = Selectable<EngineJobsTable>;

const WAITING = sql.lit('waiting');
const RUNNING = sql.lit('running');

/** The PostgreSQL channel engines LISTEN on; the payload is the job's run_at (epoch ms). */
export const notifyChannel = 'tocsin_engine';

/** Identifies one claim of a job: the row still says this engine holds it in this attempt. */
export interface Claim {
  id: string;
  lockedBy: string;
  attempt: number;
}

/** Inserts a job (or, for a waiting dedupe key, keeps or replaces it); returns the id written, if any. */
export async function insertJob(trx: Transaction<DB>, row: Omit<JobRow, 'last_error' | 'locked_by' | 'locked_until'>, replace: boolean): Promise<string | undefined> {
  const insert = trx.insertInto('engine_jobs').values(row)
    .onConflict((oc) => {
      // The predicate of the partial unique index engine_jobs_dedupe_key (migration 0005).
      const target = oc.columns(['kind', 'dedupe_key']).where(sql<boolean>`state = ${WAITING} and dedupe_key is not null`);
      return replace
        ? target.doUpdateSet((eb) => ({
          run_at: eb.ref('excluded.run_at'), payload: eb.ref('excluded.payload'),
          max_attempts: eb.ref('excluded.max_attempts'), updated_at: eb.ref('excluded.updated_at'),
        }))
        : target.doNothing();
    })
    .returning(['id', 'run_at']);
  if (!isPostgres(trx)) return (await insert.executeTakeFirst())?.id;
  // NOTIFY is delivered at commit and never for a rolled-back transaction: exactly "wake the
  // engines once this job exists", on every node, this one included.
  const written = await trx.with('j', () => insert)
    .selectFrom('j').select(['j.id', sql<string>`pg_notify(${notifyChannel}, j.run_at::text)`.as('n')])
    .executeTakeFirst();
  return written?.id;
}

/**
 * Claims up to `limit` jobs under a lease until `lockedUntil`: 'due' takes waiting jobs due at
 * `nowMs`, oldest first; 'expired' takes running jobs whose lease ended (their engine stopped).
 */
export async function claimJobs(db: Kysely<DB>, which: 'due' | 'expired', kinds: string[], nowMs: number, limit: number, lockedBy: string, lockedUntil: number): Promise<JobRow[]> {
  const [state, time] = which === 'due' ? [WAITING, 'run_at' as const] : [RUNNING, 'locked_until' as const];
  const ids = db.selectFrom('engine_jobs').select('id')
    .where('state', '=', state).where(time, '<=', nowMs).where('kind', 'in', kinds)
    .orderBy(time).limit(limit)
    .$if(isPostgres(db), (q) => q.forUpdate().skipLocked());
  return db.updateTable('engine_jobs')
    .set((eb) => ({ state: RUNNING, locked_by: lockedBy, locked_until: lockedUntil, attempts: eb('attempts', '+', 1), updated_at: nowMs }))
    .where('id', 'in', ids)
    .returningAll()
    .execute();
}

const held = (c: Claim) => (eb: any) => eb.and([
  eb('id', '=', c.id), eb('state', '=', RUNNING), eb('locked_by', '=', c.lockedBy), eb('attempts', '=', c.attempt),
]);

/** Deletes a completed job if this claim still holds it; false when it does not (lease lost). */
export async function deleteHeld(db: Kysely<DB>, c: Claim): Promise<boolean> {
  const r = await db.deleteFrom('engine_jobs').where(held(c)).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Puts a failed job back to wait until `runAtMs`. If a newer waiting job has its dedupe key
 * (enqueued while this one ran), that job does the work and this one is deleted instead.
 */
export async function retryHeld(trx: Transaction<DB>, c: Claim, runAtMs: number, error: string, nowMs: number): Promise<'retried' | 'superseded' | 'lost'> {
  const gone = await trx.deleteFrom('engine_jobs').where(held(c)).where('dedupe_key', 'is not', null)
    .where((eb) => eb.exists(eb.selectFrom('engine_jobs as w').select('w.id')
      .whereRef('w.kind', '=', 'engine_jobs.kind').whereRef('w.dedupe_key', '=', 'engine_jobs.dedupe_key')
      .where('w.state', '=', WAITING)))
    .executeTakeFirst();
  if (Number(gone.numDeletedRows) > 0) return 'superseded';
  const r = await trx.updateTable('engine_jobs')
    .set({ state: WAITING, run_at: runAtMs, last_error: error, locked_by: null, locked_until: null, updated_at: nowMs })
    .where(held(c)).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0 ? 'retried' : 'lost';
}

/** Marks a job dead with its error if this claim still holds it. */
export async function killHeld(db: Kysely<DB>, c: Claim, error: string, nowMs: number): Promise<boolean> {
  const r = await db.updateTable('engine_jobs')
    .set({ state: sql.lit('dead') as any, last_error: error, locked_by: null, locked_until: null, updated_at: nowMs })
    .where(held(c)).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Gives a job back unrun (shutdown): waiting at once, this attempt not counted. */
export async function releaseHeld(db: Kysely<DB>, c: Claim, nowMs: number): Promise<boolean> {
  const r = await db.updateTable('engine_jobs')
    .set((eb) => ({ state: WAITING, run_at: nowMs, attempts: eb('attempts', '-', 1), locked_by: null, locked_until: null, updated_at: nowMs }))
    .where(held(c)).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Makes every running job waiting again (attempts kept: the attempt did start). Only for SQLite
 * at start: one process owns the data directory, so every lease in it is a dead process's.
 */
export async function releaseAllRunning(db: Kysely<DB>, nowMs: number): Promise<number> {
  const r = await db.updateTable('engine_jobs')
    .set({ state: WAITING, run_at: nowMs, locked_by: null, locked_until: null, updated_at: nowMs })
    .where('state', '=', RUNNING).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The earliest time a job of `kinds` becomes due or a lease ends, if there is one. */
export async function nextDueAt(db: Kysely<DB>, kinds: string[]): Promise<number | undefined> {
  const row = await db.selectNoFrom((eb) => [
    eb.selectFrom('engine_jobs').select((e) => e.fn.min('run_at').as('m'))
      .where('state', '=', WAITING).where('kind', 'in', kinds).as('waiting'),
    eb.selectFrom('engine_jobs').select((e) => e.fn.min('locked_until').as('m'))
      .where('state', '=', RUNNING).where('kind', 'in', kinds).as('running'),
  ]).executeTakeFirst();
  const times = [row?.waiting, row?.running].filter((v) => v !== null && v !== undefined).map(Number);
  return times.length ? Math.min(...times) : undefined;
}
