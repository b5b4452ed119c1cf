/**
 * The one read StartIncident makes before it writes: the plan, whether the account has its
 * replication set, an earlier use of the clientToken, and the OPEN incident holding the plan's
 * dedupe string — one round trip instead of four. Its answers are hints for the fast path;
 * the write still settles races with the unique keys (tokens, open dedupe strings).
 */
import { CompiledQuery, sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import { isUniqueViolation } from '../db/constraint-errors.js';
import type { Database } from '../db/database.js';
import { isPostgres } from '../db/dialect.js';
import { prepared } from '../db/prepared.js';
import type { DB, IncidentsTable, ResponsePlansTable } from '../db/schema.js';
import { claim, findPriorUse, tokenLifetimeMs, type PriorUse, type TokenUse } from '../idempotency/idempotency.js';
import { upsertTags } from '../tags/tag-store.js';
import { referenceKeys, type TimelineEvent } from '../timeline/timeline-event.js';
import * as timeline from '../timeline/timeline-store.js';
import { requireReplicationSet } from '../replication-sets/replication-set-guard.js';
import { incidentColumns, insertUnlessOpenDuplicate } from './incident-store.js';
import { PgStartBatcher } from './pg-start-batch.js';

/** What the read found; undefined members were not there. */
export interface StartContext {
  plan: Selectable<ResponsePlansTable>;
  replicationSetStatus: string | null;
  prior: PriorUse | undefined;
  openDuplicateArn: string | null;
}

const read = prepared(4, (db, accountId: string, planArn: string, token: string, tokenCutoff: number) => {
  const dedupe = isPostgres(db)
    ? sql<string>`(p.incident_template::json ->> 'dedupeString')`
    : sql<string>`json_extract(p.incident_template, '$.dedupeString')`;
  return db.selectFrom('response_plans as p').selectAll('p')
    .select((eb) => [
      eb.selectFrom('replication_sets').select('status').where('account_id', '=', accountId).as('rs_status'),
      eb.selectFrom('idempotency_tokens as t').select('t.request_hash')
        .where('t.account_id', '=', accountId).where('t.operation', '=', 'StartIncident').where('t.token', '=', token)
        .where('t.created_at', '>=', tokenCutoff).as('prior_hash'),
      eb.selectFrom('idempotency_tokens as t').select('t.response')
        .where('t.account_id', '=', accountId).where('t.operation', '=', 'StartIncident').where('t.token', '=', token)
        .where('t.created_at', '>=', tokenCutoff).as('prior_response'),
      eb.selectFrom('incidents as i').select('i.arn')
        .where('i.account_id', '=', accountId).where('i.open_dedupe', '=', dedupe).as('open_arn'),
    ])
    .where('p.arn', '=', planArn).where('p.account_id', '=', accountId);
});

/**
 * Reads the start context of a plan of the account; undefined when the plan is not there.
 * A use of the token older than the token lifetime at `nowMs` is no prior use.
 */
export async function readStartContext(
  db: Kysely<DB>, accountId: string, planArn: string, token: string | undefined, nowMs: number,
): Promise<StartContext | undefined> {
  const row = (await read(db, accountId, planArn, token ?? '', nowMs - tokenLifetimeMs)).rows[0];
  if (!row) return undefined;
  const { rs_status, prior_hash, prior_response, open_arn, ...plan } = row;
  return {
    plan,
    replicationSetStatus: rs_status,
    prior: token && prior_hash !== null && prior_response !== null ? { requestHash: prior_hash, response: prior_response } : undefined,
    openDuplicateArn: open_arn,
  };
}

/** Everything a new incident writes, decided before the write. */
export interface NewIncidentWrite {
  row: Insertable<IncidentsTable>;
  event: TimelineEvent;
  tags: Record<string, string>;
  /** The token claim, when the request carried a clientToken. */
  token?: { use: TokenUse; hash: string; nowMs: number };
}

/**
 * How the write ended: created; not created (an OPEN incident holds the dedupe string, or the
 * replication set went away: nothing written, the general path sorts out which); or the
 * token was used before.
 */
export type NewIncidentOutcome = { kind: 'created' } | { kind: 'duplicate' } | { kind: 'replay'; prior: PriorUse };

/** Thrown inside a SQLite write to undo the incident insert when the token turns out to be used. */
class TokenUsed extends Error {
  constructor(readonly prior: PriorUse) {
    super('clientToken used before');
  }
}

/**
 * Writes a new incident with its trigger event, tags and token record, for the plan at
 * `revision`. On PostgreSQL this is the one statement of startWithKnownPlan; on SQLite the
 * same steps run inside one batched write.
 */
export async function writeNewIncident(database: Database, w: NewIncidentWrite, plan: { arn: string; revision: string }): Promise<NewIncidentOutcome> {
  const one = await startWithKnownPlan(database, w, plan);
  if (one) return one.kind === 'created' || one.kind === 'replay' ? one : { kind: 'duplicate' };
  try {
    return await database.write(async (trx) => {
      await requireReplicationSet(trx, w.row.account_id);
      if (!(await insertUnlessOpenDuplicate(trx, w.row))) return { kind: 'duplicate' } as const;
      await timeline.insert(trx, w.event);
      await upsertTags(trx, w.event.incidentRecordArn, w.tags);
      if (w.token) {
        const claimed = await claim(trx, w.token.use, w.token.hash, w.token.nowMs, w.row.arn);
        if (!claimed.claimed) throw new TokenUsed((await findPriorUse(trx, w.token.use, w.token.nowMs))!);
      }
      return { kind: 'created' } as const;
    });
  } catch (err) {
    if (err instanceof TokenUsed) return { kind: 'replay', prior: err.prior };
    throw err;
  }
}

const n = incidentColumns.length;
/** Placeholders $from..$(from+count-1), comma-separated. */
const params = (from: number, count: number) => Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');

/** The outcome of a start in one statement with a plan the caller holds in memory. */
export type KnownPlanOutcome =
  | { kind: 'created' }
  | { kind: 'joined'; arn: string }
  | { kind: 'replay'; prior: PriorUse }
  /** The plan changed since it was cached: nothing written. */
  | { kind: 'stale' }
  /** Something else (no replication set, a race on the dedupe string): nothing written. */
  | { kind: 'other' };

const openDedupeParam = incidentColumns.indexOf('open_dedupe') + 1;
const accountParam = incidentColumns.indexOf('account_id') + 1;
/**
 * The one-statement start. Two texts, for plans with and without a dedupe string: with one
 * parameterized text, PostgreSQL's cached generic plan (a NULL dedupe string cannot match)
 * measured 2-3x slower for plans without one.
 */
function knownPlanSql(withDedupe: boolean): string {
  const op = withDedupe ? `SELECT arn FROM incidents WHERE account_id = $${accountParam} AND open_dedupe = $${openDedupeParam}` : 'SELECT NULL::text AS arn WHERE false';
  return `WITH rs AS (
  SELECT 1 FROM replication_sets WHERE account_id = $${accountParam} AND status <> 'DELETING'
), pl AS (
  SELECT 1 FROM response_plans WHERE arn = $${n + 14} AND revision = $${n + 15}
), op AS (
  ${op}
), ins AS (
  INSERT INTO incidents (${incidentColumns.join(', ')}) SELECT ${params(1, n)} FROM rs, pl WHERE NOT EXISTS (SELECT 1 FROM op)
  ON CONFLICT (account_id, open_dedupe) WHERE open_dedupe IS NOT NULL DO NOTHING RETURNING arn
), ev AS (
  INSERT INTO timeline_events (event_id, incident_arn, event_type, event_time, event_updated_time, event_data, event_references, event_reference_keys)
  SELECT $${n + 1}, ins.arn, ${params(n + 2, 6)} FROM ins
), tg AS (
  INSERT INTO tags (resource_arn, tag_key, tag_value)
  SELECT ins.arn, t.key, t.value FROM ins, jsonb_each_text($${n + 8}::jsonb) AS t
), tok AS (
  INSERT INTO idempotency_tokens (account_id, operation, token, request_hash, response, created_at)
  SELECT $${n + 9}, $${n + 10}, $${n + 11}, $${n + 12}, to_json(x.arn)::text, $${n + 13}
  FROM (SELECT arn FROM ins UNION ALL SELECT op.arn FROM op, rs, pl) AS x WHERE $${n + 11}::text <> '' LIMIT 1
)
SELECT (SELECT arn FROM ins) AS created, (SELECT op.arn FROM op, rs, pl) AS joined, EXISTS (SELECT 1 FROM pl) AS plan_ok`;
}
const pgStartKnownPlan = { withDedupe: knownPlanSql(true), withoutDedupe: knownPlanSql(false) };

/**
 * PostgreSQL: a whole StartIncident in one statement (data-modifying CTEs; no BEGIN/COMMIT
 * round trips, atomic by itself), for the plan at `revision`: the duplicate check, the insert
 * with its event and tags, and the token record, which is inserted only with its result, so a
 * reused token fails the whole statement on its key (an expired use holding the key sends the
 * start to the general path, which replaces it). Undefined on SQLite, where the
 * read-then-write path costs microseconds and needs no such shortcut.
 */
export async function startWithKnownPlan(
  database: Database, w: NewIncidentWrite, plan: { arn: string; revision: string },
): Promise<KnownPlanOutcome | undefined> {
  if (database.dialect !== 'postgres') return undefined;
  let batcher = batchers.get(database);
  if (!batcher) batchers.set(database, (batcher = new PgStartBatcher(database, startOne)));
  return batcher.submit(w, plan);
}

const batchers = new WeakMap<Database, PgStartBatcher>();

/**
 * The parameters of one start, in the order both PostgreSQL start statements take them: the
 * incident's columns, its trigger event, its tags as JSON, the token claim, the plan revision.
 */
export function startValues(w: NewIncidentWrite, plan: { arn: string; revision: string }): unknown[] {
  const e = w.event;
  const t = w.token;
  return [
    ...incidentColumns.map((c) => w.row[c] ?? null),
    e.eventId, e.eventType, e.eventTime.getTime(), e.eventUpdatedTime.getTime(), e.eventData,
    e.eventReferences ? JSON.stringify(e.eventReferences) : null, referenceKeys(e.eventReferences),
    JSON.stringify(w.tags),
    t?.use.accountId ?? '', t?.use.operation ?? '', t?.use.token ?? '', t?.hash ?? '', t?.nowMs ?? 0,
    plan.arn, plan.revision,
  ];
}

/** One start in one statement (the batcher's path for a batch of one, and its fallback). */
async function startOne(database: Database, w: NewIncidentWrite, plan: { arn: string; revision: string }): Promise<KnownPlanOutcome> {
  const values = startValues(w, plan);
  const t = w.token;
  try {
    const result = await database.writeSingle((db) =>
      db.executeQuery<{ created: string | null; joined: string | null; plan_ok: boolean }>(CompiledQuery.raw(
        w.row.open_dedupe ? pgStartKnownPlan.withDedupe : pgStartKnownPlan.withoutDedupe, values)));
    const row = result.rows[0]!;
    if (row.created) return { kind: 'created' };
    if (!row.plan_ok) return { kind: 'stale' };
    if (row.joined) return { kind: 'joined', arn: row.joined };
    return { kind: 'other' };
  } catch (err) {
    if (t && isUniqueViolation(err, 'idempotency_tokens_pk', '')) {
      const prior = await findPriorUse(database.db, t.use, t.nowMs);
      // No use that still counts: the key is held by an expired one (or was deleted since).
      // The general path replaces it (src/idempotency/idempotency.ts, once()).
      return prior ? { kind: 'replay', prior } : { kind: 'other' };
    }
    throw err;
  }
}
