/**
 * The one read StartIncident makes before it writes: the plan, whether the account has its
 * replication set, an earlier use of the clientToken, and the OPEN incident holding the plan's
 * dedupe string — one round trip instead of four. Its answers are hints for the fast path;
 * the write still settles races with the unique keys (tokens, open dedupe strings).
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { prepared } from '../db/prepared.js';
import type { DB, ResponsePlansTable } from '../db/schema.js';

/** What the read found; undefined members were not there. */
export interface StartContext {
  plan: Selectable<ResponsePlansTable>;
  replicationSetStatus: string | null;
  prior: { requestHash: string; response: string } | undefined;
  openDuplicateArn: string | null;
}

const read = prepared(3, (db, accountId: string, planArn: string, token: string) => {
  const dedupe = isPostgres(db)
    ? sql<string>`(p.incident_template::json ->> 'dedupeString')`
    : sql<string>`json_extract(p.incident_template, '$.dedupeString')`;
  return db.selectFrom('response_plans as p').selectAll('p')
    .select((eb) => [
      eb.selectFrom('replication_sets').select('status').where('account_id', '=', accountId).as('rs_status'),
      eb.selectFrom('idempotency_tokens as t').select('t.request_hash')
        .where('t.account_id', '=', accountId).where('t.operation', '=', 'StartIncident').where('t.token', '=', token).as('prior_hash'),
      eb.selectFrom('idempotency_tokens as t').select('t.response')
        .where('t.account_id', '=', accountId).where('t.operation', '=', 'StartIncident').where('t.token', '=', token).as('prior_response'),
      eb.selectFrom('incidents as i').select('i.arn')
        .where('i.account_id', '=', accountId).where('i.open_dedupe', '=', dedupe).as('open_arn'),
    ])
    .where('p.arn', '=', planArn).where('p.account_id', '=', accountId);
});

/** Reads the start context of a plan of the account; undefined when the plan is not there. */
export async function readStartContext(db: Kysely<DB>, accountId: string, planArn: string, token: string | undefined): Promise<StartContext | undefined> {
  const row = (await read(db, accountId, planArn, token ?? '')).rows[0];
  if (!row) return undefined;
  const { rs_status, prior_hash, prior_response, open_arn, ...plan } = row;
  return {
    plan,
    replicationSetStatus: rs_status,
    prior: token && prior_hash !== null && prior_response !== null ? { requestHash: prior_hash, response: prior_response } : undefined,
    openDuplicateArn: open_arn,
  };
}
