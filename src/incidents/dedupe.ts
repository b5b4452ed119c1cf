/**
 * Dedupe of StartIncident. While an incident whose dedupe string is S (non-empty) is OPEN in
 * an account, starting another with S returns the open incident's ARN instead of opening a
 * second one; once it is resolved, the next start opens a new incident.
 *
 * Why in the schema and not in a read-then-insert: two concurrent starts would both read
 * "none open" and both insert. incidents.open_dedupe (= the dedupe string while OPEN, else
 * NULL) is unique per account, so the insert itself decides: INSERT ... ON CONFLICT
 * (account_id, open_dedupe) DO NOTHING. On PostgreSQL a loser's insert waits for the winner's
 * transaction and then inserts nothing; on SQLite writes are serial. The loser then reads
 * the winner. That read can find nothing if the winner was resolved in between, so the
 * insert is retried; a few rounds are plenty (each round needs a resolve to race it).
 */
import type { Insertable, Kysely } from 'kysely';
import type { DB, IncidentsTable } from '../db/schema.js';
import { ConflictError } from '../errors.js';
import * as store from './incident-store.js';

const maxRounds = 5;

/** What a start decided: the ARN that stands and whether this start created it. */
export interface DedupeOutcome {
  arn: string;
  created: boolean;
}

/** Inserts `row`, or, when an OPEN incident holds its dedupe string, returns that incident. */
export async function insertOrJoinOpen(trx: Kysely<DB>, row: Insertable<IncidentsTable>): Promise<DedupeOutcome> {
  for (let round = 0; round < maxRounds; round++) {
    if (await store.insertUnlessOpenDuplicate(trx, row)) return { arn: row.arn, created: true };
    const open = await store.findOpenByDedupe(trx, row.account_id, row.open_dedupe!);
    if (open) return { arn: open, created: false };
  }
  throw new ConflictError('The incident with this dedupe string changed state repeatedly during the start; retry.', 'INCIDENT_RECORD');
}
