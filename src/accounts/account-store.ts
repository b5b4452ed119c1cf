/**
 * Queries for settings, accounts and access keys (root and IAM users'). Every function takes
 * the db (or a transaction) first. Secrets arrive here already sealed: this module never sees
 * a plaintext secret except when sealing rows written before secrets were sealed.
 */
import { sql, type Kysely } from 'kysely';
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

// ---------------------------------------------------------------- accounts

/** Records an account unless it exists; true when this call created it. */
export async function createAccount(db: Kysely<DB>, accountId: string, createdAt: number): Promise<boolean> {
  const r = await db.insertInto('accounts').values({ account_id: accountId, created_at: createdAt })
    .onConflict((oc) => oc.column('account_id').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** One account. */
export async function findAccount(db: Kysely<DB>, accountId: string): Promise<{ accountId: string; createdAt: Date } | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return row ? { accountId: row.account_id, createdAt: new Date(row.created_at) } : undefined;
}

/** Every account, in id order. */
export async function findAccounts(db: Kysely<DB>): Promise<{ accountId: string; createdAt: Date }[]> {
  const rows = await db.selectFrom('accounts').selectAll().orderBy('account_id').execute();
  return rows.map((r) => ({ accountId: r.account_id, createdAt: new Date(r.created_at) }));
}

// ---------------------------------------------------------------- access keys

/** A new access key row: the secret sealed, usage not yet recorded. */
export type NewAccessKey = Pick<AccessKeysTable, 'access_key_id' | 'secret_access_key' | 'account_id' | 'principal_arn' | 'kind' | 'status' | 'created_at'>
  & { user_id?: string };

/** Finds an access key by id. */
export async function findAccessKey(db: Kysely<DB>, accessKeyId: string): Promise<AccessKeysTable | undefined> {
  return db.selectFrom('access_keys').selectAll().where('access_key_id', '=', accessKeyId).executeTakeFirst();
}

/** The account's root keys, oldest first. */
export async function findRootKeys(db: Kysely<DB>, accountId: string): Promise<AccessKeysTable[]> {
  return db.selectFrom('access_keys').selectAll().where('account_id', '=', accountId)
    .where('kind', 'in', ['root-generated', 'root-configured']).orderBy('created_at').orderBy('access_key_id').execute();
}

/** The user's keys, oldest first. */
export async function findUserKeys(db: Kysely<DB>, userId: string): Promise<AccessKeysTable[]> {
  return db.selectFrom('access_keys').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('access_key_id').execute();
}

/** Deactivates every root key of the account but one. */
export async function deactivateRootKeysExcept(db: Kysely<DB>, accountId: string, keep: string): Promise<void> {
  await db.updateTable('access_keys').set({ status: 'Inactive' })
    .where('account_id', '=', accountId).where('kind', 'in', ['root-generated', 'root-configured'])
    .where('access_key_id', '!=', keep).execute();
}

/** Sets a key's status (Active or Inactive). */
export async function setStatus(db: Kysely<DB>, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void> {
  await db.updateTable('access_keys').set({ status }).where('access_key_id', '=', accessKeyId).execute();
}

/** Inserts a key. */
export async function createAccessKey(db: Kysely<DB>, row: NewAccessKey): Promise<void> {
  await db.insertInto('access_keys').values({ ...row, user_id: row.user_id ?? null, sealed: 1 }).execute();
}

/** Inserts or replaces a root key (configured credentials are written at every start). */
export async function upsertAccessKey(db: Kysely<DB>, row: NewAccessKey): Promise<void> {
  await db.insertInto('access_keys').values({ ...row, user_id: row.user_id ?? null, sealed: 1 })
    .onConflict((oc) => oc.column('access_key_id').doUpdateSet({
      secret_access_key: row.secret_access_key, sealed: 1, account_id: row.account_id, principal_arn: row.principal_arn,
      kind: row.kind, status: row.status,
    }))
    .execute();
}

/** Deletes a key. */
export async function deleteAccessKey(db: Kysely<DB>, accessKeyId: string): Promise<void> {
  await db.deleteFrom('access_keys').where('access_key_id', '=', accessKeyId).execute();
}

/** Records a key's last use. */
export async function recordUse(db: Kysely<DB>, accessKeyId: string, at: number, service: string, region: string): Promise<void> {
  await db.updateTable('access_keys').set({ last_used_at: at, last_used_service: service, last_used_region: region })
    .where('access_key_id', '=', accessKeyId).execute();
}

/** Keys whose secret is still plaintext (written before secrets were sealed). */
export async function findUnsealed(db: Kysely<DB>, limit: number): Promise<{ access_key_id: string; secret_access_key: string }[]> {
  return db.selectFrom('access_keys').select(['access_key_id', 'secret_access_key']).where('sealed', '=', 0).limit(limit).execute();
}

/** Replaces a plaintext secret by its sealed form (no-op if another node sealed it first). */
export async function sealSecret(db: Kysely<DB>, accessKeyId: string, sealedSecret: string): Promise<void> {
  await db.updateTable('access_keys').set({ secret_access_key: sealedSecret, sealed: 1 })
    .where('access_key_id', '=', accessKeyId).where('sealed', '=', 0).execute();
}

/**
 * SQLite: while on, deleted or overwritten content is zeroed in the file instead of lingering
 * in free space (used while sealing plaintext secrets). SQLite only.
 */
export async function setSecureDelete(db: Kysely<DB>, on: boolean): Promise<void> {
  await sql.raw(`PRAGMA secure_delete = ${on ? 'ON' : 'OFF'}`).execute(db);
}
