/** Response plans through @aws-sdk/client-ssm-incidents: create, read back, list, update, delete. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateResponsePlanCommand, DeleteResponsePlanCommand, GetResourcePoliciesCommand, GetResponsePlanCommand,
  ListResponsePlansCommand, ListTagsForResourceCommand, PutResourcePolicyCommand, UpdateResponsePlanCommand,
  paginateListResponsePlans, type CreateResponsePlanCommandInput,
} from '@aws-sdk/client-ssm-incidents';
import { CreateContactCommand } from '@aws-sdk/client-ssm-contacts';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const A = '111122223333';
const contact = (alias: string) => `arn:aws:ssm-contacts:us-east-1:${A}:contact/${alias}`;
const topic = (name: string) => `arn:aws:sns:us-east-1:${A}:${name}`;

/** The body of WIRE.md's CreateResponsePlan example, plus a PagerDuty integration. */
const fullPlan = {
  name: 'myplan',
  incidentTemplate: {
    title: 'Site down', impact: 1, summary: 's', dedupeString: 'dd',
    notificationTargets: [{ snsTopicArn: topic('t') }], incidentTags: { team: 'a' },
  },
  displayName: 'My plan',
  chatChannel: { empty: {} },
  engagements: [contact('alice')],
  actions: [{
    ssmAutomation: {
      roleArn: `arn:aws:iam::${A}:role/r`, documentName: 'doc', documentVersion: '$DEFAULT',
      targetAccount: 'RESPONSE_PLAN_OWNER_ACCOUNT' as const, parameters: { p: ['v'] },
      dynamicParameters: { inc: { variable: 'INCIDENT_RECORD_ARN' as const } },
    },
  }],
  integrations: [{ pagerDutyConfiguration: { name: 'pd', secretId: 'pd-secret', pagerDutyIncidentConfiguration: { serviceId: 'PSERVICE' } } }],
  tags: { env: 'test' },
};

describe('response plans', () => {
  let s: TestServer;
  const create = (input: Partial<CreateResponsePlanCommandInput> & { name: string }) =>
    s.incidents.send(new CreateResponsePlanCommand({ incidentTemplate: { title: 'T', impact: 3 }, ...input } as CreateResponsePlanCommandInput));
  const get = async (arn: string) => {
    const { $metadata, ...plan } = await s.incidents.send(new GetResponsePlanCommand({ arn }));
    return plan;
  };
  before(async () => {
    s = await startTestServer();
    // The contacts the plans engage must exist.
    for (const alias of ['alice', 'a', 'b', 'c']) await s.contacts.send(new CreateContactCommand({ Alias: alias, Type: 'PERSONAL', Plan: { Stages: [] } }));
  });
  after(() => s.close());

  test('reads back every member of a full plan exactly as given, with its tags on the resource', async () => {
    const { arn } = await s.incidents.send(new CreateResponsePlanCommand(fullPlan));
    assert.equal(arn, `arn:aws:ssm-incidents::${A}:response-plan/myplan`);
    const { tags, ...members } = fullPlan;
    assert.deepEqual(await get(arn!), { arn, ...members });
    assert.deepEqual((await s.incidents.send(new ListTagsForResourceCommand({ resourceArn: arn! }))).tags, tags);
  });

  test('refuses a second plan with the same name with ConflictException', async () => {
    const err = await expectAwsError(create({ name: 'myplan' }), 'ConflictException', 409, 'myplan');
    assert.equal(err.resourceType, 'RESPONSE_PLAN');
  });

  test('refuses bad input with ValidationException naming the field', async () => {
    await expectAwsError(create({ name: 'bad name!' }), 'ValidationException', 400, 'name');
    await expectAwsError(create({ name: 'p', incidentTemplate: { title: 'T', impact: 9 } }), 'ValidationException', 400, 'incidentTemplate.impact');
    await expectAwsError(create({ name: 'p', engagements: ['a', 'b', 'c', 'd', 'e', 'f'].map(contact) }), 'ValidationException', 400, 'engagements');
    await expectAwsError(create({ name: 'p', chatChannel: { empty: {}, chatbotSns: [topic('c')] } as any }), 'ValidationException', 400, 'chatChannel');
    await expectAwsError(create({ name: 'p', incidentTemplate: undefined }), 'ValidationException', 400, 'incidentTemplate');
    await expectAwsError(create({ name: 'p', engagements: ['not-a-contact'] }), 'ValidationException', 400, 'engagements');
    await expectAwsError(create({ name: 'p', tags: { 'aws:x': 'y' } }), 'ValidationException', 400, 'tags');
    await expectAwsError(create({ name: 'x'.repeat(201) }), 'ValidationException', 400, 'name');
  });

  test('refuses engagements of contacts that do not exist in the account, on create and update', async () => {
    await expectAwsError(create({ name: 'ghost', engagements: [contact('ghost')] }), 'ValidationException', 400, `${contact('ghost')} is not a contact of account ${A}`);
    const { arn } = await create({ name: 'fine', engagements: [contact('a')] });
    await expectAwsError(s.incidents.send(new UpdateResponsePlanCommand({ arn, engagements: [contact('a'), contact('ghost')] })), 'ValidationException', 400, 'engagements');
    assert.deepEqual((await get(arn!)).engagements, [contact('a')]);
  });

  test('refuses what the model cannot say: repeated engagements or targets, a blank title, a chat topic that is not SNS', async () => {
    await expectAwsError(create({ name: 'p', engagements: [contact('a'), contact('a')] }), 'ValidationException', 400, 'engagements');
    const twice = [{ snsTopicArn: topic('t') }, { snsTopicArn: topic('t') }];
    await expectAwsError(create({ name: 'p', incidentTemplate: { title: 'T', impact: 3, notificationTargets: twice } }), 'ValidationException', 400, 'incidentTemplate.notificationTargets');
    await expectAwsError(create({ name: 'p', incidentTemplate: { title: '  ', impact: 3 } }), 'ValidationException', 400, 'incidentTemplate.title');
    await expectAwsError(create({ name: 'p', chatChannel: { chatbotSns: [`arn:aws:sqs:us-east-1:${A}:q`] } }), 'ValidationException', 400, 'chatChannel.chatbotSns');
    await expectAwsError(s.incidents.send(new GetResponsePlanCommand({ arn: `arn:aws:ssm-incidents::${A}:response-plan/p` })), 'ResourceNotFoundException', 404);
  });

  test('answers ResourceNotFoundException for an unknown plan and AccessDeniedException for another account\'s plan', async () => {
    const arn = `arn:aws:ssm-incidents::${A}:response-plan/nope`;
    const err = await expectAwsError(s.incidents.send(new GetResponsePlanCommand({ arn })), 'ResourceNotFoundException', 404, arn);
    assert.equal(err.resourceType, 'RESPONSE_PLAN');
    await expectAwsError(s.incidents.send(new UpdateResponsePlanCommand({ arn, displayName: 'x' })), 'ResourceNotFoundException', 404);
    const theirs = 'arn:aws:ssm-incidents::444455556666:response-plan/myplan';
    await expectAwsError(s.incidents.send(new GetResponsePlanCommand({ arn: theirs })), 'AccessDeniedException', 403, `ssm-incidents:GetResponsePlan on resource: ${theirs}`);
    await expectAwsError(s.incidents.send(new UpdateResponsePlanCommand({ arn: theirs, displayName: 'x' })), 'AccessDeniedException', 403);
  });

  test('applies a CreateResponsePlan retry once and refuses the token with other input', async () => {
    const input = { name: 'retried', incidentTemplate: { title: 'T', impact: 2 }, clientToken: 'create-1' };
    const first = await s.incidents.send(new CreateResponsePlanCommand(input));
    const again = await s.incidents.send(new CreateResponsePlanCommand(input));
    assert.equal(again.arn, first.arn);
    const names = (await s.incidents.send(new ListResponsePlansCommand({}))).responsePlanSummaries!.map((p) => p.name);
    assert.equal(names.filter((n) => n === 'retried').length, 1);
    await expectAwsError(s.incidents.send(new CreateResponsePlanCommand({ ...input, name: 'other' })), 'ConflictException', 409, 'clientToken');
    await expectAwsError(s.incidents.send(new GetResponsePlanCommand({ arn: `arn:aws:ssm-incidents::${A}:response-plan/other` })), 'ResourceNotFoundException', 404);
  });

  test('changes only the template members an update names', async () => {
    const { arn } = await create({ name: 'tmpl', displayName: 'D', incidentTemplate: { title: 'T', impact: 3, summary: 'S', dedupeString: 'd', incidentTags: { a: '1' }, notificationTargets: [{ snsTopicArn: topic('t') }] } });
    await s.incidents.send(new UpdateResponsePlanCommand({ arn, incidentTemplateTitle: 'T2', incidentTemplateImpact: 1 }));
    assert.deepEqual((await get(arn!)).incidentTemplate, { title: 'T2', impact: 1, summary: 'S', dedupeString: 'd', incidentTags: { a: '1' }, notificationTargets: [{ snsTopicArn: topic('t') }] });
    await s.incidents.send(new UpdateResponsePlanCommand({ arn, incidentTemplateSummary: 'S2', incidentTemplateDedupeString: 'd2', incidentTemplateTags: { b: '2' }, incidentTemplateNotificationTargets: [{ snsTopicArn: topic('u') }] }));
    assert.deepEqual((await get(arn!)).incidentTemplate, { title: 'T2', impact: 1, summary: 'S2', dedupeString: 'd2', incidentTags: { b: '2' }, notificationTargets: [{ snsTopicArn: topic('u') }] });
    assert.equal((await get(arn!)).displayName, 'D');
  });

  test('clears template members with empty values: tags {}, targets [], dedupe string and summary \'\'', async () => {
    const { arn } = await create({ name: 'clear-tmpl', incidentTemplate: { title: 'T', impact: 3, summary: 'S', dedupeString: 'd', incidentTags: { a: '1' }, notificationTargets: [{ snsTopicArn: topic('t') }] } });
    await s.incidents.send(new UpdateResponsePlanCommand({ arn, incidentTemplateTags: {}, incidentTemplateNotificationTargets: [], incidentTemplateDedupeString: '', incidentTemplateSummary: '' }));
    assert.deepEqual((await get(arn!)).incidentTemplate, { title: 'T', impact: 3 });
  });

  test('clears plan members with empty values: chat channel {empty:{}}, engagements, actions and integrations [], displayName \'\'', async () => {
    const { tags, name, ...members } = fullPlan;
    const { arn } = await create({ ...members, name: 'clear-plan', chatChannel: { chatbotSns: [topic('chat')] } });
    assert.deepEqual((await get(arn!)).chatChannel, { chatbotSns: [topic('chat')] });
    await s.incidents.send(new UpdateResponsePlanCommand({ arn, chatChannel: { empty: {} }, engagements: [], actions: [], integrations: [], displayName: '' }));
    const plan = await get(arn!);
    assert.deepEqual(plan, { arn, name: 'clear-plan', incidentTemplate: members.incidentTemplate, chatChannel: { empty: {} } });
  });

  test('replaces plan members an update gives and checks them like a create', async () => {
    const { arn } = await create({ name: 'replace', engagements: [contact('a')] });
    const actions = [{ ssmAutomation: { roleArn: `arn:aws:iam::${A}:role/x`, documentName: 'Runbook-1' } }];
    const integrations = [{ pagerDutyConfiguration: { name: 'n', secretId: 's', pagerDutyIncidentConfiguration: { serviceId: 'S' } } }];
    await s.incidents.send(new UpdateResponsePlanCommand({ arn, engagements: [contact('b'), contact('c')], actions, integrations, displayName: 'New', chatChannel: { chatbotSns: [topic('c')] } }));
    assert.deepEqual(await get(arn!), {
      arn, name: 'replace', displayName: 'New', incidentTemplate: { title: 'T', impact: 3 }, engagements: [contact('b'), contact('c')],
      actions, integrations, chatChannel: { chatbotSns: [topic('c')] },
    });
    await expectAwsError(s.incidents.send(new UpdateResponsePlanCommand({ arn, engagements: [contact('b'), contact('b')] })), 'ValidationException', 400, 'engagements');
    await expectAwsError(s.incidents.send(new UpdateResponsePlanCommand({ arn, incidentTemplateNotificationTargets: [{ snsTopicArn: topic('t') }, { snsTopicArn: topic('t') }] })), 'ValidationException', 400, 'incidentTemplateNotificationTargets');
    await expectAwsError(s.incidents.send(new UpdateResponsePlanCommand({ arn, incidentTemplateImpact: 0 })), 'ValidationException', 400, 'incidentTemplateImpact');
    await expectAwsError(s.incidents.send(new UpdateResponsePlanCommand({ arn, actions: [{}] as any })), 'ValidationException', 400, 'actions');
    assert.deepEqual((await get(arn!)).engagements, [contact('b'), contact('c')]);
  });

  test('applies an UpdateResponsePlan retry once and refuses the token with other input', async () => {
    const { arn } = await create({ name: 'upd-retry' });
    await s.incidents.send(new UpdateResponsePlanCommand({ arn, displayName: 'one', clientToken: 'u-1' }));
    await s.incidents.send(new UpdateResponsePlanCommand({ arn, displayName: 'two' }));
    await s.incidents.send(new UpdateResponsePlanCommand({ arn, displayName: 'one', clientToken: 'u-1' })); // the retry changes nothing
    assert.equal((await get(arn!)).displayName, 'two');
    await expectAwsError(s.incidents.send(new UpdateResponsePlanCommand({ arn, displayName: 'three', clientToken: 'u-1' })), 'ConflictException', 409, 'clientToken');
  });

  test('deletes a plan with its tags and policies, and deleting it again succeeds', async () => {
    const { arn } = await create({ name: 'doomed', tags: { a: 'b' } });
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Principal: '*' } });
    await s.incidents.send(new PutResourcePolicyCommand({ resourceArn: arn!, policy }));
    await s.incidents.send(new DeleteResponsePlanCommand({ arn: arn! }));
    await expectAwsError(s.incidents.send(new GetResponsePlanCommand({ arn: arn! })), 'ResourceNotFoundException', 404);
    await expectAwsError(s.incidents.send(new ListTagsForResourceCommand({ resourceArn: arn! })), 'ResourceNotFoundException', 404);
    await expectAwsError(s.incidents.send(new GetResourcePoliciesCommand({ resourceArn: arn! })), 'ResourceNotFoundException', 404);
    await s.incidents.send(new DeleteResponsePlanCommand({ arn: arn! }));
    await s.incidents.send(new DeleteResponsePlanCommand({ arn: `arn:aws:ssm-incidents::${A}:response-plan/never-was` }));
    const recreated = await create({ name: 'doomed' });
    assert.deepEqual((await s.incidents.send(new ListTagsForResourceCommand({ resourceArn: recreated.arn! }))).tags, {});
    await expectAwsError(s.incidents.send(new DeleteResponsePlanCommand({ arn: `arn:aws:ssm-incidents::${A}:replication-set/x` })), 'ValidationException', 400, 'arn');
  });
});

describe('ListResponsePlans', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    // The contacts the plans engage must exist.
    for (const alias of ['alice', 'a', 'b', 'c']) await s.contacts.send(new CreateContactCommand({ Alias: alias, Type: 'PERSONAL', Plan: { Stages: [] } }));
  });
  after(() => s.close());

  test('pages summaries in name order with maxResults and nextToken', async () => {
    for (const name of ['delta', 'Alpha', 'charlie', 'bravo', 'echo']) {
      await s.incidents.send(new CreateResponsePlanCommand({ name, displayName: name.toUpperCase(), incidentTemplate: { title: 'T', impact: 3 } }));
    }
    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await s.incidents.send(new ListResponsePlansCommand({ maxResults: 2, nextToken }));
      pages.push(page.responsePlanSummaries!.map((p) => p.name!));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(pages, [['Alpha', 'bravo'], ['charlie', 'delta'], ['echo']]);
    const all = [];
    for await (const page of paginateListResponsePlans({ client: s.incidents, pageSize: 3 }, {})) all.push(...page.responsePlanSummaries!);
    assert.deepEqual(all[0], { arn: `arn:aws:ssm-incidents::${A}:response-plan/Alpha`, name: 'Alpha', displayName: 'ALPHA' });
    assert.equal(all.length, 5);
    assert.equal((await s.incidents.send(new ListResponsePlansCommand({}))).nextToken, undefined);
  });

  test('refuses a nextToken it did not make, and maxResults out of range', async () => {
    await expectAwsError(s.incidents.send(new ListResponsePlansCommand({ nextToken: 'not-a-token' })), 'ValidationException', 400, 'nextToken');
    await expectAwsError(s.incidents.send(new ListResponsePlansCommand({ maxResults: 101 })), 'ValidationException', 400, 'maxResults');
  });
});
