/** Queries for incident records. Every function takes the db (or a transaction) first. */
import type { TriggerDetails } from '../api/models/ssm-incidents.types.js';
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { prepared } from '../db/prepared.js';
import type { DB, IncidentsTable } from '../db/schema.js';
import type { Criterion } from '../filters/filter.js';
import { openDedupeOf, type Incident } from './incident.js';

/** The incident row type. */
export type IncidentRow = Selectable<IncidentsTable>;

const columns = {
  creationTime: 'created_at', resolvedTime: 'resolved_at', impact: 'impact', status: 'status', createdBy: 'created_by',
} as const;

/** Turns a row into the domain value. */
export function toIncident(row: IncidentRow): Incident {
  return {
    arn: row.arn,
    accountId: row.account_id,
    responsePlanArn: row.response_plan_arn,
    title: row.title,
    summary: row.summary ?? undefined,
    status: row.status as Incident['status'],
    impact: row.impact,
    dedupeString: row.dedupe_string,
    chatChannel: row.chat_channel ? JSON.parse(row.chat_channel) : undefined,
    notificationTargets: row.notification_targets ? JSON.parse(row.notification_targets) : undefined,
    automationExecutions: row.automation_executions ? JSON.parse(row.automation_executions) : [],
    source: {
      createdBy: row.created_by,
      invokedBy: row.invoked_by ?? undefined,
      resourceArn: row.source_resource_arn ?? undefined,
      source: row.source,
    },
    triggerDetails: row.trigger_details ? reviveTrigger(JSON.parse(row.trigger_details)) : undefined,
    createdAt: new Date(row.created_at),
    resolvedAt: row.resolved_at === null ? undefined : new Date(row.resolved_at),
    lastModifiedAt: new Date(row.last_modified_at),
    lastModifiedBy: row.last_modified_by,
  };
}

function reviveTrigger(stored: Omit<TriggerDetails, 'timestamp'> & { timestamp: string }): TriggerDetails {
  return { ...stored, timestamp: new Date(stored.timestamp) };
}

/** Turns a new incident and the JSON of its plan snapshot into a row. */
export function toRow(incident: Incident, planSnapshot: string): Insertable<IncidentsTable> {
  return {
    arn: incident.arn,
    account_id: incident.accountId,
    response_plan_arn: incident.responsePlanArn,
    title: incident.title,
    impact: incident.impact,
    summary: incident.summary ?? null,
    status: incident.status,
    dedupe_string: incident.dedupeString,
    open_dedupe: openDedupeOf(incident.status, incident.dedupeString),
    chat_channel: json(incident.chatChannel),
    notification_targets: json(incident.notificationTargets),
    automation_executions: JSON.stringify(incident.automationExecutions),
    created_by: incident.source.createdBy,
    invoked_by: incident.source.invokedBy ?? null,
    source_resource_arn: incident.source.resourceArn ?? null,
    source: incident.source.source,
    trigger_details: json(incident.triggerDetails),
    plan_snapshot: planSnapshot,
    created_at: incident.createdAt.getTime(),
    resolved_at: incident.resolvedAt?.getTime() ?? null,
    last_modified_at: incident.lastModifiedAt.getTime(),
    last_modified_by: incident.lastModifiedBy,
  };
}

/** JSON text of a nested value, or NULL when absent. */
export function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export const incidentColumns = [
  'arn', 'account_id', 'response_plan_arn', 'title', 'impact', 'summary', 'status', 'dedupe_string', 'open_dedupe',
  'chat_channel', 'notification_targets', 'automation_executions', 'created_by', 'invoked_by', 'source_resource_arn',
  'source', 'trigger_details', 'plan_snapshot', 'created_at', 'resolved_at', 'last_modified_at', 'last_modified_by',
] as const satisfies readonly (keyof Insertable<IncidentsTable>)[];

const insertIfNoOpenDuplicate = prepared(incidentColumns.length, (db, ...values: unknown[]) => db
  .insertInto('incidents')
  .values(Object.fromEntries(incidentColumns.map((c, i) => [c, values[i]])) as Insertable<IncidentsTable>)
  .onConflict((oc) => oc.columns(['account_id', 'open_dedupe']).where('open_dedupe', 'is not', null).doNothing()));

/**
 * Inserts the incident unless an OPEN incident of the account holds its dedupe string
 * (the (account_id, open_dedupe) unique key); true when the row was inserted.
 */
export async function insertUnlessOpenDuplicate(db: Kysely<DB>, row: Insertable<IncidentsTable>): Promise<boolean> {
  const result = await insertIfNoOpenDuplicate(db, ...incidentColumns.map((c) => row[c] ?? null));
  return Number(result.numAffectedRows ?? 0n) > 0;
}

/** The ARN of the OPEN incident holding `dedupe` in the account, if any. */
export async function findOpenByDedupe(db: Kysely<DB>, accountId: string, dedupe: string): Promise<string | undefined> {
  return (await openByDedupe(db, accountId, dedupe)).rows[0]?.arn;
}

const openByDedupe = prepared(2, (db, accountId: string, dedupe: string) => db
  .selectFrom('incidents').select('arn').where('account_id', '=', accountId).where('open_dedupe', '=', dedupe));

/** Finds an incident by ARN. */
export async function findOne(db: Kysely<DB>, arn: string): Promise<Incident | undefined> {
  const row = await db.selectFrom('incidents').selectAll().where('arn', '=', arn).executeTakeFirst();
  return row ? toIncident(row) : undefined;
}

/** Finds an incident by ARN and locks its row until the transaction ends (PostgreSQL; SQLite has one writer). */
export async function findOneForUpdate(db: Kysely<DB>, arn: string): Promise<Incident | undefined> {
  let query = db.selectFrom('incidents').selectAll().where('arn', '=', arn);
  if (isPostgres(db)) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toIncident(row) : undefined;
}

/** True when the incident exists. */
export async function exists(db: Kysely<DB>, arn: string): Promise<boolean> {
  const row = await db.selectFrom('incidents').select('seq').where('arn', '=', arn).executeTakeFirst();
  return row !== undefined;
}

/** Up to `limit` incidents of the account matching every criterion, newest first, after seq `beforeSeq`. */
export async function findMany(
  db: Kysely<DB>, accountId: string, criteria: Criterion[], beforeSeq: number | undefined, limit: number,
): Promise<(Incident & { seq: number })[]> {
  let query = db.selectFrom('incidents').selectAll().where('account_id', '=', accountId);
  for (const c of criteria) {
    const column = columns[c.key as keyof typeof columns];
    if (c.op === 'in') query = query.where(column, 'in', c.values);
    else query = query.where(column, c.op === 'before' ? '<' : '>', c.at.getTime());
  }
  if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
  const rows = await query.orderBy('seq', 'desc').limit(limit).execute();
  return rows.map((row) => ({ ...toIncident(row), seq: row.seq }));
}

/** Updates columns of one incident. */
export async function update(db: Kysely<DB>, arn: string, patch: Updateable<IncidentsTable>): Promise<void> {
  await db.updateTable('incidents').set(patch).where('arn', '=', arn).execute();
}

/** Deletes an incident row; true when it existed. */
export async function deleteOne(db: Kysely<DB>, arn: string): Promise<boolean> {
  const result = await db.deleteFrom('incidents').where('arn', '=', arn).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
