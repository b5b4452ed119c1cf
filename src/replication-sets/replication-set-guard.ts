/**
 * Incident Manager refuses to work in an account until its replication set exists (the
 * real service's onboarding rule). Mutating calls outside the replication-set API call this
 * inside their write.
 *
 * Why FOR SHARE on PostgreSQL: DeleteReplicationSet deletes the account's data while holding
 * the set's row FOR UPDATE. A writer that checked the set with a plain SELECT could insert
 * after that delete commits, leaving data behind in a wiped account. The share lock makes the
 * writer wait for the delete, and then find no set. (SQLite has one writer at a time.)
 */
import type { Kysely } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { prepared } from '../db/prepared.js';
import type { DB } from '../db/schema.js';
import { ValidationError } from '../errors.js';

const statusOf = prepared(1, (db, accountId: string) => {
  const q = db.selectFrom('replication_sets').select('status').where('account_id', '=', accountId);
  return isPostgres(db) ? q.forShare() : q;
});

/** Throws ValidationError unless the account has an ACTIVE (or UPDATING) replication set; locks it against deletion until the transaction ends. */
export async function requireReplicationSet(db: Kysely<DB>, accountId: string): Promise<void> {
  const row = (await statusOf(db, accountId)).rows[0];
  if (!row || row.status === 'DELETING') {
    throw new ValidationError(undefined, 'Incident Manager is not set up in this account: create a replication set first (CreateReplicationSet).');
  }
}
