/** Queries for IAM users. Every function takes the db (or a transaction) first. */
import type { Kysely, Selectable } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import type { DB, IamUsersTable } from '../db/schema.js';
import type { IamUser } from './iam.js';

function toUser(row: Selectable<IamUsersTable>): IamUser {
  return { userId: row.user_id, accountId: row.account_id, name: row.name, path: row.path, arn: row.arn, createdAt: new Date(row.created_at) };
}

/** Finds the account's user by name, case-insensitively; `lock` locks the row until the transaction ends (PostgreSQL). */
export async function findOneByName(db: Kysely<DB>, accountId: string, name: string, lock = false): Promise<IamUser | undefined> {
  const q = db.selectFrom('iam_users').selectAll().where('account_id', '=', accountId).where('name_key', '=', name.toLowerCase());
  const row = await (lock && isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
  return row ? toUser(row) : undefined;
}

/** Finds a user by id. */
export async function findOneById(db: Kysely<DB>, userId: string): Promise<IamUser | undefined> {
  const row = await db.selectFrom('iam_users').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row ? toUser(row) : undefined;
}

/** The account's users whose path starts with `pathPrefix`, in name order, after `afterKey`. */
export async function findMany(db: Kysely<DB>, accountId: string, pathPrefix: string, afterKey: string | undefined, limit: number): Promise<IamUser[]> {
  let q = db.selectFrom('iam_users').selectAll().where('account_id', '=', accountId);
  if (pathPrefix !== '/') q = q.where((eb) => eb(eb.fn('substr', ['path', eb.val(1), eb.val(pathPrefix.length)]), '=', pathPrefix));
  if (afterKey !== undefined) q = q.where('name_key', '>', afterKey);
  return (await q.orderBy('name_key').limit(limit).execute()).map(toUser);
}

/** Inserts a user. */
export async function create(db: Kysely<DB>, user: IamUser): Promise<void> {
  await db.insertInto('iam_users').values({
    user_id: user.userId, account_id: user.accountId, name: user.name, name_key: user.name.toLowerCase(),
    path: user.path, arn: user.arn, created_at: user.createdAt.getTime(),
  }).execute();
}

/** Deletes a user row. */
export async function deleteOne(db: Kysely<DB>, userId: string): Promise<void> {
  await db.deleteFrom('iam_users').where('user_id', '=', userId).execute();
}
