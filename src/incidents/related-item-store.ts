/** Queries for related items. Every function takes the db (or a transaction) first. */
import type { Kysely, Selectable } from 'kysely';
import type { ItemIdentifier } from '../api/models/ssm-incidents.types.js';
import type { DB, RelatedItemsTable } from '../db/schema.js';
import { valueKeyOf, type StoredRelatedItem } from './related-item.js';

/** Turns a row into the domain value (the ItemValue exactly as it was given). */
export function toRelatedItem(row: Selectable<RelatedItemsTable>): StoredRelatedItem {
  return {
    generatedId: row.generated_id,
    identifier: { type: row.item_type as ItemIdentifier['type'], value: JSON.parse(row.item_value) },
    title: row.title ?? undefined,
  };
}

/**
 * Adds items to an incident. A duplicate (same type and value, or same generatedId) fails
 * with the constraint's ConflictError, unless `skipDuplicates` drops it silently.
 */
export async function insertMany(
  db: Kysely<DB>, incidentArn: string, items: StoredRelatedItem[], nowMs: number, opts: { skipDuplicates?: boolean } = {},
): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((item) => ({
    incident_arn: incidentArn,
    generated_id: item.generatedId,
    item_type: item.identifier.type,
    item_value: JSON.stringify(item.identifier.value),
    value_key: valueKeyOf(item.identifier.value),
    title: item.title ?? null,
    created_at: nowMs,
  }));
  const insert = db.insertInto('related_items').values(rows);
  await (opts.skipDuplicates ? insert.onConflict((oc) => oc.doNothing()) : insert).execute();
}

/** Up to `limit` items of an incident in the order they were added, after seq `afterSeq`. */
export async function findMany(
  db: Kysely<DB>, incidentArn: string, afterSeq: number | undefined, limit: number,
): Promise<(StoredRelatedItem & { seq: number })[]> {
  let query = db.selectFrom('related_items').selectAll().where('incident_arn', '=', incidentArn);
  if (afterSeq !== undefined) query = query.where('seq', '>', afterSeq);
  const rows = await query.orderBy('seq').limit(limit).execute();
  return rows.map((row) => ({ ...toRelatedItem(row), seq: row.seq }));
}

/** Which of `generatedIds` are items of the incident. */
export async function findExistingIds(db: Kysely<DB>, incidentArn: string, generatedIds: string[]): Promise<Set<string>> {
  if (generatedIds.length === 0) return new Set();
  const rows = await db.selectFrom('related_items').select('generated_id')
    .where('incident_arn', '=', incidentArn).where('generated_id', 'in', generatedIds).execute();
  return new Set(rows.map((r) => r.generated_id));
}

/** Removes the item with this identifier; true when there was one. */
export async function deleteByIdentifier(db: Kysely<DB>, incidentArn: string, identifier: ItemIdentifier): Promise<boolean> {
  const result = await db.deleteFrom('related_items').where('incident_arn', '=', incidentArn)
    .where('item_type', '=', identifier.type).where('value_key', '=', valueKeyOf(identifier.value)).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Removes every item of an incident (when it is deleted). */
export async function deleteAllFor(db: Kysely<DB>, incidentArn: string): Promise<void> {
  await db.deleteFrom('related_items').where('incident_arn', '=', incidentArn).execute();
}
