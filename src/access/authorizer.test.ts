/**
 * The authorizer over real IAM storage: the runbook role check of the founding guide, policy
 * changes taking effect at once (cache invalidation), resource and request tags, iam:PassRole
 * for a plan's runbook role, and every served operation mapped to its IAM action.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createServices, type AppServices } from '../app-context.js';
import type { Caller } from '../api/operation.js';
import { loadModel } from '../api/model.js';
import { SecretBox } from '../crypto/secret-box.js';
import { AccessDeniedError } from '../errors.js';
import { ManualClock } from '../time/clock.js';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/test-databases.js';
import { authorizationTargets, checkedByHandler } from './actions.js';

const A = '111122223333';
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const trusting = (principal: unknown) => doc({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' });
const runbookPolicy = doc(
  { Effect: 'Allow', Action: 'ssm:StartAutomationExecution', Resource: `arn:aws:ssm:us-east-1:${A}:automation-definition/Checkout-Runbook:*` },
  { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${A}:role/AutomationExecutionRole` },
  { Effect: 'Allow', Action: ['ssm-incidents:*', 'ssm-contacts:*'], Resource: '*' },
);

describe('Authorizer', () => {
  let db: TestDatabase;
  let s: AppServices;
  const clock = new ManualClock(new Date('2026-12-03T10:00:00Z'));

  before(async () => {
    db = await openTestDatabase('sqlite');
    s = createServices(db.database, clock, new SecretBox(randomBytes(32)), 'us-east-1');
    await s.accounts.bootstrap({ accountId: A });
  });
  after(() => db.drop());

  /** A user with an access key, resolved as SigV4 verification resolves it. */
  async function user(name: string): Promise<Caller> {
    await s.iam.users.create(A, { userName: name });
    const key = await s.iam.accessKeys.create(A, name);
    return (await s.sts.credentials.callerFor(key.accessKeyId))!;
  }
  const allowed = (c: Caller, service: string, op: string, input: Record<string, unknown>) =>
    s.access.authorize(c, service, op, input, { secureTransport: false }).then(() => true, (err) => {
      if (err instanceof AccessDeniedError) return false;
      throw err;
    });

  describe('the founding guide\'s runbook role (mayRoleStartAutomation)', () => {
    before(async () => {
      await s.iam.roles.create(A, { roleName: 'IncidentRunbookRole', trustPolicy: trusting({ Service: 'ssm-incidents.amazonaws.com' }) });
      await s.iam.permissions.putInlinePolicy(A, { type: 'role', name: 'IncidentRunbookRole' }, 'runbook', runbookPolicy);
      await s.iam.roles.create(A, { roleName: 'AutomationOnlyRole', trustPolicy: trusting({ Service: 'ssm.amazonaws.com' }) });
      await s.iam.permissions.putInlinePolicy(A, { type: 'role', name: 'AutomationOnlyRole' }, 'runbook', runbookPolicy);
    });

    test('may start its own document at any version, and not another document', async () => {
      const role = `arn:aws:iam::${A}:role/IncidentRunbookRole`;
      assert.deepEqual(await s.access.mayRoleStartAutomation(role, 'Checkout-Runbook', '3', A), { allowed: true });
      assert.deepEqual(await s.access.mayRoleStartAutomation(role, 'Checkout-Runbook', '$DEFAULT', A), { allowed: true });
      const other = await s.access.mayRoleStartAutomation(role, 'Other-Runbook', '1', A);
      assert.equal(other.allowed, false);
      assert.match((other as { reason: string }).reason, /may not perform ssm:StartAutomationExecution on arn:aws:ssm:us-east-1:111122223333:automation-definition\/Other-Runbook:1/);
      // The same document in another account is another resource.
      assert.equal((await s.access.mayRoleStartAutomation(role, 'Checkout-Runbook', '3', '444455556666')).allowed, false);
    });

    test('a role whose trust policy does not name ssm-incidents.amazonaws.com cannot be used at all', async () => {
      const d = await s.access.mayRoleStartAutomation(`arn:aws:iam::${A}:role/AutomationOnlyRole`, 'Checkout-Runbook', '3', A);
      assert.deepEqual(d, { allowed: false, explicitDeny: false, reason: `the trust policy of arn:aws:iam::${A}:role/AutomationOnlyRole does not let ssm-incidents.amazonaws.com assume it` });
      const missing = await s.access.mayRoleStartAutomation(`arn:aws:iam::${A}:role/Nope`, 'Checkout-Runbook', '3', A);
      assert.equal(missing.allowed, false);
      assert.match((missing as { reason: string }).reason, /does not exist/);
    });

    test('a changed role policy counts at once', async () => {
      const role = `arn:aws:iam::${A}:role/IncidentRunbookRole`;
      await s.iam.permissions.putInlinePolicy(A, { type: 'role', name: 'IncidentRunbookRole' }, 'no-checkout',
        doc({ Effect: 'Deny', Action: 'ssm:StartAutomationExecution', Resource: '*' }));
      assert.equal((await s.access.mayRoleStartAutomation(role, 'Checkout-Runbook', '3', A)).allowed, false);
      await s.iam.permissions.deleteInlinePolicy(A, { type: 'role', name: 'IncidentRunbookRole' }, 'no-checkout');
      assert.equal((await s.access.mayRoleStartAutomation(role, 'Checkout-Runbook', '3', A)).allowed, true);
    });
  });

  test('attaching and detaching a policy takes effect on the next request (the compiled-policy cache follows IAM)', async () => {
    const alice = await user('alice');
    const input = { arn: `arn:aws:ssm-incidents::${A}:response-plan/web` };
    assert.equal(await allowed(alice, 'ssm-incidents', 'GetResponsePlan', input), false);
    const p = await s.iam.policies.create(A, { policyName: 'read', document: doc({ Effect: 'Allow', Action: 'ssm-incidents:Get*', Resource: '*' }) });
    await s.iam.permissions.attachPolicy(A, { type: 'user', name: 'alice' }, p.arn);
    assert.equal(await allowed(alice, 'ssm-incidents', 'GetResponsePlan', input), true);
    await s.iam.policies.createVersion(A, p.arn, doc({ Effect: 'Allow', Action: 'ssm-incidents:List*', Resource: '*' }), true);
    assert.equal(await allowed(alice, 'ssm-incidents', 'GetResponsePlan', input), false);
    assert.equal(await allowed(alice, 'ssm-incidents', 'ListResponsePlans', {}), true);
    await s.iam.permissions.detachPolicy(A, { type: 'user', name: 'alice' }, p.arn);
    assert.equal(await allowed(alice, 'ssm-incidents', 'ListResponsePlans', {}), false);
  });

  test('aws:ResourceTag and aws:RequestTag conditions see the resource\'s and the request\'s tags', async () => {
    const bob = await user('bob');
    await s.iam.permissions.putInlinePolicy(A, { type: 'user', name: 'bob' }, 'team-web', doc(
      { Effect: 'Allow', Action: 'ssm-incidents:StartIncident', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'web' } } },
      { Effect: 'Allow', Action: 'ssm-incidents:CreateResponsePlan', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/team': 'web' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } } },
    ));
    const web = `arn:aws:ssm-incidents::${A}:response-plan/web-plan`;
    const db2 = `arn:aws:ssm-incidents::${A}:response-plan/db-plan`;
    await db.database.write((trx) => trx.insertInto('tags').values([
      { resource_arn: web, tag_key: 'team', tag_value: 'web' }, { resource_arn: db2, tag_key: 'team', tag_value: 'db' },
    ]).execute());
    assert.equal(await allowed(bob, 'ssm-incidents', 'StartIncident', { responsePlanArn: web }), true);
    assert.equal(await allowed(bob, 'ssm-incidents', 'StartIncident', { responsePlanArn: db2 }), false);
    const plan = (tags?: Record<string, string>) => ({ name: 'p', incidentTemplate: { title: 't', impact: 3 }, ...(tags ? { tags } : {}) });
    assert.equal(await allowed(bob, 'ssm-incidents', 'CreateResponsePlan', plan({ team: 'web' })), true);
    assert.equal(await allowed(bob, 'ssm-incidents', 'CreateResponsePlan', plan({ team: 'db' })), false);
    assert.equal(await allowed(bob, 'ssm-incidents', 'CreateResponsePlan', plan({ team: 'web', cost: 'x' })), false);
    assert.equal(await allowed(bob, 'ssm-incidents', 'CreateResponsePlan', plan()), false);
  });

  test('aws:ResourceTag on IAM actions sees the IAM user\'s tags', async () => {
    const dave = await user('dave');
    await s.iam.permissions.putInlinePolicy(A, { type: 'user', name: 'dave' }, 'web-users', doc(
      { Effect: 'Allow', Action: 'iam:GetUser', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'web' } } },
    ));
    await s.iam.users.create(A, { userName: 'web-person', tags: [{ Key: 'team', Value: 'web' }] });
    await s.iam.users.create(A, { userName: 'db-person', tags: [{ Key: 'team', Value: 'db' }] });
    assert.equal(await allowed(dave, 'iam', 'GetUser', { UserName: 'web-person' }), true);
    assert.equal(await allowed(dave, 'iam', 'GetUser', { UserName: 'db-person' }), false);
    assert.equal(await allowed(dave, 'iam', 'GetUser', { UserName: 'nobody-here' }), false);
  });

  test('aws:PrincipalTag (ABAC) sees the caller\'s own tags; aws:SourceIp the client address', async () => {
    const erin = await user('erin');
    await s.iam.users.tag(A, 'erin', [{ Key: 'team', Value: 'web' }]);
    await s.iam.permissions.putInlinePolicy(A, { type: 'user', name: 'erin' }, 'abac', doc(
      { Effect: 'Allow', Action: 'ssm-incidents:StartIncident', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } } },
      { Effect: 'Allow', Action: 'ssm-incidents:ListResponsePlans', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
    ));
    const web = `arn:aws:ssm-incidents::${A}:response-plan/web-plan`;
    const other = `arn:aws:ssm-incidents::${A}:response-plan/db-plan`;
    assert.equal(await allowed(erin, 'ssm-incidents', 'StartIncident', { responsePlanArn: web }), true);
    assert.equal(await allowed(erin, 'ssm-incidents', 'StartIncident', { responsePlanArn: other }), false);
    const list = (sourceIp?: string) => s.access.authorize(erin, 'ssm-incidents', 'ListResponsePlans', {}, { secureTransport: false, sourceIp }).then(() => true, () => false);
    assert.equal(await list('10.1.2.3'), true);
    assert.equal(await list('192.168.0.1'), false);
    assert.equal(await list(undefined), false);
  });

  test('a plan whose runbook names a role needs iam:PassRole on that role', async () => {
    const carol = await user('carol');
    await s.iam.permissions.putInlinePolicy(A, { type: 'user', name: 'carol' }, 'plans', doc({ Effect: 'Allow', Action: 'ssm-incidents:*ResponsePlan', Resource: '*' }));
    const role = `arn:aws:iam::${A}:role/IncidentRunbookRole`;
    const input = {
      name: 'with-runbook', incidentTemplate: { title: 't', impact: 3 },
      actions: [{ ssmAutomation: { roleArn: role, documentName: 'Checkout-Runbook' } }],
    };
    await assert.rejects(s.access.authorize(carol, 'ssm-incidents', 'CreateResponsePlan', input, { secureTransport: false }),
      new AccessDeniedError(`User: arn:aws:iam::${A}:user/carol is not authorized to perform: iam:PassRole on resource: ${role} because no identity-based policy allows the action`));
    await s.iam.permissions.putInlinePolicy(A, { type: 'user', name: 'carol' }, 'pass', doc({
      Effect: 'Allow', Action: 'iam:PassRole', Resource: role, Condition: { StringEquals: { 'iam:PassedToService': 'ssm-incidents.amazonaws.com' } },
    }));
    assert.equal(await allowed(carol, 'ssm-incidents', 'CreateResponsePlan', input), true);
    assert.equal(await allowed(carol, 'ssm-incidents', 'UpdateResponsePlan', { arn: `arn:aws:ssm-incidents::${A}:response-plan/with-runbook`, ...input }), true);
  });

  test('every ssm-incidents and IAM operation names its own action and a resource', () => {
    const root: Caller = { kind: 'root', accountId: A, principalArn: `arn:aws:iam::${A}:root`, accessKeyId: 'AKIA', userId: A };
    for (const service of ['ssm-incidents', 'iam']) {
      for (const op of Object.keys(loadModel(service).operations)) {
        const input = {
          arn: `arn:aws:ssm-incidents::${A}:response-plan/x`, responsePlanArn: `arn:aws:ssm-incidents::${A}:response-plan/x`,
          incidentRecordArn: `arn:aws:ssm-incidents::${A}:incident-record/x/1`, resourceArn: `arn:aws:ssm-incidents::${A}:response-plan/x`,
          name: 'x', UserName: 'u', RoleName: 'r', PolicyName: 'p', PolicyArn: `arn:aws:iam::${A}:policy/p`,
        };
        const [first] = authorizationTargets(service, op, input, root, 'us-east-1');
        if (checkedByHandler.has(`${service}:${op}`)) {
          assert.equal(first, undefined, op);
          continue;
        }
        assert.equal(first?.action, `${service}:${op}`, op);
        assert.ok(first!.resource === '*' || first!.resource.startsWith(`arn:aws:${service}::${A}:`), `${op}: ${first!.resource}`);
      }
    }
    assert.deepEqual(authorizationTargets('sts', 'GetCallerIdentity', {}, root, 'us-east-1'), []);
  });
});
