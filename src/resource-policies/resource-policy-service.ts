/**
 * Resource policies attached to the caller's response plans: put (a new policy id each
 * time), read back paginated, deleted by id.
 */
import type { Kysely } from 'kysely';
import { parseIncidentsArn } from '../arn/arn.js';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { decodePageToken, toPage } from '../db/page-token.js';
import { requireReplicationSet } from '../replication-sets/replication-set-guard.js';
import { findOne as findPlan } from '../response-plans/response-plan-store.js';
import type { Clock } from '../time/clock.js';
import { newPolicyId, normalizePolicyDocument, type ResourcePolicy } from './resource-policy.js';
import * as store from './resource-policy-store.js';

/** Page size when the caller gives no maxResults. */
const DEFAULT_PAGE_SIZE = 50;

/** The resource-policy rules over the store. */
export class ResourcePolicyService {
  /** Increases with every put and delete on this node (the authorizer's cache key). */
  changeCount = 0;

  constructor(private readonly database: Database, private readonly clock: Clock) {}

  /** Every policy attached to a resource, for the authorizer (no account check: it decides). */
  async policiesOf(resourceArn: string): Promise<{ id: string; document: string }[]> {
    const rows = await store.findMany(this.database.db, resourceArn, undefined, 1000);
    return rows.map((p) => ({ id: p.policyId, document: p.policyDocument }));
  }

  /** Attaches a policy to the caller's response plan; returns the new policy id. */
  async put(accountId: string, resourceArn: string, policy: string): Promise<string> {
    const policyDocument = normalizePolicyDocument(policy);
    return this.database.write(async (trx) => {
      await requireReplicationSet(trx, accountId);
      await requirePlan(trx, accountId, resourceArn);
      const policyId = newPolicyId();
      await store.create(trx, { policyId, resourceArn, accountId, policyDocument, createdAt: this.clock.now() });
      this.changeCount++;
      return policyId;
    });
  }

  /** The plan's policies, oldest first, paginated. */
  async list(accountId: string, resourceArn: string, page: { maxResults?: number; nextToken?: string }): Promise<{ policies: ResourcePolicy[]; nextToken?: string }> {
    const after = decodePageToken('resource-policies', page.nextToken, ['number', 'string']) as store.PolicyPosition | undefined;
    await requirePlan(this.database.db, accountId, resourceArn);
    const size = page.maxResults ?? DEFAULT_PAGE_SIZE;
    const rows = await store.findMany(this.database.db, resourceArn, after, size + 1);
    const { items, nextToken } = toPage(rows, size, 'resource-policies', (p) => [p.createdAt.getTime(), p.policyId]);
    return { policies: items, nextToken };
  }

  /** Deletes one policy of the caller's plan (NotFoundError for an unknown plan or policy id). */
  async delete(accountId: string, resourceArn: string, policyId: string): Promise<void> {
    await this.database.write(async (trx) => {
      await requirePlan(trx, accountId, resourceArn);
      this.changeCount++;
      if (!(await store.deleteOne(trx, resourceArn, policyId))) {
        throw new NotFoundError('RESOURCE_POLICY', policyId, `Resource policy ${policyId} not found on ${resourceArn}.`);
      }
    });
  }
}

/** Only response plans of the caller's account carry resource policies. */
async function requirePlan(db: Kysely<DB>, accountId: string, resourceArn: string): Promise<void> {
  const parsed = parseIncidentsArn(resourceArn);
  if (parsed && parsed.kind !== 'response-plan') {
    throw new ValidationError('resourceArn', `Invalid value for resourceArn: resource policies attach to response plans, not to a ${parsed.kind} (${resourceArn}).`);
  }
  const plan = parsed?.account === accountId ? await findPlan(db, resourceArn) : undefined;
  if (!plan || plan.accountId !== accountId) {
    throw new NotFoundError('RESPONSE_PLAN', resourceArn, `Response plan ${resourceArn} not found.`);
  }
}
