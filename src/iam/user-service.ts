/**
 * IAM users: created with a name unique in the account whatever its case, a path and tags;
 * deleted only once nothing hangs off them (IAM's DeleteConflict otherwise).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { iamEntityArn } from '../arn/arn.js';
import { findUserKeys } from '../accounts/account-store.js';
import { ConflictError, QuotaExceededError } from '../errors.js';
import { decodeMarker, pageSize, toIamPage } from './iam-page.js';
import { iamWrite, noSuchUser, type IamDeps } from './iam-deps.js';
import { checkUserName, constraintError, newUniqueId, normalizePath, normalizePathPrefix, normalizeTags } from './iam-names.js';
import type { IamPage, IamPageRequest, IamUser, Tag, Tagged } from './iam.js';
import * as principals from './principal-store.js';
import * as store from './user-store.js';

/** IAM's limit on tags per user or role. */
export const MAX_TAGS = 50;

/** Users and their tags. */
export class UserService {
  constructor(private readonly deps: IamDeps) {}

  /** Creates a user (EntityAlreadyExists when the name is taken in any case). */
  async create(accountId: string, input: { userName: string; path?: string; tags?: Tag[]; permissionsBoundary?: string }): Promise<Tagged<IamUser>> {
    const name = checkUserName(input.userName);
    const path = normalizePath(input.path);
    const tags = normalizeTags(input.tags);
    refuseBoundary(input.permissionsBoundary);
    const exists = () => new ConflictError(`User with name ${name} already exists.`, 'USER', name).as('EntityAlreadyExistsException');
    const user: IamUser = {
      userId: newUniqueId('AIDA'), accountId, name, path, arn: iamEntityArn('user', accountId, path, name), createdAt: this.deps.clock.now(),
    };
    await iamWrite(this.deps, async (trx) => {
      if (await store.findOneByName(trx, accountId, name)) throw exists();
      await store.create(trx, user);
      await principals.upsertTags(trx, user.userId, tags);
    }, exists);
    return { ...user, tags: sortTags(tags) };
  }

  /** The user with its tags (NoSuchEntity otherwise). */
  async get(accountId: string, userName: string): Promise<Tagged<IamUser>> {
    const user = await this.find(accountId, userName);
    return { ...user, tags: await principals.findTags(this.deps.database.db, user.userId) };
  }

  /** The user (NoSuchEntity otherwise). */
  async find(accountId: string, userName: string): Promise<IamUser> {
    const user = await store.findOneByName(this.deps.database.db, accountId, userName);
    if (!user) throw noSuchUser(userName);
    return user;
  }

  /** The user with this id, if it still exists. */
  async findById(userId: string): Promise<IamUser | undefined> {
    return store.findOneById(this.deps.database.db, userId);
  }

  /** The account's users under `pathPrefix`, in name order (case-insensitive), paginated. */
  async list(accountId: string, opts: IamPageRequest & { pathPrefix?: string }): Promise<IamPage<IamUser>> {
    const prefix = normalizePathPrefix(opts.pathPrefix);
    const after = decodeMarker('iam-users', opts, ['string']);
    const size = pageSize(opts);
    const rows = await store.findMany(this.deps.database.db, accountId, prefix, after?.[0] as string | undefined, size + 1);
    return toIamPage(rows, size, 'iam-users', (u) => [u.name.toLowerCase()]);
  }

  /**
   * Deletes a user. As in IAM, its access keys and policies must be removed first
   * (DeleteConflict names what remains); its tags go with it.
   */
  async delete(accountId: string, userName: string): Promise<void> {
    await iamWrite(this.deps, async (trx) => {
      const user = await store.findOneByName(trx, accountId, userName, true);
      if (!user) throw noSuchUser(userName);
      if ((await findUserKeys(trx, user.userId)).length > 0) throw deleteConflict('Cannot delete entity, must delete access keys first.');
      if ((await principals.findInlineNames(trx, user.userId, undefined, 1)).length > 0) throw deleteConflict('Cannot delete entity, must delete policies first.');
      if (await principals.countAttached(trx, user.userId) > 0) throw deleteConflict('Cannot delete entity, must detach all policies first.');
      await principals.deleteAllTags(trx, user.userId);
      await store.deleteOne(trx, user.userId);
    });
  }

  /** Adds or overwrites tags (at most 50 per user). */
  async tag(accountId: string, userName: string, tags: Tag[]): Promise<void> {
    await tagEntity(this.deps, (trx) => this.idForUpdate(trx, accountId, userName), tags, 'TagsPerUser');
  }

  /** Removes tags by key, case-insensitively (absent keys are ignored). */
  async untag(accountId: string, userName: string, keys: string[]): Promise<void> {
    await untagEntity(this.deps, (trx) => this.idForUpdate(trx, accountId, userName), keys);
  }

  /** The user's id, its row locked for the write (NoSuchEntity when there is none). */
  private async idForUpdate(trx: Kysely<DB>, accountId: string, userName: string): Promise<string> {
    const user = await store.findOneByName(trx, accountId, userName, true);
    if (!user) throw noSuchUser(userName);
    return user.userId;
  }

  /** The user's tags in key order, paginated. */
  async listTags(accountId: string, userName: string, page: IamPageRequest): Promise<IamPage<Tag>> {
    const user = await this.find(accountId, userName);
    return pageTags(await principals.findTags(this.deps.database.db, user.userId), page, 'iam-user-tags');
  }
}

/** DeleteConflict in IAM's words. */
export function deleteConflict(message: string): ConflictError {
  return new ConflictError(message).as('DeleteConflictException');
}

/** LimitExceeded for tags. */
export function tooManyTags(quota: 'TagsPerUser' | 'TagsPerRole'): QuotaExceededError {
  return new QuotaExceededError(`Cannot exceed quota for ${quota}: ${MAX_TAGS}`, quota).as('LimitExceededException');
}

/** Permissions boundaries are not supported: refusing one beats silently granting more than it allows. */
export function refuseBoundary(arn: string | undefined): void {
  if (arn !== undefined) throw constraintError('permissionsBoundary', arn, 'Tocsin does not support permissions boundaries').as('InvalidInputException');
}

/** Tags in key order (case-insensitive), as they are listed. */
export function sortTags(tags: Tag[]): Tag[] {
  return [...tags].sort((a, b) => (a.Key.toLowerCase() < b.Key.toLowerCase() ? -1 : a.Key.toLowerCase() > b.Key.toLowerCase() ? 1 : 0));
}

/** One page of a (short, fully read) tag list. */
export function pageTags(all: Tag[], page: IamPageRequest, list: string): IamPage<Tag> {
  const after = decodeMarker(list, page, ['string'])?.[0] as string | undefined;
  const rows = after === undefined ? all : all.filter((t) => t.Key.toLowerCase() > after);
  return toIamPage(rows, pageSize(page), list, (t) => [t.Key.toLowerCase()]);
}

/** Adds or overwrites tags of the IAM entity `find` locates in the write; at most MAX_TAGS afterwards. */
export async function tagEntity(deps: IamDeps, find: (trx: Kysely<DB>) => Promise<string>, tags: Tag[], quota: 'TagsPerUser' | 'TagsPerRole'): Promise<void> {
  const clean = normalizeTags(tags);
  await iamWrite(deps, async (trx) => {
    const id = await find(trx);
    await principals.upsertTags(trx, id, clean);
    if ((await principals.findTags(trx, id)).length > MAX_TAGS) throw tooManyTags(quota);
  });
}

/** Removes tags by key, case-insensitively (absent keys are ignored), from the entity `find` locates. */
export async function untagEntity(deps: IamDeps, find: (trx: Kysely<DB>) => Promise<string>, keys: string[]): Promise<void> {
  await iamWrite(deps, async (trx) => principals.deleteTags(trx, await find(trx), keys));
}
