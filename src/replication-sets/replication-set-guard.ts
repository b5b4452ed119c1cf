/**
 * Incident Manager refuses to work in an account until its replication set exists (the
 * real service's onboarding rule). Mutating calls outside the replication-set API call this.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { ValidationError } from '../errors.js';

/** Throws ValidationError unless the account has an ACTIVE (or UPDATING) replication set. */
export async function requireReplicationSet(db: Kysely<DB>, accountId: string): Promise<void> {
  const row = await db.selectFrom('replication_sets').select('status').where('account_id', '=', accountId).executeTakeFirst();
  if (!row || row.status === 'DELETING') {
    throw new ValidationError(undefined, 'Incident Manager is not set up in this account: create a replication set first (CreateReplicationSet).');
  }
}
