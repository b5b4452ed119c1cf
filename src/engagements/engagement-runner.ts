/**
 * How engagements run, on the engine: every step is a job written in the transaction of the
 * state change that causes it, so a restart loses nothing and a job that comes due late still
 * keeps the plan's times (they are computed from the engagement's and the page's start, never
 * from when a job happened to run).
 *
 *   engagement:stage  escalation stage k: page its targets (personal contacts, whoever their
 *                     on-call schedules have on call), then schedule stage k+1
 *   page:stage        stage k of a personal contact's own plan: one page:send per channel,
 *                     then schedule stage k+1
 *   page:send         one attempt on one channel: render, deliver at most once (sendOnce),
 *                     record the receipt, schedule the retry (RetryIntervalInMinutes) while
 *                     the stage lasts
 *
 * Stage 0 of an engagement, and stage 0 of each page it makes, run inside the transaction that
 * creates them, so the first messages are due the moment StartEngagement (or StartIncident)
 * commits. Each job first checks that its engagement is ACTIVE and its page unread: an
 * acknowledgement or a stop needs no job cancelled, the jobs simply find nothing to do.
 */
import type { Transaction } from 'kysely';
import type { Contact } from '../contacts/contact.js';
import * as contacts from '../contacts/contact-store.js';
import * as channels from '../contacts/contact-channel-store.js';
import type { ResolutionContact } from '../api/models/ssm-contacts.types.js';
import { pageArn } from '../arn/arn.js';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { DeliveryError, type Deliverer } from '../delivery/delivery.js';
import type { Engine } from '../engine/engine.js';
import type { Job, JobContext } from '../engine/job.js';
import { timeOrderedUuid } from '../ids/time-ordered-id.js';
import type { Logger } from '../logger.js';
import { isActive, newAcceptCode, stageStarts, type Engagement, type Page } from './engagement.js';
import * as store from './engagement-store.js';
import type { IncidentNotes } from './incident-notes.js';
import type { OnCallSource } from './on-call.js';
import { renderPage } from './page-message.js';

/** Where acknowledgement links point (src/engagements/page-links.ts). */
export interface AcceptLinks {
  acceptUrl(pageArn: string): string | undefined;
}

type EngagementStage = { engagementArn: string; stage: number };
type PageStage = { pageArn: string; stage: number };
type PageSend = { pageArn: string; channelArn: string; stage: number; attempt: number; retryMinutes: number; untilMs: number | null };

/** Delivery attempts of one message before its failure is recorded (transient errors are retried with backoff). */
const sendAttempts = 5;

/** What the runner works with. */
export interface RunnerDeps {
  database: Database;
  engine: Engine;
  deliverer: Deliverer;
  links: AcceptLinks;
  onCall: OnCallSource;
  notes: IncidentNotes;
  logger: Logger;
  region: string;
  /** SMS replies reach Tocsin (Twilio): SMS pages then say to reply with the code. */
  smsReplies?: boolean;
}

/** Runs engagements: registers the job kinds, and starts engagements inside a caller's transaction. */
export class EngagementRunner {
  constructor(private readonly deps: RunnerDeps) {
    deps.engine.register({ kind: 'engagement:stage', run: (job: Job<EngagementStage>, ctx) => this.onEngagementStage(job, ctx) });
    deps.engine.register({ kind: 'page:stage', run: (job: Job<PageStage>, ctx) => this.onPageStage(job, ctx) });
    deps.engine.register({
      kind: 'page:send', maxAttempts: sendAttempts, backoffMs: { baseMs: 2000, capMs: 60_000 },
      run: (job: Job<PageSend>, ctx) => this.onPageSend(job, ctx),
    });
  }

  /** Runs stage 0 of a new engagement in its creating transaction (later stages are jobs). */
  async begin(trx: Transaction<DB>, e: Engagement, now: Date): Promise<void> {
    await this.engagementStage(trx, e, 0, now);
  }

  private async engagementStage(trx: Transaction<DB>, e: Engagement, k: number, now: Date): Promise<void> {
    if (e.contactType !== 'ESCALATION') {
      if (k > 0) return;
      const contact = await contacts.findOne(trx, e.contactArn);
      if (!contact) return this.deps.logger.warn('engaged contact no longer exists', { engagement: e.arn, contact: e.contactArn });
      if (contact.type === 'PERSONAL') await this.openPage(trx, e, contact, { essential: true, resolution: [{ ContactArn: contact.arn, Type: 'PERSONAL' }] }, e.startTime, now);
      else await this.engageSchedule(trx, e, contact, { essential: true, path: [] }, now, e.startTime);
      return;
    }
    const stages = e.plan.Stages ?? [];
    const stage = stages[k];
    if (!stage) return;
    // Pages start their own plans when this stage was due, so a late run keeps the plan's times.
    const due = stageStarts(e.startTime, e.plan)[k]!;
    for (const target of stage.Targets) {
      const info = target.ContactTargetInfo;
      if (!info?.ContactId) continue;
      const contact = await contacts.findOne(trx, info.ContactId);
      if (!contact) {
        this.deps.logger.warn('an escalation target no longer exists', { engagement: e.arn, contact: info.ContactId });
        continue;
      }
      const path: ResolutionContact[] = [{ ContactArn: e.contactArn, Type: 'ESCALATION', StageIndex: k }];
      if (contact.type === 'PERSONAL') {
        await this.openPage(trx, e, contact, { stageIndex: k, essential: info.IsEssential, resolution: [...path, { ContactArn: contact.arn, Type: 'PERSONAL' }] }, due, now);
      } else if (contact.type === 'ONCALL_SCHEDULE') {
        await this.engageSchedule(trx, e, contact, { stageIndex: k, essential: info.IsEssential, path }, now, due);
      }
    }
    if (k + 1 < stages.length) {
      await this.deps.engine.enqueue(trx, {
        kind: 'engagement:stage', payload: { engagementArn: e.arn, stage: k + 1 } satisfies EngagementStage,
        runAt: stageStarts(e.startTime, e.plan)[k + 1], dedupeKey: `${e.arn}#${k + 1}`,
      });
    }
  }

  /** Pages whoever the schedule has on call now (not when the stage was due: they are who can answer). */
  private async engageSchedule(
    trx: Transaction<DB>, e: Engagement, schedule: Contact, opts: { stageIndex?: number; essential: boolean; path: ResolutionContact[] }, now: Date, due: Date,
  ): Promise<void> {
    const onCall = await this.deps.onCall.onCall(trx, schedule, now);
    if (onCall.length === 0) this.deps.logger.warn('nobody is on call', { engagement: e.arn, schedule: schedule.arn });
    for (const arn of onCall) {
      const contact = await contacts.findOne(trx, arn);
      if (contact?.type !== 'PERSONAL') continue;
      const resolution: ResolutionContact[] = [...opts.path, { ContactArn: schedule.arn, Type: 'ONCALL_SCHEDULE' }, { ContactArn: contact.arn, Type: 'PERSONAL' }];
      await this.openPage(trx, e, contact, { stageIndex: opts.stageIndex, essential: opts.essential, resolution }, due, now);
    }
  }

  /**
   * Makes a page for a personal contact and runs stage 0 of its plan. `due` is when the page
   * was due (the engagement's start, or its escalation stage's): the page's own stages count
   * from it.
   */
  private async openPage(
    trx: Transaction<DB>, e: Engagement, contact: Contact, opts: { stageIndex?: number; essential: boolean; resolution: ResolutionContact[] }, due: Date, now: Date,
  ): Promise<void> {
    const page: Page = {
      arn: pageArn(this.deps.region, e.accountId, contact.alias, timeOrderedUuid(due)), accountId: e.accountId, engagementArn: e.arn,
      contactArn: contact.arn, stageIndex: opts.stageIndex, essential: opts.essential, resolution: opts.resolution,
      plan: contact.plan, acceptCode: newAcceptCode(), createdAt: due, seq: 0,
    };
    await store.createPage(trx, page);
    await this.deps.notes.paged(trx, e, contact.arn, now);
    await this.pageStage(trx, page, 0);
  }

  /**
   * Stage k of a page's plan. A personal contact with no stages has no plan to follow: each of
   * its channels is paged once, at once (better than paging nobody).
   */
  private async pageStage(trx: Transaction<DB>, page: Page, k: number): Promise<void> {
    const stages = page.plan.Stages ?? [];
    if (stages.length === 0) {
      if (k > 0) return;
      for (const ch of await channels.findMany(trx, page.contactArn, undefined, 100)) {
        await this.enqueueSend(trx, { pageArn: page.arn, channelArn: ch.arn, stage: 0, attempt: 1, retryMinutes: 0, untilMs: null }, page.createdAt);
      }
      return;
    }
    const stage = stages[k];
    if (!stage) return;
    const starts = stageStarts(page.createdAt, page.plan);
    for (const target of stage.Targets) {
      const info = target.ChannelTargetInfo;
      if (!info) continue;
      await this.enqueueSend(trx, {
        pageArn: page.arn, channelArn: info.ContactChannelId, stage: k, attempt: 1,
        retryMinutes: info.RetryIntervalInMinutes ?? 0, untilMs: starts[k + 1]!.getTime(),
      }, starts[k]!);
    }
    if (k + 1 < stages.length) {
      await this.deps.engine.enqueue(trx, {
        kind: 'page:stage', payload: { pageArn: page.arn, stage: k + 1 } satisfies PageStage, runAt: starts[k + 1], dedupeKey: `${page.arn}#${k + 1}`,
      });
    }
  }

  private enqueueSend(trx: Transaction<DB>, send: PageSend, at: Date): Promise<unknown> {
    return this.deps.engine.enqueue(trx, {
      kind: 'page:send', payload: send, runAt: at, dedupeKey: sendKey(send),
    });
  }

  // ------------------------------------------------------------------ job handlers

  private async onEngagementStage(job: Job<EngagementStage>, ctx: JobContext): Promise<void> {
    await ctx.complete(async (trx) => {
      const e = await store.findEngagementForUpdate(trx, job.payload.engagementArn);
      if (e && isActive(e)) await this.engagementStage(trx, e, job.payload.stage, ctx.now);
    });
  }

  private async onPageStage(job: Job<PageStage>, ctx: JobContext): Promise<void> {
    await ctx.complete(async (trx) => {
      const page = await store.findPageForUpdate(trx, job.payload.pageArn);
      if (!page || page.readTime) return;
      const e = await store.findEngagement(trx, page.engagementArn);
      if (e && isActive(e)) await this.pageStage(trx, page, job.payload.stage);
    });
  }

  /** One delivery attempt on one channel. */
  private async onPageSend(job: Job<PageSend>, ctx: JobContext): Promise<void> {
    const p = job.payload;
    const db = this.deps.database.db;
    const page = await store.findPage(db, p.pageArn);
    const e = page && (await store.findEngagement(db, page.engagementArn));
    if (!page || !e || !isActive(e) || page.readTime) return; // acknowledged or stopped meanwhile: nothing to send
    const receipt = (receiptType: 'SENT' | 'DELIVERED' | 'ERROR', receiptInfo: string) =>
      ({ contactChannelArn: p.channelArn, receiptType, receiptInfo, receiptTime: ctx.now });
    const channel = await channels.findOne(db, p.channelArn);
    if (!channel || channel.contactArn !== page.contactArn) {
      await ctx.complete((trx) => store.addReceipt(trx, page.arn, receipt('ERROR', 'The contact channel no longer exists; its stage was skipped.')));
      return;
    }
    if (channel.activationStatus !== 'ACTIVATED') {
      await ctx.complete((trx) => store.addReceipt(trx, page.arn, receipt('ERROR', 'The contact channel is not activated, so it is never paged: activate it with the code sent to it.')));
      return;
    }
    const key = sendKey(p);
    const incident = await this.deps.notes.incidentOf(db, e);
    const acceptUrl = this.deps.links.acceptUrl(page.arn);
    const rendered = renderPage(channel.type, {
      subject: e.subject, content: e.content, publicSubject: e.publicSubject, publicContent: e.publicContent, sender: e.sender,
      incident, acceptCode: page.acceptCode, acceptUrl, smsReplies: this.deps.smsReplies,
    });
    let outcome: Awaited<ReturnType<JobContext['sendOnce']>>;
    try {
      outcome = await ctx.sendOnce(key, async () => {
        const r = await this.deps.deliverer.send({
          channelType: channel.type, address: channel.address, subject: rendered.subject, text: rendered.text, html: rendered.html,
          idempotencyKey: key, kind: 'page',
          metadata: {
            pageArn: page.arn, engagementArn: e.arn, contactArn: page.contactArn, contactChannelArn: channel.arn, acceptCode: page.acceptCode,
            ...(acceptUrl ? { acceptUrl } : {}), ...(incident ? { incidentArn: incident.arn } : {}),
          },
        });
        return { ...r, providerId: r.providerMessageId };
      });
    } catch (err) {
      const permanent = err instanceof DeliveryError && err.permanent;
      if (!permanent && job.attempt < job.maxAttempts) throw err; // the engine retries with backoff
      const why = err instanceof Error ? err.message : String(err);
      await ctx.complete(async (trx) => {
        await store.addReceipt(trx, page.arn, receipt('ERROR', permanent ? why : `Gave up after ${job.attempt} attempts: ${why}`));
        await this.scheduleRetry(trx, job);
      });
      return;
    }
    await ctx.complete(async (trx) => {
      if (outcome.status === 'unknown') {
        await store.addReceipt(trx, page.arn, receipt('ERROR', 'Delivery outcome unknown: Tocsin stopped while handing this message to the provider; it was not sent again.'));
      } else {
        const r = outcome.result as { provider?: string; providerId?: string; status?: string };
        // Short provider ids (Twilio's SIDs) help a support ticket; an email's long Message-ID is the idempotency key again.
        const id = r.providerId && r.providerId.length <= 64 ? ` (${r.providerId})` : '';
        await store.addReceipt(trx, page.arn, receipt('SENT', `${channel.type} via ${r.provider ?? 'provider'}${id}`));
        await store.stampPage(trx, page.arn, 'sent_time', ctx.now.getTime());
        if (r.status === 'DELIVERED') {
          await store.addReceipt(trx, page.arn, receipt('DELIVERED', `confirmed by ${r.provider ?? 'the provider'}`));
          await store.stampPage(trx, page.arn, 'delivery_time', ctx.now.getTime());
        }
      }
      await this.scheduleRetry(trx, job);
    });
  }

  /** The next attempt on this channel, RetryIntervalInMinutes after this one was due, while its stage lasts. */
  private async scheduleRetry(trx: Transaction<DB>, job: Job<PageSend>): Promise<void> {
    const p = job.payload;
    if (p.retryMinutes <= 0 || p.untilMs === null) return;
    const next = job.runAt.getTime() + p.retryMinutes * 60_000;
    if (next >= p.untilMs) return;
    await this.enqueueSend(trx, { ...p, attempt: p.attempt + 1 }, new Date(next));
  }
}

/**
 * The idempotency key of one message: page, channel, stage and attempt. Providers get it (the
 * email's Message-ID, Twilio's callback `ref`), and it leads a callback back to its page.
 */
export function sendKey(p: Pick<PageSend, 'pageArn' | 'channelArn' | 'stage' | 'attempt'>): string {
  return `page|${p.pageArn}|${p.channelArn}|${p.stage}|${p.attempt}`;
}

/** The page and channel of a message's idempotency key; undefined for anything else. */
export function parseSendKey(key: string): { pageArn: string; channelArn: string } | undefined {
  const parts = key.split('|');
  if (parts.length !== 5 || parts[0] !== 'page') return undefined;
  return { pageArn: parts[1]!, channelArn: parts[2]! };
}
