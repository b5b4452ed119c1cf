/** Queries for settings and access keys. Every function takes the db (or a transaction) first. */
import type { Kysely } from 'kysely';
import type { AccessKeysTable, DB } from '../db/schema.js';

/** Reads one setting. */
export async function findSetting(db: Kysely<DB>, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Writes a setting unless it exists; returns the value that is stored afterwards. */
export async function createSettingIfAbsent(db: Kysely<DB>, key: string, value: string): Promise<string> {
  await db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
  return (await findSetting(db, key))!;
}

/** Finds an access key by id. */
export async function findAccessKey(db: Kysely<DB>, accessKeyId: string): Promise<AccessKeysTable | undefined> {
  return db.selectFrom('access_keys').selectAll().where('access_key_id', '=', accessKeyId).executeTakeFirst();
}

/** Deactivates every root key of the account but one. */
export async function deactivateRootKeysExcept(db: Kysely<DB>, accountId: string, keep: string): Promise<void> {
  await db.updateTable('access_keys').set({ status: 'Inactive' })
    .where('account_id', '=', accountId).where('kind', 'in', ['root-generated', 'root-configured'])
    .where('access_key_id', '!=', keep).execute();
}

/** Marks a key active. */
export async function activate(db: Kysely<DB>, accessKeyId: string): Promise<void> {
  await db.updateTable('access_keys').set({ status: 'Active' }).where('access_key_id', '=', accessKeyId).execute();
}

/** Inserts or replaces an access key. */
export async function upsertAccessKey(db: Kysely<DB>, row: AccessKeysTable): Promise<void> {
  await db.insertInto('access_keys').values(row)
    .onConflict((oc) => oc.column('access_key_id').doUpdateSet({
      secret_access_key: row.secret_access_key, account_id: row.account_id, principal_arn: row.principal_arn,
      kind: row.kind, status: row.status,
    }))
    .execute();
}
