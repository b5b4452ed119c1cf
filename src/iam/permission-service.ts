/**
 * What a user or role may do: managed policies attached to it (its own account's or AWS
 * managed ones, at most 10) and inline policies embedded in it (within IAM's aggregate size
 * quota: 2,048 characters for a user's, 10,240 for a role's, whitespace not counted).
 */
import { createHash } from 'node:crypto';
import { parseIamArn } from '../arn/arn.js';
import { NotFoundError, QuotaExceededError } from '../errors.js';
import { findAwsManagedPolicy } from './aws-managed-policies.js';
import { decodeMarker, pageSize, toIamPage } from './iam-page.js';
import { iamWrite, resolvePrincipal, type IamDeps } from './iam-deps.js';
import { checkPolicyName, normalizePathPrefix } from './iam-names.js';
import type { AttachedPolicy, IamPage, IamPageRequest, PrincipalRef } from './iam.js';
import { checkPolicyArn } from './policy-service.js';
import * as policies from './policy-store.js';
import { checkPolicyDocument, policySize } from './policy-text.js';
import * as store from './principal-store.js';

/** IAM's default quotas. */
export const MAX_ATTACHED_POLICIES = 10;
export const MAX_INLINE_SIZE = { user: 2048, role: 10240 } as const;

/** Attached and inline policies of users and roles. */
export class PermissionService {
  constructor(private readonly deps: IamDeps) {}

  /** Attaches a managed policy (again: no change). NoSuchEntity for a policy that is neither the account's nor AWS managed. */
  async attachPolicy(accountId: string, to: PrincipalRef, policyArn: string): Promise<void> {
    checkPolicyArn(policyArn);
    await iamWrite(this.deps, async (trx) => {
      const principal = await resolvePrincipal(trx, accountId, to, true);
      const own = findAwsManagedPolicy(policyArn) ?? await policies.findOneByArn(trx, policyArn, true);
      if (!own || (own.accountId !== accountId && own.accountId !== 'aws')) {
        throw new NotFoundError('POLICY', policyArn, `Policy ${policyArn} does not exist or is not attachable.`);
      }
      const attached = await store.findAttachedArns(trx, principal.id);
      if (attached.includes(own.arn)) return;
      if (attached.length >= MAX_ATTACHED_POLICIES) {
        const quota = to.type === 'user' ? 'PoliciesPerUser' : 'PoliciesPerRole';
        throw new QuotaExceededError(`Cannot exceed quota for ${quota}: ${MAX_ATTACHED_POLICIES}`, quota).as('LimitExceededException');
      }
      await store.attach(trx, { principalId: principal.id, accountId, policyArn: own.arn, policyName: own.name, policyPath: own.path, at: this.deps.clock.now() });
    });
  }

  /** Detaches a managed policy (NoSuchEntity when it is not attached). */
  async detachPolicy(accountId: string, from: PrincipalRef, policyArn: string): Promise<void> {
    checkPolicyArn(policyArn);
    await iamWrite(this.deps, async (trx) => {
      const principal = await resolvePrincipal(trx, accountId, from, true);
      if (!(await store.detach(trx, principal.id, policyArn))) throw new NotFoundError('POLICY', policyArn, `Policy ${policyArn} was not found.`);
    });
  }

  /** Managed policies attached to the user or role, in name order, paginated. */
  async listAttachedPolicies(accountId: string, of: PrincipalRef, opts: IamPageRequest & { pathPrefix?: string }): Promise<IamPage<AttachedPolicy>> {
    const prefix = normalizePathPrefix(opts.pathPrefix);
    const after = decodeMarker('iam-attached', opts, ['string', 'string']) as [string, string] | undefined;
    const size = pageSize(opts);
    const principal = await resolvePrincipal(this.deps.database.db, accountId, of);
    const rows = await store.findAttached(this.deps.database.db, principal.id, prefix, after, size + 1);
    return toIamPage(rows, size, 'iam-attached', (p) => [p.name.toLowerCase(), p.arn]);
  }

  /** Creates or replaces an inline policy (MalformedPolicyDocument, LimitExceeded on size). */
  async putInlinePolicy(accountId: string, to: PrincipalRef, policyName: string, document: string): Promise<void> {
    const name = checkPolicyName(policyName);
    checkPolicyDocument(document, 'identity');
    await iamWrite(this.deps, async (trx) => {
      const principal = await resolvePrincipal(trx, accountId, to, true);
      const others = (await store.findAllInline(trx, principal.id)).filter((p) => p.name.toLowerCase() !== name.toLowerCase());
      const total = others.reduce((n, p) => n + policySize(p.document), policySize(document));
      const limit = MAX_INLINE_SIZE[to.type];
      if (total > limit) {
        throw new QuotaExceededError(`Maximum policy size of ${limit} bytes exceeded for ${to.type} ${principal.name}`, 'PolicySize').as('LimitExceededException');
      }
      await store.putInline(trx, principal.id, name, document, this.deps.clock.now());
    });
  }

  /** An inline policy, as given (NoSuchEntity otherwise). */
  async getInlinePolicy(accountId: string, of: PrincipalRef, policyName: string): Promise<{ principalName: string; name: string; document: string }> {
    const principal = await resolvePrincipal(this.deps.database.db, accountId, of);
    const policy = await store.findInline(this.deps.database.db, principal.id, policyName);
    if (!policy) throw noSuchInline(of, policyName);
    return { principalName: principal.name, ...policy };
  }

  /** Deletes an inline policy (NoSuchEntity when there is none). */
  async deleteInlinePolicy(accountId: string, of: PrincipalRef, policyName: string): Promise<void> {
    await iamWrite(this.deps, async (trx) => {
      const principal = await resolvePrincipal(trx, accountId, of, true);
      if (!(await store.deleteInline(trx, principal.id, policyName))) throw noSuchInline(of, policyName);
    });
  }

  /** Names of the user's or role's inline policies, in name order, paginated. */
  async listInlinePolicies(accountId: string, of: PrincipalRef, page: IamPageRequest): Promise<IamPage<string>> {
    const after = decodeMarker('iam-inline', page, ['string'])?.[0] as string | undefined;
    const size = pageSize(page);
    const principal = await resolvePrincipal(this.deps.database.db, accountId, of);
    const names = await store.findInlineNames(this.deps.database.db, principal.id, after, size + 1);
    return toIamPage(names, size, 'iam-inline', (n) => [n.toLowerCase()]);
  }

  /**
   * The identity policies in force for a user or role (by id): the default versions of its
   * attached managed policies, then its inline policies. Ids change when documents do.
   */
  async policiesOf(principalId: string, principalArn: string): Promise<{ id: string; document: string }[]> {
    const db = this.deps.database.db;
    const arns = await store.findAttachedArns(db, principalId);
    const out: { id: string; document: string }[] = [];
    for (const arn of arns) {
      const aws = findAwsManagedPolicy(arn);
      if (aws) out.push({ id: `${arn}#v1`, document: aws.document });
    }
    const local = arns.filter((a) => parseIamArn(a)?.account !== 'aws');
    for (const p of await policies.findDefaultDocuments(db, local)) out.push({ id: `${p.arn}#${p.versionId}`, document: p.document });
    for (const p of await store.findAllInline(db, principalId)) out.push({ id: `${principalArn}#inline/${p.name}@${digest(p.document)}`, document: p.document });
    return out;
  }
}

function noSuchInline(of: PrincipalRef, name: string): NotFoundError {
  return new NotFoundError('POLICY', name, `The ${of.type} policy with name ${name} cannot be found.`);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
