/**
 * A response plan: the template every incident started from it copies. Field names follow
 * the ssm-incidents model (the plan is stored and returned as the API describes it).
 */
import type {
  Action, ChatChannel, IncidentTemplate, Integration, NotificationTargetItem,
} from '../api/models/ssm-incidents.types.js';
import { parseArn } from '../arn/arn.js';
import { ValidationError } from '../errors.js';

/** The parts of a plan a caller sets (everything but identity and times). */
export interface ResponsePlanFields {
  displayName?: string;
  incidentTemplate: IncidentTemplate;
  chatChannel?: ChatChannel;
  engagements?: string[];
  actions?: Action[];
  integrations?: Integration[];
}

/** A stored response plan. */
export interface ResponsePlan extends ResponsePlanFields {
  arn: string;
  accountId: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A plan to create: its name, fields and resource tags. */
export interface NewResponsePlan extends ResponsePlanFields {
  name: string;
  tags?: Record<string, string>;
}

/** UpdateResponsePlan: only the members present change; empty values clear. */
export interface ResponsePlanUpdate {
  displayName?: string;
  title?: string;
  impact?: number;
  summary?: string;
  dedupeString?: string;
  notificationTargets?: NotificationTargetItem[];
  incidentTags?: Record<string, string>;
  chatChannel?: ChatChannel;
  engagements?: string[];
  actions?: Action[];
  integrations?: Integration[];
}

/** One line of ListResponsePlans. */
export interface ResponsePlanSummary {
  arn: string;
  name: string;
  displayName?: string;
}

/** Names a member of the incident template in error messages ('title' -> 'incidentTemplate.title'). */
export type TemplateFieldName = (member: string) => string;

const nested: TemplateFieldName = (m) => `incidentTemplate.${m}`;
/** Field names as UpdateResponsePlan spells them ('title' -> 'incidentTemplateTitle'). */
export const updateFieldName: TemplateFieldName = (m) => `incidentTemplate${m[0]!.toUpperCase()}${m.slice(1)}`;

/**
 * The rules the model cannot state. Empty values mean "none" and are dropped (an empty
 * displayName, summary or dedupeString, an empty list or map), so a plan created without a
 * member and one updated to clear it read back the same; every other value is kept as given.
 */
export function normalizeResponsePlan(fields: ResponsePlanFields, name: TemplateFieldName = nested): ResponsePlanFields {
  const t = fields.incidentTemplate;
  if (t.title.trim() === '') throw new ValidationError(name('title'), `Invalid value for ${name('title')}: an incident title must not be blank.`);
  const targets = checkNotificationTargets(t.notificationTargets, name('notificationTargets'));
  const engagements = fields.engagements ?? [];
  unique(engagements, 'engagements', 'engagement');
  checkChatChannel(fields.chatChannel, 'chatChannel');
  const incidentTemplate: IncidentTemplate = {
    title: t.title,
    impact: t.impact,
    ...(t.summary ? { summary: t.summary } : {}),
    ...(t.dedupeString ? { dedupeString: t.dedupeString } : {}),
    ...(targets.length ? { notificationTargets: targets } : {}),
    ...(t.incidentTags && Object.keys(t.incidentTags).length ? { incidentTags: t.incidentTags } : {}),
  };
  return {
    ...(fields.displayName ? { displayName: fields.displayName } : {}),
    incidentTemplate,
    ...(fields.chatChannel ? { chatChannel: fields.chatChannel } : {}),
    ...(engagements.length ? { engagements } : {}),
    ...(fields.actions?.length ? { actions: fields.actions } : {}),
    ...(fields.integrations?.length ? { integrations: fields.integrations } : {}),
  };
}

/** Notification targets must not repeat a topic; returns the list ([] when absent). */
export function checkNotificationTargets(targets: NotificationTargetItem[] | undefined, field: string): NotificationTargetItem[] {
  const list = targets ?? [];
  unique(list.map((x) => x.snsTopicArn ?? ''), field, 'notification target');
  return list;
}

/** A chat channel's chatbotSns topics must be distinct SNS topic ARNs. */
export function checkChatChannel(channel: ChatChannel | undefined, field: string): void {
  const topics = channel?.chatbotSns ?? [];
  unique(topics, `${field}.chatbotSns`, 'SNS topic');
  for (const topic of topics) {
    if (parseArn(topic)?.service !== 'sns') {
      throw new ValidationError(`${field}.chatbotSns`, `Invalid value for ${field}.chatbotSns: '${topic}' is not an SNS topic ARN.`);
    }
  }
}

/** The fields after an update (not yet normalized). */
export function applyUpdate(current: ResponsePlanFields, u: ResponsePlanUpdate): ResponsePlanFields {
  const t = current.incidentTemplate;
  return {
    displayName: u.displayName ?? current.displayName,
    incidentTemplate: {
      title: u.title ?? t.title,
      impact: u.impact ?? t.impact,
      summary: u.summary ?? t.summary,
      dedupeString: u.dedupeString ?? t.dedupeString,
      notificationTargets: u.notificationTargets ?? t.notificationTargets,
      incidentTags: u.incidentTags ?? t.incidentTags,
    },
    chatChannel: u.chatChannel ?? current.chatChannel,
    engagements: u.engagements ?? current.engagements,
    actions: u.actions ?? current.actions,
    integrations: u.integrations ?? current.integrations,
  };
}

function unique(values: string[], field: string, what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new ValidationError(field, `Invalid value for ${field}: the ${what} '${v}' is listed twice.`);
    seen.add(v);
  }
}
