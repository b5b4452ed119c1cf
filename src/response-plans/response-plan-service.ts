/**
 * Response plans: created with a name unique in the account, read back exactly as given,
 * updated member by member, deleted with their tags and resource policies.
 */
import type { Kysely } from 'kysely';
import { parseArn, parseIncidentsArn, responsePlanArn } from '../arn/arn.js';
import { findTypes as findContactTypes } from '../contacts/contact-store.js';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { once } from '../idempotency/idempotency.js';
import { decodePageToken, toPage } from '../db/page-token.js';
import { requireReplicationSet } from '../replication-sets/replication-set-guard.js';
import { deleteForResource as deletePolicies } from '../resource-policies/resource-policy-store.js';
import { deleteAllTags, upsertTags } from '../tags/tag-store.js';
import type { Clock } from '../time/clock.js';
import {
  applyUpdate, normalizeResponsePlan, updateFieldName,
  type NewResponsePlan, type ResponsePlan, type ResponsePlanSummary, type ResponsePlanUpdate,
} from './response-plan.js';
import * as store from './response-plan-store.js';

/** Page size when the caller gives no maxResults. */
const DEFAULT_PAGE_SIZE = 50;

/** The response-plan rules over the store. */
export class ResponsePlanService {
  constructor(private readonly database: Database, private readonly clock: Clock) {}

  /** Creates a plan (ConflictError if the name is taken); returns its ARN. */
  async create(accountId: string, input: NewResponsePlan, clientToken?: string): Promise<string> {
    const { name, tags, ...rest } = input;
    const fields = normalizeResponsePlan(rest);
    const arn = responsePlanArn(accountId, name);
    return this.database.write(async (trx) => {
      const now = this.clock.now();
      const use = { accountId, operation: 'CreateResponsePlan', token: clientToken, input };
      return once(trx, use, now.getTime(), async () => {
        await requireReplicationSet(trx, accountId);
        if (await store.findOne(trx, arn)) {
          throw new ConflictError(`A response plan named '${name}' already exists in the account.`, 'RESPONSE_PLAN', arn);
        }
        await requireEngagedContacts(trx, accountId, fields.engagements);
        await store.create(trx, { arn, accountId, name, ...fields, createdAt: now, updatedAt: now });
        if (tags) await upsertTags(trx, arn, tags);
        return arn;
      });
    });
  }

  /** The caller's plan named by `arn` (NotFoundError otherwise). */
  async get(accountId: string, arn: string): Promise<ResponsePlan> {
    const plan = ownArn(accountId, arn) ? await store.findOne(this.database.db, arn) : undefined;
    if (!plan || plan.accountId !== accountId) throw notFound(arn);
    return plan;
  }

  /** Summaries of the caller's plans in name order, paginated. */
  async list(accountId: string, page: { maxResults?: number; nextToken?: string }): Promise<{ summaries: ResponsePlanSummary[]; nextToken?: string }> {
    const after = decodePageToken('response-plans', page.nextToken, ['string']);
    const size = page.maxResults ?? DEFAULT_PAGE_SIZE;
    const rows = await store.findSummaries(this.database.db, accountId, after?.[0] as string | undefined, size + 1);
    const { items, nextToken } = toPage(rows, size, 'response-plans', (s) => [s.name]);
    return { summaries: items, nextToken };
  }

  /** Changes the members present in `update`; empty values clear. */
  async update(accountId: string, arn: string, update: ResponsePlanUpdate, clientToken?: string): Promise<void> {
    await this.database.write(async (trx) => {
      const now = this.clock.now();
      const use = { accountId, operation: 'UpdateResponsePlan', token: clientToken, input: { arn, update } };
      await once(trx, use, now.getTime(), async () => {
        await requireReplicationSet(trx, accountId);
        const plan = ownArn(accountId, arn) ? await store.findOneForUpdate(trx, arn) : undefined;
        if (!plan || plan.accountId !== accountId) throw notFound(arn);
        const changed = normalizeResponsePlan(applyUpdate(plan, update), updateFieldName);
        if (update.engagements !== undefined) await requireEngagedContacts(trx, accountId, changed.engagements);
        await store.update(trx, arn, changed, now);
      });
    });
  }

  /** Deletes a plan with its tags and resource policies; a plan that does not exist is already deleted. */
  async delete(accountId: string, arn: string): Promise<void> {
    if (parseIncidentsArn(arn)?.kind !== 'response-plan') {
      throw new ValidationError('arn', `Invalid value for arn: '${arn}' is not a response plan ARN.`);
    }
    if (!ownArn(accountId, arn)) return; // another account's plan is invisible, hence already gone
    await this.database.write(async (trx) => {
      await store.deleteOne(trx, arn);
      await deleteAllTags(trx, arn);
      await deletePolicies(trx, arn);
    });
  }
}

/**
 * Every contact a plan engages must exist in the plan's account: a plan naming a contact that
 * is not there would open incidents that page nobody. The contacts are locked (PostgreSQL)
 * until the plan is written, so a DeleteContact cannot slip in between (it refuses while a
 * plan names the contact).
 */
async function requireEngagedContacts(trx: Kysely<DB>, accountId: string, engagements: string[] | undefined): Promise<void> {
  if (!engagements?.length) return;
  const found = await findContactTypes(trx, engagements);
  const missing = engagements.filter((arn) => !found.has(arn) || parseArn(arn)?.account !== accountId);
  if (missing.length > 0) {
    throw new ValidationError('engagements', `Invalid value for engagements: ${missing.join(', ')} ${missing.length === 1 ? 'is not a contact' : 'are not contacts'} of account ${accountId}; create ${missing.length === 1 ? 'it' : 'them'} with ssm-contacts CreateContact first.`);
  }
}

function notFound(arn: string): NotFoundError {
  return new NotFoundError('RESPONSE_PLAN', arn, `Response plan ${arn} not found.`);
}

/** True for a response-plan ARN of the caller's own account. */
function ownArn(accountId: string, arn: string): boolean {
  const parsed = parseIncidentsArn(arn);
  return parsed?.kind === 'response-plan' && parsed.account === accountId;
}
