/**
 * PostgreSQL group commit for StartIncident: concurrent starts share one statement.
 *
 * Why: on PostgreSQL each statement costs a round trip, a parse/plan/execute in a backend and a
 * WAL flush, and on a small machine those dominate a start. While a statement is in flight,
 * new starts queue; the next statement carries the whole queue (up to `maxBatch`) as arrays,
 * so the per-statement costs are shared as SQLite's group commit shares its fsync. A start
 * that arrives when nothing waits goes at once, alone: batching never adds latency when idle.
 * Each row gets the same outcome it would get alone (created, joined an open incident, stale
 * plan, or "other" for the general path). If a row's clientToken was used before, its key
 * violation fails the statement: then every row of that batch runs alone.
 */
import { CompiledQuery } from 'kysely';
import { isUniqueViolation } from '../db/constraint-errors.js';
import type { Database } from '../db/database.js';
import { incidentColumns } from './incident-store.js';
import { startValues, type KnownPlanOutcome, type NewIncidentWrite } from './start-store.js';

type Plan = { arn: string; revision: string };
type Single = (database: Database, w: NewIncidentWrite, plan: Plan) => Promise<KnownPlanOutcome>;

interface Entry {
  w: NewIncidentWrite;
  plan: Plan;
  resolve: (o: KnownPlanOutcome) => void;
  reject: (err: unknown) => void;
}

const columnTypes: Record<string, string> = { impact: 'integer', created_at: 'bigint', resolved_at: 'bigint', last_modified_at: 'bigint' };
const extra: (readonly [string, string])[] = [
  ['ev_id', 'text'], ['ev_type', 'text'], ['ev_time', 'bigint'], ['ev_updated', 'bigint'], ['ev_data', 'text'],
  ['ev_refs', 'text'], ['ev_ref_keys', 'text'], ['tags_json', 'text'], ['t_account', 'text'], ['t_op', 'text'],
  ['t_token', 'text'], ['t_hash', 'text'], ['t_now', 'bigint'], ['plan_arn', 'text'], ['revision', 'text'],
];
const inputColumns: (readonly [string, string])[] = [...incidentColumns.map((c) => [c, columnTypes[c] ?? 'text'] as [string, string]), ...extra];

const batchSql = `WITH i AS (
  SELECT * FROM unnest(${inputColumns.map(([, type], k) => `$${k + 1}::${type}[]`).join(', ')})
  WITH ORDINALITY AS u(${inputColumns.map(([name]) => name).join(', ')}, ord)
), chk AS (
  SELECT i.ord,
    EXISTS (SELECT 1 FROM response_plans p WHERE p.arn = i.plan_arn AND p.revision = i.revision) AS plan_ok,
    EXISTS (SELECT 1 FROM replication_sets r WHERE r.account_id = i.account_id AND r.status <> 'DELETING') AS rs_ok,
    CASE WHEN i.open_dedupe IS NOT NULL THEN
      (SELECT x.arn FROM incidents x WHERE x.account_id = i.account_id AND x.open_dedupe = i.open_dedupe) END AS open_arn
  FROM i
), ins AS (
  INSERT INTO incidents (${incidentColumns.join(', ')})
  SELECT ${incidentColumns.map((c) => `i.${c}`).join(', ')} FROM i JOIN chk USING (ord)
  WHERE chk.plan_ok AND chk.rs_ok AND chk.open_arn IS NULL ORDER BY i.ord
  ON CONFLICT (account_id, open_dedupe) WHERE open_dedupe IS NOT NULL DO NOTHING RETURNING arn
), ev AS (
  INSERT INTO timeline_events (event_id, incident_arn, event_type, event_time, event_updated_time, event_data, event_references, event_reference_keys)
  SELECT i.ev_id, i.arn, i.ev_type, i.ev_time, i.ev_updated, i.ev_data, i.ev_refs, i.ev_ref_keys FROM i JOIN ins ON ins.arn = i.arn
), tg AS (
  INSERT INTO tags (resource_arn, tag_key, tag_value)
  SELECT i.arn, t.key, t.value FROM i JOIN ins ON ins.arn = i.arn, jsonb_each_text(i.tags_json::jsonb) AS t
), tok AS (
  INSERT INTO idempotency_tokens (account_id, operation, token, request_hash, response, created_at)
  SELECT i.t_account, i.t_op, i.t_token, i.t_hash, to_json(COALESCE(ins.arn, chk.open_arn))::text, i.t_now
  FROM i JOIN chk USING (ord) LEFT JOIN ins ON ins.arn = i.arn
  WHERE i.t_token <> '' AND chk.plan_ok AND chk.rs_ok AND (ins.arn IS NOT NULL OR chk.open_arn IS NOT NULL)
)
SELECT i.ord, chk.plan_ok, chk.rs_ok, ins.arn AS created, chk.open_arn AS joined
FROM i JOIN chk USING (ord) LEFT JOIN ins ON ins.arn = i.arn`;

/** Batches one-statement starts on one PostgreSQL database. */
export class PgStartBatcher {
  private readonly queue: Entry[] = [];
  private inFlight = 0;

  constructor(
    private readonly database: Database,
    private readonly single: Single,
    private readonly maxBatch = 64,
    private readonly maxInFlight = 4,
  ) {}

  /**
   * Why one statement in flight unless a full batch waits: every statement costs a loopback
   * write and read in this process, a parse/plan/execute in a backend and a WAL flush. With
   * four in flight (the first design) most statements carried one or two starts, and those
   * per-statement costs took a quarter of Tocsin's CPU and half of PostgreSQL's. Holding new
   * starts while one statement runs (a WAL flush, well under a millisecond) lets the next carry
   * all of them: new-incident starts rose from 0.46 to 0.57 of the baseline and deduped ones
   * from 0.42 to 0.65 (BENCHMARKS.md). More statements start only when a whole batch waits.
   */
  private mayStart(): boolean {
    return this.inFlight === 0 || (this.inFlight < this.maxInFlight && this.queue.length >= this.maxBatch);
  }

  /** Queues a start; resolves with its outcome once its statement committed. */
  submit(w: NewIncidentWrite, plan: Plan): Promise<KnownPlanOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ w, plan, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.mayStart()) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async run(batch: Entry[]): Promise<void> {
    if (batch.length === 1) return this.alone(batch[0]!);
    let rows: { ord: string | number; plan_ok: boolean; rs_ok: boolean; created: string | null; joined: string | null }[];
    try {
      rows = (await this.database.writeSingle((db) => db.executeQuery<(typeof rows)[number]>(CompiledQuery.raw(batchSql, arrays(batch))))).rows;
    } catch (err) {
      if (isUniqueViolation(err, 'idempotency_tokens_pk', '')) {
        await Promise.all(batch.map((e) => this.alone(e)));
        return;
      }
      for (const e of batch) e.reject(err);
      return;
    }
    for (const row of rows) {
      const entry = batch[Number(row.ord) - 1]!;
      if (row.created) entry.resolve({ kind: 'created' });
      else if (!row.plan_ok) entry.resolve({ kind: 'stale' });
      else if (row.rs_ok && row.joined) entry.resolve({ kind: 'joined', arn: row.joined });
      else entry.resolve({ kind: 'other' });
    }
  }

  private async alone(e: Entry): Promise<void> {
    try {
      e.resolve(await this.single(this.database, e.w, e.plan));
    } catch (err) {
      e.reject(err);
    }
  }
}

/** The batch as one array per input column, in inputColumns order. */
function arrays(batch: Entry[]): unknown[][] {
  const cols: unknown[][] = inputColumns.map(() => []);
  for (const { w, plan } of batch) startValues(w, plan).forEach((v, k) => cols[k]!.push(v));
  return cols;
}
