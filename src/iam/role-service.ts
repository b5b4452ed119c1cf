/**
 * IAM roles: a trust policy (who may assume the role), a maximum session duration, a
 * description and tags. Deleting a role ends its sessions: session credentials are checked
 * against the role's id, which a role created again under the same name does not share.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { iamEntityArn, parseIamArn } from '../arn/arn.js';
import { ConflictError } from '../errors.js';
import { decodeMarker, pageSize, toIamPage } from './iam-page.js';
import { iamWrite, noSuchRole, type IamDeps } from './iam-deps.js';
import { checkRoleDescription, checkRoleName, constraintError, newUniqueId, normalizePath, normalizePathPrefix, normalizeTags } from './iam-names.js';
import type { IamPage, IamPageRequest, IamRole, Tag, Tagged } from './iam.js';
import { checkPolicyDocument, checkPolicySize } from './policy-text.js';
import * as principals from './principal-store.js';
import * as store from './role-store.js';
import { deleteConflict, pageTags, refuseBoundary, sortTags, tagEntity, untagEntity } from './user-service.js';

/** IAM's default and limits for MaxSessionDuration, in seconds. */
export const DEFAULT_MAX_SESSION_SECONDS = 3600;
/** IAM's default quota on a trust policy's size (ACLSizePerRole). */
export const MAX_TRUST_POLICY_SIZE = 2048;

/** What CreateRole takes. */
export interface NewRole {
  roleName: string;
  path?: string;
  trustPolicy: string;
  description?: string;
  maxSessionSeconds?: number;
  tags?: Tag[];
  permissionsBoundary?: string;
}

/** Roles, their trust policies and tags. */
export class RoleService {
  constructor(private readonly deps: IamDeps) {}

  /** Creates a role (EntityAlreadyExists when the name is taken in any case; MalformedPolicyDocument for a bad trust policy). */
  async create(accountId: string, input: NewRole): Promise<Tagged<IamRole>> {
    const name = checkRoleName(input.roleName);
    const path = normalizePath(input.path);
    const tags = normalizeTags(input.tags);
    refuseBoundary(input.permissionsBoundary);
    const description = input.description === undefined ? undefined : checkRoleDescription(input.description);
    const maxSessionSeconds = input.maxSessionSeconds ?? DEFAULT_MAX_SESSION_SECONDS;
    if (!Number.isInteger(maxSessionSeconds) || maxSessionSeconds < 3600 || maxSessionSeconds > 43200) {
      throw constraintError('maxSessionDuration', maxSessionSeconds, 'Member must have value between 3600 and 43200');
    }
    checkTrustPolicy(input.trustPolicy);
    const role: IamRole = {
      roleId: newUniqueId('AROA'), accountId, name, path, arn: iamEntityArn('role', accountId, path, name),
      trustPolicy: input.trustPolicy, description, maxSessionSeconds, createdAt: this.deps.clock.now(),
    };
    const exists = () => new ConflictError(`Role with name ${name} already exists.`, 'ROLE', name).as('EntityAlreadyExistsException');
    await iamWrite(this.deps, async (trx) => {
      if (await store.findOneByName(trx, accountId, name)) throw exists();
      await store.create(trx, role);
      await principals.upsertTags(trx, role.roleId, tags);
    }, exists);
    return { ...role, tags: sortTags(tags) };
  }

  /** The role with its tags (NoSuchEntity otherwise). */
  async get(accountId: string, roleName: string): Promise<Tagged<IamRole>> {
    const role = await store.findOneByName(this.deps.database.db, accountId, roleName);
    if (!role) throw noSuchRole(roleName);
    return { ...role, tags: await principals.findTags(this.deps.database.db, role.roleId) };
  }

  /**
   * The role named by an ARN (arn:aws:iam::ACCOUNT:role/PATH/NAME, which may name another
   * account) or by a name in `accountId`; undefined when there is none. The ARN's path must be
   * the role's.
   */
  async find(accountId: string, roleArnOrName: string): Promise<IamRole | undefined> {
    if (!roleArnOrName.startsWith('arn:')) return store.findOneByName(this.deps.database.db, accountId, roleArnOrName);
    const arn = parseIamArn(roleArnOrName);
    if (!arn || arn.kind !== 'role') return undefined;
    const role = await store.findOneByName(this.deps.database.db, arn.account, arn.name);
    return role && role.path === arn.path ? role : undefined;
  }

  /** The role with this id, if it still exists. */
  async findById(roleId: string): Promise<IamRole | undefined> {
    return store.findOneById(this.deps.database.db, roleId);
  }

  /** The account's roles under `pathPrefix`, in name order, paginated. */
  async list(accountId: string, opts: IamPageRequest & { pathPrefix?: string }): Promise<IamPage<IamRole>> {
    const prefix = normalizePathPrefix(opts.pathPrefix);
    const after = decodeMarker('iam-roles', opts, ['string']);
    const size = pageSize(opts);
    const rows = await store.findMany(this.deps.database.db, accountId, prefix, after?.[0] as string | undefined, size + 1);
    return toIamPage(rows, size, 'iam-roles', (r) => [r.name.toLowerCase()]);
  }

  /** Replaces the trust policy. */
  async updateTrustPolicy(accountId: string, roleName: string, document: string): Promise<void> {
    checkTrustPolicy(document);
    await iamWrite(this.deps, async (trx) => {
      const role = await store.findOneByName(trx, accountId, roleName, true);
      if (!role) throw noSuchRole(roleName);
      await store.updateTrustPolicy(trx, role.roleId, document);
    });
  }

  /** Deletes a role once its policies are removed (DeleteConflict otherwise); its tags go with it and its sessions stop working. */
  async delete(accountId: string, roleName: string): Promise<void> {
    await iamWrite(this.deps, async (trx) => {
      const role = await store.findOneByName(trx, accountId, roleName, true);
      if (!role) throw noSuchRole(roleName);
      if ((await principals.findInlineNames(trx, role.roleId, undefined, 1)).length > 0) throw deleteConflict('Cannot delete entity, must delete policies first.');
      if (await principals.countAttached(trx, role.roleId) > 0) throw deleteConflict('Cannot delete entity, must detach all policies first.');
      await principals.deleteAllTags(trx, role.roleId);
      await store.deleteOne(trx, role.roleId);
    });
  }

  /** Records that the role was assumed (RoleLastUsed). */
  async recordUse(roleId: string, region: string): Promise<void> {
    await this.deps.database.writeSingle((db) => store.recordUse(db, roleId, this.deps.clock.now(), region));
  }

  /** Adds or overwrites tags (at most 50 per role). */
  async tag(accountId: string, roleName: string, tags: Tag[]): Promise<void> {
    await tagEntity(this.deps, (trx) => this.idForUpdate(trx, accountId, roleName), tags, 'TagsPerRole');
  }

  /** Removes tags by key, case-insensitively. */
  async untag(accountId: string, roleName: string, keys: string[]): Promise<void> {
    await untagEntity(this.deps, (trx) => this.idForUpdate(trx, accountId, roleName), keys);
  }

  /** The role's id, its row locked for the write (NoSuchEntity when there is none). */
  private async idForUpdate(trx: Kysely<DB>, accountId: string, roleName: string): Promise<string> {
    const role = await store.findOneByName(trx, accountId, roleName, true);
    if (!role) throw noSuchRole(roleName);
    return role.roleId;
  }

  /** The role's tags in key order, paginated. */
  async listTags(accountId: string, roleName: string, page: IamPageRequest): Promise<IamPage<Tag>> {
    const role = await store.findOneByName(this.deps.database.db, accountId, roleName);
    if (!role) throw noSuchRole(roleName);
    return pageTags(await principals.findTags(this.deps.database.db, role.roleId), page, 'iam-role-tags');
  }
}

/** A trust policy must parse as one and fit IAM's default quota. */
function checkTrustPolicy(document: string): void {
  checkPolicyDocument(document, 'trust');
  checkPolicySize(document, 'ACLSizePerRole', MAX_TRUST_POLICY_SIZE);
}
