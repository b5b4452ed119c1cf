/** Queries for contacts and the targets their plans name. Every function takes the db (or a transaction) first. */
import type { Kysely, Selectable } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import type { ContactsTable, DB } from '../db/schema.js';
import type { Contact, ContactType, PlanReference } from './contact.js';

/** One line of ListContacts. */
export interface ContactSummary {
  arn: string;
  alias: string;
  displayName?: string;
  type: ContactType;
}

/** Turns a row into the domain value. */
function toContact(row: Selectable<ContactsTable>): Contact {
  return {
    arn: row.arn, accountId: row.account_id, alias: row.alias, displayName: row.display_name ?? undefined,
    type: row.type as ContactType, plan: JSON.parse(row.plan),
    createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at),
  };
}

/** Finds a contact by ARN. */
export async function findOne(db: Kysely<DB>, arn: string): Promise<Contact | undefined> {
  const row = await db.selectFrom('contacts').selectAll().where('arn', '=', arn).executeTakeFirst();
  return row ? toContact(row) : undefined;
}

/** Finds a contact by ARN and locks it until the transaction ends (PostgreSQL; SQLite has one writer). */
export async function findOneForUpdate(db: Kysely<DB>, arn: string): Promise<Contact | undefined> {
  const q = db.selectFrom('contacts').selectAll().where('arn', '=', arn);
  const row = await (isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
  return row ? toContact(row) : undefined;
}

/** The types of those of `arns` that exist, by ARN (locked against deletion on PostgreSQL until the transaction ends). */
export async function findTypes(db: Kysely<DB>, arns: string[]): Promise<Map<string, ContactType>> {
  if (arns.length === 0) return new Map();
  const q = db.selectFrom('contacts').select(['arn', 'type']).where('arn', 'in', arns);
  const rows = await (isPostgres(db) ? q.forShare() : q).execute();
  return new Map(rows.map((r) => [r.arn, r.type as ContactType]));
}

/** Summaries of the account's contacts in alias order, after `afterAlias`, optionally filtered. */
export async function findSummaries(
  db: Kysely<DB>, accountId: string, filter: { aliasPrefix?: string; type?: ContactType; afterAlias?: string }, limit: number,
): Promise<ContactSummary[]> {
  let q = db.selectFrom('contacts').select(['arn', 'alias', 'display_name', 'type']).where('account_id', '=', accountId);
  // Aliases are [a-z0-9_-], all below '~' in byte order: the prefix is an index range.
  if (filter.aliasPrefix) q = q.where('alias', '>=', filter.aliasPrefix).where('alias', '<', `${filter.aliasPrefix}~`);
  if (filter.type) q = q.where('type', '=', filter.type);
  if (filter.afterAlias !== undefined) q = q.where('alias', '>', filter.afterAlias);
  const rows = await q.orderBy('alias').limit(limit).execute();
  return rows.map((r) => ({ arn: r.arn, alias: r.alias, displayName: r.display_name ?? undefined, type: r.type as ContactType }));
}

/** Inserts a contact. */
export async function create(db: Kysely<DB>, c: Contact): Promise<void> {
  await db.insertInto('contacts').values({
    arn: c.arn, account_id: c.accountId, alias: c.alias, display_name: c.displayName ?? null, type: c.type,
    plan: JSON.stringify(c.plan), created_at: c.createdAt.getTime(), updated_at: c.updatedAt.getTime(),
  }).execute();
}

/** Replaces a contact's display name and plan. */
export async function update(db: Kysely<DB>, arn: string, fields: Pick<Contact, 'displayName' | 'plan'>, updatedAt: Date): Promise<void> {
  await db.updateTable('contacts')
    .set({ display_name: fields.displayName ?? null, plan: JSON.stringify(fields.plan), updated_at: updatedAt.getTime() })
    .where('arn', '=', arn).execute();
}

/** Records what a contact's plan names, replacing what it named before. */
export async function replaceTargets(db: Kysely<DB>, contactArn: string, references: PlanReference[]): Promise<void> {
  await db.deleteFrom('contact_plan_targets').where('contact_arn', '=', contactArn).execute();
  const rows = [...new Map(references.map((r) => [r.arn, r])).values()]
    .map((r) => ({ contact_arn: contactArn, target_arn: r.arn, target_kind: r.kind }));
  if (rows.length > 0) await db.insertInto('contact_plan_targets').values(rows).execute();
}

/** The contacts (other than itself) whose plans name `targetArn`, in ARN order. */
export async function findReferrers(db: Kysely<DB>, targetArn: string): Promise<string[]> {
  const rows = await db.selectFrom('contact_plan_targets').select('contact_arn')
    .where('target_arn', '=', targetArn).where('contact_arn', '<>', targetArn).orderBy('contact_arn').execute();
  return rows.map((r) => r.contact_arn);
}

/** Deletes a contact; its channels and plan targets go with it (foreign keys), its tags and policy are their stores' business. */
export async function deleteOne(db: Kysely<DB>, arn: string): Promise<void> {
  await db.deleteFrom('contacts').where('arn', '=', arn).execute();
}

/** Deletes every contact of an account with its channels, plan targets and tags (DeleteReplicationSet). */
export async function deleteForAccount(db: Kysely<DB>, accountId: string): Promise<void> {
  const arns = db.selectFrom('contacts').select('arn').where('account_id', '=', accountId);
  await db.deleteFrom('tags').where('resource_arn', 'in', arns).execute();
  await db.deleteFrom('contacts').where('account_id', '=', accountId).execute();
}
