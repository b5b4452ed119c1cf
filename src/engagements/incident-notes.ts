/**
 * What an engagement writes on its incident, as Incident Manager does: an 'SSM Contacts Page
 * for Incident' timeline event for each contact paged and an 'SSM Contacts Page
 * Acknowledgement for Incident' one when a contact acknowledges (eventData
 * {contactArn, engagementArn}, the real service's event types and fields). An engagement's
 * IncidentId is free text in StartEngagement; only one naming an existing incident record
 * gets events.
 */
import type { Kysely } from 'kysely';
import { parseIncidentsArn } from '../arn/arn.js';
import type { DB } from '../db/schema.js';
import { timeOrderedUuid } from '../ids/time-ordered-id.js';
import * as incidents from '../incidents/incident-store.js';
import * as timeline from '../timeline/timeline-store.js';
import type { Engagement } from './engagement.js';

/** The timeline event types engagements write. */
export const pageEventType = 'SSM Contacts Page for Incident';
export const acknowledgementEventType = 'SSM Contacts Page Acknowledgement for Incident';

/** The incident a page is about, as a page message shows it. */
export interface PageIncident {
  arn: string;
  title: string;
  impact: number;
  summary?: string;
}

/** Writes engagement events on incident timelines. */
export class IncidentNotes {
  /** The incident record the engagement names, if it names one that exists. */
  async incidentOf(db: Kysely<DB>, e: Pick<Engagement, 'incidentId' | 'accountId'>): Promise<PageIncident | undefined> {
    const arn = e.incidentId;
    if (!arn || parseIncidentsArn(arn)?.kind !== 'incident-record') return undefined;
    const incident = await incidents.findOne(db, arn);
    if (!incident || incident.accountId !== e.accountId) return undefined;
    return { arn, title: incident.title, impact: incident.impact, summary: incident.summary };
  }

  /** A contact was paged. */
  paged(db: Kysely<DB>, e: Engagement, contactArn: string, at: Date): Promise<void> {
    return this.note(db, e, pageEventType, contactArn, at);
  }

  /** A contact acknowledged its page. */
  acknowledged(db: Kysely<DB>, e: Engagement, contactArn: string, at: Date): Promise<void> {
    return this.note(db, e, acknowledgementEventType, contactArn, at);
  }

  private async note(db: Kysely<DB>, e: Engagement, eventType: string, contactArn: string, at: Date): Promise<void> {
    const incident = e.incidentId && parseIncidentsArn(e.incidentId)?.kind === 'incident-record' ? e.incidentId : undefined;
    if (!incident || !(await incidents.exists(db, incident))) return;
    await timeline.insert(db, {
      incidentRecordArn: incident, eventId: timeOrderedUuid(at), eventType, eventTime: at, eventUpdatedTime: at,
      eventData: JSON.stringify({ contactArn, engagementArn: e.arn }),
    });
  }
}
