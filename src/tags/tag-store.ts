/** Tags of any resource, keyed by its ARN. */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** The tags of a resource as a map. */
export async function findTags(db: Kysely<DB>, resourceArn: string): Promise<Record<string, string>> {
  const rows = await db.selectFrom('tags').select(['tag_key', 'tag_value']).where('resource_arn', '=', resourceArn).orderBy('tag_key').execute();
  return Object.fromEntries(rows.map((r) => [r.tag_key, r.tag_value]));
}

/** Adds or overwrites tags. */
export async function upsertTags(db: Kysely<DB>, resourceArn: string, tags: Record<string, string>): Promise<void> {
  const rows = Object.entries(tags).map(([tag_key, tag_value]) => ({ resource_arn: resourceArn, tag_key, tag_value }));
  if (rows.length === 0) return;
  await db.insertInto('tags').values(rows)
    .onConflict((oc) => oc.columns(['resource_arn', 'tag_key']).doUpdateSet((eb) => ({ tag_value: eb.ref('excluded.tag_value') })))
    .execute();
}

/** Removes the given tag keys (absent keys are ignored). */
export async function deleteTags(db: Kysely<DB>, resourceArn: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.deleteFrom('tags').where('resource_arn', '=', resourceArn).where('tag_key', 'in', keys).execute();
}

/** Removes every tag of a resource (when it is deleted). */
export async function deleteAllTags(db: Kysely<DB>, resourceArn: string): Promise<void> {
  await db.deleteFrom('tags').where('resource_arn', '=', resourceArn).execute();
}

/** Replaces the whole tag set. */
export async function replaceTags(db: Kysely<DB>, resourceArn: string, tags: Record<string, string>): Promise<void> {
  await deleteAllTags(db, resourceArn);
  await upsertTags(db, resourceArn, tags);
}

/** The number of tags a resource has. */
export async function countTags(db: Kysely<DB>, resourceArn: string): Promise<number> {
  const row = await db.selectFrom('tags').select((eb) => eb.fn.countAll<number | string>().as('n')).where('resource_arn', '=', resourceArn).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Which of `keys` the resource already has. */
export async function findExistingKeys(db: Kysely<DB>, resourceArn: string, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await db.selectFrom('tags').select('tag_key').where('resource_arn', '=', resourceArn).where('tag_key', 'in', keys).execute();
  return rows.map((r) => r.tag_key);
}

/** The table holding each kind of taggable resource, keyed by its ARN. */
const taggableTables = {
  'response-plan': 'response_plans',
  'incident-record': 'incidents',
  'replication-set': 'replication_sets',
  contact: 'contacts',
} as const;

/** True when a taggable resource of that kind exists under `arn` in the account. */
export async function taggableExists(db: Kysely<DB>, kind: keyof typeof taggableTables, arn: string, accountId: string): Promise<boolean> {
  const row = await db.selectFrom(taggableTables[kind]).select('arn').where('arn', '=', arn).where('account_id', '=', accountId).executeTakeFirst();
  return row !== undefined;
}
