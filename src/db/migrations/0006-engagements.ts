// Why: engagements and pages (issue 4): who was engaged for what, each page to a personal
// contact, every receipt of its delivery, and how it was reached (the resolution path).
import { type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Engagements, pages and receipts. An engagement is one StartEngagement (or one engagement of
 * an incident); a page is one personal contact engaged by it. Statuses decide what the engine's
 * jobs still do: a job for an engagement that ended or a page that was read does nothing.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  // `seq` keys are autoincrement (listing order, keyset pagination), as in 0001.
  const seq = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const serial: any = pg ? 'bigserial' : 'integer';
  await db.schema.createTable('engagements')
    .addColumn('seq', serial, seq)
    .addColumn('arn', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('contact_arn', 'text', (c) => c.notNull())
    .addColumn('contact_type', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('public_subject', 'text')
    .addColumn('public_content', 'text')
    .addColumn('incident_id', 'text')
    // The plan as it was at the start (stages with their targets): later edits do not reach it.
    .addColumn('plan', 'text', (c) => c.notNull())
    // ACTIVE until ACKNOWLEDGED (an essential contact read a page) or STOPPED (StopEngagement,
    // the incident resolved). An engagement whose stages all ran stays ACTIVE: its pages go on.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('stop_time', 'bigint')
    .addColumn('stop_reason', 'text')
    .execute();
  await db.schema.createIndex('engagements_account_seq_idx').on('engagements').columns(['account_id', 'seq']).execute();
  await db.schema.createIndex('engagements_incident_idx').on('engagements').columns(['incident_id', 'status']).execute();

  await db.schema.createTable('pages')
    .addColumn('seq', serial, seq)
    .addColumn('arn', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('engagement_arn', 'text', (c) => c.notNull().references('engagements.arn').onDelete('cascade'))
    .addColumn('contact_arn', 'text', (c) => c.notNull())
    // The escalation stage that engaged the contact, and whether its acknowledgement ends the engagement.
    .addColumn('stage_index', 'integer')
    .addColumn('essential', 'integer', (c) => c.notNull())
    // JSON: the contacts from the engaged one down to this page's ([{ContactArn, Type, StageIndex}]).
    .addColumn('resolution', 'text', (c) => c.notNull())
    // The personal contact's own engagement plan, as at the page's creation.
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('accept_code', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_time', 'bigint')
    .addColumn('delivery_time', 'bigint')
    .addColumn('read_time', 'bigint')
    .execute();
  await db.schema.createIndex('pages_engagement_idx').on('pages').columns(['engagement_arn', 'seq']).execute();
  await db.schema.createIndex('pages_contact_idx').on('pages').columns(['contact_arn', 'seq']).execute();

  await db.schema.createTable('page_receipts')
    .addColumn('seq', serial, seq)
    .addColumn('page_arn', 'text', (c) => c.notNull().references('pages.arn').onDelete('cascade'))
    .addColumn('contact_channel_arn', 'text')
    .addColumn('receipt_type', 'text', (c) => c.notNull())
    .addColumn('receipt_info', 'text')
    .addColumn('receipt_time', 'bigint', (c) => c.notNull())
    .execute();
  // An SMS reply is matched to pages by the number it came from.
  await db.schema.createIndex('contact_channels_address_idx').on('contact_channels').column('address').execute();
  await db.schema.createIndex('page_receipts_page_idx').on('page_receipts').columns(['page_arn', 'seq']).execute();
}
