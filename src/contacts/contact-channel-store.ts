/** Queries for contact channels and their activation codes. Every function takes the db (or a transaction) first. */
import type { Kysely, Selectable } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import type { ContactChannelsTable, DB } from '../db/schema.js';
import type { CodeState } from './activation-code.js';
import type { ActivationStatus, ChannelType, ContactChannel } from './contact-channel.js';

/** A channel with its activation code's state and send window. */
export interface StoredChannel extends ContactChannel, CodeState {
  codesWindowStart: number | null;
  codesInWindow: number;
}

function toChannel(row: Selectable<ContactChannelsTable>): StoredChannel {
  return {
    arn: row.arn, contactArn: row.contact_arn, accountId: row.account_id, channelId: row.channel_id, name: row.name,
    type: row.type as ChannelType, address: row.address, activationStatus: row.activation_status as ActivationStatus,
    createdAt: new Date(row.created_at),
    codeHash: row.code_hash, codeExpiresAt: row.code_expires_at, failedAttempts: row.code_failed_attempts,
    codesWindowStart: row.codes_window_start, codesInWindow: row.codes_in_window,
  };
}

/** Finds a channel by ARN. */
export async function findOne(db: Kysely<DB>, arn: string): Promise<StoredChannel | undefined> {
  const row = await db.selectFrom('contact_channels').selectAll().where('arn', '=', arn).executeTakeFirst();
  return row ? toChannel(row) : undefined;
}

/** Finds a channel by ARN and locks it until the transaction ends (PostgreSQL; SQLite has one writer). */
export async function findOneForUpdate(db: Kysely<DB>, arn: string): Promise<StoredChannel | undefined> {
  const q = db.selectFrom('contact_channels').selectAll().where('arn', '=', arn);
  const row = await (isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
  return row ? toChannel(row) : undefined;
}

/** A contact's channels after `afterChannelId`, in creation order. */
export async function findMany(db: Kysely<DB>, contactArn: string, afterChannelId: string | undefined, limit: number): Promise<StoredChannel[]> {
  let q = db.selectFrom('contact_channels').selectAll().where('contact_arn', '=', contactArn);
  if (afterChannelId !== undefined) q = q.where('channel_id', '>', afterChannelId);
  const rows = await q.orderBy('channel_id').limit(limit).execute();
  return rows.map(toChannel);
}

/** Which of `arns` are channels of `contactArn`. */
export async function findExisting(db: Kysely<DB>, contactArn: string, arns: string[]): Promise<Set<string>> {
  if (arns.length === 0) return new Set();
  const rows = await db.selectFrom('contact_channels').select('arn').where('contact_arn', '=', contactArn).where('arn', 'in', arns).execute();
  return new Set(rows.map((r) => r.arn));
}

/** The contact's channel of `type` at `address`, if it has one. */
export async function findByAddress(db: Kysely<DB>, contactArn: string, type: ChannelType, address: string): Promise<string | undefined> {
  const row = await db.selectFrom('contact_channels').select('arn')
    .where('contact_arn', '=', contactArn).where('type', '=', type).where('address', '=', address).executeTakeFirst();
  return row?.arn;
}

/** Inserts a channel (NOT_ACTIVATED, no code yet). */
export async function create(db: Kysely<DB>, c: ContactChannel): Promise<void> {
  await db.insertInto('contact_channels').values({
    arn: c.arn, contact_arn: c.contactArn, account_id: c.accountId, channel_id: c.channelId, name: c.name, type: c.type,
    address: c.address, activation_status: c.activationStatus, created_at: c.createdAt.getTime(), updated_at: c.createdAt.getTime(),
  }).execute();
}

/** Changes a channel's name and address; a new address is no longer activated and its code is void. */
export async function update(db: Kysely<DB>, arn: string, fields: { name: string; address: string; addressChanged: boolean }, nowMs: number): Promise<void> {
  await db.updateTable('contact_channels')
    .set({ name: fields.name, address: fields.address, updated_at: nowMs, ...(fields.addressChanged ? { activation_status: 'NOT_ACTIVATED', ...noCode } : {}) })
    .where('arn', '=', arn).execute();
}

const noCode = { code_hash: null, code_expires_at: null, code_failed_attempts: 0 };

/** Records a code just sent: it replaces any earlier one, and counts in the send window. */
export async function storeCode(db: Kysely<DB>, arn: string, code: { hash: string; expiresAt: number; windowStart: number; sentInWindow: number }, nowMs: number): Promise<void> {
  await db.updateTable('contact_channels').set({
    code_hash: code.hash, code_expires_at: code.expiresAt, code_failed_attempts: 0,
    codes_window_start: code.windowStart, codes_in_window: code.sentInWindow, updated_at: nowMs,
  }).where('arn', '=', arn).execute();
}

/** Counts a wrong code; `spent` voids the outstanding code (its last attempt is used). */
export async function recordWrongCode(db: Kysely<DB>, arn: string, spent: boolean, nowMs: number): Promise<void> {
  await db.updateTable('contact_channels')
    .set((eb) => (spent ? { ...noCode, updated_at: nowMs } : { code_failed_attempts: eb('code_failed_attempts', '+', 1), updated_at: nowMs }))
    .where('arn', '=', arn).execute();
}

/** Sets the activation status; either way the outstanding code is used up. */
export async function setActivation(db: Kysely<DB>, arn: string, status: ActivationStatus, nowMs: number): Promise<void> {
  await db.updateTable('contact_channels').set({ activation_status: status, ...noCode, updated_at: nowMs }).where('arn', '=', arn).execute();
}

/** Deletes a channel. */
export async function deleteOne(db: Kysely<DB>, arn: string): Promise<void> {
  await db.deleteFrom('contact_channels').where('arn', '=', arn).execute();
}
