/**
 * Queries for findings (deployments and stack updates that may have caused an incident).
 * Nothing writes findings yet; the reads are real so that a findings source only has to
 * insert rows. Every function takes the db (or a transaction) first.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Finding, FindingSummary } from '../api/models/ssm-incidents.types.js';
import type { DB, FindingsTable } from '../db/schema.js';

/** Turns a row into a finding. details is FindingDetails JSON whose timestamps are epoch seconds or ISO-8601 text (the wire codec sends either as a number). */
export function toFinding(row: Selectable<FindingsTable>): Finding {
  return {
    id: row.finding_id,
    details: row.details ? JSON.parse(row.details) : undefined,
    creationTime: new Date(row.created_at),
    lastModifiedTime: new Date(row.last_modified_at),
  };
}

/** Up to `limit` finding summaries of an incident in id order, after `afterId`. */
export async function findSummaries(
  db: Kysely<DB>, incidentArn: string, afterId: string | undefined, limit: number,
): Promise<FindingSummary[]> {
  let query = db.selectFrom('findings').select(['finding_id', 'last_modified_at']).where('incident_arn', '=', incidentArn);
  if (afterId !== undefined) query = query.where('finding_id', '>', afterId);
  const rows = await query.orderBy('finding_id').limit(limit).execute();
  return rows.map((r) => ({ id: r.finding_id, lastModifiedTime: new Date(r.last_modified_at) }));
}

/** The findings of an incident among `ids` (absent ids are simply missing). */
export async function findByIds(db: Kysely<DB>, incidentArn: string, ids: string[]): Promise<Finding[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('findings').selectAll().where('incident_arn', '=', incidentArn).where('finding_id', 'in', ids).execute();
  return rows.map(toFinding);
}

/** Removes every finding of an incident (when it is deleted). */
export async function deleteAllFor(db: Kysely<DB>, incidentArn: string): Promise<void> {
  await db.deleteFrom('findings').where('incident_arn', '=', incidentArn).execute();
}
