/**
 * Incident records: start (from a response plan, with dedupe), read, list, update, delete;
 * and their related items and findings. The timeline's service-written events are added
 * in the same transaction as the change they record.
 */
import type { Kysely, Transaction, Updateable } from 'kysely';
import type {
  FindingSummary, Finding, BatchGetIncidentFindingsError, RelatedItemsUpdate, Filter,
} from '../api/models/ssm-incidents.types.js';
import type { Database } from '../db/database.js';
import { decodePageToken, toPage, type Page, type PageRequest } from '../db/page-token.js';
import type { DB, IncidentsTable } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { normalizeFilters } from '../filters/filter.js';
import { timeOrderedUuid } from '../ids/time-ordered-id.js';
import { claim, once, replay, requestHash, type TokenUse } from '../idempotency/idempotency.js';
import { requireReplicationSet } from '../replication-sets/replication-set-guard.js';
import type { ResponsePlan } from '../response-plans/response-plan.js';
import * as plans from '../response-plans/response-plan-store.js';
import { deleteAllTags, upsertTags } from '../tags/tag-store.js';
import type { Clock } from '../time/clock.js';
import { boundedEventData, triggerEventType, updateEventType, type TimelineEvent } from '../timeline/timeline-event.js';
import * as timeline from '../timeline/timeline-store.js';
import { insertOrJoinOpen } from './dedupe.js';
import * as findings from './finding-store.js';
import {
  diffIncident, incidentFilterKeys, incidentFromPlan, isOwnIncidentArn, normalizeChanges, normalizeStart, openDedupeOf, requireOwnIncidentArn,
  type Actor, type Incident, type IncidentChanges, type StartRequest,
} from './incident.js';
import * as store from './incident-store.js';
import {
  readStartContext, startWithKnownPlan, writeNewIncident, type NewIncidentWrite, type StartContext,
} from './start-store.js';
import { normalizeItemToAdd, type StoredRelatedItem } from './related-item.js';
import * as relatedItems from './related-item-store.js';

/** Incident records, their related items and findings. */
/**
 * What other areas do when an incident opens or is resolved, inside the incident's own
 * transaction (so the work they cause commits with it): engagements page the plan's contacts
 * and stop when it is resolved.
 */
export interface IncidentHooks {
  /** A new incident opened from `plan` (not a deduplicated start). */
  opened(trx: Transaction<DB>, incident: Incident, plan: ResponsePlan, now: Date): Promise<void>;
  /** An incident was resolved. */
  resolved(trx: Transaction<DB>, incidentArn: string, now: Date): Promise<void>;
}

const noHooks: IncidentHooks = { opened: async () => {}, resolved: async () => {} };

export class IncidentService {
  constructor(private readonly database: Database, private readonly clock: Clock, private readonly hooks: IncidentHooks = noHooks) {}

  /**
   * StartIncident: opens an incident from a plan, or returns the OPEN one with its dedupe
   * string. The hot path: one read (plan, replication set, token, open duplicate), then one
   * write — just the token's record for a duplicate start. Anything unusual (no plan, no
   * replication set) takes the general path, which checks each rule in order.
   */
  async start(actor: Actor, input: StartRequest): Promise<string> {
    const { clientToken, ...asked } = input;
    const req = normalizeStart(asked);
    const now = this.clock.now();
    const use = { accountId: actor.accountId, operation: 'StartIncident', token: clientToken, input: asked };
    // Starts that bring related items take the general path (they may join an open incident).
    if (req.relatedItems.length > 0) return this.startChecked(actor, req, use, now);
    const hash = clientToken ? requestHash(asked) : '';
    // PostgreSQL: with the plan in memory, the whole start is one statement (one round trip).
    const known = this.database.dialect === 'postgres' ? this.plans.get(req.responsePlanArn) : undefined;
    // Plans that engage contacts take the general path: their engagements commit in the incident's transaction.
    if (known?.plan.engagements?.length) return this.startChecked(actor, req, use, now);
    if (known && known.plan.accountId === actor.accountId) {
      const incident = incidentFromPlan(known.plan, req, actor, timeOrderedUuid(now), now);
      const outcome = await startWithKnownPlan(this.database, this.newIncidentWrite(actor, known.plan, req, incident, use, hash, now), {
        arn: known.plan.arn, revision: known.revision,
      });
      if (outcome?.kind === 'created') return incident.arn;
      if (outcome?.kind === 'joined') return outcome.arn;
      if (outcome?.kind === 'replay') return replay<string>(use, outcome.prior, hash);
      if (outcome?.kind === 'other') return this.startChecked(actor, req, use, now);
      if (outcome?.kind === 'stale') this.plans.delete(known.plan.arn);
    }
    const found = await readStartContext(this.database.db, actor.accountId, req.responsePlanArn, clientToken, now.getTime());
    if (!found || !found.replicationSetStatus || found.replicationSetStatus === 'DELETING') return this.startChecked(actor, req, use, now);
    if (found.prior) return replay<string>(use, found.prior, hash);
    const open = found.openDuplicateArn;
    if (open) {
      return this.database.writeSingle(async (db) => {
        const token = await claim(db, use, hash, now.getTime(), open);
        return token.claimed ? open : token.result;
      });
    }
    const plan = this.remember(found.plan);
    if (plan.engagements?.length) return this.startChecked(actor, req, use, now);
    const incident = incidentFromPlan(plan, req, actor, timeOrderedUuid(now), now);
    const outcome = await writeNewIncident(this.database, this.newIncidentWrite(actor, plan, req, incident, use, hash, now), {
      arn: plan.arn, revision: found.plan.revision,
    });
    if (outcome.kind === 'created') return incident.arn;
    if (outcome.kind === 'replay') return replay<string>(use, outcome.prior, hash);
    // An OPEN incident took the dedupe string since the read: the general path joins it.
    return this.startChecked(actor, req, use, now);
  }

  /**
   * Plans by ARN with their revision, for StartIncident's one-statement path (PostgreSQL): the
   * statement itself checks the revision, so a plan changed by any node is never used stale.
   */
  private readonly plans = new Map<string, { plan: ResponsePlan; revision: string; snapshot: string }>();

  /** Turns a plan row into the domain value and keeps it for the next start. */
  private remember(row: StartContext['plan']): ResponsePlan {
    const plan = plans.toResponsePlan(row);
    if (this.plans.size >= 1000) this.plans.clear();
    this.plans.set(plan.arn, { plan, revision: row.revision, snapshot: JSON.stringify(plan) });
    return plan;
  }

  /** The plan as JSON for an incident's snapshot (serialized once per plan revision held). */
  private snapshotOf(plan: ResponsePlan): string {
    const held = this.plans.get(plan.arn);
    return held?.plan === plan ? held.snapshot : JSON.stringify(plan);
  }

  /** Everything a new incident writes: the row with the plan's snapshot, the trigger event, tags, token. */
  private newIncidentWrite(
    actor: Actor, plan: ResponsePlan, req: ReturnType<typeof normalizeStart>, incident: Incident, use: TokenUse, hash: string, now: Date,
  ): NewIncidentWrite {
    return {
      // The record keeps the whole plan as it is now: later plan edits do not reach it.
      row: store.toRow(incident, this.snapshotOf(plan)),
      event: this.triggerEvent(actor, plan, req, incident, now),
      tags: plan.incidentTemplate.incidentTags ?? {},
      token: use.token ? { use, hash, nowMs: now.getTime() } : undefined,
    };
  }

  /** The service's own timeline event for a new incident: what triggered it. */
  private triggerEvent(actor: Actor, plan: ResponsePlan, req: ReturnType<typeof normalizeStart>, incident: Incident, now: Date): TimelineEvent {
    return {
      incidentRecordArn: incident.arn, eventId: timeOrderedUuid(now), eventType: triggerEventType, eventTime: now, eventUpdatedTime: now,
      eventData: boundedEventData({
        source: incident.source.source, title: incident.title, impact: incident.impact, summary: incident.summary,
        triggerArn: req.triggerDetails?.triggerArn, triggerTime: req.triggerDetails?.timestamp, rawData: req.triggerDetails?.rawData,
        createdBy: actor.principalArn, responsePlanArn: plan.arn,
      }),
    };
  }

  /** The general path of StartIncident: every rule checked in order inside the write. */
  private startChecked(actor: Actor, req: ReturnType<typeof normalizeStart>, use: TokenUse, now: Date): Promise<string> {
    return this.database.write((trx) => once(trx, use, now.getTime(), async () => {
      await requireReplicationSet(trx, actor.accountId);
      const plan = await plans.findOne(trx, req.responsePlanArn);
      if (!plan || plan.accountId !== actor.accountId) throw new NotFoundError('RESPONSE_PLAN', req.responsePlanArn);
      return this.open(trx, actor, plan, req, incidentFromPlan(plan, req, actor, timeOrderedUuid(now), now), now);
    }));
  }

  /** Inserts the incident (or joins the OPEN one holding its dedupe string); returns the ARN that stands. */
  private async open(
    trx: Transaction<DB>, actor: Actor, plan: ResponsePlan, req: ReturnType<typeof normalizeStart>, incident: Incident, now: Date,
  ): Promise<string> {
    // The record keeps the whole plan as it is now: later plan edits do not reach it.
    const outcome = await insertOrJoinOpen(trx, store.toRow(incident, JSON.stringify(plan)));
    // Related items sent with a duplicate start join the open incident (those it already
    // has are skipped): a second alarm about the same problem brings its evidence there.
    await relatedItems.insertMany(trx, outcome.arn, req.relatedItems, now.getTime(), { skipDuplicates: !outcome.created });
    if (outcome.created) {
      await timeline.insert(trx, this.triggerEvent(actor, plan, req, incident, now));
      await upsertTags(trx, incident.arn, plan.incidentTemplate.incidentTags ?? {});
      await this.hooks.opened(trx, incident, plan, now);
    }
    return outcome.arn;
  }

  /** GetIncidentRecord. */
  async get(actor: Actor, arn: string): Promise<Incident> {
    requireOwnIncidentArn(arn, actor.accountId);
    const incident = await store.findOne(this.database.db, arn);
    if (!incident) throw new NotFoundError('INCIDENT_RECORD', arn);
    return incident;
  }

  /** ListIncidentRecords: the account's incidents matching every filter, newest first. */
  async list(actor: Actor, query: PageRequest & { filters?: Filter[] }): Promise<Page<Incident>> {
    const criteria = normalizeFilters(query.filters, incidentFilterKeys);
    const after = decodePageToken('incidents', query.nextToken, ['number']);
    const limit = query.maxResults ?? 100;
    const rows = await store.findMany(this.database.db, actor.accountId, criteria, after?.[0] as number | undefined, limit + 1);
    return toPage(rows, limit, 'incidents', (row) => [row.seq]);
  }

  /**
   * UpdateIncidentRecord: changes the given members. RESOLVED stamps resolvedTime and frees
   * the dedupe string; OPEN on a resolved incident reopens it and claims the string back,
   * unless another OPEN incident holds it now (conflict). Changes nothing, and writes no
   * timeline event, when every given value equals the current one.
   */
  async update(actor: Actor, arn: string, input: IncidentChanges & { clientToken?: string }): Promise<void> {
    const { clientToken, ...asked } = input;
    const changes = normalizeChanges(asked);
    requireOwnIncidentArn(arn, actor.accountId);
    const now = this.clock.now();
    const use = { accountId: actor.accountId, operation: 'UpdateIncidentRecord', token: clientToken, input: { arn, ...asked } };
    await this.database.write((trx) => once(trx, use, now.getTime(), async () => {
      await requireReplicationSet(trx, actor.accountId);
      const current = await store.findOneForUpdate(trx, arn);
      if (!current) throw new NotFoundError('INCIDENT_RECORD', arn);
      const diff = diffIncident(current, changes);
      if (diff.length === 0) return;
      const patch: Updateable<IncidentsTable> = { last_modified_at: now.getTime(), last_modified_by: actor.principalArn };
      for (const { attributeName: name, newValue } of diff) {
        if (name === 'chatChannel') patch.chat_channel = store.json(newValue);
        // An empty list means "none", stored as absent, as a plan without targets leaves it.
        else if (name === 'notificationTargets') patch.notification_targets = (newValue as unknown[]).length ? store.json(newValue) : null;
        else if (name === 'status') {
          const status = newValue as Incident['status'];
          patch.status = status;
          patch.resolved_at = status === 'RESOLVED' ? now.getTime() : null;
          patch.open_dedupe = openDedupeOf(status, current.dedupeString);
          const holder = patch.open_dedupe && (await store.findOpenByDedupe(trx, actor.accountId, patch.open_dedupe));
          if (holder) {
            throw new ConflictError(`Cannot reopen: the incident ${holder} is OPEN with the same dedupe string.`, 'INCIDENT_RECORD', holder);
          }
          if (status === 'RESOLVED') await this.hooks.resolved(trx, arn, now);
        } else (patch as Record<string, unknown>)[name] = newValue;
      }
      await store.update(trx, arn, patch);
      await timeline.insert(trx, {
        incidentRecordArn: arn, eventId: timeOrderedUuid(now), eventType: updateEventType, eventTime: now, eventUpdatedTime: now,
        eventData: boundedEventData({ modifiedBy: actor.principalArn, modifiedAttributes: diff }),
      });
    }));
  }

  /** DeleteIncidentRecord: removes the record with its timeline, related items, findings and tags; unknown is fine. */
  async delete(actor: Actor, arn: string): Promise<void> {
    await this.database.write(async (trx) => {
      await requireReplicationSet(trx, actor.accountId);
      if (!isOwnIncidentArn(arn, actor.accountId)) return; // another account's: nothing of the caller's to delete
      await store.deleteOne(trx, arn);
      await timeline.deleteAllFor(trx, arn);
      await relatedItems.deleteAllFor(trx, arn);
      await findings.deleteAllFor(trx, arn);
      await deleteAllTags(trx, arn);
    });
  }

  /** ListRelatedItems: in the order they were added. */
  async listRelatedItems(actor: Actor, arn: string, page: PageRequest): Promise<Page<StoredRelatedItem>> {
    requireOwnIncidentArn(arn, actor.accountId);
    const after = decodePageToken('related-items', page.nextToken, ['number']);
    const limit = page.maxResults ?? 100;
    const rows = await relatedItems.findMany(this.database.db, arn, after?.[0] as number | undefined, limit + 1);
    if (rows.length === 0) await this.requireIncident(arn);
    return toPage(rows, limit, 'related-items', (row) => [row.seq]);
  }

  /**
   * UpdateRelatedItems: adds an item (the service assigns its generatedId; the same type and
   * value twice is a conflict) or removes one by its identifier (absent: not found).
   */
  async updateRelatedItems(actor: Actor, arn: string, update: RelatedItemsUpdate, clientToken?: string): Promise<void> {
    const item = update.itemToAdd && normalizeItemToAdd(update.itemToAdd);
    requireOwnIncidentArn(arn, actor.accountId);
    const nowMs = this.clock.now().getTime();
    const use = { accountId: actor.accountId, operation: 'UpdateRelatedItems', token: clientToken, input: { arn, update } };
    await this.database.write((trx) => once(trx, use, nowMs, async () => {
      await requireReplicationSet(trx, actor.accountId);
      if (!(await store.exists(trx, arn))) throw new NotFoundError('INCIDENT_RECORD', arn);
      if (item) return relatedItems.insertMany(trx, arn, [item], nowMs); // duplicate: ConflictError from its unique key
      const identifier = update.itemToRemove!;
      if (!(await relatedItems.deleteByIdentifier(trx, arn, identifier))) {
        throw new NotFoundError('INCIDENT_RECORD', arn, `relatedItemsUpdate.itemToRemove: the incident ${arn} has no ${identifier.type} related item with this value.`);
      }
    }));
  }

  /** ListIncidentFindings: summaries in finding id order. */
  async listFindings(actor: Actor, arn: string, page: PageRequest): Promise<Page<FindingSummary>> {
    requireOwnIncidentArn(arn, actor.accountId);
    const after = decodePageToken('findings', page.nextToken, ['string']);
    await this.requireIncident(arn);
    const limit = page.maxResults ?? 20;
    const rows = await findings.findSummaries(this.database.db, arn, after?.[0] as string | undefined, limit + 1);
    return toPage(rows, limit, 'findings', (row) => [row.id]);
  }

  /** BatchGetIncidentFindings: the findings found, and one error per requested id that is not. */
  async batchGetFindings(actor: Actor, arn: string, ids: string[]): Promise<{ findings: Finding[]; errors: BatchGetIncidentFindingsError[] }> {
    requireOwnIncidentArn(arn, actor.accountId);
    await this.requireIncident(arn);
    const wanted = [...new Set(ids)];
    const found = await findings.findByIds(this.database.db, arn, wanted);
    const foundIds = new Set(found.map((f) => f.id));
    const errors = wanted.filter((id) => !foundIds.has(id)).map((findingId) => ({
      findingId, code: 'ResourceNotFoundException', message: `The finding ${findingId} does not exist on the incident ${arn}.`,
    }));
    return { findings: found, errors };
  }

  private async requireIncident(arn: string): Promise<void> {
    if (!(await store.exists(this.database.db, arn))) throw new NotFoundError('INCIDENT_RECORD', arn);
  }
}
