/**
 * Engagements and pages of ssm-contacts. An engagement is Incident Manager reaching out to one
 * contact (StartEngagement, or a response plan's engagement when an incident opens); each
 * personal contact it reaches gets a page, which runs that contact's own engagement plan
 * (stages of channels) until the contact acknowledges it.
 *
 * How acknowledgement ends things (AWS ContactTargetInfo.IsEssential: "determining if the
 * contact's acknowledgement stops the progress of stages in the plan"):
 * - a page read (AcceptPage READ, the link, an SMS reply with the code, a key pressed on a
 *   call) ends that page: its channels are not retried and its later stages do not run;
 * - it also ends the engagement when the page is essential: the contact engaged directly
 *   (a personal contact, or whoever an on-call schedule engaged directly has on call), or a
 *   target of an escalation stage with IsEssential true. A non-essential target's
 *   acknowledgement ends only its own page: later escalation stages still run.
 * - an ended engagement (ACKNOWLEDGED, or STOPPED by StopEngagement or by its incident being
 *   resolved) sends nothing more: every job of it that comes due does nothing.
 */
import { randomInt } from 'node:crypto';
import type { Plan, ResolutionContact } from '../api/models/ssm-contacts.types.js';
import { parseContactsArn } from '../arn/arn.js';
import { ValidationError } from '../errors.js';
import type { ContactType } from '../contacts/contact.js';

/** ACTIVE until an essential contact acknowledges (ACKNOWLEDGED) or it is stopped (STOPPED). */
export type EngagementStatus = 'ACTIVE' | 'ACKNOWLEDGED' | 'STOPPED';

/** A stored engagement: what StartEngagement asked, and its state. */
export interface Engagement extends NewEngagement {
  arn: string;
  accountId: string;
  contactType: ContactType;
  /** The engaged contact's plan as it was at the start. */
  plan: Plan;
  status: EngagementStatus;
  startTime: Date;
  stopTime?: Date;
  stopReason?: string;
  seq: number;
}

/** A stored page: one personal contact engaged. */
export interface Page {
  arn: string;
  accountId: string;
  engagementArn: string;
  contactArn: string;
  /** The escalation stage that engaged the contact (undefined when engaged directly). */
  stageIndex?: number;
  /** Its acknowledgement ends the engagement. */
  essential: boolean;
  resolution: ResolutionContact[];
  /** The personal contact's plan as it was when the page was made. */
  plan: Plan;
  acceptCode: string;
  createdAt: Date;
  sentTime?: Date;
  deliveryTime?: Date;
  readTime?: Date;
  seq: number;
}

/** The receipt types of ListPageReceipts. */
export type ReceiptType = 'SENT' | 'DELIVERED' | 'READ' | 'ERROR' | 'STOP';

/** One receipt of a page. */
export interface Receipt {
  contactChannelArn?: string;
  receiptType: ReceiptType;
  receiptInfo?: string;
  receiptTime: Date;
}

/** StartEngagement's members. */
export interface NewEngagement {
  contactArn: string;
  sender: string;
  subject: string;
  content: string;
  publicSubject?: string;
  publicContent?: string;
  incidentId?: string;
}

/** Whether an engagement still pages anyone. */
export const isActive = (e: Pick<Engagement, 'status'>): boolean => e.status === 'ACTIVE';

/**
 * StartEngagement's domain rules: the contact is a contact (not a channel or rotation) of the
 * caller's account in this region; empty optional texts count as absent.
 */
export function normalizeNewEngagement(input: NewEngagement, accountId: string, region: string): NewEngagement {
  const arn = parseContactsArn(input.contactArn);
  if (!arn || arn.kind !== 'contact' || arn.account !== accountId || arn.region !== region) {
    throw new ValidationError('ContactId', `ContactId must be the ARN of a contact of account ${accountId} in ${region} (arn:aws:ssm-contacts:${region}:${accountId}:contact/ALIAS).`);
  }
  return {
    ...input,
    publicSubject: input.publicSubject || undefined,
    publicContent: input.publicContent || undefined,
    incidentId: input.incidentId || undefined,
  };
}

/** A fresh six-digit accept code (AcceptPage's AcceptCode is 6 to 10 digits). */
export function newAcceptCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Finds an accept code in a free-text SMS reply ("ACK 123456", "123456 on it"). */
export function acceptCodeIn(text: string): string | undefined {
  return /(?:^|\D)(\d{6,10})(?!\d)/.exec(text)?.[1];
}

/**
 * When each stage of a plan starts, from `start`: stage k starts when the durations of the
 * stages before it have passed (Stage.DurationInMinutes: "the time to wait until beginning the
 * next stage"). The entry after the last is when the last stage ends.
 */
export function stageStarts(start: Date, plan: Plan): Date[] {
  const times = [start];
  let at = start.getTime();
  for (const stage of plan.Stages ?? []) {
    at += stage.DurationInMinutes * 60_000;
    times.push(new Date(at));
  }
  return times;
}
