/** Queries for response plans. Every function takes the db (or a transaction) first. */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import type { DB, ResponsePlansTable } from '../db/schema.js';
import type { ResponsePlan, ResponsePlanFields, ResponsePlanSummary } from './response-plan.js';

/** Turns a row into the domain value. */
export function toResponsePlan(row: Selectable<ResponsePlansTable>): ResponsePlan {
  return {
    arn: row.arn,
    accountId: row.account_id,
    name: row.name,
    displayName: row.display_name ?? undefined,
    incidentTemplate: JSON.parse(row.incident_template),
    chatChannel: row.chat_channel ? JSON.parse(row.chat_channel) : undefined,
    engagements: row.engagements ? JSON.parse(row.engagements) : undefined,
    actions: row.actions ? JSON.parse(row.actions) : undefined,
    integrations: row.integrations ? JSON.parse(row.integrations) : undefined,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** Finds a response plan by ARN. */
export async function findOne(db: Kysely<DB>, arn: string): Promise<ResponsePlan | undefined> {
  const row = await db.selectFrom('response_plans').selectAll().where('arn', '=', arn).executeTakeFirst();
  return row ? toResponsePlan(row) : undefined;
}

/** Finds a response plan by ARN and locks it until the transaction ends (PostgreSQL; SQLite has one writer). */
export async function findOneForUpdate(db: Kysely<DB>, arn: string): Promise<ResponsePlan | undefined> {
  const q = db.selectFrom('response_plans').selectAll().where('arn', '=', arn);
  const row = await (isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
  return row ? toResponsePlan(row) : undefined;
}

/** Summaries of the account's plans named after `afterName`, in name order. */
export async function findSummaries(db: Kysely<DB>, accountId: string, afterName: string | undefined, limit: number): Promise<ResponsePlanSummary[]> {
  let q = db.selectFrom('response_plans').select(['arn', 'name', 'display_name']).where('account_id', '=', accountId);
  if (afterName !== undefined) q = q.where('name', '>', afterName);
  const rows = await q.orderBy('name').limit(limit).execute();
  return rows.map((r) => ({ arn: r.arn, name: r.name, displayName: r.display_name ?? undefined }));
}

function fieldColumns(fields: ResponsePlanFields) {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  return {
    display_name: fields.displayName ?? null,
    incident_template: JSON.stringify(fields.incidentTemplate),
    chat_channel: json(fields.chatChannel),
    engagements: json(fields.engagements),
    actions: json(fields.actions),
    integrations: json(fields.integrations),
  };
}

/** Inserts a plan. */
export async function create(db: Kysely<DB>, plan: ResponsePlan): Promise<void> {
  await db.insertInto('response_plans').values({
    arn: plan.arn, account_id: plan.accountId, name: plan.name, ...fieldColumns(plan),
    created_at: plan.createdAt.getTime(), updated_at: plan.updatedAt.getTime(), revision: randomUUID(),
  }).execute();
}

/** Replaces a plan's fields. */
export async function update(db: Kysely<DB>, arn: string, fields: ResponsePlanFields, updatedAt: Date): Promise<void> {
  await db.updateTable('response_plans').set({ ...fieldColumns(fields), updated_at: updatedAt.getTime(), revision: randomUUID() })
    .where('arn', '=', arn).execute();
}

/** Deletes a plan row (its tags and policies are their stores' business). */
export async function deleteOne(db: Kysely<DB>, arn: string): Promise<void> {
  await db.deleteFrom('response_plans').where('arn', '=', arn).execute();
}

/**
 * ARNs of the plans (of any account: a shared contact may be engaged by another account's
 * plan) whose engagements name `contactArn`, in ARN order. The LIKE only narrows the scan ('_'
 * in an alias matches any character); the parsed list decides.
 */
export async function findArnsByEngagement(db: Kysely<DB>, contactArn: string): Promise<string[]> {
  const rows = await db.selectFrom('response_plans').select(['arn', 'engagements'])
    .where('engagements', 'like', `%${JSON.stringify(contactArn)}%`).orderBy('arn').execute();
  return rows.filter((r) => (JSON.parse(r.engagements!) as string[]).includes(contactArn)).map((r) => r.arn);
}
