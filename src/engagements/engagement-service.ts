/**
 * Engagements of ssm-contacts: StartEngagement and StopEngagement, the reads of engagements,
 * pages and receipts, and acknowledgement by every road a person takes (AcceptPage, the
 * link in a message, an SMS reply with the code, a key pressed during a call). Incidents
 * engage their response plan's contacts through `engageForIncident` and stop them through
 * `stopForIncident`, inside the incident's own transaction.
 */
import type { Kysely, Transaction } from 'kysely';
import type { ResolutionContact } from '../api/models/ssm-contacts.types.js';
import { engagementArn, parseContactsArn } from '../arn/arn.js';
import * as contacts from '../contacts/contact-store.js';
import * as channels from '../contacts/contact-channel-store.js';
import type { Database } from '../db/database.js';
import { decodePageToken, toPage, type Page as ListPage, type PageRequest } from '../db/page-token.js';
import type { DB } from '../db/schema.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { once } from '../idempotency/idempotency.js';
import { timeOrderedUuid } from '../ids/time-ordered-id.js';
import type { Incident } from '../incidents/incident.js';
import * as relatedItems from '../incidents/related-item-store.js';
import { generateRelatedItemId } from '../incidents/related-item.js';
import type { ResponsePlan } from '../response-plans/response-plan.js';
import type { Clock } from '../time/clock.js';
import {
  acceptCodeIn, isActive, normalizeNewEngagement, type Engagement, type NewEngagement, type Page, type Receipt,
} from './engagement.js';
import type { EngagementRunner } from './engagement-runner.js';
import { parseSendKey } from './engagement-runner.js';
import * as store from './engagement-store.js';
import type { IncidentNotes } from './incident-notes.js';

/** Page size when the caller gives no MaxResults. */
const DEFAULT_PAGE_SIZE = 50;

/** AcceptPage's members. */
export interface Acceptance {
  pageArn: string;
  contactChannelArn?: string;
  acceptType: 'DELIVERED' | 'READ';
  note?: string;
  acceptCode: string;
  acceptCodeValidation?: 'IGNORE' | 'ENFORCE';
}

/** Engagements and pages of one region's accounts. */
export class EngagementService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly region: string,
    private readonly runner: EngagementRunner,
    private readonly notes: IncidentNotes,
  ) {}

  /** StartEngagement: engages a contact now; returns the engagement's ARN. */
  async start(accountId: string, input: NewEngagement, idempotencyToken?: string): Promise<string> {
    const asked = normalizeNewEngagement(input, accountId, this.region);
    const now = this.clock.now();
    const use = { accountId, operation: 'StartEngagement', token: idempotencyToken, input };
    return this.database.write((trx) => once(trx, use, now.getTime(), async () => {
      const contact = await contacts.findOne(trx, asked.contactArn);
      if (!contact || contact.accountId !== accountId) throw new NotFoundError('CONTACT', asked.contactArn, `Contact ${asked.contactArn} not found.`);
      const e: Engagement = {
        ...asked, arn: engagementArn(this.region, accountId, contact.alias, timeOrderedUuid(now)), accountId,
        contactType: contact.type, plan: contact.plan, status: 'ACTIVE', startTime: now, seq: 0,
      };
      await store.createEngagement(trx, e);
      await this.runner.begin(trx, e, now);
      return e.arn;
    }));
  }

  /**
   * Engages each contact of a response plan for a new incident, in the incident's transaction:
   * the engagement names the incident (IncidentId = its ARN) and is listed among its related
   * items. Contacts the plan names that no longer exist are skipped.
   */
  async engageForIncident(trx: Transaction<DB>, incident: Incident, plan: ResponsePlan, now: Date): Promise<void> {
    for (const contactArn of plan.engagements ?? []) {
      const contact = await contacts.findOne(trx, contactArn);
      if (!contact || contact.accountId !== incident.accountId) continue;
      const e: Engagement = {
        arn: engagementArn(parseContactsArn(contact.arn)!.region, incident.accountId, contact.alias, timeOrderedUuid(now)),
        accountId: incident.accountId, contactArn: contact.arn, contactType: contact.type,
        sender: 'Incident Manager', subject: `Incident: ${incident.title}`, content: incident.summary || incident.title,
        incidentId: incident.arn, plan: contact.plan, status: 'ACTIVE', startTime: now, seq: 0,
      };
      await store.createEngagement(trx, e);
      await relatedItems.insertMany(trx, incident.arn, [{
        generatedId: generateRelatedItemId('OTHER'), identifier: { type: 'OTHER', value: { arn: e.arn } },
        title: `Engagement of ${contact.displayName ?? contact.alias}`,
      }], now.getTime(), { skipDuplicates: true });
      await this.runner.begin(trx, e, now);
    }
  }

  /** Stops the ACTIVE engagements of an incident being resolved (in its transaction): nothing more is sent. */
  async stopForIncident(trx: Transaction<DB>, incidentArn: string, now: Date): Promise<void> {
    for (const e of await store.findActiveForIncident(trx, incidentArn)) {
      await this.end(trx, e, 'STOPPED', now, 'The incident was resolved.');
    }
  }

  /** StopEngagement: no one else is engaged and nothing more is sent. Stopping an ended engagement changes nothing. */
  async stop(accountId: string, arn: string, reason?: string): Promise<void> {
    requireKind(arn, 'engagement', 'EngagementId');
    const now = this.clock.now();
    await this.database.write(async (trx) => {
      const e = await store.findEngagementForUpdate(trx, arn);
      if (!e || e.accountId !== accountId) throw engagementNotFound(arn);
      if (isActive(e)) await this.end(trx, e, 'STOPPED', now, reason || 'Stopped by StopEngagement.');
    });
  }

  private async end(trx: Kysely<DB>, e: Engagement, status: 'STOPPED' | 'ACKNOWLEDGED', now: Date, reason: string, exceptPage?: string): Promise<void> {
    if (!(await store.endEngagement(trx, e.arn, status, now.getTime(), reason))) return;
    await store.stopUnreadPages(trx, e.arn, reason, now.getTime(), exceptPage);
  }

  /** DescribeEngagement. */
  async describe(accountId: string, arn: string): Promise<Engagement> {
    requireKind(arn, 'engagement', 'EngagementId');
    const e = await store.findEngagement(this.database.db, arn);
    if (!e || e.accountId !== accountId) throw engagementNotFound(arn);
    return e;
  }

  /** ListEngagements: newest first, of one incident and starting within a time range when asked. */
  async list(accountId: string, q: PageRequest & { incidentId?: string; startFrom?: Date; startTo?: Date }): Promise<ListPage<Engagement>> {
    if (q.startFrom && q.startTo && q.startTo < q.startFrom) {
      throw new ValidationError('TimeRangeValue.EndTime', 'Invalid value for TimeRangeValue: EndTime is before StartTime.');
    }
    const after = decodePageToken('engagements', q.nextToken, ['number'], 'NextToken');
    const limit = q.maxResults || DEFAULT_PAGE_SIZE;
    const rows = await store.findEngagements(this.database.db, accountId, {
      incidentId: q.incidentId || undefined, startFrom: q.startFrom?.getTime(), startTo: q.startTo?.getTime(),
    }, after?.[0] as number | undefined, limit + 1);
    return toPage(rows, limit, 'engagements', (e) => [e.seq]);
  }

  /** DescribePage, with the engagement it belongs to (a page shows its engagement's texts). */
  async describePage(accountId: string, arn: string): Promise<{ page: Page; engagement: Engagement }> {
    const page = await this.pageOf(this.database.db, accountId, arn);
    const engagement = (await store.findEngagement(this.database.db, page.engagementArn))!;
    return { page, engagement };
  }

  /** ListPagesByEngagement / ListPagesByContact: pages in the order they were made. */
  async listPages(accountId: string, by: { engagementArn: string } | { contactArn: string }, q: PageRequest): Promise<ListPage<Page & { sender: string; incidentId?: string }>> {
    const db = this.database.db;
    if ('engagementArn' in by) requireKind(by.engagementArn, 'engagement', 'EngagementId');
    else requireKind(by.contactArn, 'contact', 'ContactId');
    if ('engagementArn' in by) {
      const e = await store.findEngagement(db, by.engagementArn);
      if (!e || e.accountId !== accountId) throw engagementNotFound(by.engagementArn);
    } else {
      const c = await contacts.findOne(db, by.contactArn);
      if (!c || c.accountId !== accountId) throw new NotFoundError('CONTACT', by.contactArn, `Contact ${by.contactArn} not found.`);
    }
    const list = 'engagementArn' in by ? 'pages-by-engagement' : 'pages-by-contact';
    const after = decodePageToken(list, q.nextToken, ['number'], 'NextToken');
    const limit = q.maxResults || DEFAULT_PAGE_SIZE;
    const rows = await store.findPages(db, by, after?.[0] as number | undefined, limit + 1);
    const engagements = new Map<string, Engagement | undefined>();
    const withSender = [];
    for (const p of rows) {
      if (!engagements.has(p.engagementArn)) engagements.set(p.engagementArn, await store.findEngagement(db, p.engagementArn));
      const e = engagements.get(p.engagementArn);
      withSender.push({ ...p, sender: e?.sender ?? '', incidentId: e?.incidentId });
    }
    return toPage(withSender, limit, list, (p) => [p.seq]);
  }

  /** ListPageReceipts: what happened to a page, in order. */
  async listReceipts(accountId: string, pageArn: string, q: PageRequest): Promise<ListPage<Receipt>> {
    await this.pageOf(this.database.db, accountId, pageArn);
    const after = decodePageToken('page-receipts', q.nextToken, ['number'], 'NextToken');
    const limit = q.maxResults || DEFAULT_PAGE_SIZE;
    const rows = await store.findReceipts(this.database.db, pageArn, after?.[0] as number | undefined, limit + 1);
    return toPage(rows, limit, 'page-receipts', (r) => [r.seq]);
  }

  /** ListPageResolutions: the contacts from the one engaged down to the page's (escalation plan, on-call schedule, contact). */
  async listResolutions(accountId: string, pageArn: string): Promise<ResolutionContact[]> {
    return (await this.pageOf(this.database.db, accountId, pageArn)).resolution;
  }

  /**
   * AcceptPage. DELIVERED records that the page arrived; READ acknowledges it. With
   * AcceptCodeValidation ENFORCE the code must be the page's; IGNORE (the default) takes any.
   */
  async accept(accountId: string, a: Acceptance): Promise<void> {
    const now = this.clock.now();
    await this.database.write(async (trx) => {
      const page = await this.pageOf(trx, accountId, a.pageArn, true);
      if (a.acceptCodeValidation === 'ENFORCE' && a.acceptCode !== page.acceptCode) {
        throw new ValidationError('AcceptCode', 'Invalid value for AcceptCode: it is not the code sent with this page.');
      }
      if (a.contactChannelArn) {
        const ch = await channels.findOne(trx, a.contactChannelArn);
        if (!ch || ch.contactArn !== page.contactArn) {
          throw new ValidationError('ContactChannelId', `Invalid value for ContactChannelId: ${a.contactChannelArn} is not a channel of the paged contact ${page.contactArn}.`);
        }
      }
      if (a.acceptType === 'DELIVERED') {
        await store.addReceipt(trx, page.arn, { contactChannelArn: a.contactChannelArn, receiptType: 'DELIVERED', receiptInfo: a.note, receiptTime: now });
        await store.stampPage(trx, page.arn, 'delivery_time', now.getTime());
        return;
      }
      await this.acknowledge(trx, page, { channelArn: a.contactChannelArn, info: a.note || 'Acknowledged with AcceptPage.' }, now);
    });
  }

  /** What the acknowledgement link's confirmation page shows (the link was checked by the caller). */
  async linkView(pageArn: string): Promise<{ page: Page; engagement: Engagement } | undefined> {
    const page = await store.findPage(this.database.db, pageArn);
    const engagement = page && (await store.findEngagement(this.database.db, page.engagementArn));
    return page && engagement ? { page, engagement } : undefined;
  }

  /** The acknowledgement link was used: acknowledges its page (the link was checked by the caller). */
  async acceptByLink(pageArn: string): Promise<{ page: Page; acknowledged: boolean }> {
    const now = this.clock.now();
    return this.database.write(async (trx) => {
      const page = await store.findPageForUpdate(trx, pageArn);
      if (!page) throw pageNotFound(pageArn);
      return { page, acknowledged: await this.acknowledge(trx, page, { info: 'Acknowledged through the link in the page.' }, now) };
    });
  }

  /**
   * An SMS arrived from `from`: a reply carrying the code of an unread page of an active
   * engagement to that number's contact acknowledges it. Returns the pages acknowledged.
   */
  async acceptBySms(from: string, body: string): Promise<Page[]> {
    const code = acceptCodeIn(body);
    if (!code) return [];
    const now = this.clock.now();
    return this.database.write(async (trx) => {
      const pages = (await store.findOpenPagesByAddress(trx, from)).filter((p) => p.acceptCode === code);
      for (const page of pages) await this.acknowledge(trx, page, { info: `Acknowledged by SMS reply from ${from}.` }, now);
      return pages;
    });
  }

  /** A key was pressed during the call of message `key`: acknowledges its page. */
  acceptByCall(key: string): Promise<boolean> {
    return this.withMessagePage(key, (trx, page, channelArn, now) =>
      this.acknowledge(trx, page, { channelArn, info: 'Acknowledged by a key pressed during the call.' }, now));
  }

  /** A provider reported on message `key` (a Twilio status callback): DELIVERED or ERROR receipts. */
  recordProviderStatus(key: string, receipt: 'DELIVERED' | 'READ' | 'ERROR', info: string): Promise<boolean> {
    return this.withMessagePage(key, async (trx, page, channelArn, now) => {
      // A provider's "read" (e.g. a messaging app's read receipt) says it was seen, not acknowledged.
      const type = receipt === 'ERROR' ? 'ERROR' : 'DELIVERED';
      await store.addReceipt(trx, page.arn, { contactChannelArn: channelArn, receiptType: type, receiptInfo: info, receiptTime: now });
      if (type === 'DELIVERED') await store.stampPage(trx, page.arn, 'delivery_time', now.getTime());
      return true;
    });
  }

  /** Runs `fn` in a write on the (locked) page that message `key` went to; false when there is none. */
  private withMessagePage(key: string, fn: (trx: Kysely<DB>, page: Page, channelArn: string, now: Date) => Promise<boolean>): Promise<boolean> {
    const ref = parseSendKey(key);
    if (!ref) return Promise.resolve(false);
    const now = this.clock.now();
    return this.database.write(async (trx) => {
      const page = await store.findPageForUpdate(trx, ref.pageArn);
      return page ? fn(trx, page, ref.channelArn, now) : false;
    });
  }

  /**
   * Acknowledges a page (READ): its plan stops; an essential page ends its engagement, whose
   * other unread pages get a STOP receipt. A page read before stays as it was (false).
   */
  private async acknowledge(trx: Kysely<DB>, page: Page, how: { channelArn?: string; info: string }, now: Date): Promise<boolean> {
    if (!(await store.stampPage(trx, page.arn, 'read_time', now.getTime()))) return false;
    await store.addReceipt(trx, page.arn, { contactChannelArn: how.channelArn, receiptType: 'READ', receiptInfo: how.info, receiptTime: now });
    const e = await store.findEngagementForUpdate(trx, page.engagementArn);
    if (!e) return true;
    await this.notes.acknowledged(trx, e, page.contactArn, now);
    if (page.essential && isActive(e)) await this.end(trx, e, 'ACKNOWLEDGED', now, `Acknowledged by ${page.contactArn}.`, page.arn);
    return true;
  }

  private async pageOf(db: Kysely<DB>, accountId: string, arn: string, lock = false): Promise<Page> {
    requireKind(arn, 'page', 'PageId');
    const page = await (lock ? store.findPageForUpdate(db, arn) : store.findPage(db, arn));
    if (!page || page.accountId !== accountId) throw pageNotFound(arn);
    return page;
  }
}

/** A ValidationException unless `arn` is an ssm-contacts ARN of `kind` (a contact ARN given as an EngagementId, say). */
function requireKind(arn: string, kind: 'engagement' | 'page' | 'contact', field: string): void {
  if (parseContactsArn(arn)?.kind !== kind) {
    throw new ValidationError(field, `Invalid value for ${field}: '${arn}' is not ${kind === 'engagement' ? 'an engagement' : `a ${kind}`} ARN (arn:aws:ssm-contacts:REGION:ACCOUNT:${kind}/ALIAS${kind === 'contact' ? '' : '/ID'}).`);
  }
}

function engagementNotFound(arn: string): NotFoundError {
  return new NotFoundError('ENGAGEMENT', arn, `Engagement ${arn} not found.`);
}

function pageNotFound(arn: string): NotFoundError {
  return new NotFoundError('PAGE', arn, `Page ${arn} not found.`);
}
