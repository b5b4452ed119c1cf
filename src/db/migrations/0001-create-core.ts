// Why: the core of ssm-incidents (issue 2): credentials, replication sets, response plans,
// incidents with their timelines, related items and findings, tags, resource policies, tokens.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/** Creates the core tables. Column types are chosen to mean the same on SQLite and PostgreSQL. */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const serial = pg ? 'bigserial' : 'integer';
  // Kysely's schema builder keeps this portable; `seq` columns are autoincrement keys.
  await db.schema.createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('access_keys')
    .addColumn('access_key_id', 'text', (c) => c.primaryKey())
    .addColumn('secret_access_key', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('principal_arn', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createTable('replication_sets')
    .addColumn('arn', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('deletion_protected', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_modified_by', 'text', (c) => c.notNull())
    .addColumn('last_modified_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createTable('replication_regions')
    .addColumn('set_arn', 'text', (c) => c.notNull().references('replication_sets.arn').onDelete('cascade'))
    .addColumn('region_name', 'text', (c) => c.notNull())
    .addColumn('sse_kms_key_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_message', 'text')
    .addColumn('status_updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('replication_regions_pk', ['set_arn', 'region_name'])
    .execute();

  await db.schema.createTable('response_plans')
    .addColumn('arn', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    // Byte order on both databases, so ListResponsePlans pages the same whatever the PostgreSQL locale.
    .addColumn('name', 'text', (c) => (pg ? c.modifyFront(sql`collate "C"`).notNull() : c.notNull()))
    .addColumn('display_name', 'text')
    .addColumn('incident_template', 'text', (c) => c.notNull())
    .addColumn('chat_channel', 'text')
    .addColumn('engagements', 'text')
    .addColumn('actions', 'text')
    .addColumn('integrations', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('revision', 'text', (c) => c.notNull())
    .addUniqueConstraint('response_plans_account_name_key', ['account_id', 'name'])
    .execute();

  await db.schema.createTable('tags')
    .addColumn('resource_arn', 'text', (c) => c.notNull())
    .addColumn('tag_key', 'text', (c) => c.notNull())
    .addColumn('tag_value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tags_pk', ['resource_arn', 'tag_key'])
    .execute();

  await db.schema.createTable('resource_policies')
    .addColumn('policy_id', 'text', (c) => c.primaryKey())
    .addColumn('resource_arn', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('policy_document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('resource_policies_resource_idx').on('resource_policies').columns(['resource_arn', 'created_at']).execute();

  await db.schema.createTable('incidents')
    .addColumn('seq', serial as any, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('arn', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('response_plan_arn', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('impact', 'integer', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('dedupe_string', 'text', (c) => c.notNull())
    .addColumn('open_dedupe', 'text')
    .addColumn('chat_channel', 'text')
    .addColumn('notification_targets', 'text')
    .addColumn('automation_executions', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('invoked_by', 'text')
    .addColumn('source_resource_arn', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('trigger_details', 'text')
    .addColumn('plan_snapshot', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('last_modified_at', 'bigint', (c) => c.notNull())
    .addColumn('last_modified_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('incidents_open_dedupe_key', ['account_id', 'open_dedupe'])
    .execute();
  // Listing is newest first by seq (keyset pagination), filtered by account.
  await db.schema.createIndex('incidents_account_seq_idx').on('incidents').columns(['account_id', 'seq']).execute();

  await db.schema.createTable('timeline_events')
    .addColumn('seq', serial as any, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('incident_arn', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('event_time', 'bigint', (c) => c.notNull())
    .addColumn('event_updated_time', 'bigint', (c) => c.notNull())
    .addColumn('event_data', 'text', (c) => c.notNull())
    .addColumn('event_references', 'text')
    // '\n'-delimited resource ARNs and related item ids, for the eventReference filter.
    .addColumn('event_reference_keys', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('timeline_events_incident_time_idx').on('timeline_events').columns(['incident_arn', 'event_time', 'seq']).execute();

  await db.schema.createTable('related_items')
    .addColumn('seq', serial as any, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('incident_arn', 'text', (c) => c.notNull())
    .addColumn('generated_id', 'text', (c) => c.notNull())
    .addColumn('item_type', 'text', (c) => c.notNull())
    .addColumn('item_value', 'text', (c) => c.notNull())
    .addColumn('value_key', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('related_items_generated_id_key', ['incident_arn', 'generated_id'])
    .addUniqueConstraint('related_items_value_key', ['incident_arn', 'item_type', 'value_key'])
    .execute();
  await db.schema.createIndex('related_items_incident_seq_idx').on('related_items').columns(['incident_arn', 'seq']).execute();

  await db.schema.createTable('findings')
    .addColumn('incident_arn', 'text', (c) => c.notNull())
    .addColumn('finding_id', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_modified_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('findings_pk', ['incident_arn', 'finding_id'])
    .execute();

  await db.schema.createTable('idempotency_tokens')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_tokens_pk', ['account_id', 'operation', 'token'])
    .execute();
  // For the expiry sweep (deleteExpiredTokens).
  await db.schema.createIndex('idempotency_tokens_created_at_idx').on('idempotency_tokens').column('created_at').execute();
}
