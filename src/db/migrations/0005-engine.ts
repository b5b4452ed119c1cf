// Why: the durable work queue (src/engine): every deferred or external effect is a job row written
// in the transaction that causes it, and every outbound message a delivery row keyed by its idempotency key.
import { sql, type Kysely } from 'kysely';

/**
 * `engine_jobs`: one row per job until it completes (then it is deleted) or dies (kept, state
 * 'dead', with its last error). `state` is 'waiting' (due at `run_at`) or 'running' (claimed by
 * `locked_by` until `locked_until`; a lease past its end is claimed again). At most one
 * *waiting* job per (kind, dedupe_key): a running job no longer holds its key, so a change made
 * while it runs can enqueue the work again. Two partial indexes serve the two claims in order.
 *
 * `engine_deliveries`: one row per outbound message (src/engine/deliveries.ts): 'sending' before
 * the provider is called, then 'sent' (with the provider's id), 'failed', or 'unknown' when a
 * 'sending' row was found left behind by a process that died during the call.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('engine_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('engine_jobs_waiting_idx').on('engine_jobs').column('run_at')
    .where(sql.ref('state'), '=', 'waiting').execute();
  await db.schema.createIndex('engine_jobs_running_idx').on('engine_jobs').column('locked_until')
    .where(sql.ref('state'), '=', 'running').execute();
  // Only keyed rows: an index over every waiting job's kind would tempt the planner (on a fresh
  // database, with no statistics) to serve the claim from it and sort the whole backlog.
  await db.schema.createIndex('engine_jobs_dedupe_key').on('engine_jobs').columns(['kind', 'dedupe_key']).unique()
    .where(sql.ref('state'), '=', 'waiting').where(sql.ref('dedupe_key'), 'is not', null).execute();

  await db.schema.createTable('engine_deliveries')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('provider_id', 'text')
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
}

/** Drops both tables. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('engine_deliveries').execute();
  await db.schema.dropTable('engine_jobs').execute();
}
