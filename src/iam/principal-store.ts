/**
 * Queries for what hangs off a user or role, by its id: attached managed policies, inline
 * policies and tags. Every function takes the db (or a transaction) first.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { AttachedPolicy, Tag } from './iam.js';

// ---------------------------------------------------------------- attachments

/** Attaches a managed policy (attaching it again changes nothing). */
export async function attach(db: Kysely<DB>, row: { principalId: string; accountId: string; policyArn: string; policyName: string; policyPath: string; at: Date }): Promise<void> {
  await db.insertInto('iam_attachments').values({
    principal_id: row.principalId, policy_arn: row.policyArn, account_id: row.accountId, policy_name: row.policyName,
    policy_name_key: row.policyName.toLowerCase(), policy_path: row.policyPath, attached_at: row.at.getTime(),
  }).onConflict((oc) => oc.columns(['principal_id', 'policy_arn']).doNothing()).execute();
}

/** Detaches a managed policy; false when it was not attached. */
export async function detach(db: Kysely<DB>, principalId: string, policyArn: string): Promise<boolean> {
  const r = await db.deleteFrom('iam_attachments').where('principal_id', '=', principalId).where('policy_arn', '=', policyArn).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Policies attached to the principal whose path starts with `pathPrefix`, in name order after `after` ([name key, arn]). */
export async function findAttached(db: Kysely<DB>, principalId: string, pathPrefix: string, after: [string, string] | undefined, limit: number): Promise<AttachedPolicy[]> {
  let q = db.selectFrom('iam_attachments').select(['policy_name', 'policy_arn', 'policy_name_key']).where('principal_id', '=', principalId);
  if (pathPrefix !== '/') q = q.where((eb) => eb(eb.fn('substr', ['policy_path', eb.val(1), eb.val(pathPrefix.length)]), '=', pathPrefix));
  if (after) {
    const [key, arn] = after;
    q = q.where((eb) => eb.or([eb('policy_name_key', '>', key), eb.and([eb('policy_name_key', '=', key), eb('policy_arn', '>', arn)])]));
  }
  const rows = await q.orderBy('policy_name_key').orderBy('policy_arn').limit(limit).execute();
  return rows.map((r) => ({ name: r.policy_name, arn: r.policy_arn }));
}

/** ARNs of every policy attached to the principal. */
export async function findAttachedArns(db: Kysely<DB>, principalId: string): Promise<string[]> {
  const rows = await db.selectFrom('iam_attachments').select('policy_arn').where('principal_id', '=', principalId).orderBy('policy_arn').execute();
  return rows.map((r) => r.policy_arn);
}

/** How many policies are attached to the principal. */
export async function countAttached(db: Kysely<DB>, principalId: string): Promise<number> {
  const r = await db.selectFrom('iam_attachments').select((eb) => eb.fn.countAll().as('n')).where('principal_id', '=', principalId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** How many users and roles of `accountId` the policy is attached to, by policy ARN. */
export async function countAttachments(db: Kysely<DB>, accountId: string, policyArns: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (policyArns.length === 0) return counts;
  const rows = await db.selectFrom('iam_attachments').select(['policy_arn', (eb) => eb.fn.countAll().as('n')])
    .where('account_id', '=', accountId).where('policy_arn', 'in', policyArns).groupBy('policy_arn').execute();
  for (const r of rows) counts.set(r.policy_arn, Number(r.n));
  return counts;
}

// ---------------------------------------------------------------- inline policies

/** Creates or replaces an inline policy (names are case-insensitive; the latest spelling is kept). */
export async function putInline(db: Kysely<DB>, principalId: string, name: string, document: string, at: Date): Promise<void> {
  const row = { principal_id: principalId, name, name_key: name.toLowerCase(), document, updated_at: at.getTime() };
  await db.insertInto('iam_inline_policies').values(row)
    .onConflict((oc) => oc.columns(['principal_id', 'name_key']).doUpdateSet({ name, document, updated_at: row.updated_at }))
    .execute();
}

/** An inline policy by name. */
export async function findInline(db: Kysely<DB>, principalId: string, name: string): Promise<{ name: string; document: string } | undefined> {
  return db.selectFrom('iam_inline_policies').select(['name', 'document'])
    .where('principal_id', '=', principalId).where('name_key', '=', name.toLowerCase()).executeTakeFirst();
}

/** Every inline policy of the principal, in name order. */
export async function findAllInline(db: Kysely<DB>, principalId: string): Promise<{ name: string; document: string }[]> {
  return db.selectFrom('iam_inline_policies').select(['name', 'document']).where('principal_id', '=', principalId).orderBy('name_key').execute();
}

/** Names of the principal's inline policies after `afterKey`, in name order. */
export async function findInlineNames(db: Kysely<DB>, principalId: string, afterKey: string | undefined, limit: number): Promise<string[]> {
  let q = db.selectFrom('iam_inline_policies').select('name').where('principal_id', '=', principalId);
  if (afterKey !== undefined) q = q.where('name_key', '>', afterKey);
  return (await q.orderBy('name_key').limit(limit).execute()).map((r) => r.name);
}

/** Deletes an inline policy; false when there was none. */
export async function deleteInline(db: Kysely<DB>, principalId: string, name: string): Promise<boolean> {
  const r = await db.deleteFrom('iam_inline_policies').where('principal_id', '=', principalId).where('name_key', '=', name.toLowerCase()).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// ---------------------------------------------------------------- tags

/** The entity's tags in key order. */
export async function findTags(db: Kysely<DB>, entityId: string): Promise<Tag[]> {
  const rows = await db.selectFrom('iam_tags').select(['tag_key', 'tag_value']).where('entity_id', '=', entityId).orderBy('key_lower').execute();
  return rows.map((r) => ({ Key: r.tag_key, Value: r.tag_value }));
}

/** Adds or overwrites tags (a key differing only in case overwrites, taking the new spelling). */
export async function upsertTags(db: Kysely<DB>, entityId: string, tags: readonly Tag[]): Promise<void> {
  for (const t of tags) {
    await db.insertInto('iam_tags').values({ entity_id: entityId, key_lower: t.Key.toLowerCase(), tag_key: t.Key, tag_value: t.Value })
      .onConflict((oc) => oc.columns(['entity_id', 'key_lower']).doUpdateSet({ tag_key: t.Key, tag_value: t.Value }))
      .execute();
  }
}

/** Removes tags by key (case-insensitively). */
export async function deleteTags(db: Kysely<DB>, entityId: string, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.deleteFrom('iam_tags').where('entity_id', '=', entityId).where('key_lower', 'in', keys.map((k) => k.toLowerCase())).execute();
}

/** Removes every tag of the entity. */
export async function deleteAllTags(db: Kysely<DB>, entityId: string): Promise<void> {
  await db.deleteFrom('iam_tags').where('entity_id', '=', entityId).execute();
}
