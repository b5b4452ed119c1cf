/**
 * An incident record: what StartIncident copies from its response plan, plus the responders'
 * later changes. Nested values keep the ssm-incidents model's shapes (stored as given).
 */
import type {
  AutomationExecution, ChatChannel, IncidentRecordSource, NotificationTargetItem, RelatedItem, TriggerDetails,
} from '../api/models/ssm-incidents.types.js';
import { incidentRecordArn, parseIncidentsArn } from '../arn/arn.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { FilterKind } from '../filters/filter.js';
import { checkChatChannel, checkNotificationTargets, type ResponsePlan } from '../response-plans/response-plan.js';
import { normalizeNewRelatedItems, type StoredRelatedItem } from './related-item.js';

/** OPEN until a responder resolves it. */
export type IncidentStatus = 'OPEN' | 'RESOLVED';

/** Who acts: the caller's account and principal. */
export interface Actor {
  accountId: string;
  principalArn: string;
}

/** A stored incident record. */
export interface Incident {
  arn: string;
  accountId: string;
  responsePlanArn: string;
  title: string;
  summary?: string;
  status: IncidentStatus;
  impact: number;
  /** Empty string when the plan has none. */
  dedupeString: string;
  chatChannel?: ChatChannel;
  notificationTargets?: NotificationTargetItem[];
  automationExecutions: AutomationExecution[];
  source: IncidentRecordSource;
  triggerDetails?: TriggerDetails;
  createdAt: Date;
  resolvedAt?: Date;
  lastModifiedAt: Date;
  lastModifiedBy: string;
}

/** What StartIncident asks for. */
export interface StartRequest {
  responsePlanArn: string;
  title?: string;
  impact?: number;
  relatedItems?: RelatedItem[];
  triggerDetails?: TriggerDetails;
  clientToken?: string;
}

/** The members UpdateIncidentRecord may change; absent members stay as they are. */
export interface IncidentChanges {
  title?: string;
  summary?: string;
  impact?: number;
  status?: IncidentStatus;
  chatChannel?: ChatChannel;
  notificationTargets?: NotificationTargetItem[];
}

/** The ListIncidentRecords filter keys and what each compares. */
export const incidentFilterKeys: Record<string, FilterKind> = {
  creationTime: 'time', resolvedTime: 'time', impact: 'integer', status: ['OPEN', 'RESOLVED'], createdBy: 'string',
};

/** The `source` AWS records for incidents started by API without triggerDetails. */
export const customSource = 'aws.ssm-incidents.custom';

/** Checks a StartIncident request; gives related items their generatedId. */
export function normalizeStart(req: StartRequest): StartRequest & { relatedItems: StoredRelatedItem[] } {
  if (req.title !== undefined) checkTitle(req.title, 'title');
  return { ...req, relatedItems: normalizeNewRelatedItems(req.relatedItems ?? [], 'relatedItems') };
}

/** Checks an UpdateIncidentRecord change set. */
export function normalizeChanges(changes: IncidentChanges): IncidentChanges {
  if (changes.title !== undefined) checkTitle(changes.title, 'title');
  if (changes.notificationTargets !== undefined) checkNotificationTargets(changes.notificationTargets, 'notificationTargets');
  if (changes.chatChannel !== undefined) checkChatChannel(changes.chatChannel, 'chatChannel');
  return changes;
}

/**
 * The incident a start opens: title and impact from the request when given, everything else
 * from the plan's template; the source tells who started it and from what trigger.
 */
export function incidentFromPlan(plan: ResponsePlan, req: StartRequest, actor: Actor, id: string, now: Date): Incident {
  const template = plan.incidentTemplate;
  return {
    arn: incidentRecordArn(actor.accountId, plan.name, id),
    accountId: actor.accountId,
    responsePlanArn: plan.arn,
    title: req.title ?? template.title,
    summary: template.summary,
    status: 'OPEN',
    impact: req.impact ?? template.impact,
    dedupeString: template.dedupeString ?? '',
    chatChannel: plan.chatChannel,
    notificationTargets: template.notificationTargets,
    automationExecutions: [],
    source: {
      createdBy: actor.principalArn,
      resourceArn: req.triggerDetails?.triggerArn,
      source: req.triggerDetails?.source ?? customSource,
    },
    triggerDetails: req.triggerDetails,
    createdAt: now,
    lastModifiedAt: now,
    lastModifiedBy: actor.principalArn,
  };
}

/** True when `arn` names an incident record in the account. */
export function isOwnIncidentArn(arn: string, accountId: string): boolean {
  const parsed = parseIncidentsArn(arn);
  return parsed?.kind === 'incident-record' && parsed.account === accountId;
}

/** Throws NotFound unless `arn` names an incident record in the caller's account. */
export function requireOwnIncidentArn(arn: string, accountId: string): void {
  if (!isOwnIncidentArn(arn, accountId)) throw new NotFoundError('INCIDENT_RECORD', arn);
}

/** The unique-per-account dedupe key: the dedupe string while OPEN and non-empty, else null. */
export function openDedupeOf(status: IncidentStatus, dedupeString: string): string | null {
  return status === 'OPEN' && dedupeString !== '' ? dedupeString : null;
}

/** One attribute an update changed, for the timeline. */
export interface AttributeChange {
  attributeName: keyof IncidentChanges;
  previousValue: unknown;
  newValue: unknown;
}

/** The attributes `changes` really alters on `current` (equal values are no change). */
export function diffIncident(current: Incident, changes: IncidentChanges): AttributeChange[] {
  const out: AttributeChange[] = [];
  for (const name of ['title', 'summary', 'impact', 'status', 'chatChannel', 'notificationTargets'] as const) {
    const next = changes[name];
    if (next === undefined || JSON.stringify(next) === JSON.stringify(current[name])) continue;
    out.push({ attributeName: name, previousValue: current[name] ?? null, newValue: next });
  }
  return out;
}

function checkTitle(title: string, field: string): void {
  // The model allows an empty title (min 0); an incident nobody can name helps no one.
  if (title.trim() === '') throw new ValidationError(field, `Invalid value for ${field}: an incident title must not be blank.`);
}
