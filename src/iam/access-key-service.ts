/**
 * Users' access keys: at most two per user, Active or Inactive, the secret shown once by
 * CreateAccessKey and stored sealed. Root keys are the accounts' (src/accounts): listed here,
 * changed only through configuration.
 */
import * as keys from '../accounts/account-store.js';
import type { AccessKeysTable } from '../db/schema.js';
import { NotFoundError, QuotaExceededError, ValidationError } from '../errors.js';
import { sealKeySecret } from './access-key-secret.js';
import { decodeMarker, pageSize, toIamPage } from './iam-page.js';
import { iamWrite, noSuchUser, type IamDeps } from './iam-deps.js';
import { newAccessKeyId, newSecretAccessKey } from './iam-names.js';
import type { AccessKeyInfo, AccessKeyUse, IamPage, IamPageRequest } from './iam.js';
import * as users from './user-store.js';

/** IAM's limit on access keys per user. */
export const MAX_KEYS_PER_USER = 2;
/** A key's use is written at most once per this interval per node (LastUsedDate is approximate in IAM too). */
const RECORD_USE_EVERY_MS = 60_000;

/** Access keys of IAM users. */
export class AccessKeyService {
  private readonly recorded = new Map<string, number>();

  constructor(private readonly deps: IamDeps) {}

  /** Creates an Active key for the user; the only time its secret is returned. */
  async create(accountId: string, userName: string): Promise<AccessKeyInfo & { secretAccessKey: string }> {
    const secretAccessKey = newSecretAccessKey();
    const accessKeyId = newAccessKeyId('AKIA', accountId);
    const createdAt = this.deps.clock.now();
    const user = await iamWrite(this.deps, async (trx) => {
      const user = await users.findOneByName(trx, accountId, userName, true);
      if (!user) throw noSuchUser(userName);
      if ((await keys.findUserKeys(trx, user.userId)).length >= MAX_KEYS_PER_USER) {
        throw new QuotaExceededError(`Cannot exceed quota for AccessKeysPerUser: ${MAX_KEYS_PER_USER}`, 'AccessKeysPerUser').as('LimitExceededException');
      }
      await keys.createAccessKey(trx, {
        access_key_id: accessKeyId, secret_access_key: sealKeySecret(this.deps.box, accessKeyId, secretAccessKey),
        account_id: accountId, principal_arn: user.arn, kind: 'user', status: 'Active', created_at: createdAt.getTime(), user_id: user.userId,
      });
      return user;
    });
    return { accessKeyId, userName: user.name, status: 'Active', createdAt, secretAccessKey };
  }

  /** The user's keys, or the account's root keys when `userName` is undefined; oldest first, paginated. */
  async list(accountId: string, userName: string | undefined, page: IamPageRequest): Promise<IamPage<AccessKeyInfo>> {
    const db = this.deps.database.db;
    let rows: AccessKeysTable[];
    let name: string | undefined;
    if (userName === undefined) rows = await keys.findRootKeys(db, accountId);
    else {
      const user = await users.findOneByName(db, accountId, userName);
      if (!user) throw noSuchUser(userName);
      rows = await keys.findUserKeys(db, user.userId);
      name = user.name;
    }
    const after = decodeMarker('iam-access-keys', page, ['string'])?.[0] as string | undefined;
    const start = after === undefined ? 0 : rows.findIndex((r) => r.access_key_id === after) + 1;
    const items = rows.slice(start).map((r) => toInfo(r, name));
    return toIamPage(items, pageSize(page), 'iam-access-keys', (k) => [k.accessKeyId]);
  }

  /** Activates or deactivates one of the user's keys. */
  async update(accountId: string, userName: string, accessKeyId: string, status: string): Promise<void> {
    if (status !== 'Active' && status !== 'Inactive') {
      throw new ValidationError('status', `Invalid value for status: '${status}' (Active or Inactive).`).as('InvalidInputException');
    }
    await iamWrite(this.deps, async (trx) => {
      await this.ownKey(trx, accountId, userName, accessKeyId);
      await keys.setStatus(trx, accessKeyId, status);
    });
  }

  /** Deletes one of the user's keys; requests signed with it stop working. */
  async delete(accountId: string, userName: string, accessKeyId: string): Promise<void> {
    await iamWrite(this.deps, async (trx) => {
      await this.ownKey(trx, accountId, userName, accessKeyId);
      await keys.deleteAccessKey(trx, accessKeyId);
    });
  }

  /** When and where a key of the account was last used; undefined if the account has no such key. */
  async lastUsed(accountId: string, accessKeyId: string): Promise<AccessKeyUse | undefined> {
    const row = await keys.findAccessKey(this.deps.database.db, accessKeyId);
    if (!row || row.account_id !== accountId) return undefined;
    const user = row.user_id ? await users.findOneById(this.deps.database.db, row.user_id) : undefined;
    return {
      userName: user?.name,
      userArn: user?.arn,
      lastUsedAt: row.last_used_at === null ? undefined : new Date(row.last_used_at),
      service: row.last_used_service ?? undefined,
      region: row.last_used_region ?? undefined,
    };
  }

  /** Notes that a request signed with the key was accepted (written at most once a minute per key and node). */
  async recordUse(accessKeyId: string, service: string, region: string): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const last = this.recorded.get(accessKeyId);
    if (last !== undefined && now - last < RECORD_USE_EVERY_MS) return;
    if (this.recorded.size >= 10_000) this.recorded.clear();
    this.recorded.set(accessKeyId, now);
    await this.deps.database.writeSingle((db) => keys.recordUse(db, accessKeyId, now, service, region));
  }

  private async ownKey(trx: Parameters<typeof users.findOneByName>[0], accountId: string, userName: string, accessKeyId: string): Promise<void> {
    const user = await users.findOneByName(trx, accountId, userName, true);
    if (!user) throw noSuchUser(userName);
    const key = await keys.findAccessKey(trx, accessKeyId);
    if (!key || key.user_id !== user.userId) {
      throw new NotFoundError('ACCESS_KEY', accessKeyId, `The Access Key with id ${accessKeyId} cannot be found.`);
    }
  }
}

function toInfo(row: AccessKeysTable, userName: string | undefined): AccessKeyInfo {
  return { accessKeyId: row.access_key_id, userName, status: row.status === 'Active' ? 'Active' : 'Inactive', createdAt: new Date(row.created_at) };
}

