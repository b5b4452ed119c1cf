/** Incident records through @aws-sdk/client-ssm-incidents: start, read, list, update, delete. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DeleteIncidentRecordCommand, GetIncidentRecordCommand, ListIncidentRecordsCommand, ListRelatedItemsCommand,
  ListTagsForResourceCommand, ListTimelineEventsCommand, StartIncidentCommand, UpdateIncidentRecordCommand,
  UpdateResponsePlanCommand, DeleteResponsePlanCommand, CreateResponsePlanCommand, type Filter, type ListIncidentRecordsCommandOutput,
} from '@aws-sdk/client-ssm-incidents';
import { ManualClock } from '../../src/time/clock.js';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { createPlan, foreignIncidentArn, startIncident } from '../helpers/incident-fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const topic = (n: string) => `arn:aws:sns:us-east-1:111122223333:${n}`;

describe('incident records', () => {
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  let root: string;
  before(async () => {
    s = await startTestServer({ app: { clock } });
    root = `arn:aws:iam::${s.accountId}:root`;
  });
  after(() => s.close());

  const get = async (arn: string) => (await s.incidents.send(new GetIncidentRecordCommand({ arn }))).incidentRecord!;
  const list = async (filters?: Filter[], maxResults?: number, nextToken?: string) =>
    s.incidents.send(new ListIncidentRecordsCommand({ filters, maxResults, nextToken }));

  test('StartIncident copies the plan and GetIncidentRecord returns every member', async () => {
    const plan = await createPlan(s, {
      title: 'Template title', impact: 3, summary: 'Payments fail', notificationTargets: [{ snsTopicArn: topic('oncall') }],
      incidentTags: { team: 'payments' },
    }, { chatChannel: { chatbotSns: [topic('chat')] } });
    const arn = await startIncident(s, plan, {
      title: 'Card payments failing', impact: 1,
      triggerDetails: { source: 'aws.cloudwatch', triggerArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:cards', timestamp: new Date(1_700_000_000_000), rawData: '{"x":1}' },
    });
    const planName = plan.split('/')[1];
    assert.match(arn, new RegExp(`^arn:aws:ssm-incidents::${s.accountId}:incident-record/${planName}/[0-9a-f-]{36}$`));
    const r = await get(arn);
    assert.equal(r.arn, arn);
    assert.equal(r.title, 'Card payments failing');
    assert.equal(r.impact, 1);
    assert.equal(r.summary, 'Payments fail');
    assert.equal(r.status, 'OPEN');
    assert.equal(r.dedupeString, '');
    assert.equal(r.creationTime!.getTime(), clock.now().getTime());
    assert.equal(r.lastModifiedTime!.getTime(), clock.now().getTime());
    assert.equal(r.lastModifiedBy, root);
    assert.equal(r.resolvedTime, undefined);
    assert.deepEqual(r.incidentRecordSource, { createdBy: root, source: 'aws.cloudwatch', resourceArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:cards' });
    assert.deepEqual(r.chatChannel, { chatbotSns: [topic('chat')] });
    assert.deepEqual(r.notificationTargets, [{ snsTopicArn: topic('oncall') }]);
    assert.deepEqual(r.automationExecutions, []);
    assert.deepEqual((await s.incidents.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { team: 'payments' });
    const events = (await s.incidents.send(new ListTimelineEventsCommand({ incidentRecordArn: arn }))).eventSummaries!;
    assert.deepEqual(events.map((e) => e.eventType), ['SSM Incident Trigger']);
  });

  test('StartIncident without title or impact takes them from the template, with the custom source', async () => {
    const r = await get(await startIncident(s, await createPlan(s, { title: 'From template', impact: 4 })));
    assert.equal(r.title, 'From template');
    assert.equal(r.impact, 4);
    assert.equal(r.summary, undefined);
    assert.deepEqual(r.incidentRecordSource, { createdBy: root, source: 'aws.ssm-incidents.custom' });
  });

  test('an incident keeps the plan it started from when the plan is updated later', async () => {
    const plan = await createPlan(s, { title: 'Before', impact: 2, summary: 'old summary', notificationTargets: [{ snsTopicArn: topic('a') }] });
    const arn = await startIncident(s, plan);
    await s.incidents.send(new UpdateResponsePlanCommand({
      arn: plan, incidentTemplateTitle: 'After', incidentTemplateImpact: 5, incidentTemplateSummary: 'new summary',
      incidentTemplateNotificationTargets: [{ snsTopicArn: topic('b') }], chatChannel: { chatbotSns: [topic('c')] },
    }));
    const r = await get(arn);
    assert.deepEqual([r.title, r.impact, r.summary, r.notificationTargets, r.chatChannel], ['Before', 2, 'old summary', [{ snsTopicArn: topic('a') }], undefined]);
    const snapshot = await s.app.database.db.selectFrom('incidents').select('plan_snapshot').where('arn', '=', arn).executeTakeFirstOrThrow();
    assert.equal(JSON.parse(snapshot.plan_snapshot).incidentTemplate.title, 'Before');
    const next = await get(await startIncident(s, plan));
    assert.deepEqual([next.title, next.impact, next.summary], ['After', 5, 'new summary']);
  });

  test('a start after the plan changed its dedupe string, or was deleted and made again, follows the plan as it is now', async () => {
    const plan = await createPlan(s, { dedupeString: 'first-string' });
    const a = await startIncident(s, plan);
    assert.equal(await startIncident(s, plan), a);
    await s.incidents.send(new UpdateResponsePlanCommand({ arn: plan, incidentTemplateDedupeString: 'second-string' }));
    const b = await startIncident(s, plan);
    assert.notEqual(b, a, 'the new dedupe string does not match the open incident');
    assert.equal((await get(b)).dedupeString, 'second-string');
    const name = plan.split('/').pop()!;
    await s.incidents.send(new DeleteResponsePlanCommand({ arn: plan }));
    await expectAwsError(s.incidents.send(new StartIncidentCommand({ responsePlanArn: plan })), 'ResourceNotFoundException', 404);
    await s.incidents.send(new CreateResponsePlanCommand({ name, incidentTemplate: { title: 'Reborn', impact: 4 } }));
    const c = await get(await startIncident(s, plan));
    assert.deepEqual([c.title, c.impact, c.dedupeString], ['Reborn', 4, '']);
  });

  test('StartIncident with an unknown plan is ResourceNotFoundException; another account\'s unshared plan is AccessDeniedException', async () => {
    const missing = `arn:aws:ssm-incidents::${s.accountId}:response-plan/nope`;
    const err = await expectAwsError(startIncident(s, missing), 'ResourceNotFoundException', 404, 'nope');
    assert.equal(err.resourceType, 'RESPONSE_PLAN');
    await expectAwsError(startIncident(s, 'arn:aws:ssm-incidents::999988887777:response-plan/theirs'), 'AccessDeniedException', 403, 'ssm-incidents:StartIncident');
  });

  test('StartIncident refuses inputs that break the model with ValidationException naming the field', async () => {
    const plan = await createPlan(s);
    await expectAwsError(startIncident(s, plan, { impact: 9 }), 'ValidationException', 400, 'impact');
    await expectAwsError(startIncident(s, plan, { title: 'x'.repeat(201) }), 'ValidationException', 400, 'title');
    await expectAwsError(startIncident(s, plan, { title: '   ' }), 'ValidationException', 400, 'title');
    await expectAwsError(s.incidents.send(new StartIncidentCommand({} as any)), 'ValidationException', 400, 'responsePlanArn');
    await expectAwsError(startIncident(s, plan, { triggerDetails: { source: 'x' } as any }), 'ValidationException', 400, 'triggerDetails.timestamp');
  });

  test('a retry with the same clientToken returns the same incident and creates no second one', async () => {
    const plan = await createPlan(s);
    const first = await startIncident(s, plan, { clientToken: 'retry-1', title: 'Once' });
    const again = await startIncident(s, plan, { clientToken: 'retry-1', title: 'Once' });
    assert.equal(again, first);
    const rows = await s.app.database.db.selectFrom('incidents').select('arn').where('response_plan_arn', '=', plan).execute();
    assert.equal(rows.length, 1);
    await expectAwsError(startIncident(s, plan, { clientToken: 'retry-1', title: 'Other' }), 'ConflictException', 409, 'clientToken');
  });

  test('UpdateIncidentRecord changes only the given members and records the change on the timeline', async () => {
    const arn = await startIncident(s, await createPlan(s, { title: 'T', impact: 3, summary: 'S' }));
    clock.advance(60_000);
    await s.incidents.send(new UpdateIncidentRecordCommand({ arn, impact: 2, summary: 'Narrowed down', notificationTargets: [{ snsTopicArn: topic('n') }] }));
    const r = await get(arn);
    assert.deepEqual([r.title, r.impact, r.summary, r.status], ['T', 2, 'Narrowed down', 'OPEN']);
    assert.deepEqual(r.notificationTargets, [{ snsTopicArn: topic('n') }]);
    assert.equal(r.lastModifiedTime!.getTime(), clock.now().getTime());
    assert.ok(r.creationTime!.getTime() < r.lastModifiedTime!.getTime());
    const events = (await s.incidents.send(new ListTimelineEventsCommand({ incidentRecordArn: arn }))).eventSummaries!;
    assert.deepEqual(events.map((e) => e.eventType), ['SSM Incident Record Update', 'SSM Incident Trigger']);
    await s.incidents.send(new UpdateIncidentRecordCommand({ arn, notificationTargets: [] }));
    assert.equal((await get(arn)).notificationTargets, undefined, 'an empty list clears the targets, as a plan without targets leaves them');
  });

  test('a retried UpdateIncidentRecord with the same clientToken applies once; other input with that token is ConflictException', async () => {
    const arn = await startIncident(s, await createPlan(s, { title: 'T', impact: 3 }));
    await s.incidents.send(new UpdateIncidentRecordCommand({ arn, title: 'Renamed', clientToken: 'upd-1' }));
    await s.incidents.send(new UpdateIncidentRecordCommand({ arn, title: 'Other' }));
    await s.incidents.send(new UpdateIncidentRecordCommand({ arn, title: 'Renamed', clientToken: 'upd-1' }));
    assert.equal((await get(arn)).title, 'Other');
    await expectAwsError(s.incidents.send(new UpdateIncidentRecordCommand({ arn, title: 'Third', clientToken: 'upd-1' })), 'ConflictException', 409, 'clientToken');
  });

  test('resolving sets resolvedTime and reopening clears it', async () => {
    const arn = await startIncident(s, await createPlan(s));
    clock.advance(1000);
    await s.incidents.send(new UpdateIncidentRecordCommand({ arn, status: 'RESOLVED' }));
    const resolved = await get(arn);
    assert.equal(resolved.status, 'RESOLVED');
    assert.equal(resolved.resolvedTime!.getTime(), clock.now().getTime());
    await s.incidents.send(new UpdateIncidentRecordCommand({ arn, status: 'OPEN' }));
    const reopened = await get(arn);
    assert.equal(reopened.status, 'OPEN');
    assert.equal(reopened.resolvedTime, undefined);
  });

  test('UpdateIncidentRecord holds chat channels and notification targets to the response plan rules', async () => {
    const arn = await startIncident(s, await createPlan(s));
    await expectAwsError(s.incidents.send(new UpdateIncidentRecordCommand({
      arn, chatChannel: { chatbotSns: ['arn:aws:sqs:us-east-1:111122223333:not-a-topic'] },
    })), 'ValidationException', 400, 'chatChannel.chatbotSns');
    const topic = 'arn:aws:sns:us-east-1:111122223333:oncall';
    await expectAwsError(s.incidents.send(new UpdateIncidentRecordCommand({
      arn, notificationTargets: [{ snsTopicArn: topic }, { snsTopicArn: topic }],
    })), 'ValidationException', 400, 'notificationTargets');
  });

  test('UpdateIncidentRecord of an unknown incident is ResourceNotFoundException, of a foreign one AccessDeniedException', async () => {
    const unknown = `arn:aws:ssm-incidents::${s.accountId}:incident-record/p/00000000-0000-4000-8000-000000000000`;
    const err = await expectAwsError(s.incidents.send(new UpdateIncidentRecordCommand({ arn: unknown, title: 'x' })), 'ResourceNotFoundException', 404);
    assert.equal(err.resourceType, 'INCIDENT_RECORD');
    await expectAwsError(s.incidents.send(new UpdateIncidentRecordCommand({ arn: foreignIncidentArn(), title: 'x' })), 'AccessDeniedException', 403);
    await expectAwsError(s.incidents.send(new GetIncidentRecordCommand({ arn: foreignIncidentArn() })), 'AccessDeniedException', 403);
    await expectAwsError(s.incidents.send(new UpdateIncidentRecordCommand({ arn: unknown, impact: 0 })), 'ValidationException', 400, 'impact');
  });

  test('DeleteIncidentRecord removes the record with its timeline, related items and tags, and tolerates unknown ones', async () => {
    const arn = await startIncident(s, await createPlan(s, { incidentTags: { k: 'v' } }), {
      relatedItems: [{ identifier: { type: 'OTHER', value: { url: 'https://example.com/runbook' } } }],
    });
    await s.app.database.write((trx) => trx.insertInto('findings').values({ incident_arn: arn, finding_id: 'f', details: null, created_at: 0, last_modified_at: 0 }).execute());
    await s.incidents.send(new DeleteIncidentRecordCommand({ arn }));
    await expectAwsError(s.incidents.send(new GetIncidentRecordCommand({ arn })), 'ResourceNotFoundException', 404);
    const db = s.app.database.db;
    for (const table of ['timeline_events', 'related_items', 'findings'] as const) {
      assert.equal((await db.selectFrom(table).select('incident_arn').where('incident_arn', '=', arn).execute()).length, 0, table);
    }
    assert.equal((await db.selectFrom('tags').select('tag_key').where('resource_arn', '=', arn).execute()).length, 0);
    await s.incidents.send(new DeleteIncidentRecordCommand({ arn }));
    await expectAwsError(s.incidents.send(new DeleteIncidentRecordCommand({ arn: foreignIncidentArn() })), 'AccessDeniedException', 403);
    await expectAwsError(s.incidents.send(new ListRelatedItemsCommand({ incidentRecordArn: arn })), 'ValidationException', 400);
  });
});

describe('ListIncidentRecords', () => {
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  const arns: string[] = [];
  let t0: number;
  before(async () => {
    s = await startTestServer({ app: { clock } });
    const plan = await createPlan(s);
    t0 = clock.now().getTime();
    for (let i = 0; i < 5; i++) {
      clock.advance(60_000);
      arns.push(await startIncident(s, plan, { impact: (i % 3) + 1, title: `incident ${i}` }));
    }
    clock.advance(60_000);
    await s.incidents.send(new UpdateIncidentRecordCommand({ arn: arns[1], status: 'RESOLVED' }));
  });
  after(() => s.close());

  const titles = async (filters?: Filter[]) =>
    (await s.incidents.send(new ListIncidentRecordsCommand({ filters }))).incidentRecordSummaries!.map((r) => r.title);

  test('lists summaries newest first', async () => {
    const out = await s.incidents.send(new ListIncidentRecordsCommand({}));
    assert.deepEqual(out.incidentRecordSummaries!.map((r) => r.arn), [...arns].reverse());
    assert.equal(out.nextToken, undefined);
    const one = out.incidentRecordSummaries!.find((r) => r.arn === arns[1])!;
    assert.equal(one.status, 'RESOLVED');
    assert.ok(one.resolvedTime instanceof Date);
    assert.equal(one.incidentRecordSource?.source, 'aws.ssm-incidents.custom');
  });

  test('filters AND together while the values of one filter OR', async () => {
    assert.deepEqual(await titles([{ key: 'status', condition: { equals: { stringValues: ['RESOLVED'] } } }]), ['incident 1']);
    assert.deepEqual(await titles([{ key: 'impact', condition: { equals: { integerValues: [1, 3] } } }]), ['incident 3', 'incident 2', 'incident 0']);
    assert.deepEqual(await titles([
      { key: 'impact', condition: { equals: { integerValues: [1, 2] } } },
      { key: 'status', condition: { equals: { stringValues: ['OPEN'] } } },
    ]), ['incident 4', 'incident 3', 'incident 0']);
    assert.deepEqual(await titles([{ key: 'createdBy', condition: { equals: { stringValues: ['arn:aws:iam::000000000000:root'] } } }]), []);
    assert.equal((await titles([{ key: 'createdBy', condition: { equals: { stringValues: [`arn:aws:iam::${s.accountId}:root`] } } }])).length, 5);
  });

  test('filters creationTime and resolvedTime with before and after', async () => {
    assert.deepEqual(await titles([
      { key: 'creationTime', condition: { after: new Date(t0 + 90_000) } },
      { key: 'creationTime', condition: { before: new Date(t0 + 210_000) } },
    ]), ['incident 2', 'incident 1']);
    assert.deepEqual(await titles([{ key: 'resolvedTime', condition: { after: new Date(t0) } }]), ['incident 1']);
  });

  test('pages with maxResults and nextToken, unaffected by incidents started meanwhile', async () => {
    const first = await s.incidents.send(new ListIncidentRecordsCommand({ maxResults: 2 }));
    assert.deepEqual(first.incidentRecordSummaries!.map((r) => r.arn), [arns[4], arns[3]]);
    assert.ok(first.nextToken);
    const late = await startIncident(s, await createPlan(s));
    const seen: string[] = first.incidentRecordSummaries!.map((r) => r.arn!);
    for (let token: string | undefined = first.nextToken; token;) {
      const page: ListIncidentRecordsCommandOutput = await s.incidents.send(new ListIncidentRecordsCommand({ maxResults: 2, nextToken: token }));
      seen.push(...page.incidentRecordSummaries!.map((r) => r.arn!));
      token = page.nextToken;
    }
    assert.deepEqual(seen, [...arns].reverse());
    await s.incidents.send(new DeleteIncidentRecordCommand({ arn: late }));
  });

  test('refuses a bad nextToken, unknown keys and conditions that do not fit, naming the member', async () => {
    await expectAwsError(s.incidents.send(new ListIncidentRecordsCommand({ nextToken: 'garbage' })), 'ValidationException', 400, 'nextToken');
    const bad = (filters: Filter[]) => s.incidents.send(new ListIncidentRecordsCommand({ filters }));
    await expectAwsError(bad([{ key: 'colour', condition: { equals: { stringValues: ['red'] } } }]), 'ValidationException', 400, 'filters');
    await expectAwsError(bad([{ key: 'status', condition: { before: new Date() } }]), 'ValidationException', 400, 'filters');
    await expectAwsError(bad([{ key: 'status', condition: { equals: { stringValues: ['OPEN', 'FOO'] } } }]), 'ValidationException', 400, "'FOO'");
    await expectAwsError(bad([{ key: 'impact', condition: { equals: { stringValues: ['1'] } } }]), 'ValidationException', 400, 'filters');
    await expectAwsError(bad([{ key: 'creationTime', condition: { equals: { integerValues: [1] } } }]), 'ValidationException', 400, 'filters');
    await expectAwsError(bad([{ key: 'creationTime', condition: { before: new Date(), after: new Date() } as any }]), 'ValidationException', 400, 'filters');
    await expectAwsError(s.incidents.send(new ListIncidentRecordsCommand({ maxResults: 101 })), 'ValidationException', 400, 'maxResults');
  });
});
