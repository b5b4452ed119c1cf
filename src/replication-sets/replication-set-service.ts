/**
 * Replication sets: one per account, created by the caller or at first start, updated one
 * region at a time, and deleted (with every piece of the account's Incident Manager data)
 * unless deletion protection is on.
 */
import { randomUUID } from 'node:crypto';
import { parseIncidentsArn, replicationSetArn, rootPrincipalArn } from '../arn/arn.js';
import type { Database } from '../db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { once } from '../idempotency/idempotency.js';
import { decodePageToken, toPage } from '../db/page-token.js';
import { upsertTags } from '../tags/tag-store.js';
import type { Clock } from '../time/clock.js';
import {
  checkRegionChange, DEFAULT_KMS_KEY, normalizeRegions, type RegionChange, type RegionRequest, type ReplicationSet,
} from './replication-set.js';
import * as store from './replication-set-store.js';

/** Page size when the caller gives no maxResults. */
const DEFAULT_PAGE_SIZE = 50;

/** Who makes a change: their account and principal ARN (recorded as createdBy / lastModifiedBy). */
export interface Actor {
  accountId: string;
  principalArn: string;
}

/** The replication-set rules over the store. */
export class ReplicationSetService {
  constructor(private readonly database: Database, private readonly clock: Clock) {}

  /**
   * At every start: the first time ever for the account, and only if it has no set, creates
   * one in `region` as the account's root. Returns its ARN, else undefined. The marker row is
   * written in the same transaction, so a set the user deleted is never recreated.
   */
  async bootstrap(accountId: string, region: string): Promise<string | undefined> {
    return this.database.write(async (trx) => {
      const now = this.clock.now();
      if (!(await store.claimBootstrap(trx, accountId, now.getTime()))) return undefined;
      if (await store.findByAccount(trx, accountId)) return undefined;
      const set = this.newSet({ accountId, principalArn: rootPrincipalArn(accountId) }, normalizeRegions({ [region]: {} }), now);
      await store.create(trx, set);
      return set.arn;
    });
  }

  /** Creates the account's set (ConflictError if it has one); returns its ARN. */
  async create(actor: Actor, input: { regions: RegionRequest; tags?: Record<string, string> }, clientToken?: string): Promise<string> {
    const regions = normalizeRegions(input.regions);
    return this.database.write(async (trx) => {
      const now = this.clock.now();
      const use = { accountId: actor.accountId, operation: 'CreateReplicationSet', token: clientToken, input };
      return once(trx, use, now.getTime(), async () => {
        const existing = await store.findByAccount(trx, actor.accountId);
        if (existing) throw new ConflictError('A replication set already exists in this account.', 'REPLICATION_SET', existing.arn);
        const set = this.newSet(actor, regions, now);
        await store.create(trx, set);
        if (input.tags) await upsertTags(trx, set.arn, input.tags);
        return set.arn;
      });
    });
  }

  /** The caller's set named by `arn` (NotFoundError otherwise). */
  async get(accountId: string, arn: string): Promise<ReplicationSet> {
    checkOwnArn(accountId, arn);
    const set = await store.findOne(this.database.db, arn);
    if (!set || set.accountId !== accountId) throw notFound(arn);
    return set;
  }

  /** The ARNs of the caller's sets (at most one), paginated. */
  async list(accountId: string, page: { maxResults?: number; nextToken?: string }): Promise<{ arns: string[]; nextToken?: string }> {
    const after = decodePageToken('replication-sets', page.nextToken, ['string']);
    const size = page.maxResults ?? DEFAULT_PAGE_SIZE;
    const rows = await store.findArns(this.database.db, accountId, after?.[0] as string | undefined, size + 1);
    const { items, nextToken } = toPage(rows, size, 'replication-sets', (arn) => [arn]);
    return { arns: items, nextToken };
  }

  /** Adds or removes one region. */
  async updateRegions(actor: Actor, arn: string, change: RegionChange, clientToken?: string): Promise<void> {
    checkOwnArn(actor.accountId, arn);
    await this.database.write(async (trx) => {
      const now = this.clock.now();
      const use = { accountId: actor.accountId, operation: 'UpdateReplicationSet', token: clientToken, input: { arn, change } };
      await once(trx, use, now.getTime(), async () => {
        const set = await store.findOneForUpdate(trx, arn);
        if (!set || set.accountId !== actor.accountId) throw notFound(arn);
        checkRegionChange(set, change);
        if ('add' in change) {
          await store.addRegion(trx, arn, change.add.regionName, { sseKmsKeyId: change.add.sseKmsKeyId || DEFAULT_KMS_KEY, status: 'ACTIVE', statusUpdatedAt: now });
        } else {
          await store.deleteRegion(trx, arn, change.remove.regionName);
        }
        await store.update(trx, arn, { lastModifiedBy: actor.principalArn, lastModifiedAt: now });
      });
    });
  }

  /** Turns deletion protection on or off. */
  async setDeletionProtection(actor: Actor, arn: string, deletionProtected: boolean, clientToken?: string): Promise<void> {
    checkOwnArn(actor.accountId, arn);
    await this.database.write(async (trx) => {
      const now = this.clock.now();
      const use = { accountId: actor.accountId, operation: 'UpdateDeletionProtection', token: clientToken, input: { arn, deletionProtected } };
      await once(trx, use, now.getTime(), async () => {
        const set = await store.findOneForUpdate(trx, arn);
        if (!set || set.accountId !== actor.accountId) throw notFound(arn);
        await store.update(trx, arn, { lastModifiedBy: actor.principalArn, lastModifiedAt: now, deletionProtected });
      });
    });
  }

  /** Deletes the set and all the account's Incident Manager data, unless deletion protection is on. */
  async delete(accountId: string, arn: string): Promise<void> {
    checkOwnArn(accountId, arn);
    await this.database.write(async (trx) => {
      const set = await store.findOneForUpdate(trx, arn);
      if (!set || set.accountId !== accountId) throw notFound(arn);
      if (set.deletionProtected) {
        throw new ValidationError('arn', `The replication set ${arn} has deletion protection on: turn it off with UpdateDeletionProtection (deletionProtected false) first.`);
      }
      await store.deleteWithAccountData(trx, set);
    });
  }

  private newSet(actor: Actor, regions: RegionRequest, now: Date): ReplicationSet {
    const regionMap = Object.fromEntries(Object.entries(regions).map(([name, r]) => [
      name, { sseKmsKeyId: r.sseKmsKeyId ?? DEFAULT_KMS_KEY, status: 'ACTIVE' as const, statusUpdatedAt: now },
    ]));
    return {
      arn: replicationSetArn(actor.accountId, randomUUID()), accountId: actor.accountId, status: 'ACTIVE',
      deletionProtected: false, createdBy: actor.principalArn, createdAt: now,
      lastModifiedBy: actor.principalArn, lastModifiedAt: now, regions: regionMap,
    };
  }
}

function notFound(arn: string): NotFoundError {
  return new NotFoundError('REPLICATION_SET', arn, `Replication set ${arn} not found.`);
}

/** Anything but a replication-set ARN of the caller's own account is not found. */
function checkOwnArn(accountId: string, arn: string): void {
  const parsed = parseIncidentsArn(arn);
  if (!parsed || parsed.kind !== 'replication-set' || parsed.account !== accountId) throw notFound(arn);
}
