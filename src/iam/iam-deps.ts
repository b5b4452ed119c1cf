/**
 * What every part of the IAM service shares: the database, the clock, the secret box, the
 * change feed, and the one write path that turns duplicate names into IAM's errors and tells
 * caches that something changed.
 */
import type { Database, WriteFn } from '../db/database.js';
import { isUniqueViolation } from '../db/constraint-errors.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { NotFoundError } from '../errors.js';
import type { Clock } from '../time/clock.js';
import type { ChangeFeed } from './change-feed.js';
import type { PrincipalRef } from './iam.js';
import * as roles from './role-store.js';
import * as users from './user-store.js';

/** The IAM service's collaborators. */
export interface IamDeps {
  database: Database;
  clock: Clock;
  box: SecretBox;
  feed: ChangeFeed;
}

/** The unique keys of the IAM tables, as PostgreSQL names them and SQLite reports their columns. */
const uniqueKeys: [string, string][] = [
  ['iam_users_account_name_key', 'iam_users.account_id, iam_users.name_key'],
  ['iam_roles_account_name_key', 'iam_roles.account_id, iam_roles.name_key'],
  ['iam_policies_account_name_key', 'iam_policies.account_id, iam_policies.name_key'],
  ['iam_policies_arn_key', 'iam_policies.arn'],
];

/**
 * Runs an IAM write and reports the change. A unique violation (two nodes creating one name at
 * once on PostgreSQL; the service's own check catches every other case) becomes `onDuplicate()`.
 */
export async function iamWrite<T>(deps: IamDeps, fn: WriteFn<T>, onDuplicate?: () => Error): Promise<T> {
  let result: T;
  try {
    result = await deps.database.write(fn);
  } catch (err) {
    if (onDuplicate && uniqueKeys.some(([c, cols]) => isUniqueViolation(err, c, cols))) throw onDuplicate();
    throw err;
  }
  deps.feed.changed();
  return result;
}

/** NoSuchEntity for a user, in IAM's words. */
export function noSuchUser(name: string): NotFoundError {
  return new NotFoundError('USER', name, `The user with name ${name} cannot be found.`);
}

/** NoSuchEntity for a role, in IAM's words. */
export function noSuchRole(name: string): NotFoundError {
  return new NotFoundError('ROLE', name, `The role with name ${name} cannot be found.`);
}

/** A user or role resolved by name (NoSuchEntity otherwise); `lock` locks its row on PostgreSQL. */
export async function resolvePrincipal(db: Parameters<typeof users.findOneByName>[0], accountId: string, ref: PrincipalRef, lock = false):
  Promise<{ id: string; name: string; arn: string }> {
  if (ref.type === 'user') {
    const u = await users.findOneByName(db, accountId, ref.name, lock);
    if (!u) throw noSuchUser(ref.name);
    return { id: u.userId, name: u.name, arn: u.arn };
  }
  const r = await roles.findOneByName(db, accountId, ref.name, lock);
  if (!r) throw noSuchRole(ref.name);
  return { id: r.roleId, name: r.name, arn: r.arn };
}
