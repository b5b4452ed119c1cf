/**
 * The timeline of an incident: responders' custom events and notes, listed with the events
 * the incident service writes itself.
 */
import type { Kysely } from 'kysely';
import type { EventReference, Filter } from '../api/models/ssm-incidents.types.js';
import type { Database } from '../db/database.js';
import { decodePageToken, toPage, type Page, type PageRequest } from '../db/page-token.js';
import type { DB } from '../db/schema.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { normalizeFilters } from '../filters/filter.js';
import { once } from '../idempotency/idempotency.js';
import { timeOrderedUuid } from '../ids/time-ordered-id.js';
import { requireOwnIncidentArn, type Actor } from '../incidents/incident.js';
import * as incidents from '../incidents/incident-store.js';
import * as relatedItems from '../incidents/related-item-store.js';
import { requireReplicationSet } from '../replication-sets/replication-set-guard.js';
import type { Clock } from '../time/clock.js';
import {
  normalizeEventChanges, normalizeNewEvent, referencedItemIds, requireEditable, timelineFilterKeys,
  type EventChanges, type NewEvent, type TimelineEvent,
} from './timeline-event.js';
import * as store from './timeline-store.js';

/** How ListTimelineEvents orders events (by eventTime, the only sortBy). */
export type SortOrder = 'ASCENDING' | 'DESCENDING';

/** Timeline events of incidents. */
export class TimelineService {
  constructor(private readonly database: Database, private readonly clock: Clock) {}

  /** CreateTimelineEvent: adds a custom event or note; returns its eventId. */
  async create(actor: Actor, arn: string, input: NewEvent & { clientToken?: string }): Promise<string> {
    const { clientToken, ...asked } = input;
    const event = normalizeNewEvent(asked);
    requireOwnIncidentArn(arn, actor.accountId);
    const now = this.clock.now();
    const use = { accountId: actor.accountId, operation: 'CreateTimelineEvent', token: clientToken, input: { arn, ...asked } };
    return this.database.write((trx) => once(trx, use, now.getTime(), async () => {
      await requireReplicationSet(trx, actor.accountId);
      await requireIncident(trx, arn);
      await requireReferencedItems(trx, arn, event.eventReferences);
      const eventId = timeOrderedUuid(this.clock.now());
      await store.insert(trx, { ...event, incidentRecordArn: arn, eventId, eventUpdatedTime: now });
      return eventId;
    }));
  }

  /** GetTimelineEvent. */
  async get(actor: Actor, arn: string, eventId: string): Promise<TimelineEvent> {
    requireOwnIncidentArn(arn, actor.accountId);
    const event = await store.findOne(this.database.db, arn, eventId);
    if (!event) throw await notFound(this.database.db, arn, eventId);
    return event;
  }

  /** ListTimelineEvents: events matching every filter by eventTime, newest first unless ASCENDING is asked. */
  async list(actor: Actor, arn: string, query: PageRequest & { filters?: Filter[]; sortOrder?: SortOrder }): Promise<Page<TimelineEvent>> {
    requireOwnIncidentArn(arn, actor.accountId);
    const criteria = normalizeFilters(query.filters, timelineFilterKeys);
    // The API reference gives no default order; newest first is what a timeline view shows.
    const descending = (query.sortOrder ?? 'DESCENDING') === 'DESCENDING';
    const list = descending ? 'timeline-desc' : 'timeline-asc';
    const after = decodePageToken(list, query.nextToken, ['number', 'number']) as number[] | undefined;
    const limit = query.maxResults ?? 100;
    const cursor = after && { eventTimeMs: after[0], seq: after[1] };
    const rows = await store.findMany(this.database.db, arn, criteria, descending, cursor, limit + 1);
    if (rows.length === 0) await requireIncident(this.database.db, arn);
    return toPage(rows, limit, list, (row) => [row.eventTime.getTime(), row.seq]);
  }

  /** UpdateTimelineEvent: changes the given members of a custom event or note. */
  async update(actor: Actor, arn: string, eventId: string, input: EventChanges & { clientToken?: string }): Promise<void> {
    const { clientToken, ...asked } = input;
    const changes = normalizeEventChanges(asked);
    requireOwnIncidentArn(arn, actor.accountId);
    const now = this.clock.now();
    const use = { accountId: actor.accountId, operation: 'UpdateTimelineEvent', token: clientToken, input: { arn, eventId, ...asked } };
    await this.database.write((trx) => once(trx, use, now.getTime(), async () => {
      await requireReplicationSet(trx, actor.accountId);
      const current = await store.findOne(trx, arn, eventId);
      if (!current) throw await notFound(trx, arn, eventId);
      requireEditable(current);
      if (changes.eventReferences) await requireReferencedItems(trx, arn, changes.eventReferences);
      const given = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      await store.update(trx, { ...current, ...given, eventUpdatedTime: now });
    }));
  }

  /** DeleteTimelineEvent: removes a custom event or note; an unknown event is fine. */
  async delete(actor: Actor, arn: string, eventId: string): Promise<void> {
    requireOwnIncidentArn(arn, actor.accountId);
    await this.database.write(async (trx) => {
      await requireReplicationSet(trx, actor.accountId);
      const current = await store.findOne(trx, arn, eventId);
      if (!current) return requireIncident(trx, arn);
      requireEditable(current);
      await store.deleteOne(trx, arn, eventId);
    });
  }
}

async function requireIncident(db: Kysely<DB>, arn: string): Promise<void> {
  if (!(await incidents.exists(db, arn))) throw new NotFoundError('INCIDENT_RECORD', arn);
}

/** The not-found error for a missing event: its incident's when that is missing too. */
async function notFound(db: Kysely<DB>, arn: string, eventId: string): Promise<NotFoundError> {
  if (!(await incidents.exists(db, arn))) return new NotFoundError('INCIDENT_RECORD', arn);
  return new NotFoundError('TIMELINE_EVENT', eventId, `The timeline event ${eventId} does not exist on the incident ${arn}.`);
}

/** Every related item an event references must be on the incident. */
async function requireReferencedItems(db: Kysely<DB>, arn: string, refs: EventReference[] | undefined): Promise<void> {
  const ids = referencedItemIds(refs);
  const existing = await relatedItems.findExistingIds(db, arn, ids);
  const missing = ids.find((id) => !existing.has(id));
  if (missing) throw new ValidationError('eventReferences', `Invalid value for eventReferences: the related item ${missing} is not on the incident ${arn}.`);
}
