/**
 * Engagements through @aws-sdk/client-ssm-contacts, with email really delivered to an SMTP
 * server in this process and time on a ManualClock: plans that span an hour run in well under
 * a second, stage by stage, and stop when the right person acknowledges.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AcceptPageCommand, DescribeEngagementCommand, DescribePageCommand, ListEngagementsCommand, ListPageReceiptsCommand,
  ListPageResolutionsCommand, ListPagesByContactCommand, ListPagesByEngagementCommand, StartEngagementCommand, StopEngagementCommand,
  CreateContactChannelCommand, SSMContactsClient, UpdateContactCommand,
} from '@aws-sdk/client-ssm-contacts';
import {
  CreateResponsePlanCommand, GetTimelineEventCommand, SSMIncidentsClient, ListRelatedItemsCommand, ListTimelineEventsCommand, StartIncidentCommand, UpdateIncidentRecordCommand,
} from '@aws-sdk/client-ssm-incidents';
import { ManualClock } from '../../src/time/clock.js';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { acknowledgeByLink, emailOnce, escalationPlan, pageMailParts, personalContact } from '../helpers/paging.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

const minute = 60_000;

/** Polls `check` until it holds (the engine records a send just after the provider took it). */
async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('engagements', () => {
  let s: TestServer;
  let sink: SmtpSink;
  const clock = new ManualClock(Date.now());

  /** Moves time on (the clients sign with the server's time) and runs everything that came due, until the engine is idle. */
  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    for (let i = 0; i < 100; i++) {
      await s.app.engine.runDue();
      if (s.app.engine.running === 0 && (await s.app.engine.runDue()) === 0) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  /** A client signing with the server's (manual) time, so its signatures stay within the 15-minute skew. */
  const contacts = () => new SSMContactsClient({
    endpoint: s.url, region: 'us-east-1', credentials: s.credentials, maxAttempts: 1, systemClockOffset: clock.now().getTime() - Date.now(),
  });
  const incidents = () => new SSMIncidentsClient({
    endpoint: s.url, region: 'us-east-1', credentials: s.credentials, maxAttempts: 1, systemClockOffset: clock.now().getTime() - Date.now(),
  });
  /** Mails received so far to `address`. */
  const mailsTo = (address: string) => sink.received.filter((m) => m.envelope.to.includes(address));
  const engage = (ContactId: string, extra: Record<string, string> = {}) => contacts().send(new StartEngagementCommand({
    ContactId, Sender: 'alarm-bot', Subject: 'Checkout is failing', Content: '5xx on /checkout above 5%', ...extra,
  })).then((r) => r.EngagementArn!);

  before(async () => {
    sink = await startSmtpSink();
    s = await startTestServer({ env: { TOCSIN_SMTP_URL: sink.url() }, app: { clock } });
  });
  after(async () => {
    await s?.close();
    await sink?.close();
  });

  test('a personal plan runs stage by stage, retries its channel, and stops when the link acknowledges it', async () => {
    const ann = await personalContact(contacts(), sink, 'ann', { work: 'ann@example.com', home: 'ann@home.example.com' }, (ch) => ({
      Stages: [
        { DurationInMinutes: 5, Targets: [{ ChannelTargetInfo: { ContactChannelId: ch.work!, RetryIntervalInMinutes: 2 } }] },
        { DurationInMinutes: 10, Targets: [{ ChannelTargetInfo: { ContactChannelId: ch.home!, RetryIntervalInMinutes: 3 } }] },
      ],
    }));
    const engagement = await engage(ann.arn, { PublicSubject: 'Page', PublicContent: 'Something is wrong' });
    const first = await sink.nextMessage({ to: 'ann@example.com' });
    assert.equal(first.parsed.subject, 'Checkout is failing');
    assert.match(first.parsed.text!, /5xx on \/checkout above 5%/);
    assert.match(first.parsed.text!, /Sent by: alarm-bot/);
    await advance(2 * minute); // retry of stage 1
    await advance(2 * minute); // and again at 4 min
    assert.equal(mailsTo('ann@example.com').length, 1 + 3, 'the activation mail and three pages');
    assert.equal(mailsTo('ann@home.example.com').length, 1, 'only the activation mail before stage 2');
    await advance(1 * minute); // stage 2 at 5 min
    assert.equal(mailsTo('ann@home.example.com').length, 2);
    const { code, link } = pageMailParts(first);
    const [page] = (await contacts().send(new ListPagesByEngagementCommand({ EngagementId: engagement }))).Pages!;
    assert.match(page!.PageArn!, /^arn:aws:ssm-contacts:us-east-1:111122223333:page\/ann\//);
    assert.match(await acknowledgeByLink(link), /acknowledged/);
    const again = await (await fetch(link)).text();
    assert.match(again, /Already acknowledged/);
    assert.doesNotMatch(again, /<form/);
    const forged = new URL(link);
    forged.searchParams.set('sig', 'x'.repeat(43));
    assert.equal((await fetch(forged)).status, 404);
    await advance(30 * minute);
    assert.equal(mailsTo('ann@example.com').length, 4, 'nothing after the acknowledgement');
    assert.equal(mailsTo('ann@home.example.com').length, 2);
    const described = await contacts().send(new DescribePageCommand({ PageId: page!.PageArn }));
    assert.ok(described.SentTime && described.ReadTime);
    assert.equal(described.Subject, 'Checkout is failing');
    assert.equal(described.PublicSubject, 'Page');
    const receipts = (await contacts().send(new ListPageReceiptsCommand({ PageId: page!.PageArn }))).Receipts!;
    assert.deepEqual(receipts.map((r) => r.ReceiptType), ['SENT', 'SENT', 'SENT', 'SENT', 'READ']);
    assert.equal(receipts[0]!.ContactChannelArn, ann.channels.work);
    assert.equal(receipts[3]!.ContactChannelArn, ann.channels.home);
    const e = await contacts().send(new DescribeEngagementCommand({ EngagementId: engagement }));
    assert.ok(e.StopTime, 'acknowledging a directly engaged contact ends the engagement');
    assert.equal(code.length, 6);
  });

  test('a three-stage escalation over an hour: a non-essential acknowledgement does not stop it, an essential one does', async () => {
    const started = Date.now();
    const a = await emailOnce(contacts(), sink, 'esc-a', 'a@example.com');
    const b = await emailOnce(contacts(), sink, 'esc-b', 'b@example.com');
    const c = await emailOnce(contacts(), sink, 'esc-c', 'c@example.com');
    const plan = await escalationPlan(contacts(), 'three-stages', [
      { minutes: 20, contacts: [{ arn: a.arn, essential: false }] },
      { minutes: 20, contacts: [{ arn: b.arn }] },
      { minutes: 20, contacts: [{ arn: c.arn }] },
    ]);
    const engagement = await engage(plan);
    const pageA = pageMailParts(await sink.nextMessage({ to: 'a@example.com' }));
    const [pa] = (await contacts().send(new ListPagesByEngagementCommand({ EngagementId: engagement }))).Pages!;
    await contacts().send(new AcceptPageCommand({ PageId: pa!.PageArn, AcceptType: 'READ', AcceptCode: pageA.code, AcceptCodeValidation: 'ENFORCE' }));
    await advance(20 * minute);
    const pageB = pageMailParts(await sink.nextMessage({ to: 'b@example.com' }));
    await acknowledgeByLink(pageB.link);
    await advance(20 * minute);
    await advance(20 * minute);
    assert.equal(mailsTo('c@example.com').length, 1, 'stage 3 never ran: only the activation mail');
    const pages = (await contacts().send(new ListPagesByEngagementCommand({ EngagementId: engagement }))).Pages!;
    assert.deepEqual(pages.map((p) => p.ContactArn), [a.arn, b.arn]);
    const resolution = (await contacts().send(new ListPageResolutionsCommand({ PageId: pages[1]!.PageArn }))).PageResolutions!;
    assert.deepEqual(resolution, [{ ContactArn: plan, Type: 'ESCALATION', StageIndex: 1 }, { ContactArn: b.arn, Type: 'PERSONAL' }]);
    assert.ok((await contacts().send(new DescribeEngagementCommand({ EngagementId: engagement }))).StopTime);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  test('StopEngagement: nothing more is sent, unread pages get a STOP receipt; stopping twice is fine', async () => {
    const d = await personalContact(contacts(), sink, 'dee', { mail: 'dee@example.com' }, (ch) => ({
      Stages: [{ DurationInMinutes: 10, Targets: [{ ChannelTargetInfo: { ContactChannelId: ch.mail!, RetryIntervalInMinutes: 1 } }] }],
    }));
    const engagement = await engage(d.arn);
    await sink.nextMessage({ to: 'dee@example.com' });
    const [sent] = (await contacts().send(new ListPagesByContactCommand({ ContactId: d.arn }))).Pages!;
    await waitFor(async () => (await contacts().send(new DescribePageCommand({ PageId: sent!.PageArn }))).SentTime !== undefined);
    await contacts().send(new StopEngagementCommand({ EngagementId: engagement, Reason: 'false alarm' }));
    await contacts().send(new StopEngagementCommand({ EngagementId: engagement }));
    await advance(10 * minute);
    assert.equal(mailsTo('dee@example.com').length, 2, 'the activation mail and the first page');
    const [page] = (await contacts().send(new ListPagesByContactCommand({ ContactId: d.arn }))).Pages!;
    const receipts = (await contacts().send(new ListPageReceiptsCommand({ PageId: page!.PageArn }))).Receipts!;
    assert.deepEqual(receipts.map((r) => r.ReceiptType), ['SENT', 'STOP']);
    assert.equal(receipts[0]!.ReceiptInfo, 'EMAIL via smtp');
    assert.equal(receipts[1]!.ReceiptInfo, 'false alarm');
    const e = await contacts().send(new DescribeEngagementCommand({ EngagementId: engagement }));
    assert.ok(e.StopTime);
  });

  test('an unactivated channel is never paged: its attempt is an ERROR receipt', async () => {
    const f = await personalContact(contacts(), sink, 'fay', {});
    const pending = (await contacts().send(new CreateContactChannelCommand({
      ContactId: f.arn, Name: 'new', Type: 'EMAIL', DeliveryAddress: { SimpleAddress: 'fay@example.com' }, DeferActivation: true,
    }))).ContactChannelArn!;
    await contacts().send(new UpdateContactCommand({ ContactId: f.arn, Plan: { Stages: [{ DurationInMinutes: 1, Targets: [{ ChannelTargetInfo: { ContactChannelId: pending } }] }] } }));
    const engagement = await engage(f.arn);
    await advance(0);
    const [page] = (await contacts().send(new ListPagesByEngagementCommand({ EngagementId: engagement }))).Pages!;
    const receipts = (await contacts().send(new ListPageReceiptsCommand({ PageId: page!.PageArn }))).Receipts!;
    assert.equal(receipts.length, 1);
    assert.equal(receipts[0]!.ReceiptType, 'ERROR');
    assert.match(receipts[0]!.ReceiptInfo!, /not activated/);
    assert.equal(mailsTo('fay@example.com').length, 0);
  });

  test('AcceptPage: ENFORCE needs the page\'s code, DELIVERED records delivery, a foreign channel is refused', async () => {
    const g = await emailOnce(contacts(), sink, 'gus', 'gus@example.com');
    const other = await emailOnce(contacts(), sink, 'hal', 'hal@example.com');
    const engagement = await engage(g.arn);
    const { code } = pageMailParts(await sink.nextMessage({ to: 'gus@example.com' }));
    const [page] = (await contacts().send(new ListPagesByEngagementCommand({ EngagementId: engagement }))).Pages!;
    const wrong = code === '000000' ? '111111' : '000000';
    await expectAwsError(contacts().send(new AcceptPageCommand({ PageId: page!.PageArn, AcceptType: 'READ', AcceptCode: wrong, AcceptCodeValidation: 'ENFORCE' })),
      'ValidationException', 400, 'not the code sent with this page');
    await expectAwsError(contacts().send(new AcceptPageCommand({ PageId: page!.PageArn, AcceptType: 'DELIVERED', AcceptCode: code, ContactChannelId: other.channels.mail })),
      'ValidationException', 400, 'is not a channel of the paged contact');
    await contacts().send(new AcceptPageCommand({ PageId: page!.PageArn, AcceptType: 'DELIVERED', AcceptCode: code, ContactChannelId: g.channels.mail, Note: 'got it' }));
    const described = await contacts().send(new DescribePageCommand({ PageId: page!.PageArn }));
    assert.ok(described.DeliveryTime);
    assert.equal(described.ReadTime, undefined);
    await expectAwsError(contacts().send(new AcceptPageCommand({ PageId: `${page!.PageArn}0`, AcceptType: 'READ', AcceptCode: code })), 'ResourceNotFoundException', 400);
  });

  test('StartEngagement refuses an unknown contact, another account\'s contact and a channel ARN; IdempotencyToken replays', async () => {
    await expectAwsError(engage('arn:aws:ssm-contacts:us-east-1:111122223333:contact/nobody'), 'ResourceNotFoundException', 400, 'nobody');
    await expectAwsError(engage('arn:aws:ssm-contacts:us-east-1:444455556666:contact/theirs'), 'AccessDeniedException', 400, 'no resource-based policy allows');
    const i = await emailOnce(contacts(), sink, 'ida', 'ida@example.com');
    await expectAwsError(engage(i.channels.mail!), 'ValidationException', 400, 'ContactId');
    const first = await engage(i.arn, { IdempotencyToken: 'tok-1' });
    const again = await engage(i.arn, { IdempotencyToken: 'tok-1' });
    assert.equal(again, first);
    await advance(0);
    assert.equal(mailsTo('ida@example.com').length, 2, 'the activation mail and one page');
    const listed = (await contacts().send(new ListEngagementsCommand({}))).Engagements!;
    assert.ok(listed.some((e) => e.EngagementArn === first));
    await expectAwsError(contacts().send(new StopEngagementCommand({ EngagementId: i.arn })), 'ValidationException', 400, 'is not an engagement ARN');
    await expectAwsError(contacts().send(new ListPagesByEngagementCommand({ EngagementId: i.arn })), 'ValidationException', 400, 'EngagementId');
    await expectAwsError(contacts().send(new ListEngagementsCommand({ TimeRangeValue: { StartTime: new Date(2e12), EndTime: new Date(1e12) } })), 'ValidationException', 400, 'EndTime is before StartTime');
    const ranged = (await contacts().send(new ListEngagementsCommand({ TimeRangeValue: { StartTime: new Date(clock.now().getTime() + 1), EndTime: new Date(clock.now().getTime() + 2) } }))).Engagements!;
    assert.deepEqual(ranged, []);
  });

  test('the founding guide: an incident engages an escalation plan; the backup is paged when the primary does not answer, and acknowledges by the link', async () => {
    const primary = await emailOnce(contacts(), sink, 'primary', 'primary@example.com');
    const backup = await emailOnce(contacts(), sink, 'backup', 'backup@example.com');
    const escalation = await escalationPlan(contacts(), 'checkout-escalation', [
      { minutes: 5, contacts: [{ arn: primary.arn }] },
      { minutes: 5, contacts: [{ arn: backup.arn }] },
    ]);
    const plan = (await incidents().send(new CreateResponsePlanCommand({
      name: 'checkout-down', engagements: [escalation],
      incidentTemplate: { title: 'Checkout is down', impact: 1, summary: 'Customers cannot pay' },
    }))).arn!;
    const incident = (await incidents().send(new StartIncidentCommand({ responsePlanArn: plan }))).incidentRecordArn!;
    const first = await sink.nextMessage({ to: 'primary@example.com' });
    assert.equal(first.parsed.subject, 'Incident: Checkout is down');
    assert.match(first.parsed.text!, /Impact: 1 \(Critical\)/);
    assert.match(first.parsed.text!, /^Customers cannot pay\n/, 'the summary is the content');
    assert.match(first.parsed.text!, new RegExp(`Incident ARN: ${incident}`));
    await advance(4 * minute);
    assert.equal(mailsTo('backup@example.com').length, 1, 'the backup waits for stage 2');
    await advance(1 * minute);
    const page = pageMailParts(await sink.nextMessage({ to: 'backup@example.com' }));
    await acknowledgeByLink(page.link);
    const [engagement] = (await contacts().send(new ListEngagementsCommand({ IncidentId: incident }))).Engagements!;
    assert.equal(engagement!.ContactArn, escalation);
    assert.equal(engagement!.Sender, 'Incident Manager');
    assert.ok(engagement!.StopTime, 'the backup\'s acknowledgement ended the escalation');
    const events = (await incidents().send(new ListTimelineEventsCommand({ incidentRecordArn: incident, sortOrder: 'ASCENDING' }))).eventSummaries!;
    assert.deepEqual(events.map((e) => e.eventType), [
      'SSM Incident Trigger', 'SSM Contacts Page for Incident', 'SSM Contacts Page for Incident', 'SSM Contacts Page Acknowledgement for Incident',
    ]);
    const ack = events[3]!;
    const data = JSON.parse((await incidents().send(new GetTimelineEventCommand({ incidentRecordArn: incident, eventId: ack.eventId }))).event!.eventData!);
    assert.deepEqual(data, { contactArn: backup.arn, engagementArn: engagement!.EngagementArn });
    const items = (await incidents().send(new ListRelatedItemsCommand({ incidentRecordArn: incident }))).relatedItems!;
    assert.deepEqual(items.map((i) => [i.identifier!.type, i.identifier!.value!.arn]), [['OTHER', engagement!.EngagementArn]]);
  });

  test('resolving an incident stops its engagements: pages not yet sent are not sent; a deduplicated start engages nobody again', async () => {
    const first = await emailOnce(contacts(), sink, 'first-line', 'first@example.com');
    const second = await emailOnce(contacts(), sink, 'second-line', 'second@example.com');
    const escalation = await escalationPlan(contacts(), 'db-escalation', [
      { minutes: 10, contacts: [{ arn: first.arn }] },
      { minutes: 10, contacts: [{ arn: second.arn }] },
    ]);
    const plan = (await incidents().send(new CreateResponsePlanCommand({
      name: 'db-latency', engagements: [escalation], incidentTemplate: { title: 'DB latency', impact: 3, dedupeString: 'db-latency' },
    }))).arn!;
    const incident = (await incidents().send(new StartIncidentCommand({ responsePlanArn: plan }))).incidentRecordArn!;
    await sink.nextMessage({ to: 'first@example.com' });
    assert.equal((await incidents().send(new StartIncidentCommand({ responsePlanArn: plan }))).incidentRecordArn, incident);
    await incidents().send(new UpdateIncidentRecordCommand({ arn: incident, status: 'RESOLVED' }));
    await advance(30 * minute);
    assert.equal(mailsTo('first@example.com').length, 2, 'the activation mail and one page');
    assert.equal(mailsTo('second@example.com').length, 1, 'stage 2 never ran: only the activation mail');
    const engagements = (await contacts().send(new ListEngagementsCommand({ IncidentId: incident }))).Engagements!;
    assert.equal(engagements.length, 1);
    assert.ok(engagements[0]!.StopTime);
  });
});
