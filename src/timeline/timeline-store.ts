/** Queries for timeline events. Every function takes the db (or a transaction) first. */
import { sql, type Kysely, type Selectable } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import { prepared } from '../db/prepared.js';
import type { DB, TimelineEventsTable } from '../db/schema.js';
import type { Criterion } from '../filters/filter.js';
import { referenceKeys, type TimelineEvent } from './timeline-event.js';

/** A keyset position in a timeline listing: the event time and seq of the last row returned. */
export interface TimelineCursor {
  eventTimeMs: number;
  seq: number;
}

/** Turns a row into the domain value. */
export function toTimelineEvent(row: Selectable<TimelineEventsTable>): TimelineEvent {
  return {
    incidentRecordArn: row.incident_arn,
    eventId: row.event_id,
    eventType: row.event_type,
    eventTime: new Date(row.event_time),
    eventUpdatedTime: new Date(row.event_updated_time),
    eventData: row.event_data,
    eventReferences: row.event_references ? JSON.parse(row.event_references) : undefined,
  };
}

const insertEvent = prepared(8, (db, eventId: string, incidentArn: string, eventType: string, eventTime: number,
  updatedTime: number, data: string, references: string | null, referenceKeys: string) => db
  .insertInto('timeline_events').values({
    event_id: eventId, incident_arn: incidentArn, event_type: eventType, event_time: eventTime,
    event_updated_time: updatedTime, event_data: data, event_references: references, event_reference_keys: referenceKeys,
  }));

/** Adds an event. */
export async function insert(db: Kysely<DB>, event: TimelineEvent): Promise<void> {
  await insertEvent(db, event.eventId, event.incidentRecordArn, event.eventType, event.eventTime.getTime(),
    event.eventUpdatedTime.getTime(), event.eventData, event.eventReferences ? JSON.stringify(event.eventReferences) : null,
    referenceKeys(event.eventReferences));
}

/** Finds one event of an incident. */
export async function findOne(db: Kysely<DB>, incidentArn: string, eventId: string): Promise<TimelineEvent | undefined> {
  const row = await db.selectFrom('timeline_events').selectAll()
    .where('incident_arn', '=', incidentArn).where('event_id', '=', eventId).executeTakeFirst();
  return row ? toTimelineEvent(row) : undefined;
}

/** Up to `limit` events of an incident matching every criterion, by event time, after `cursor`. */
export async function findMany(
  db: Kysely<DB>, incidentArn: string, criteria: Criterion[], descending: boolean, cursor: TimelineCursor | undefined, limit: number,
): Promise<(TimelineEvent & { seq: number })[]> {
  let query = db.selectFrom('timeline_events').selectAll().where('incident_arn', '=', incidentArn);
  // SQLite has instr(), PostgreSQL strpos(): both find a '\n'-framed key in event_reference_keys.
  const position = sql.raw(isPostgres(db) ? 'strpos' : 'instr');
  for (const c of criteria) {
    if (c.key === 'eventTime' && c.op !== 'in') query = query.where('event_time', c.op === 'before' ? '<' : '>', c.at.getTime());
    else if (c.key === 'eventType' && c.op === 'in') query = query.where('event_type', 'in', c.values as string[]);
    else if (c.key === 'eventReference' && c.op === 'in') {
      const values = c.values as string[];
      query = query.where((eb) => eb.or(values.map((v) => eb(sql<number>`${position}(event_reference_keys, ${`\n${v}\n`})`, '>', 0))));
    }
  }
  if (cursor) {
    const op = descending ? '<' : '>';
    query = query.where((eb) => eb.or([
      eb('event_time', op, cursor.eventTimeMs),
      eb.and([eb('event_time', '=', cursor.eventTimeMs), eb('seq', op, cursor.seq)]),
    ]));
  }
  const direction = descending ? 'desc' : 'asc';
  const rows = await query.orderBy('event_time', direction).orderBy('seq', direction).limit(limit).execute();
  return rows.map((row) => ({ ...toTimelineEvent(row), seq: row.seq }));
}

/** Writes an event's new values (all of them; the service merges the change first). */
export async function update(db: Kysely<DB>, event: TimelineEvent): Promise<void> {
  await db.updateTable('timeline_events').set({
    event_type: event.eventType,
    event_time: event.eventTime.getTime(),
    event_updated_time: event.eventUpdatedTime.getTime(),
    event_data: event.eventData,
    event_references: event.eventReferences ? JSON.stringify(event.eventReferences) : null,
    event_reference_keys: referenceKeys(event.eventReferences),
  }).where('incident_arn', '=', event.incidentRecordArn).where('event_id', '=', event.eventId).execute();
}

/** Deletes one event (absent is fine). */
export async function deleteOne(db: Kysely<DB>, incidentArn: string, eventId: string): Promise<void> {
  await db.deleteFrom('timeline_events').where('incident_arn', '=', incidentArn).where('event_id', '=', eventId).execute();
}

/** Deletes every event of an incident (when it is deleted). */
export async function deleteAllFor(db: Kysely<DB>, incidentArn: string): Promise<void> {
  await db.deleteFrom('timeline_events').where('incident_arn', '=', incidentArn).execute();
}
