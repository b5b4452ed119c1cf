/**
 * Timeline events of an incident. Responders write 'Custom Event' and 'Note' events; the
 * service writes its own ('SSM Incident Trigger' at start, 'SSM Incident Record Update' on
 * every UpdateIncidentRecord), which responders can neither edit nor delete. Fields keep
 * the ssm-incidents model's names: they are the domain's nouns too.
 */
import type { EventReference, TimelineEvent as WireTimelineEvent } from '../api/models/ssm-incidents.types.js';
import { ValidationError } from '../errors.js';
import type { FilterKind } from '../filters/filter.js';

/** A stored timeline event. */
export type TimelineEvent = WireTimelineEvent;

/** The event types responders may create, edit and delete (AWS CreateTimelineEvent docs). */
export const customEventTypes: readonly string[] = ['Custom Event', 'Note'];

/** The event the service writes when an incident starts. */
export const triggerEventType = 'SSM Incident Trigger';

/** The event the service writes for each UpdateIncidentRecord that changes something. */
export const updateEventType = 'SSM Incident Record Update';

/** The ListTimelineEvents filter keys and what each compares. */
export const timelineFilterKeys: Record<string, FilterKind> = { eventTime: 'time', eventType: 'string', eventReference: 'string' };

/** Largest eventData the model allows (EventData max). */
export const maxEventDataLength = 12000;

/** A responder's new event. */
export interface NewEvent {
  eventType: string;
  eventTime: Date;
  eventData: string;
  eventReferences?: EventReference[];
}

/** The members UpdateTimelineEvent may change; eventReferences replaces the whole list. */
export type EventChanges = Partial<NewEvent>;

/** Checks a responder's new event. */
export function normalizeNewEvent(event: NewEvent): NewEvent {
  checkCustomType(event.eventType);
  return event;
}

/** Checks a responder's change to an event. */
export function normalizeEventChanges(changes: EventChanges): EventChanges {
  if (changes.eventType !== undefined) checkCustomType(changes.eventType);
  return changes;
}

/** Throws unless responders may edit or delete an event of this type. */
export function requireEditable(event: TimelineEvent): void {
  if (!customEventTypes.includes(event.eventType)) {
    throw new ValidationError('eventId', `Invalid value for eventId: '${event.eventType}' events are written by Incident Manager and cannot be changed or deleted.`);
  }
}

/** The related item ids among references. */
export function referencedItemIds(refs: EventReference[] | undefined): string[] {
  return (refs ?? []).flatMap((r) => (r.relatedItemId ? [r.relatedItemId] : []));
}

/** The '\n'-delimited keys the eventReference filter searches (ARNs and ids never hold '\n'). */
export function referenceKeys(refs: EventReference[] | undefined): string {
  const keys = (refs ?? []).map((r) => r.resource ?? r.relatedItemId ?? '');
  return keys.length === 0 ? '' : `\n${keys.join('\n')}\n`;
}

/**
 * JSON text of a service-written event's data, within the model's 12,000 characters: while
 * too long, the longest string inside is halved (marked with '…'), so a huge summary or raw
 * trigger payload cannot make an event the API could not return.
 */
export function boundedEventData(value: unknown): string {
  let text = JSON.stringify(value);
  while (text.length > maxEventDataLength) {
    let longest: { holder: any; key: string | number; length: number } | undefined;
    const visit = (holder: any) => {
      for (const key of Object.keys(holder)) {
        const v = holder[key];
        if (typeof v === 'string' && v.length > (longest?.length ?? 0)) longest = { holder, key, length: v.length };
        else if (v && typeof v === 'object') visit(v);
      }
    };
    value = JSON.parse(text);
    visit(value);
    if (!longest || longest.length < 2) return text.slice(0, maxEventDataLength);
    longest.holder[longest.key] = `${String(longest.holder[longest.key]).slice(0, Math.floor(longest.length / 2))}…`;
    text = JSON.stringify(value);
  }
  return text;
}

function checkCustomType(eventType: string): void {
  if (!customEventTypes.includes(eventType)) {
    throw new ValidationError('eventType', `Invalid value for eventType: must be one of ${customEventTypes.map((t) => `'${t}'`).join(', ')}; got '${eventType}'.`);
  }
}
