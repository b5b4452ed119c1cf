// Why: on PostgreSQL the dedupe lookup (account_id = $1 AND open_dedupe = $2) of a prepared
// statement's generic plan used incidents_account_seq_idx and filtered every incident of the
// account (found in the StartIncident benchmark: ~6,000 rows read per start after 6,000 starts)
// whenever the table had no statistics yet (a fresh database, before autovacuum's first
// ANALYZE). A partial unique index over open dedupe strings only is smaller, so the planner
// prefers it with or without statistics, and it holds only what dedupe needs.
// SQLite's planner already picks the (account_id, open_dedupe) unique index; it keeps it.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  // Kysely runs each migration in a transaction: uniqueness is never off.
  await sql`ALTER TABLE incidents DROP CONSTRAINT incidents_open_dedupe_key`.execute(db);
  await sql`CREATE UNIQUE INDEX incidents_open_dedupe_key ON incidents (account_id, open_dedupe) WHERE open_dedupe IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`DROP INDEX incidents_open_dedupe_key`.execute(db);
  await sql`ALTER TABLE incidents ADD CONSTRAINT incidents_open_dedupe_key UNIQUE (account_id, open_dedupe)`.execute(db);
}
