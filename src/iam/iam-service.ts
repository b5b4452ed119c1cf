/**
 * IAM for Tocsin's accounts: users, access keys, roles, managed and inline policies. One
 * service per concern (users, roles, policies, permissions, accessKeys) over one database; this
 * class wires them and answers the authorizer's two questions (which policies apply to a
 * caller, which role an ARN names) and tells caches when anything changed.
 */
import type { Caller } from '../api/operation.js';
import { parseIamArn } from '../arn/arn.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../db/database.js';
import type { Clock } from '../time/clock.js';
import { AccessKeyService } from './access-key-service.js';
import { ChangeFeed } from './change-feed.js';
import type { IamDeps } from './iam-deps.js';
import * as principals from './principal-store.js';
import type { IamRole } from './iam.js';
import { PermissionService } from './permission-service.js';
import { PolicyService } from './policy-service.js';
import { RoleService } from './role-service.js';
import { UserService } from './user-service.js';

/** A policy document in force for a caller; `id` changes whenever the document does. */
export interface StoredPolicy {
  id: string;
  document: string;
}

/** IAM: see the file comment. */
export class IamService {
  readonly users: UserService;
  readonly roles: RoleService;
  readonly policies: PolicyService;
  readonly permissions: PermissionService;
  readonly accessKeys: AccessKeyService;
  private readonly feed: ChangeFeed;
  private readonly database: Database;

  constructor(database: Database, clock: Clock, box: SecretBox, feed = new ChangeFeed()) {
    this.feed = feed;
    this.database = database;
    const deps: IamDeps = { database, clock, box, feed };
    this.users = new UserService(deps);
    this.roles = new RoleService(deps);
    this.policies = new PolicyService(deps);
    this.permissions = new PermissionService(deps);
    this.accessKeys = new AccessKeyService(deps);
  }

  /** Increases with every change made through this node (IAM entities, keys, root credentials). */
  get changeCount(): number {
    return this.feed.changeCount;
  }

  /** Calls `listener` after every change made through this node; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    return this.feed.onChange(listener);
  }

  /** The change feed, shared with the services whose changes invalidate the same caches (accounts). */
  get changes(): ChangeFeed {
    return this.feed;
  }

  /**
   * The identity policies in force for a caller: for a user or a role session, the default
   * versions of the managed policies attached to the user or role, then its inline policies.
   * Root has none (root is allowed everything in its account but what a resource policy denies).
   */
  async identityPolicies(caller: Caller): Promise<StoredPolicy[]> {
    if (caller.kind === 'user') {
      const user = await this.users.findById(caller.userId);
      return user && user.accountId === caller.accountId ? this.permissions.policiesOf(user.userId, user.arn) : [];
    }
    if (caller.kind === 'assumed-role') {
      // userId is ROLEID:SESSION; the id (not the name) tells a role created again under the same name apart.
      const role = await this.roles.findById(caller.userId.split(':')[0]);
      return role && role.accountId === caller.accountId ? this.permissions.policiesOf(role.roleId, role.arn) : [];
    }
    return [];
  }

  /** The role named by an ARN (any account) or by a name in `accountId`, with its trust policy; undefined if none. */
  async findRole(accountId: string, roleArnOrName: string): Promise<IamRole | undefined> {
    return this.roles.find(accountId, roleArnOrName);
  }

  /** Tags of an IAM user or role by ARN (aws:ResourceTag/KEY for IAM actions); {} for anything else. */
  async tagsOfArn(arn: string): Promise<Record<string, string>> {
    const parsed = parseIamArn(arn);
    if (!parsed || (parsed.kind !== 'user' && parsed.kind !== 'role')) return {};
    const id = parsed.kind === 'user'
      ? (await this.users.find(parsed.account, parsed.name).catch(() => undefined))?.userId
      : (await this.roles.find(parsed.account, arn))?.roleId;
    if (!id) return {};
    return Object.fromEntries((await principals.findTags(this.database.db, id)).map((t) => [t.Key, t.Value]));
  }
}
