/**
 * Customer managed policies with up to five versions, one of them the default, and the
 * built-in AWS managed ones (read-only). IAM's rules: a new policy's document is v1 and the
 * default; version ids are never reused; the default version cannot be deleted; a policy can be
 * deleted only when attached to nothing and left with its default version alone.
 */
import { iamEntityArn, parseIamArn } from '../arn/arn.js';
import { ConflictError, NotFoundError, QuotaExceededError, ValidationError } from '../errors.js';
import { awsManagedPolicies, findAwsManagedPolicy } from './aws-managed-policies.js';
import { decodeMarker, pageSize, toIamPage } from './iam-page.js';
import { iamWrite, type IamDeps } from './iam-deps.js';
import { checkPolicyName, newUniqueId, normalizePathPrefix, normalizePolicyPath, normalizeTags } from './iam-names.js';
import type { IamPage, IamPageRequest, ManagedPolicy, PolicyVersion, Tag, Tagged } from './iam.js';
import { countAttachments, deleteAllTags, findTags, upsertTags } from './principal-store.js';
import { checkPolicyDocument, checkPolicySize } from './policy-text.js';
import * as store from './policy-store.js';
import type { PolicyRow } from './policy-store.js';
import { deleteConflict, sortTags } from './user-service.js';

/** IAM's limits: versions per managed policy, and a managed policy document's size. */
export const MAX_POLICY_VERSIONS = 5;
export const MAX_POLICY_SIZE = 6144;

/** ListPolicies' filters. */
export interface PolicyFilter {
  scope?: 'All' | 'AWS' | 'Local';
  onlyAttached?: boolean;
  pathPrefix?: string;
  policyUsageFilter?: 'PermissionsPolicy' | 'PermissionsBoundary';
}

/** Managed policies and their versions. */
export class PolicyService {
  constructor(private readonly deps: IamDeps) {}

  /** Creates a policy whose document becomes v1, the default (EntityAlreadyExists when the name is taken). */
  async create(accountId: string, input: { policyName: string; path?: string; document: string; description?: string; tags?: Tag[] }): Promise<Tagged<ManagedPolicy>> {
    const name = checkPolicyName(input.policyName);
    const path = normalizePolicyPath(input.path);
    const tags = normalizeTags(input.tags);
    if (input.description !== undefined && input.description.length > 1000) {
      throw new ValidationError('description', `1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000`);
    }
    checkManagedDocument(input.document);
    const now = this.deps.clock.now();
    const policy: PolicyRow = {
      policyId: newUniqueId('ANPA'), accountId, name, path, arn: iamEntityArn('policy', accountId, path, name),
      description: input.description, defaultVersion: 'v1', versionsCreated: 1, createdAt: now, updatedAt: now,
    };
    const exists = () => new ConflictError(`A policy called ${name} already exists. Duplicate names are not allowed.`, 'POLICY', name)
      .as('EntityAlreadyExistsException');
    await iamWrite(this.deps, async (trx) => {
      if (await store.findOneByName(trx, accountId, name)) throw exists();
      await store.create(trx, policy, input.document);
      await upsertTags(trx, policy.policyId, tags);
    }, exists);
    return { ...strip(policy), attachmentCount: 0, tags: sortTags(tags) };
  }

  /** A policy visible to the account: its own or an AWS managed one (NoSuchEntity otherwise). */
  async get(accountId: string, arn: string): Promise<Tagged<ManagedPolicy>> {
    const policy = await this.visible(accountId, arn);
    if (!policy) throw new NotFoundError('POLICY', arn, `Policy ${arn} was not found.`);
    const counts = await countAttachments(this.deps.database.db, accountId, [policy.arn]);
    const tags = policy.accountId === 'aws' ? [] : await findTags(this.deps.database.db, policy.policyId);
    return { ...strip(policy), attachmentCount: counts.get(policy.arn) ?? 0, tags };
  }

  /** One version of a policy (NoSuchEntity otherwise). */
  async getVersion(accountId: string, arn: string, versionId: string): Promise<PolicyVersion> {
    const policy = await this.visible(accountId, arn);
    if (!policy) throw new NotFoundError('POLICY', arn, `Policy ${arn} was not found.`);
    const num = versionNumber(versionId);
    const aws = findAwsManagedPolicy(policy.arn);
    if (aws) {
      if (num !== 1) throw noSuchVersion(arn, versionId);
      return { versionId: 'v1', document: aws.document, isDefault: true, createdAt: aws.createdAt };
    }
    const v = num === undefined ? undefined : await store.findVersion(this.deps.database.db, policy.policyId, num);
    if (!v) throw noSuchVersion(arn, versionId);
    return { versionId: `v${num}`, document: v.document, isDefault: policy.defaultVersion === `v${num}`, createdAt: v.createdAt };
  }

  /** The policy's versions, newest first (at most five: one page). */
  async listVersions(accountId: string, arn: string, page: IamPageRequest): Promise<IamPage<PolicyVersion>> {
    const policy = await this.visible(accountId, arn);
    if (!policy) throw new NotFoundError('POLICY', arn, `Policy ${arn} was not found.`);
    const aws = findAwsManagedPolicy(policy.arn);
    const all = aws
      ? [{ versionId: 'v1', document: aws.document, isDefault: true, createdAt: aws.createdAt }]
      : await store.findVersions(this.deps.database.db, policy.policyId, policy.defaultVersion);
    const after = decodeMarker('iam-policy-versions', page, ['number'])?.[0] as number | undefined;
    const rows = after === undefined ? all : all.filter((v) => Number(v.versionId.slice(1)) < after);
    return toIamPage(rows, pageSize(page), 'iam-policy-versions', (v) => [Number(v.versionId.slice(1))]);
  }

  /** Policies visible to the account, in name order, paginated. */
  async list(accountId: string, filter: PolicyFilter & IamPageRequest): Promise<IamPage<ManagedPolicy>> {
    const scope = filter.scope ?? 'All';
    const prefix = normalizePathPrefix(filter.pathPrefix);
    const size = pageSize(filter);
    const after = decodeMarker('iam-policies', filter, ['string', 'string']) as [string, string] | undefined;
    // Boundaries are not supported, so no policy is in use as one.
    if (filter.policyUsageFilter === 'PermissionsBoundary') return { items: [] };
    const db = this.deps.database.db;
    const local = scope === 'AWS' ? [] : await store.findMany(db, accountId, { pathPrefix: prefix, onlyAttached: !!filter.onlyAttached }, after, size + 1);
    let aws: PolicyRow[] = [];
    if (scope !== 'Local') {
      aws = awsManagedPolicies().filter((p) => p.path.startsWith(prefix) && (!after || compareKey(p, after) > 0));
      if (filter.onlyAttached) {
        const counts = await countAttachments(db, accountId, aws.map((p) => p.arn));
        aws = aws.filter((p) => (counts.get(p.arn) ?? 0) > 0);
      }
    }
    const merged = [...local, ...aws].sort((a, b) => compareKey(a, [b.name.toLowerCase(), b.arn])).slice(0, size + 1);
    const page = toIamPage(merged, size, 'iam-policies', (p) => [p.name.toLowerCase(), p.arn]);
    const counts = await countAttachments(db, accountId, page.items.map((p) => p.arn));
    return { items: page.items.map((p) => ({ ...strip(p), attachmentCount: counts.get(p.arn) ?? 0 })), marker: page.marker };
  }

  /** Adds a version (LimitExceeded beyond five), the default when `setAsDefault`. */
  async createVersion(accountId: string, arn: string, document: string, setAsDefault: boolean): Promise<PolicyVersion> {
    checkManagedDocument(document);
    return iamWrite(this.deps, async (trx) => {
      const policy = await this.own(trx, accountId, arn);
      const existing = await store.findVersions(trx, policy.policyId, policy.defaultVersion);
      if (existing.length >= MAX_POLICY_VERSIONS) {
        throw new QuotaExceededError(`A managed policy can have up to ${MAX_POLICY_VERSIONS} versions. Before you create a new version, you must delete an existing version.`,
          'PolicyVersions', 'POLICY', arn).as('LimitExceededException');
      }
      const num = policy.versionsCreated + 1;
      const now = this.deps.clock.now();
      await store.insertVersion(trx, policy.policyId, num, document, now);
      await store.update(trx, policy.policyId, { versionsCreated: num, ...(setAsDefault ? { defaultVersion: `v${num}` } : {}) }, now);
      return { versionId: `v${num}`, document, isDefault: setAsDefault, createdAt: now };
    });
  }

  /** Deletes a version other than the default (DeleteConflict for the default). */
  async deleteVersion(accountId: string, arn: string, versionId: string): Promise<void> {
    await iamWrite(this.deps, async (trx) => {
      const policy = await this.own(trx, accountId, arn);
      const num = versionNumber(versionId);
      if (num === undefined || !(await store.findVersion(trx, policy.policyId, num))) throw noSuchVersion(arn, versionId);
      if (policy.defaultVersion === `v${num}`) throw deleteConflict('Cannot delete the default version of a policy.');
      await store.deleteVersion(trx, policy.policyId, num);
      await store.update(trx, policy.policyId, {}, this.deps.clock.now());
    });
  }

  /** Makes a version the default (the one in effect). */
  async setDefaultVersion(accountId: string, arn: string, versionId: string): Promise<void> {
    await iamWrite(this.deps, async (trx) => {
      const policy = await this.own(trx, accountId, arn);
      const num = versionNumber(versionId);
      if (num === undefined || !(await store.findVersion(trx, policy.policyId, num))) throw noSuchVersion(arn, versionId);
      await store.update(trx, policy.policyId, { defaultVersion: `v${num}` }, this.deps.clock.now());
    });
  }

  /**
   * Deletes a policy: refused while it is attached to any user or role, and while it has
   * versions besides the default one (IAM makes the caller delete those first).
   */
  async delete(accountId: string, arn: string): Promise<void> {
    await iamWrite(this.deps, async (trx) => {
      const policy = await this.own(trx, accountId, arn);
      if (((await countAttachments(trx, accountId, [policy.arn])).get(policy.arn) ?? 0) > 0) {
        throw deleteConflict('Cannot delete a policy attached to entities.');
      }
      if ((await store.findVersions(trx, policy.policyId, policy.defaultVersion)).length > 1) {
        throw deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
      }
      await deleteAllTags(trx, policy.policyId);
      await store.deleteOne(trx, policy.policyId);
    });
  }

  /** The account's own policy or an AWS managed one, by ARN; undefined if neither. */
  private async visible(accountId: string, arn: string): Promise<PolicyRow | undefined> {
    checkPolicyArn(arn);
    const aws = findAwsManagedPolicy(arn);
    if (aws) return aws;
    const policy = await store.findOneByArn(this.deps.database.db, arn);
    return policy?.accountId === accountId ? policy : undefined;
  }

  /** The account's own policy, locked for a change (NoSuchEntity otherwise; AWS managed ones cannot be changed). */
  private async own(trx: Parameters<typeof store.findOneByArn>[0], accountId: string, arn: string): Promise<PolicyRow> {
    checkPolicyArn(arn);
    const policy = await store.findOneByArn(trx, arn, true);
    if (!policy || policy.accountId !== accountId) throw new NotFoundError('POLICY', arn, `Policy ${arn} was not found.`);
    return policy;
  }
}

/** InvalidInput unless `arn` is a policy ARN. */
export function checkPolicyArn(arn: string): void {
  if (parseIamArn(arn)?.kind !== 'policy') throw new ValidationError('policyArn', `ARN ${arn} is not valid.`).as('InvalidInputException');
}

function checkManagedDocument(document: string): void {
  checkPolicyDocument(document, 'identity');
  checkPolicySize(document, 'PolicySize', MAX_POLICY_SIZE);
}

function versionNumber(versionId: string): number | undefined {
  const m = /^v([1-9][0-9]*)$/.exec(versionId);
  return m ? Number(m[1]) : undefined;
}

function noSuchVersion(arn: string, versionId: string): NotFoundError {
  return new NotFoundError('POLICY_VERSION', versionId, `Policy ${arn} version ${versionId} does not exist.`);
}

function compareKey(p: PolicyRow, key: [string, string]): number {
  const k = p.name.toLowerCase();
  return k < key[0] ? -1 : k > key[0] ? 1 : p.arn < key[1] ? -1 : p.arn > key[1] ? 1 : 0;
}

function strip(p: PolicyRow): Omit<ManagedPolicy, 'attachmentCount'> {
  const { versionsCreated: _v, document: _d, ...rest } = p as PolicyRow & { document?: string };
  return rest;
}
