/** Incident timelines through @aws-sdk/client-ssm-incidents: custom events, notes, service events. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateTimelineEventCommand, DeleteTimelineEventCommand, GetTimelineEventCommand, ListTimelineEventsCommand,
  UpdateIncidentRecordCommand, UpdateTimelineEventCommand, type Filter, type ListTimelineEventsCommandInput,
} from '@aws-sdk/client-ssm-incidents';
import { ManualClock } from '../../src/time/clock.js';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { createPlan, foreignIncidentArn, startIncident } from '../helpers/incident-fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const bucket = 'arn:aws:s3:::incident-evidence';
const runbookUrl = 'https://wiki.example.com/runbook';

describe('incident timelines', () => {
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  let plan: string;
  before(async () => {
    s = await startTestServer({ app: { clock } });
    plan = await createPlan(s, { title: 'Latency', impact: 3 });
  });
  after(() => s.close());

  const create = (incidentRecordArn: string, extra: Partial<{ eventType: string; eventTime: Date; eventData: string; eventReferences: any[]; clientToken: string }> = {}) =>
    s.incidents.send(new CreateTimelineEventCommand({ incidentRecordArn, eventType: 'Custom Event', eventTime: clock.now(), eventData: '"Rolled back"', ...extra }));
  const get = async (incidentRecordArn: string, eventId: string) =>
    (await s.incidents.send(new GetTimelineEventCommand({ incidentRecordArn, eventId }))).event!;
  const types = async (input: ListTimelineEventsCommandInput) =>
    (await s.incidents.send(new ListTimelineEventsCommand(input))).eventSummaries!.map((e) => e.eventType);
  const relatedItemId = 'related-item/OTHER/0123456789ABCDEF0123456789ABCDEF';
  const withRunbook = () => startIncident(s, plan, {
    relatedItems: [{ generatedId: relatedItemId, identifier: { type: 'OTHER', value: { url: runbookUrl } } }],
  });

  test('the incident starts with the service\'s trigger event carrying the trigger', async () => {
    const arn = await startIncident(s, plan, { title: 'Slow API', triggerDetails: { source: 'aws.cloudwatch', timestamp: clock.now(), triggerArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:api' } });
    const [summary] = (await s.incidents.send(new ListTimelineEventsCommand({ incidentRecordArn: arn }))).eventSummaries!;
    assert.equal(summary!.eventType, 'SSM Incident Trigger');
    assert.equal(summary!.eventTime!.getTime(), clock.now().getTime());
    const data = JSON.parse((await get(arn, summary!.eventId!)).eventData!);
    assert.deepEqual([data.source, data.title, data.impact, data.triggerArn], ['aws.cloudwatch', 'Slow API', 3, 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:api']);
  });

  test('CreateTimelineEvent adds custom events and notes that GetTimelineEvent returns in full', async () => {
    const arn = await withRunbook();
    const at = new Date(clock.now().getTime() - 30_000);
    const refs = [{ resource: bucket }, { relatedItemId }];
    const out = await create(arn, { eventType: 'Note', eventTime: at, eventData: '"Paged the DBA"', eventReferences: refs });
    assert.equal(out.incidentRecordArn, arn);
    assert.match(out.eventId!, /^[0-9a-f-]{36}$/);
    const event = await get(arn, out.eventId!);
    assert.deepEqual(event, {
      incidentRecordArn: arn, eventId: out.eventId, eventType: 'Note', eventTime: at, eventUpdatedTime: clock.now(),
      eventData: '"Paged the DBA"', eventReferences: refs,
    });
  });

  test('CreateTimelineEvent refuses other event types and references to related items the incident lacks', async () => {
    const arn = await startIncident(s, plan);
    await expectAwsError(create(arn, { eventType: 'SSM Incident Trigger' }), 'ValidationException', 400, 'eventType');
    await expectAwsError(create(arn, { eventReferences: [{ relatedItemId }] }), 'ValidationException', 400, 'eventReferences');
    await expectAwsError(create(arn, { eventReferences: [{ resource: bucket, relatedItemId }] }), 'ValidationException', 400, 'eventReferences');
    await expectAwsError(create(arn, { eventData: 'x'.repeat(12001) }), 'ValidationException', 400, 'eventData');
    await expectAwsError(s.incidents.send(new CreateTimelineEventCommand({ incidentRecordArn: arn, eventType: 'Note', eventData: '"x"' } as any)), 'ValidationException', 400, 'eventTime');
    const unknown = `arn:aws:ssm-incidents::${s.accountId}:incident-record/p/00000000-0000-4000-8000-000000000000`;
    const err = await expectAwsError(create(unknown), 'ResourceNotFoundException', 404);
    assert.equal(err.resourceType, 'INCIDENT_RECORD');
    await expectAwsError(create(foreignIncidentArn()), 'AccessDeniedException', 403);
  });

  test('a retried CreateTimelineEvent with the same clientToken adds one event', async () => {
    const arn = await startIncident(s, plan);
    const a = await create(arn, { clientToken: 'note-1' });
    const b = await create(arn, { clientToken: 'note-1' });
    assert.equal(b.eventId, a.eventId);
    assert.equal((await types({ incidentRecordArn: arn })).length, 2);
    await expectAwsError(create(arn, { clientToken: 'note-1', eventData: '"changed"' }), 'ConflictException', 409, 'clientToken');
  });

  test('ListTimelineEvents sorts by event time, newest first by default, and pages', async () => {
    const arn = await startIncident(s, plan);
    const base = clock.now().getTime();
    for (const [i, type] of ['Note', 'Custom Event', 'Note'].entries()) await create(arn, { eventType: type, eventTime: new Date(base - (i + 1) * 60_000), eventData: `"${i}"` });
    assert.deepEqual(await types({ incidentRecordArn: arn }), ['SSM Incident Trigger', 'Note', 'Custom Event', 'Note']);
    const ascending = await types({ incidentRecordArn: arn, sortBy: 'EVENT_TIME', sortOrder: 'ASCENDING' });
    assert.deepEqual(ascending, ['Note', 'Custom Event', 'Note', 'SSM Incident Trigger']);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await s.incidents.send(new ListTimelineEventsCommand({ incidentRecordArn: arn, sortOrder: 'ASCENDING', maxResults: 3, nextToken }));
      assert.ok(page.eventSummaries!.length <= 3);
      seen.push(...page.eventSummaries!.map((e) => e.eventType!));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(seen, ascending);
    const first = await s.incidents.send(new ListTimelineEventsCommand({ incidentRecordArn: arn, maxResults: 1 }));
    await expectAwsError(s.incidents.send(new ListTimelineEventsCommand({ incidentRecordArn: arn, sortOrder: 'ASCENDING', nextToken: first.nextToken })), 'ValidationException', 400, 'nextToken');
    await expectAwsError(s.incidents.send(new ListTimelineEventsCommand({ incidentRecordArn: arn, nextToken: 'bm9wZQ' })), 'ValidationException', 400, 'nextToken');
  });

  test('ListTimelineEvents filters by eventTime, eventType and eventReference', async () => {
    const arn = await withRunbook();
    const base = clock.now().getTime();
    await create(arn, { eventType: 'Note', eventTime: new Date(base - 120_000), eventReferences: [{ resource: bucket }] });
    await create(arn, { eventType: 'Custom Event', eventTime: new Date(base - 60_000), eventReferences: [{ relatedItemId }] });
    const only = (filters: Filter[]) => types({ incidentRecordArn: arn, filters });
    assert.deepEqual(await only([{ key: 'eventType', condition: { equals: { stringValues: ['Note', 'Custom Event'] } } }]), ['Custom Event', 'Note']);
    assert.deepEqual(await only([{ key: 'eventTime', condition: { before: new Date(base - 90_000) } }]), ['Note']);
    assert.deepEqual(await only([{ key: 'eventTime', condition: { after: new Date(base - 90_000) } }]), ['SSM Incident Trigger', 'Custom Event']);
    assert.deepEqual(await only([{ key: 'eventReference', condition: { equals: { stringValues: [bucket] } } }]), ['Note']);
    assert.deepEqual(await only([{ key: 'eventReference', condition: { equals: { stringValues: [relatedItemId, bucket] } } }]), ['Custom Event', 'Note']);
    assert.deepEqual(await only([{ key: 'eventReference', condition: { equals: { stringValues: ['arn:aws:s3:::incident'] } } }]), []);
    await expectAwsError(only([{ key: 'eventType', condition: { after: new Date() } }]), 'ValidationException', 400, 'filters');
    await expectAwsError(only([{ key: 'status', condition: { equals: { stringValues: ['OPEN'] } } }]), 'ValidationException', 400, 'filters');
  });

  test('UpdateTimelineEvent changes only the given members and replaces the references', async () => {
    const arn = await withRunbook();
    const at = clock.now();
    const { eventId } = await create(arn, { eventReferences: [{ resource: bucket }, { relatedItemId }] });
    clock.advance(5_000);
    await s.incidents.send(new UpdateTimelineEventCommand({ incidentRecordArn: arn, eventId, eventData: '"Rolled back v42"', eventReferences: [{ relatedItemId }] }));
    const event = await get(arn, eventId!);
    assert.deepEqual([event.eventType, event.eventTime, event.eventData, event.eventReferences], ['Custom Event', at, '"Rolled back v42"', [{ relatedItemId }]]);
    assert.equal(event.eventUpdatedTime!.getTime(), clock.now().getTime());
    await s.incidents.send(new UpdateTimelineEventCommand({ incidentRecordArn: arn, eventId, eventType: 'Note' }));
    assert.equal((await get(arn, eventId!)).eventType, 'Note');
    await expectAwsError(s.incidents.send(new UpdateTimelineEventCommand({ incidentRecordArn: arn, eventId, eventType: 'Alarm' })), 'ValidationException', 400, 'eventType');
  });

  test('service-written events can be neither updated nor deleted', async () => {
    const arn = await startIncident(s, plan);
    const [trigger] = (await s.incidents.send(new ListTimelineEventsCommand({ incidentRecordArn: arn }))).eventSummaries!;
    await expectAwsError(s.incidents.send(new UpdateTimelineEventCommand({ incidentRecordArn: arn, eventId: trigger!.eventId, eventData: '"x"' })), 'ValidationException', 400, 'eventId');
    await expectAwsError(s.incidents.send(new DeleteTimelineEventCommand({ incidentRecordArn: arn, eventId: trigger!.eventId })), 'ValidationException', 400, 'eventId');
  });

  test('UpdateIncidentRecord writes an update event listing each changed attribute old to new', async () => {
    const arn = await startIncident(s, plan);
    await s.incidents.send(new UpdateIncidentRecordCommand({ arn, title: 'Latency in eu-west-1', impact: 3, status: 'RESOLVED' }));
    await s.incidents.send(new UpdateIncidentRecordCommand({ arn, impact: 3 }));
    const events = (await s.incidents.send(new ListTimelineEventsCommand({ incidentRecordArn: arn, filters: [{ key: 'eventType', condition: { equals: { stringValues: ['SSM Incident Record Update'] } } }] }))).eventSummaries!;
    assert.equal(events.length, 1, 'an update that changes nothing writes no event');
    const data = JSON.parse((await get(arn, events[0]!.eventId!)).eventData!);
    assert.equal(data.modifiedBy, `arn:aws:iam::${s.accountId}:root`);
    assert.deepEqual(data.modifiedAttributes, [
      { attributeName: 'title', previousValue: 'Latency', newValue: 'Latency in eu-west-1' },
      { attributeName: 'status', previousValue: 'OPEN', newValue: 'RESOLVED' },
    ]);
  });

  test('unknown events and incidents give the errors each operation models', async () => {
    const arn = await startIncident(s, plan);
    const missing = '00000000-0000-4000-8000-000000000000';
    const err = await expectAwsError(s.incidents.send(new GetTimelineEventCommand({ incidentRecordArn: arn, eventId: missing })), 'ResourceNotFoundException', 404, missing);
    assert.equal(err.resourceType, 'TIMELINE_EVENT');
    const upd = await expectAwsError(s.incidents.send(new UpdateTimelineEventCommand({ incidentRecordArn: arn, eventId: missing, eventData: '"x"' })), 'ResourceNotFoundException', 404);
    assert.equal(upd.resourceType, 'TIMELINE_EVENT');
    await s.incidents.send(new DeleteTimelineEventCommand({ incidentRecordArn: arn, eventId: missing }));
    const unknown = `arn:aws:ssm-incidents::${s.accountId}:incident-record/p/00000000-0000-4000-8000-000000000000`;
    const inc = await expectAwsError(s.incidents.send(new GetTimelineEventCommand({ incidentRecordArn: unknown, eventId: missing })), 'ResourceNotFoundException', 404);
    assert.equal(inc.resourceType, 'INCIDENT_RECORD');
    await expectAwsError(s.incidents.send(new ListTimelineEventsCommand({ incidentRecordArn: unknown })), 'ValidationException', 400, unknown);
    await expectAwsError(s.incidents.send(new DeleteTimelineEventCommand({ incidentRecordArn: unknown, eventId: missing })), 'ValidationException', 400, unknown);
  });

  test('DeleteTimelineEvent removes a custom event', async () => {
    const arn = await startIncident(s, plan);
    const { eventId } = await create(arn);
    await s.incidents.send(new DeleteTimelineEventCommand({ incidentRecordArn: arn, eventId }));
    await expectAwsError(s.incidents.send(new GetTimelineEventCommand({ incidentRecordArn: arn, eventId })), 'ResourceNotFoundException', 404);
    assert.deepEqual(await types({ incidentRecordArn: arn }), ['SSM Incident Trigger']);
  });
});
