/** Queries for customer managed policies and their versions. Every function takes the db (or a transaction) first. */
import type { Kysely, Selectable } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import type { DB, IamPoliciesTable } from '../db/schema.js';
import type { ManagedPolicy, PolicyVersion } from './iam.js';

/** A policy row as the service needs it (attachment counts are added by the service). */
export type PolicyRow = Omit<ManagedPolicy, 'attachmentCount'> & { versionsCreated: number };

function toPolicy(row: Selectable<IamPoliciesTable>): PolicyRow {
  return {
    policyId: row.policy_id, accountId: row.account_id, name: row.name, path: row.path, arn: row.arn,
    description: row.description ?? undefined, defaultVersion: row.default_version, versionsCreated: row.versions_created,
    createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at),
  };
}

/** Finds a policy by ARN; `lock` locks the row until the transaction ends (PostgreSQL). */
export async function findOneByArn(db: Kysely<DB>, arn: string, lock = false): Promise<PolicyRow | undefined> {
  const q = db.selectFrom('iam_policies').selectAll().where('arn', '=', arn);
  const row = await (lock && isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
  return row ? toPolicy(row) : undefined;
}

/** Finds the account's policy by name, case-insensitively. */
export async function findOneByName(db: Kysely<DB>, accountId: string, name: string): Promise<PolicyRow | undefined> {
  const row = await db.selectFrom('iam_policies').selectAll().where('account_id', '=', accountId).where('name_key', '=', name.toLowerCase()).executeTakeFirst();
  return row ? toPolicy(row) : undefined;
}

/**
 * The account's policies whose path starts with `pathPrefix` (attached ones only when
 * `onlyAttached`), in name order after `after` ([name key, arn]).
 */
export async function findMany(db: Kysely<DB>, accountId: string, filter: { pathPrefix: string; onlyAttached: boolean },
  after: [string, string] | undefined, limit: number): Promise<PolicyRow[]> {
  let q = db.selectFrom('iam_policies').selectAll().where('account_id', '=', accountId);
  if (filter.pathPrefix !== '/') q = q.where((eb) => eb(eb.fn('substr', ['path', eb.val(1), eb.val(filter.pathPrefix.length)]), '=', filter.pathPrefix));
  if (filter.onlyAttached) {
    q = q.where((eb) => eb.exists(eb.selectFrom('iam_attachments').select('principal_id').whereRef('iam_attachments.policy_arn', '=', 'iam_policies.arn')));
  }
  if (after) {
    const [key, arn] = after;
    q = q.where((eb) => eb.or([eb('name_key', '>', key), eb.and([eb('name_key', '=', key), eb('arn', '>', arn)])]));
  }
  return (await q.orderBy('name_key').orderBy('arn').limit(limit).execute()).map(toPolicy);
}

/** Inserts a policy with its first version, v1, as the default. */
export async function create(db: Kysely<DB>, policy: PolicyRow, document: string): Promise<void> {
  await db.insertInto('iam_policies').values({
    policy_id: policy.policyId, account_id: policy.accountId, name: policy.name, name_key: policy.name.toLowerCase(), path: policy.path,
    arn: policy.arn, description: policy.description ?? null, default_version: 'v1', versions_created: 1,
    created_at: policy.createdAt.getTime(), updated_at: policy.updatedAt.getTime(),
  }).execute();
  await insertVersion(db, policy.policyId, 1, document, policy.createdAt);
}

/** Adds version `num` (the caller keeps versions_created up to date). */
export async function insertVersion(db: Kysely<DB>, policyId: string, num: number, document: string, at: Date): Promise<void> {
  await db.insertInto('iam_policy_versions').values({ policy_id: policyId, version_num: num, document, created_at: at.getTime() }).execute();
}

/** Records a new version's number and, optionally, makes a version the default. */
export async function update(db: Kysely<DB>, policyId: string, set: { versionsCreated?: number; defaultVersion?: string }, at: Date): Promise<void> {
  await db.updateTable('iam_policies').set({
    ...(set.versionsCreated !== undefined ? { versions_created: set.versionsCreated } : {}),
    ...(set.defaultVersion !== undefined ? { default_version: set.defaultVersion } : {}),
    updated_at: at.getTime(),
  }).where('policy_id', '=', policyId).execute();
}

/** The policy's versions, newest first, as ListPolicyVersions returns them. */
export async function findVersions(db: Kysely<DB>, policyId: string, defaultVersion: string): Promise<PolicyVersion[]> {
  const rows = await db.selectFrom('iam_policy_versions').selectAll().where('policy_id', '=', policyId).orderBy('version_num', 'desc').execute();
  return rows.map((r) => ({ versionId: `v${r.version_num}`, document: r.document, isDefault: `v${r.version_num}` === defaultVersion, createdAt: new Date(r.created_at) }));
}

/** One version by number. */
export async function findVersion(db: Kysely<DB>, policyId: string, num: number): Promise<{ document: string; createdAt: Date } | undefined> {
  const row = await db.selectFrom('iam_policy_versions').select(['document', 'created_at'])
    .where('policy_id', '=', policyId).where('version_num', '=', num).executeTakeFirst();
  return row ? { document: row.document, createdAt: new Date(row.created_at) } : undefined;
}

/** Deletes one version; false when there was none. */
export async function deleteVersion(db: Kysely<DB>, policyId: string, num: number): Promise<boolean> {
  const r = await db.deleteFrom('iam_policy_versions').where('policy_id', '=', policyId).where('version_num', '=', num).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Deletes a policy with its versions. */
export async function deleteOne(db: Kysely<DB>, policyId: string): Promise<void> {
  await db.deleteFrom('iam_policy_versions').where('policy_id', '=', policyId).execute();
  await db.deleteFrom('iam_policies').where('policy_id', '=', policyId).execute();
}

/** The default versions' documents of the given policies (ARN, version id, document). */
export async function findDefaultDocuments(db: Kysely<DB>, arns: readonly string[]): Promise<{ arn: string; versionId: string; document: string }[]> {
  if (arns.length === 0) return [];
  const rows = await db.selectFrom('iam_policies')
    .innerJoin('iam_policy_versions', 'iam_policy_versions.policy_id', 'iam_policies.policy_id')
    .select(['iam_policies.arn', 'iam_policies.default_version', 'iam_policy_versions.version_num', 'iam_policy_versions.document'])
    .where('iam_policies.arn', 'in', arns)
    .execute();
  return rows.filter((r) => `v${r.version_num}` === r.default_version).map((r) => ({ arn: r.arn, versionId: r.default_version, document: r.document }));
}
