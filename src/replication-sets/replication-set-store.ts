/** Queries for replication sets and their regions. Every function takes the db (or a transaction) first. */
import { sql, type Kysely, type Selectable } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import type { DB, ReplicationRegionsTable, ReplicationSetsTable } from '../db/schema.js';
import { deleteForAccount as deleteContacts } from '../contacts/contact-store.js';
import { deleteForAccount as deleteEngagements } from '../engagements/engagement-store.js';
import { DEFAULT_KMS_KEY, type RegionInfo, type ReplicationSet } from './replication-set.js';

function toReplicationSet(row: Selectable<ReplicationSetsTable>, regions: Selectable<ReplicationRegionsTable>[]): ReplicationSet {
  const map: Record<string, RegionInfo> = {};
  for (const r of regions) {
    map[r.region_name] = {
      sseKmsKeyId: r.sse_kms_key_id ?? DEFAULT_KMS_KEY,
      status: r.status as RegionInfo['status'],
      statusMessage: r.status_message ?? undefined,
      statusUpdatedAt: new Date(r.status_updated_at),
    };
  }
  return {
    arn: row.arn,
    accountId: row.account_id,
    status: row.status as ReplicationSet['status'],
    deletionProtected: row.deletion_protected === 1,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    lastModifiedBy: row.last_modified_by,
    lastModifiedAt: new Date(row.last_modified_at),
    regions: map,
  };
}

async function withRegions(db: Kysely<DB>, row: Selectable<ReplicationSetsTable> | undefined): Promise<ReplicationSet | undefined> {
  if (!row) return undefined;
  const regions = await db.selectFrom('replication_regions').selectAll().where('set_arn', '=', row.arn).orderBy('region_name').execute();
  return toReplicationSet(row, regions);
}

/** Finds a set by ARN. */
export async function findOne(db: Kysely<DB>, arn: string): Promise<ReplicationSet | undefined> {
  return withRegions(db, await db.selectFrom('replication_sets').selectAll().where('arn', '=', arn).executeTakeFirst());
}

/** Finds a set by ARN and locks it until the transaction ends (PostgreSQL; SQLite has one writer). */
export async function findOneForUpdate(db: Kysely<DB>, arn: string): Promise<ReplicationSet | undefined> {
  const q = db.selectFrom('replication_sets').selectAll().where('arn', '=', arn);
  return withRegions(db, await (isPostgres(db) ? q.forUpdate() : q).executeTakeFirst());
}

/** Finds the account's set, if it has one. */
export async function findByAccount(db: Kysely<DB>, accountId: string): Promise<ReplicationSet | undefined> {
  return withRegions(db, await db.selectFrom('replication_sets').selectAll().where('account_id', '=', accountId).executeTakeFirst());
}

/** ARNs of the account's sets after `afterArn`, in ARN order. */
export async function findArns(db: Kysely<DB>, accountId: string, afterArn: string | undefined, limit: number): Promise<string[]> {
  let q = db.selectFrom('replication_sets').select('arn').where('account_id', '=', accountId);
  if (afterArn !== undefined) q = q.where('arn', '>', afterArn);
  return (await q.orderBy('arn').limit(limit).execute()).map((r) => r.arn);
}

/** Inserts a set and its regions. */
export async function create(db: Kysely<DB>, set: ReplicationSet): Promise<void> {
  await db.insertInto('replication_sets').values({
    arn: set.arn, account_id: set.accountId, status: set.status, deletion_protected: set.deletionProtected ? 1 : 0,
    created_by: set.createdBy, created_at: set.createdAt.getTime(),
    last_modified_by: set.lastModifiedBy, last_modified_at: set.lastModifiedAt.getTime(),
  }).execute();
  for (const [name, info] of Object.entries(set.regions)) await addRegion(db, set.arn, name, info);
}

/** Adds one region to a set. */
export async function addRegion(db: Kysely<DB>, setArn: string, regionName: string, info: RegionInfo): Promise<void> {
  await db.insertInto('replication_regions').values({
    set_arn: setArn, region_name: regionName, sse_kms_key_id: info.sseKmsKeyId, status: info.status,
    status_message: info.statusMessage ?? null, status_updated_at: info.statusUpdatedAt.getTime(),
  }).execute();
}

/** Removes one region from a set. */
export async function deleteRegion(db: Kysely<DB>, setArn: string, regionName: string): Promise<void> {
  await db.deleteFrom('replication_regions').where('set_arn', '=', setArn).where('region_name', '=', regionName).execute();
}

/** Records a modification: who, when, and optionally the new deletion protection. */
export async function update(
  db: Kysely<DB>, arn: string, change: { lastModifiedBy: string; lastModifiedAt: Date; deletionProtected?: boolean },
): Promise<void> {
  await db.updateTable('replication_sets').set({
    last_modified_by: change.lastModifiedBy,
    last_modified_at: change.lastModifiedAt.getTime(),
    ...(change.deletionProtected === undefined ? {} : { deletion_protected: change.deletionProtected ? 1 : 0 }),
  }).where('arn', '=', arn).execute();
}

/**
 * Deletes the set and, as AWS documents ("Deleting the replication set deletes all Incident
 * Manager data"), the account's response plans, incidents with their timeline events, related
 * items and findings, the tags and resource policies of all of them, and the account's
 * clientToken records. Children go first.
 */
export async function deleteWithAccountData(db: Kysely<DB>, set: { arn: string; accountId: string }): Promise<void> {
  // Why (PostgreSQL): StartIncident's one-statement path checks the replication set without a
  // row lock (share-locking one hot row from every start is slow). Its statement takes its
  // lock on `incidents` before its snapshot, so holding SHARE on the table here makes a start
  // that raced this delete either finish first (and be deleted below) or wait and then see no
  // replication set. Multi-statement writers hold the set's row FOR SHARE (the guard) instead.
  if (isPostgres(db)) await sql`LOCK TABLE incidents IN SHARE MODE`.execute(db);
  const incidentArns = db.selectFrom('incidents').select('arn').where('account_id', '=', set.accountId);
  const planArns = db.selectFrom('response_plans').select('arn').where('account_id', '=', set.accountId);
  await db.deleteFrom('timeline_events').where('incident_arn', 'in', incidentArns).execute();
  await db.deleteFrom('related_items').where('incident_arn', 'in', incidentArns).execute();
  await db.deleteFrom('findings').where('incident_arn', 'in', incidentArns).execute();
  await db.deleteFrom('tags').where((eb) => eb.or([
    eb('resource_arn', 'in', incidentArns), eb('resource_arn', 'in', planArns), eb('resource_arn', '=', set.arn),
  ])).execute();
  await deleteEngagements(db, set.accountId);
  await deleteContacts(db, set.accountId);
  await db.deleteFrom('resource_policies').where('account_id', '=', set.accountId).execute();
  // The account's clientTokens go too: a retry after the wipe must not replay a deleted resource.
  await db.deleteFrom('idempotency_tokens').where('account_id', '=', set.accountId).execute();
  await db.deleteFrom('incidents').where('account_id', '=', set.accountId).execute();
  await db.deleteFrom('response_plans').where('account_id', '=', set.accountId).execute();
  await db.deleteFrom('replication_regions').where('set_arn', '=', set.arn).execute();
  await db.deleteFrom('replication_sets').where('arn', '=', set.arn).execute();
}

/** Records that the account's first-start bootstrap ran; false when it already had. */
export async function claimBootstrap(db: Kysely<DB>, accountId: string, nowMs: number): Promise<boolean> {
  const result = await db.insertInto('settings').values({ key: `auto_replication_set:${accountId}`, value: String(nowMs) })
    .onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
