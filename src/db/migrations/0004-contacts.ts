// Why: ssm-contacts contacts (issue 4, the contacts half): contacts with their plans, the
// targets those plans name (for "who still uses this contact?"), and contact channels.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Creates the contacts tables. Aliases are unique per account and listed in byte order on both
 * databases (collate "C" on PostgreSQL), so ListContacts pages the same everywhere and an
 * AliasPrefix filter is an index range. A channel's activation code lives on its row, hashed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const byteOrder = (c: any) => (pg ? c.modifyFront(sql`collate "C"`).notNull() : c.notNull());

  await db.schema.createTable('contacts')
    .addColumn('arn', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('alias', 'text', byteOrder)
    .addColumn('display_name', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('contacts_account_alias_key', ['account_id', 'alias'])
    .execute();

  // One row per (plan, ARN it targets): contacts of escalation plans, channels of personal
  // plans, rotations of on-call schedules. DeleteContact asks it who still refers to a contact.
  await db.schema.createTable('contact_plan_targets')
    .addColumn('contact_arn', 'text', (c) => c.notNull().references('contacts.arn').onDelete('cascade'))
    .addColumn('target_arn', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_plan_targets_pk', ['contact_arn', 'target_arn'])
    .execute();
  await db.schema.createIndex('contact_plan_targets_target_idx').on('contact_plan_targets').column('target_arn').execute();

  await db.schema.createTable('contact_channels')
    .addColumn('arn', 'text', (c) => c.primaryKey())
    .addColumn('contact_arn', 'text', (c) => c.notNull().references('contacts.arn').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    // Time-ordered UUID: listing a contact's channels by it is creation order.
    .addColumn('channel_id', 'text', byteOrder)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('activation_status', 'text', (c) => c.notNull())
    // The outstanding activation code: salt and SHA-256, when it expires, wrong tries so far.
    .addColumn('code_hash', 'text')
    .addColumn('code_expires_at', 'bigint')
    .addColumn('code_failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // Codes sent in the current window (SendActivationCode's quota).
    .addColumn('codes_window_start', 'bigint')
    .addColumn('codes_in_window', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('contact_channels_contact_channel_key', ['contact_arn', 'channel_id'])
    .addUniqueConstraint('contact_channels_contact_address_key', ['contact_arn', 'type', 'address'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('contact_channels').execute();
  await db.schema.dropTable('contact_plan_targets').execute();
  await db.schema.dropTable('contacts').execute();
}
