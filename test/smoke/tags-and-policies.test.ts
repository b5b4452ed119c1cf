/** Tags and resource policies through @aws-sdk/client-ssm-incidents. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateResponsePlanCommand, DeleteResourcePolicyCommand, GetResourcePoliciesCommand, ListReplicationSetsCommand,
  ListTagsForResourceCommand, PutResourcePolicyCommand, StartIncidentCommand, TagResourceCommand, UntagResourceCommand,
  paginateGetResourcePolicies,
} from '@aws-sdk/client-ssm-incidents';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const A = '111122223333';
const template = { title: 'T', impact: 3 };
const policy = (sid: string) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: sid, Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: ['ssm-incidents:GetResponsePlan'], Resource: '*' }],
});

describe('tags', () => {
  let s: TestServer;
  let planArn: string;
  const tagsOf = async (resourceArn: string) => (await s.incidents.send(new ListTagsForResourceCommand({ resourceArn }))).tags;
  before(async () => {
    s = await startTestServer();
    planArn = (await s.incidents.send(new CreateResponsePlanCommand({ name: 'tagged', incidentTemplate: template, tags: { env: 'prod' } }))).arn!;
  });
  after(() => s.close());

  test('adds, overwrites, lists and removes the tags of a response plan', async () => {
    assert.deepEqual(await tagsOf(planArn), { env: 'prod' });
    await s.incidents.send(new TagResourceCommand({ resourceArn: planArn, tags: { env: 'staging', 'team name': 'on call', 'a:b=c@d.e+f-/_': '' } }));
    assert.deepEqual(await tagsOf(planArn), { env: 'staging', 'team name': 'on call', 'a:b=c@d.e+f-/_': '' });
    await s.incidents.send(new UntagResourceCommand({ resourceArn: planArn, tagKeys: ['team name', 'absent'] }));
    assert.deepEqual(await tagsOf(planArn), { env: 'staging', 'a:b=c@d.e+f-/_': '' });
    await s.incidents.send(new UntagResourceCommand({ resourceArn: planArn, tagKeys: ['a:b=c@d.e+f-/_'] }));
    assert.deepEqual(await tagsOf(planArn), { env: 'staging' });
  });

  test('tags incident records and the replication set', async () => {
    const { incidentRecordArn } = await s.incidents.send(new StartIncidentCommand({ responsePlanArn: planArn }));
    await s.incidents.send(new TagResourceCommand({ resourceArn: incidentRecordArn!, tags: { sev: 'high' } }));
    assert.equal((await tagsOf(incidentRecordArn!))!.sev, 'high');
    await s.incidents.send(new UntagResourceCommand({ resourceArn: incidentRecordArn!, tagKeys: ['sev'] }));
    assert.equal((await tagsOf(incidentRecordArn!))!.sev, undefined);
    const [setArn] = (await s.incidents.send(new ListReplicationSetsCommand({}))).replicationSetArns!;
    await s.incidents.send(new TagResourceCommand({ resourceArn: setArn!, tags: { owner: 'sre' } }));
    assert.deepEqual(await tagsOf(setArn!), { owner: 'sre' });
  });

  test('answers ResourceNotFoundException for an unknown resource and AccessDeniedException for another account\'s', async () => {
    const unknown = [
      `arn:aws:ssm-incidents::${A}:response-plan/nope`,
      `arn:aws:ssm-incidents::${A}:incident-record/tagged/00000000-0000-0000-0000-000000000000`,
      `arn:aws:ssm-incidents::${A}:replication-set/00000000-0000-0000-0000-000000000000`,
    ];
    for (const resourceArn of unknown) {
      await expectAwsError(s.incidents.send(new ListTagsForResourceCommand({ resourceArn })), 'ResourceNotFoundException', 404, resourceArn);
      await expectAwsError(s.incidents.send(new TagResourceCommand({ resourceArn, tags: { a: 'b' } })), 'ResourceNotFoundException', 404, resourceArn);
      await expectAwsError(s.incidents.send(new UntagResourceCommand({ resourceArn, tagKeys: ['a'] })), 'ResourceNotFoundException', 404, resourceArn);
    }
    const theirs = 'arn:aws:ssm-incidents::444455556666:response-plan/tagged';
    await expectAwsError(s.incidents.send(new ListTagsForResourceCommand({ resourceArn: theirs })), 'AccessDeniedException', 403, theirs);
    await expectAwsError(s.incidents.send(new TagResourceCommand({ resourceArn: theirs, tags: { a: 'b' } })), 'AccessDeniedException', 403, theirs);
    await expectAwsError(s.incidents.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:sns:us-east-1:${A}:t` })), 'ValidationException', 400, 'resourceArn');
  });

  test('refuses keys with the aws: prefix and bad characters, and empty tag maps', async () => {
    await expectAwsError(s.incidents.send(new TagResourceCommand({ resourceArn: planArn, tags: { 'aws:owner': 'x' } })), 'ValidationException', 400, 'tags');
    await expectAwsError(s.incidents.send(new TagResourceCommand({ resourceArn: planArn, tags: { 'bad!key': 'x' } })), 'ValidationException', 400, 'tags');
    await expectAwsError(s.incidents.send(new TagResourceCommand({ resourceArn: planArn, tags: { k: 'v'.repeat(257) } })), 'ValidationException', 400, 'tags.k');
    await expectAwsError(s.incidents.send(new TagResourceCommand({ resourceArn: planArn, tags: {} })), 'ValidationException', 400, 'tags');
  });

  test('allows 50 tags on a resource and answers ServiceQuotaExceededException past them', async () => {
    const { arn } = await s.incidents.send(new CreateResponsePlanCommand({ name: 'many-tags', incidentTemplate: template }));
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, `v${i}`]));
    await s.incidents.send(new TagResourceCommand({ resourceArn: arn!, tags: fifty }));
    await s.incidents.send(new TagResourceCommand({ resourceArn: arn!, tags: { k0: 'changed' } }));
    const err = await expectAwsError(s.incidents.send(new TagResourceCommand({ resourceArn: arn!, tags: { k50: 'x' } })), 'ServiceQuotaExceededException', 402, '50');
    assert.equal(err.serviceCode, 'ssm-incidents');
    assert.equal(err.quotaCode, 'TagsPerResource');
    assert.equal(err.resourceType, 'RESPONSE_PLAN');
    const tags = await tagsOf(arn!);
    assert.equal(Object.keys(tags!).length, 50);
    assert.equal(tags!.k0, 'changed');
  });
});

describe('resource policies', () => {
  let s: TestServer;
  let planArn: string;
  before(async () => {
    s = await startTestServer();
    planArn = (await s.incidents.send(new CreateResponsePlanCommand({ name: 'shared', incidentTemplate: template }))).arn!;
  });
  after(() => s.close());

  test('puts a policy under a new 32-hex-digit id and reads it back with the server region', async () => {
    const { policyId } = await s.incidents.send(new PutResourcePolicyCommand({ resourceArn: planArn, policy: policy('one') }));
    assert.match(policyId!, /^[0-9a-f]{32}$/);
    const out = await s.incidents.send(new GetResourcePoliciesCommand({ resourceArn: planArn }));
    assert.deepEqual(out.resourcePolicies, [{ policyId, policyDocument: policy('one'), ramResourceShareRegion: 'us-east-1' }]);
    assert.equal(out.nextToken, undefined);
    await s.incidents.send(new DeleteResourcePolicyCommand({ resourceArn: planArn, policyId }));
    assert.deepEqual((await s.incidents.send(new GetResourcePoliciesCommand({ resourceArn: planArn }))).resourcePolicies, []);
  });

  test('pages several policies with maxResults and nextToken', async () => {
    const ids: string[] = [];
    for (const sid of ['a', 'b', 'c']) ids.push((await s.incidents.send(new PutResourcePolicyCommand({ resourceArn: planArn, policy: policy(sid) }))).policyId!);
    const first = await s.incidents.send(new GetResourcePoliciesCommand({ resourceArn: planArn, maxResults: 2 }));
    assert.equal(first.resourcePolicies!.length, 2);
    assert.ok(first.nextToken);
    const second = await s.incidents.send(new GetResourcePoliciesCommand({ resourceArn: planArn, maxResults: 2, nextToken: first.nextToken }));
    assert.equal(second.resourcePolicies!.length, 1);
    assert.equal(second.nextToken, undefined);
    const seen = [...first.resourcePolicies!, ...second.resourcePolicies!].map((p) => p.policyId!);
    assert.deepEqual([...seen].sort(), [...ids].sort());
    const all = [];
    for await (const page of paginateGetResourcePolicies({ client: s.incidents, pageSize: 1 }, { resourceArn: planArn })) all.push(...page.resourcePolicies!);
    assert.equal(all.length, 3);
    await expectAwsError(s.incidents.send(new GetResourcePoliciesCommand({ resourceArn: planArn, nextToken: 'bogus' })), 'ValidationException', 400, 'nextToken');
    for (const policyId of ids) await s.incidents.send(new DeleteResourcePolicyCommand({ resourceArn: planArn, policyId }));
  });

  test('refuses documents that are not a policy with ValidationException naming policy', async () => {
    const bad = ['not json', '[]', '"text"', '{}', '{"Statement":[{"Effect":"Allow"}]}', '{"Version":"2012-10-17"}',
      '{"Version":"2012-10-17","Statement":[]}', '{"Version":"2012-10-17","Statement":"Allow"}', '{"Version":"2012-10-17","Statement":[1]}'];
    for (const doc of bad) {
      await expectAwsError(s.incidents.send(new PutResourcePolicyCommand({ resourceArn: planArn, policy: doc })), 'ValidationException', 400, 'policy');
    }
    await expectAwsError(s.incidents.send(new PutResourcePolicyCommand({ resourceArn: planArn, policy: 'x'.repeat(4001) })), 'ValidationException', 400, 'policy');
    const single = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*"}}';
    const { policyId } = await s.incidents.send(new PutResourcePolicyCommand({ resourceArn: planArn, policy: single }));
    await s.incidents.send(new DeleteResourcePolicyCommand({ resourceArn: planArn, policyId }));
  });

  test('answers ResourceNotFoundException for a plan that is not the caller\'s, and ValidationException for what is not a plan', async () => {
    const { incidentRecordArn } = await s.incidents.send(new StartIncidentCommand({ responsePlanArn: planArn }));
    await expectAwsError(s.incidents.send(new PutResourcePolicyCommand({ resourceArn: incidentRecordArn!, policy: policy('x') })),
      'ValidationException', 400, 'resource policies attach to response plans');
    await expectAwsError(s.incidents.send(new GetResourcePoliciesCommand({ resourceArn: incidentRecordArn! })), 'ValidationException', 400, 'resourceArn');
    const others = [[`arn:aws:ssm-incidents::${A}:response-plan/nope`, 'ResourceNotFoundException', 404], [planArn.replace(A, '444455556666'), 'AccessDeniedException', 403]] as const;
    for (const [resourceArn, code, status] of others) {
      await expectAwsError(s.incidents.send(new PutResourcePolicyCommand({ resourceArn, policy: policy('x') })), code, status, resourceArn);
      await expectAwsError(s.incidents.send(new GetResourcePoliciesCommand({ resourceArn })), code, status, resourceArn);
      await expectAwsError(s.incidents.send(new DeleteResourcePolicyCommand({ resourceArn, policyId: '0'.repeat(32) })), code, status);
    }
  });

  test('answers ResourceNotFoundException when deleting an unknown policy id', async () => {
    const err = await expectAwsError(s.incidents.send(new DeleteResourcePolicyCommand({ resourceArn: planArn, policyId: 'f'.repeat(32) })), 'ResourceNotFoundException', 404, 'f'.repeat(32));
    assert.equal(err.resourceType, 'RESOURCE_POLICY');
  });
});
