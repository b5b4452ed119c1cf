/** Queries for resource policies. Every function takes the db (or a transaction) first. */
import type { Kysely, Selectable } from 'kysely';
import type { DB, ResourcePoliciesTable } from '../db/schema.js';
import type { ResourcePolicy } from './resource-policy.js';

/** Sort position of a policy within its resource: creation time, then id. */
export type PolicyPosition = [createdAtMs: number, policyId: string];

function toResourcePolicy(row: Selectable<ResourcePoliciesTable>): ResourcePolicy {
  return {
    policyId: row.policy_id, resourceArn: row.resource_arn, accountId: row.account_id,
    policyDocument: row.policy_document, createdAt: new Date(row.created_at),
  };
}

/** Inserts a policy. */
export async function create(db: Kysely<DB>, policy: ResourcePolicy): Promise<void> {
  await db.insertInto('resource_policies').values({
    policy_id: policy.policyId, resource_arn: policy.resourceArn, account_id: policy.accountId,
    policy_document: policy.policyDocument, created_at: policy.createdAt.getTime(),
  }).execute();
}

/** Policies of a resource after `after`, oldest first. */
export async function findMany(db: Kysely<DB>, resourceArn: string, after: PolicyPosition | undefined, limit: number): Promise<ResourcePolicy[]> {
  let q = db.selectFrom('resource_policies').selectAll().where('resource_arn', '=', resourceArn);
  if (after) {
    const [at, id] = after;
    q = q.where((eb) => eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('policy_id', '>', id)])]));
  }
  const rows = await q.orderBy('created_at').orderBy('policy_id').limit(limit).execute();
  return rows.map(toResourcePolicy);
}

/** Deletes one policy of a resource; false when there was none. */
export async function deleteOne(db: Kysely<DB>, resourceArn: string, policyId: string): Promise<boolean> {
  const r = await db.deleteFrom('resource_policies').where('resource_arn', '=', resourceArn).where('policy_id', '=', policyId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Deletes every policy of a resource (when it is deleted). */
export async function deleteForResource(db: Kysely<DB>, resourceArn: string): Promise<void> {
  await db.deleteFrom('resource_policies').where('resource_arn', '=', resourceArn).execute();
}
