/** Queries for response plans. Every function takes the db (or a transaction) first. */
import type { Kysely, Selectable } from 'kysely';
import type { DB, ResponsePlansTable } from '../db/schema.js';
import type { ResponsePlan } from './response-plan.js';

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
