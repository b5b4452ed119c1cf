/** Related items and findings of incidents through @aws-sdk/client-ssm-incidents. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BatchGetIncidentFindingsCommand, ListIncidentFindingsCommand, ListRelatedItemsCommand, UpdateRelatedItemsCommand,
  type ItemIdentifier, type RelatedItem,
} from '@aws-sdk/client-ssm-incidents';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { createPlan, foreignIncidentArn, startIncident } from '../helpers/incident-fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const generatedIdPattern = /^related-item\/(ANALYSIS|INCIDENT|METRIC|PARENT|ATTACHMENT|OTHER|AUTOMATION|INVOLVED_RESOURCE|TASK)\/[0-9A-F]{32}$/;

describe('related items', () => {
  let s: TestServer;
  let plan: string;
  before(async () => {
    s = await startTestServer();
    plan = await createPlan(s);
  });
  after(() => s.close());

  const list = async (incidentRecordArn: string) =>
    (await s.incidents.send(new ListRelatedItemsCommand({ incidentRecordArn }))).relatedItems!;
  const add = (incidentRecordArn: string, itemToAdd: RelatedItem, clientToken?: string) =>
    s.incidents.send(new UpdateRelatedItemsCommand({ incidentRecordArn, relatedItemsUpdate: { itemToAdd }, clientToken }));
  const remove = (incidentRecordArn: string, itemToRemove: ItemIdentifier) =>
    s.incidents.send(new UpdateRelatedItemsCommand({ incidentRecordArn, relatedItemsUpdate: { itemToRemove } }));

  test('items given at start are listed, with a generatedId made when none was given', async () => {
    const given = 'related-item/ANALYSIS/0123456789ABCDEF0123456789ABCDEF';
    const arn = await startIncident(s, plan, {
      relatedItems: [
        { title: 'Dashboard', identifier: { type: 'METRIC', value: { url: 'https://grafana.example.com/d/api' } } },
        { generatedId: given, identifier: { type: 'ANALYSIS', value: { arn: 'arn:aws:ssm-incidents::111122223333:incident-record/p/x' } } },
      ],
    });
    const items = await list(arn);
    assert.equal(items.length, 2);
    assert.match(items[0]!.generatedId!, generatedIdPattern);
    assert.ok(items[0]!.generatedId!.startsWith('related-item/METRIC/'));
    assert.deepEqual(items[0]!.identifier, { type: 'METRIC', value: { url: 'https://grafana.example.com/d/api' } });
    assert.equal(items[0]!.title, 'Dashboard');
    assert.equal(items[1]!.generatedId, given);
  });

  test('StartIncident refuses the same item twice and a malformed generatedId', async () => {
    const same = { identifier: { type: 'OTHER' as const, value: { url: 'https://x.example.com' } } };
    await expectAwsError(startIncident(s, plan, { relatedItems: [same, same] }), 'ValidationException', 400, 'relatedItems');
    await expectAwsError(startIncident(s, plan, { relatedItems: [{ ...same, generatedId: 'related-item/OTHER/abc' }] }), 'ValidationException', 400, 'generatedId');
  });

  test('UpdateRelatedItems adds every kind of item value and returns it as given', async () => {
    const arn = await startIncident(s, plan);
    const values: ItemIdentifier[] = [
      { type: 'INVOLVED_RESOURCE', value: { arn: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abc' } },
      { type: 'ATTACHMENT', value: { url: 'https://files.example.com/log.txt' } },
      { type: 'METRIC', value: { metricDefinition: '{"metrics":[["AWS/EC2","CPUUtilization"]]}' } },
      { type: 'INCIDENT', value: { pagerDutyIncidentDetail: { id: 'PD123', autoResolve: true, secretId: 'pd-secret' } } },
    ];
    for (const identifier of values) await add(arn, { identifier, title: identifier.type });
    const items = await list(arn);
    assert.deepEqual(items.map((i) => i.identifier), values);
    assert.deepEqual(items.map((i) => i.title), values.map((v) => v.type));
    for (const item of items) assert.match(item.generatedId!, generatedIdPattern);
  });

  test('adding an item that is already there is ConflictException; a retried add with its clientToken is not', async () => {
    const arn = await startIncident(s, plan);
    const item = { identifier: { type: 'TASK' as const, value: { url: 'https://jira.example.com/OPS-1' } } };
    await add(arn, item, 'add-1');
    await add(arn, item, 'add-1');
    assert.equal((await list(arn)).length, 1);
    await expectAwsError(add(arn, { ...item, title: 'again' }), 'ConflictException', 409, 'already');
  });

  test('UpdateRelatedItems refuses a generatedId, an update with both members, and a missing update', async () => {
    const arn = await startIncident(s, plan);
    const identifier = { type: 'OTHER' as const, value: { url: 'https://x.example.com' } };
    await expectAwsError(add(arn, { identifier, generatedId: 'related-item/OTHER/0123456789ABCDEF0123456789ABCDEF' }), 'ValidationException', 400, 'generatedId');
    await expectAwsError(s.incidents.send(new UpdateRelatedItemsCommand({ incidentRecordArn: arn, relatedItemsUpdate: { itemToAdd: { identifier }, itemToRemove: identifier } as any })), 'ValidationException', 400, 'relatedItemsUpdate');
    await expectAwsError(s.incidents.send(new UpdateRelatedItemsCommand({ incidentRecordArn: arn } as any)), 'ValidationException', 400, 'relatedItemsUpdate');
    await expectAwsError(add(arn, { identifier: { type: 'OTHER', value: { url: 'u'.repeat(1001) } } }), 'ValidationException', 400, 'url');
  });

  test('itemToRemove removes the item with that type and value, and an absent one is ResourceNotFoundException', async () => {
    const arn = await startIncident(s, plan);
    const keep = { type: 'OTHER' as const, value: { url: 'https://keep.example.com' } };
    const drop = { type: 'OTHER' as const, value: { url: 'https://drop.example.com' } };
    await add(arn, { identifier: keep });
    await add(arn, { identifier: drop, title: 'to remove' });
    await remove(arn, drop);
    assert.deepEqual((await list(arn)).map((i) => i.identifier), [keep]);
    await expectAwsError(remove(arn, drop), 'ResourceNotFoundException', 404, 'itemToRemove');
    await expectAwsError(remove(arn, { type: 'ATTACHMENT', value: keep.value }), 'ResourceNotFoundException', 404);
  });

  test('ListRelatedItems pages in the order items were added', async () => {
    const arn = await startIncident(s, plan);
    for (let i = 0; i < 5; i++) await add(arn, { identifier: { type: 'OTHER', value: { url: `https://x.example.com/${i}` } } });
    const urls: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await s.incidents.send(new ListRelatedItemsCommand({ incidentRecordArn: arn, maxResults: 2, nextToken }));
      urls.push(...page.relatedItems!.map((i) => i.identifier!.value!.url!));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(urls, [0, 1, 2, 3, 4].map((i) => `https://x.example.com/${i}`));
    await expectAwsError(s.incidents.send(new ListRelatedItemsCommand({ incidentRecordArn: arn, nextToken: 'xyz' })), 'ValidationException', 400, 'nextToken');
  });

  test('unknown incidents: ListRelatedItems is ValidationException, UpdateRelatedItems ResourceNotFoundException', async () => {
    const unknown = `arn:aws:ssm-incidents::${s.accountId}:incident-record/p/00000000-0000-4000-8000-000000000000`;
    await expectAwsError(list(unknown), 'ValidationException', 400, unknown);
    const err = await expectAwsError(add(unknown, { identifier: { type: 'OTHER', value: { url: 'https://x' } } }), 'ResourceNotFoundException', 404);
    assert.equal(err.resourceType, 'INCIDENT_RECORD');
    await expectAwsError(add(foreignIncidentArn(), { identifier: { type: 'OTHER', value: { url: 'https://x' } } }), 'AccessDeniedException', 403);
  });
});

describe('findings', () => {
  let s: TestServer;
  let arn: string;
  before(async () => {
    s = await startTestServer();
    arn = await startIncident(s, await createPlan(s));
  });
  after(() => s.close());

  test('an incident has no findings until a source records some', async () => {
    const out = await s.incidents.send(new ListIncidentFindingsCommand({ incidentRecordArn: arn }));
    assert.deepEqual(out.findings, []);
    assert.equal(out.nextToken, undefined);
    const batch = await s.incidents.send(new BatchGetIncidentFindingsCommand({ incidentRecordArn: arn, findingIds: ['f-1', 'f-2'] }));
    assert.deepEqual(batch.findings, []);
    assert.deepEqual(batch.errors!.map((e) => [e.findingId, e.code]), [['f-1', 'ResourceNotFoundException'], ['f-2', 'ResourceNotFoundException']]);
    assert.ok(batch.errors!.every((e) => e.message!.includes(e.findingId!)));
  });

  test('findings recorded in the findings table are listed and returned', async () => {
    const created = Date.UTC(2025, 0, 2, 3, 4, 5);
    const details = { codeDeployDeployment: { deploymentGroupArn: 'arn:aws:codedeploy:us-east-1:111122223333:deploymentgroup:app/web', deploymentId: 'd-1', startTime: created / 1000 } };
    await s.app.database.write((trx) => trx.insertInto('findings').values([
      { incident_arn: arn, finding_id: 'deploy-1', details: JSON.stringify(details), created_at: created, last_modified_at: created },
      { incident_arn: arn, finding_id: 'deploy-2', details: null, created_at: created, last_modified_at: created },
    ]).execute());
    const first = await s.incidents.send(new ListIncidentFindingsCommand({ incidentRecordArn: arn, maxResults: 1 }));
    assert.deepEqual(first.findings, [{ id: 'deploy-1', lastModifiedTime: new Date(created) }]);
    const second = await s.incidents.send(new ListIncidentFindingsCommand({ incidentRecordArn: arn, maxResults: 1, nextToken: first.nextToken }));
    assert.deepEqual(second.findings!.map((f) => f.id), ['deploy-2']);
    assert.equal(second.nextToken, undefined);
    const batch = await s.incidents.send(new BatchGetIncidentFindingsCommand({ incidentRecordArn: arn, findingIds: ['deploy-1', 'gone'] }));
    assert.equal(batch.findings!.length, 1);
    assert.equal(batch.findings![0]!.id, 'deploy-1');
    assert.equal(batch.findings![0]!.details!.codeDeployDeployment!.deploymentId, 'd-1');
    assert.equal(batch.findings![0]!.details!.codeDeployDeployment!.startTime!.getTime(), created);
    assert.equal(batch.findings![0]!.creationTime!.getTime(), created);
    assert.deepEqual(batch.errors!.map((e) => e.findingId), ['gone']);
  });

  test('findings of unknown incidents are ResourceNotFoundException, and bad requests ValidationException', async () => {
    const unknown = `arn:aws:ssm-incidents::${s.accountId}:incident-record/p/00000000-0000-4000-8000-000000000000`;
    await expectAwsError(s.incidents.send(new ListIncidentFindingsCommand({ incidentRecordArn: unknown })), 'ResourceNotFoundException', 404);
    await expectAwsError(s.incidents.send(new BatchGetIncidentFindingsCommand({ incidentRecordArn: foreignIncidentArn(), findingIds: ['f'] })), 'AccessDeniedException', 403);
    await expectAwsError(s.incidents.send(new ListIncidentFindingsCommand({ incidentRecordArn: arn, maxResults: 21 })), 'ValidationException', 400, 'maxResults');
    await expectAwsError(s.incidents.send(new BatchGetIncidentFindingsCommand({ incidentRecordArn: arn, findingIds: Array.from({ length: 21 }, (_, i) => `f${i}`) })), 'ValidationException', 400, 'findingIds');
  });
});
