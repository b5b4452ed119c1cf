/** Queries for IAM roles. Every function takes the db (or a transaction) first. */
import type { Kysely, Selectable } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import type { DB, IamRolesTable } from '../db/schema.js';
import type { IamRole } from './iam.js';

function toRole(row: Selectable<IamRolesTable>): IamRole {
  return {
    roleId: row.role_id, accountId: row.account_id, name: row.name, path: row.path, arn: row.arn,
    trustPolicy: row.trust_policy, description: row.description ?? undefined, maxSessionSeconds: row.max_session_seconds,
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at === null ? undefined : new Date(row.last_used_at),
    lastUsedRegion: row.last_used_region ?? undefined,
  };
}

/** Finds the account's role by name, case-insensitively; `lock` locks the row until the transaction ends (PostgreSQL). */
export async function findOneByName(db: Kysely<DB>, accountId: string, name: string, lock = false): Promise<IamRole | undefined> {
  const q = db.selectFrom('iam_roles').selectAll().where('account_id', '=', accountId).where('name_key', '=', name.toLowerCase());
  const row = await (lock && isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
  return row ? toRole(row) : undefined;
}

/** Finds a role by id. */
export async function findOneById(db: Kysely<DB>, roleId: string): Promise<IamRole | undefined> {
  const row = await db.selectFrom('iam_roles').selectAll().where('role_id', '=', roleId).executeTakeFirst();
  return row ? toRole(row) : undefined;
}

/** The account's roles whose path starts with `pathPrefix`, in name order, after `afterKey`. */
export async function findMany(db: Kysely<DB>, accountId: string, pathPrefix: string, afterKey: string | undefined, limit: number): Promise<IamRole[]> {
  let q = db.selectFrom('iam_roles').selectAll().where('account_id', '=', accountId);
  if (pathPrefix !== '/') q = q.where((eb) => eb(eb.fn('substr', ['path', eb.val(1), eb.val(pathPrefix.length)]), '=', pathPrefix));
  if (afterKey !== undefined) q = q.where('name_key', '>', afterKey);
  return (await q.orderBy('name_key').limit(limit).execute()).map(toRole);
}

/** Inserts a role. */
export async function create(db: Kysely<DB>, role: IamRole): Promise<void> {
  await db.insertInto('iam_roles').values({
    role_id: role.roleId, account_id: role.accountId, name: role.name, name_key: role.name.toLowerCase(), path: role.path,
    arn: role.arn, trust_policy: role.trustPolicy, description: role.description ?? null, max_session_seconds: role.maxSessionSeconds,
    created_at: role.createdAt.getTime(), last_used_at: null, last_used_region: null,
  }).execute();
}

/** Replaces a role's trust policy. */
export async function updateTrustPolicy(db: Kysely<DB>, roleId: string, trustPolicy: string): Promise<void> {
  await db.updateTable('iam_roles').set({ trust_policy: trustPolicy }).where('role_id', '=', roleId).execute();
}

/** Records that the role was assumed. */
export async function recordUse(db: Kysely<DB>, roleId: string, at: Date, region: string): Promise<void> {
  await db.updateTable('iam_roles').set({ last_used_at: at.getTime(), last_used_region: region }).where('role_id', '=', roleId).execute();
}

/** Deletes a role row. */
export async function deleteOne(db: Kysely<DB>, roleId: string): Promise<void> {
  await db.deleteFrom('iam_roles').where('role_id', '=', roleId).execute();
}
