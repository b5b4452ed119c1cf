/** Queries for engagements, pages and receipts. Every function takes the db (or a transaction) first. */
import type { Kysely, Selectable } from 'kysely';
import type { ContactType } from '../contacts/contact.js';
import { isPostgres } from '../db/dialect.js';
import type { DB, EngagementsTable, PagesTable } from '../db/schema.js';
import type { Engagement, EngagementStatus, Page, Receipt, ReceiptType } from './engagement.js';

const date = (ms: number | null) => (ms === null ? undefined : new Date(ms));

function toEngagement(r: Selectable<EngagementsTable>): Engagement {
  return {
    arn: r.arn, accountId: r.account_id, contactArn: r.contact_arn, contactType: r.contact_type as ContactType,
    sender: r.sender, subject: r.subject, content: r.content,
    publicSubject: r.public_subject ?? undefined, publicContent: r.public_content ?? undefined, incidentId: r.incident_id ?? undefined,
    plan: JSON.parse(r.plan), status: r.status as EngagementStatus, startTime: new Date(r.start_time),
    stopTime: date(r.stop_time), stopReason: r.stop_reason ?? undefined, seq: Number(r.seq),
  };
}

function toPage(r: Selectable<PagesTable>): Page {
  return {
    arn: r.arn, accountId: r.account_id, engagementArn: r.engagement_arn, contactArn: r.contact_arn,
    stageIndex: r.stage_index ?? undefined, essential: r.essential === 1, resolution: JSON.parse(r.resolution),
    plan: JSON.parse(r.plan), acceptCode: r.accept_code, createdAt: new Date(r.created_at),
    sentTime: date(r.sent_time), deliveryTime: date(r.delivery_time), readTime: date(r.read_time), seq: Number(r.seq),
  };
}

/** Inserts an engagement. */
export async function createEngagement(db: Kysely<DB>, e: Omit<Engagement, 'seq' | 'stopTime' | 'stopReason'>): Promise<void> {
  await db.insertInto('engagements').values({
    arn: e.arn, account_id: e.accountId, contact_arn: e.contactArn, contact_type: e.contactType, sender: e.sender,
    subject: e.subject, content: e.content, public_subject: e.publicSubject ?? null, public_content: e.publicContent ?? null,
    incident_id: e.incidentId ?? null, plan: JSON.stringify(e.plan), status: e.status, start_time: e.startTime.getTime(),
  }).execute();
}

/** Finds an engagement by ARN. */
export async function findEngagement(db: Kysely<DB>, arn: string): Promise<Engagement | undefined> {
  const row = await db.selectFrom('engagements').selectAll().where('arn', '=', arn).executeTakeFirst();
  return row ? toEngagement(row) : undefined;
}

/** Finds an engagement and locks it until the transaction ends (PostgreSQL; SQLite has one writer). */
export async function findEngagementForUpdate(db: Kysely<DB>, arn: string): Promise<Engagement | undefined> {
  const q = db.selectFrom('engagements').selectAll().where('arn', '=', arn);
  const row = await (isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
  return row ? toEngagement(row) : undefined;
}

/** ListEngagements: an account's engagements, newest first, optionally of one incident and starting in a time range. */
export async function findEngagements(
  db: Kysely<DB>, accountId: string,
  filter: { incidentId?: string; startFrom?: number; startTo?: number }, beforeSeq: number | undefined, limit: number,
): Promise<Engagement[]> {
  let q = db.selectFrom('engagements').selectAll().where('account_id', '=', accountId);
  if (filter.incidentId !== undefined) q = q.where('incident_id', '=', filter.incidentId);
  if (filter.startFrom !== undefined) q = q.where('start_time', '>=', filter.startFrom);
  if (filter.startTo !== undefined) q = q.where('start_time', '<=', filter.startTo);
  if (beforeSeq !== undefined) q = q.where('seq', '<', beforeSeq);
  return (await q.orderBy('seq', 'desc').limit(limit).execute()).map(toEngagement);
}

/** Ends an ACTIVE engagement; false when it had ended already. */
export async function endEngagement(db: Kysely<DB>, arn: string, status: Exclude<EngagementStatus, 'ACTIVE'>, at: number, reason?: string): Promise<boolean> {
  const r = await db.updateTable('engagements').set({ status, stop_time: at, stop_reason: reason ?? null })
    .where('arn', '=', arn).where('status', '=', 'ACTIVE').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The ACTIVE engagements of an incident (by IncidentId), locked until the transaction ends on PostgreSQL. */
export async function findActiveForIncident(db: Kysely<DB>, incidentId: string): Promise<Engagement[]> {
  const q = db.selectFrom('engagements').selectAll().where('incident_id', '=', incidentId).where('status', '=', 'ACTIVE');
  return (await (isPostgres(db) ? q.forUpdate() : q).execute()).map(toEngagement);
}

/** Inserts a page. */
export async function createPage(db: Kysely<DB>, p: Omit<Page, 'seq' | 'sentTime' | 'deliveryTime' | 'readTime'>): Promise<void> {
  await db.insertInto('pages').values({
    arn: p.arn, account_id: p.accountId, engagement_arn: p.engagementArn, contact_arn: p.contactArn,
    stage_index: p.stageIndex ?? null, essential: p.essential ? 1 : 0, resolution: JSON.stringify(p.resolution),
    plan: JSON.stringify(p.plan), accept_code: p.acceptCode, created_at: p.createdAt.getTime(),
  }).execute();
}

/** Finds a page by ARN. */
export async function findPage(db: Kysely<DB>, arn: string): Promise<Page | undefined> {
  const row = await db.selectFrom('pages').selectAll().where('arn', '=', arn).executeTakeFirst();
  return row ? toPage(row) : undefined;
}

/** Finds a page by ARN and locks it until the transaction ends (PostgreSQL). */
export async function findPageForUpdate(db: Kysely<DB>, arn: string): Promise<Page | undefined> {
  const q = db.selectFrom('pages').selectAll().where('arn', '=', arn);
  const row = await (isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
  return row ? toPage(row) : undefined;
}

/** Pages of an engagement or of a contact, in creation order, after `afterSeq`. */
export async function findPages(db: Kysely<DB>, by: { engagementArn: string } | { contactArn: string }, afterSeq: number | undefined, limit: number): Promise<Page[]> {
  let q = db.selectFrom('pages').selectAll();
  q = 'engagementArn' in by ? q.where('engagement_arn', '=', by.engagementArn) : q.where('contact_arn', '=', by.contactArn);
  if (afterSeq !== undefined) q = q.where('seq', '>', afterSeq);
  return (await q.orderBy('seq').limit(limit).execute()).map(toPage);
}

/**
 * Unread pages of ACTIVE engagements to the contacts owning an SMS or VOICE channel at
 * `address` (an SMS reply comes from the number the page went to).
 */
export async function findOpenPagesByAddress(db: Kysely<DB>, address: string): Promise<Page[]> {
  const rows = await db.selectFrom('pages').innerJoin('engagements', 'engagements.arn', 'pages.engagement_arn')
    .selectAll('pages')
    .where('pages.read_time', 'is', null).where('engagements.status', '=', 'ACTIVE')
    .where('pages.contact_arn', 'in', (eb) => eb.selectFrom('contact_channels').select('contact_arn')
      .where('address', '=', address).where('type', 'in', ['SMS', 'VOICE']))
    .orderBy('pages.seq', 'desc').limit(50).execute();
  return rows.map(toPage);
}

/** Sets a page's time of `what` unless it is set (the first one counts). */
export async function stampPage(db: Kysely<DB>, arn: string, what: 'sent_time' | 'delivery_time' | 'read_time', at: number): Promise<boolean> {
  const r = await db.updateTable('pages').set({ [what]: at }).where('arn', '=', arn).where(what, 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Appends a receipt to a page. */
export async function addReceipt(db: Kysely<DB>, pageArn: string, r: Receipt): Promise<void> {
  await db.insertInto('page_receipts').values({
    page_arn: pageArn, contact_channel_arn: r.contactChannelArn ?? null, receipt_type: r.receiptType,
    receipt_info: r.receiptInfo?.slice(0, 2048) ?? null, receipt_time: r.receiptTime.getTime(),
  }).execute();
}

/** STOP receipts for every unread page of an engagement (it was stopped or acknowledged by someone else). */
export async function stopUnreadPages(db: Kysely<DB>, engagementArn: string, info: string, at: number, exceptPage?: string): Promise<void> {
  let q = db.selectFrom('pages').select('arn').where('engagement_arn', '=', engagementArn).where('read_time', 'is', null);
  if (exceptPage) q = q.where('arn', '<>', exceptPage);
  const arns = (await q.execute()).map((r) => r.arn);
  if (arns.length === 0) return;
  await db.insertInto('page_receipts').values(arns.map((arn) => ({
    page_arn: arn, contact_channel_arn: null, receipt_type: 'STOP' as ReceiptType, receipt_info: info, receipt_time: at,
  }))).execute();
}

/** A page's receipts in order, after `afterSeq`. */
export async function findReceipts(db: Kysely<DB>, pageArn: string, afterSeq: number | undefined, limit: number): Promise<(Receipt & { seq: number })[]> {
  let q = db.selectFrom('page_receipts').selectAll().where('page_arn', '=', pageArn);
  if (afterSeq !== undefined) q = q.where('seq', '>', afterSeq);
  const rows = await q.orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({
    seq: Number(r.seq), contactChannelArn: r.contact_channel_arn ?? undefined, receiptType: r.receipt_type as ReceiptType,
    receiptInfo: r.receipt_info ?? undefined, receiptTime: new Date(r.receipt_time),
  }));
}

/** Deletes an account's engagements (their pages and receipts go with them): DeleteReplicationSet. */
export async function deleteForAccount(db: Kysely<DB>, accountId: string): Promise<void> {
  await db.deleteFrom('page_receipts').where('page_arn', 'in', (eb) => eb.selectFrom('pages').select('arn').where('account_id', '=', accountId)).execute();
  await db.deleteFrom('pages').where('account_id', '=', accountId).execute();
  await db.deleteFrom('engagements').where('account_id', '=', accountId).execute();
}
