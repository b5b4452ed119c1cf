/**
 * Access control end to end, through the official clients: IAM users, keys and policies
 * decide what ssm-incidents allows; AssumeRole sessions work until they expire; another
 * account sees nothing of ours until a resource policy shares a plan; the aws CLI manages it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  AttachUserPolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand,
  DeleteAccessKeyCommand, GetAccessKeyLastUsedCommand, IAMClient, ListAccessKeysCommand, ListUsersCommand, PutRolePolicyCommand, PutUserPolicyCommand, UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateResponsePlanCommand, DeleteResourcePolicyCommand, GetIncidentRecordCommand, GetResourcePoliciesCommand, GetResponsePlanCommand, ListResponsePlansCommand, PutResourcePolicyCommand,
  SSMIncidentsClient, StartIncidentCommand, UpdateIncidentRecordCommand,
} from '@aws-sdk/client-ssm-incidents';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ManualClock } from '../../src/time/clock.js';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
const A = '111122223333';
const B = '444455556666';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

const json = (doc: unknown) => JSON.stringify(doc);
const allow = (Action: string | string[], Resource: string | string[] = '*') => ({ Effect: 'Allow', Action, Resource });
const policyDoc = (...Statement: unknown[]) => json({ Version: '2012-10-17', Statement });

describe('access control', () => {
  let s: TestServer;
  const clock = new ManualClock();
  const clients: { destroy(): void }[] = [];
  /** Clients signed with `cred`; `offsetMs` keeps their signatures current after the server clock jumps. */
  const as = (cred: Credentials, offsetMs = 0) => {
    const config = { endpoint: s.url, region: 'us-east-1', credentials: cred, maxAttempts: 1, systemClockOffset: offsetMs };
    const c = { iam: new IAMClient(config), sts: new STSClient(config), incidents: new SSMIncidentsClient(config) };
    clients.push(c.iam, c.sts, c.incidents);
    return c;
  };
  let root: ReturnType<typeof as>;
  let planArn: string;

  /** Creates a user with an access key, attaching the managed policies given by ARN. */
  async function userWithKey(name: string, policyArns: string[] = []): Promise<Credentials> {
    await root.iam.send(new CreateUserCommand({ UserName: name }));
    for (const PolicyArn of policyArns) await root.iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn }));
    const key = (await root.iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  }

  before(async () => {
    s = await startTestServer({ app: { clock } });
    root = as(s.credentials);
    planArn = (await root.incidents.send(new CreateResponsePlanCommand({ name: 'web', incidentTemplate: { title: 'Web down', impact: 2 } }))).arn!;
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await s.close();
  });

  test('a read-only user lists and gets, and may not create or start', async () => {
    const { Policy } = await root.iam.send(new CreatePolicyCommand({
      PolicyName: 'IncidentReadOnly',
      PolicyDocument: policyDoc(allow(['ssm-incidents:Get*', 'ssm-incidents:List*', 'ssm-incidents:BatchGet*'])),
    }));
    const reader = as(await userWithKey('reader', [Policy!.Arn!]));
    const plans = await reader.incidents.send(new ListResponsePlansCommand({}));
    assert.deepEqual(plans.responsePlanSummaries!.map((p) => p.arn), [planArn]);
    assert.equal((await reader.incidents.send(new GetResponsePlanCommand({ arn: planArn }))).name, 'web');
    const err = await expectAwsError(
      reader.incidents.send(new CreateResponsePlanCommand({ name: 'mine', incidentTemplate: { title: 'x', impact: 3 } })), 'AccessDeniedException', 403,
    );
    assert.equal(err.message, `User: arn:aws:iam::${A}:user/reader is not authorized to perform: ssm-incidents:CreateResponsePlan on resource: arn:aws:ssm-incidents::${A}:response-plan/mine because no identity-based policy allows the action`);
    await expectAwsError(reader.incidents.send(new StartIncidentCommand({ responsePlanArn: planArn })), 'AccessDeniedException', 403, 'ssm-incidents:StartIncident');
    // Nothing was written by the refused calls.
    assert.equal((await root.incidents.send(new ListResponsePlansCommand({}))).responsePlanSummaries!.length, 1);
  });

  test('a user with no policy is refused everything but GetCallerIdentity', async () => {
    const nobody = as(await userWithKey('nobody'));
    await expectAwsError(nobody.incidents.send(new ListResponsePlansCommand({})), 'AccessDeniedException', 403, `arn:aws:iam::${A}:user/nobody`);
    await expectAwsError(nobody.incidents.send(new GetResponsePlanCommand({ arn: planArn })), 'AccessDeniedException', 403);
    await expectAwsError(nobody.incidents.send(new StartIncidentCommand({ responsePlanArn: planArn })), 'AccessDeniedException', 403);
    await expectAwsError(nobody.iam.send(new ListUsersCommand({})), 'AccessDenied', 403, 'iam:ListUsers');
    const me = await nobody.sts.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, `arn:aws:iam::${A}:user/nobody`);
    assert.equal(me.Account, A);
  });

  test('an explicit Deny beats the Allow of another policy', async () => {
    const { Policy } = await root.iam.send(new CreatePolicyCommand({ PolicyName: 'IncidentAll', PolicyDocument: policyDoc(allow('ssm-incidents:*')) }));
    const cred = await userWithKey('careful', [Policy!.Arn!]);
    await root.iam.send(new PutUserPolicyCommand({
      UserName: 'careful', PolicyName: 'NoWebStarts',
      PolicyDocument: policyDoc({ Effect: 'Deny', Action: 'ssm-incidents:StartIncident', Resource: planArn }),
    }));
    const careful = as(cred);
    assert.equal((await careful.incidents.send(new GetResponsePlanCommand({ arn: planArn }))).name, 'web');
    const err = await expectAwsError(careful.incidents.send(new StartIncidentCommand({ responsePlanArn: planArn })), 'AccessDeniedException', 403);
    assert.match(err.message, /with an explicit deny in an identity-based policy$/);
    const other = (await careful.incidents.send(new CreateResponsePlanCommand({ name: 'api', incidentTemplate: { title: 'API down', impact: 3 } }))).arn!;
    assert.match((await careful.incidents.send(new StartIncidentCommand({ responsePlanArn: other }))).incidentRecordArn!, /incident-record\/api\//);
  });

  test('an inactive or deleted key is refused; reactivating it restores access', async () => {
    const { Policy } = await root.iam.send(new CreatePolicyCommand({ PolicyName: 'ListPlans', PolicyDocument: policyDoc(allow('ssm-incidents:ListResponsePlans')) }));
    const cred = await userWithKey('rotating', [Policy!.Arn!]);
    const user = as(cred);
    await user.incidents.send(new ListResponsePlansCommand({}));
    await root.iam.send(new UpdateAccessKeyCommand({ UserName: 'rotating', AccessKeyId: cred.accessKeyId, Status: 'Inactive' }));
    await expectAwsError(user.incidents.send(new ListResponsePlansCommand({})), 'UnrecognizedClientException', 403);
    await root.iam.send(new UpdateAccessKeyCommand({ UserName: 'rotating', AccessKeyId: cred.accessKeyId, Status: 'Active' }));
    await user.incidents.send(new ListResponsePlansCommand({}));
    await root.iam.send(new DeleteAccessKeyCommand({ UserName: 'rotating', AccessKeyId: cred.accessKeyId }));
    await expectAwsError(user.incidents.send(new ListResponsePlansCommand({})), 'UnrecognizedClientException', 403);
    await expectAwsError(user.sts.send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
  });

  test('an assumed role session has the role\'s permissions until it expires, and only trusted callers get one', async () => {
    const operatorCred = await userWithKey('operator');
    await root.iam.send(new CreateRoleCommand({
      RoleName: 'Responder',
      AssumeRolePolicyDocument: policyDoc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:user/operator` }, Action: 'sts:AssumeRole' }),
    }));
    await root.iam.send(new PutRolePolicyCommand({ RoleName: 'Responder', PolicyName: 'Respond', PolicyDocument: policyDoc(allow(['ssm-incidents:StartIncident', 'ssm-incidents:GetIncidentRecord'])) }));
    await root.iam.send(new CreateRoleCommand({
      RoleName: 'Admin',
      AssumeRolePolicyDocument: policyDoc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:user/someone-else` }, Action: 'sts:AssumeRole' }),
    }));
    const operator = as(operatorCred);
    // The operator itself has no policy: the trust policy naming it is enough (same account).
    await expectAwsError(operator.incidents.send(new StartIncidentCommand({ responsePlanArn: planArn })), 'AccessDeniedException', 403);
    const out = await operator.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${A}:role/Responder`, RoleSessionName: 'pager', DurationSeconds: 900 }));
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${A}:assumed-role/Responder/pager`);
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
    const session: Credentials = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    const responder = as(session);
    assert.equal((await responder.sts.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${A}:assumed-role/Responder/pager`);
    const incident = (await responder.incidents.send(new StartIncidentCommand({ responsePlanArn: planArn }))).incidentRecordArn!;
    const record = (await responder.incidents.send(new GetIncidentRecordCommand({ arn: incident }))).incidentRecord!;
    assert.equal(record.incidentRecordSource!.createdBy, `arn:aws:sts::${A}:assumed-role/Responder/pager`);
    await expectAwsError(responder.incidents.send(new UpdateIncidentRecordCommand({ arn: incident, status: 'RESOLVED' })), 'AccessDeniedException', 403,
      `arn:aws:sts::${A}:assumed-role/Responder/pager is not authorized to perform: ssm-incidents:UpdateIncidentRecord`);
    // A session token that was tampered with, or a key without its token, is refused.
    await expectAwsError(as({ ...session, sessionToken: session.sessionToken!.slice(0, -4) + 'AAAA' }).incidents.send(new GetIncidentRecordCommand({ arn: incident })), 'UnrecognizedClientException', 403);
    await expectAwsError(as({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }).incidents.send(new GetIncidentRecordCommand({ arn: incident })), 'UnrecognizedClientException', 403);
    // A role that does not trust the operator.
    await expectAwsError(operator.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${A}:role/Admin`, RoleSessionName: 'intruder' })), 'AccessDenied', 403,
      `User: arn:aws:iam::${A}:user/operator is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${A}:role/Admin`);
    // Fifteen minutes later (the clients keep their signatures current) the session has expired.
    clock.advance(901_000);
    const later = as(session, 901_000);
    await expectAwsError(later.incidents.send(new GetIncidentRecordCommand({ arn: incident })), 'ExpiredTokenException', 403);
    clock.advance(-901_000);
  });

  test('AssumeRole follows the trust policy: never root, ExternalId conditions, account-wide trust needs the caller\'s own permission', async () => {
    const trust = (Principal: unknown, Condition?: unknown) => policyDoc({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...(Condition ? { Condition } : {}) });
    await root.iam.send(new CreateRoleCommand({ RoleName: 'Vendor', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${A}:user/vendor` }, { StringEquals: { 'sts:ExternalId': 'ticket-4711' } }) }));
    await root.iam.send(new CreateRoleCommand({ RoleName: 'AnyoneHere', AssumeRolePolicyDocument: trust({ AWS: A }) }));
    const arn = (name: string) => `arn:aws:iam::${A}:role/${name}`;
    // Root credentials may not assume roles, whatever the trust policy says.
    await expectAwsError(root.sts.send(new AssumeRoleCommand({ RoleArn: arn('AnyoneHere'), RoleSessionName: 'root-try' })), 'AccessDenied', 403);
    const vendor = as(await userWithKey('vendor'));
    await expectAwsError(vendor.sts.send(new AssumeRoleCommand({ RoleArn: arn('Vendor'), RoleSessionName: 'v1' })), 'AccessDenied', 403);
    await expectAwsError(vendor.sts.send(new AssumeRoleCommand({ RoleArn: arn('Vendor'), RoleSessionName: 'v1', ExternalId: 'wrong-id' })), 'AccessDenied', 403);
    assert.ok((await vendor.sts.send(new AssumeRoleCommand({ RoleArn: arn('Vendor'), RoleSessionName: 'v1', ExternalId: 'ticket-4711' }))).Credentials);
    // A trust policy naming only the account: the user needs sts:AssumeRole in its own policy.
    await expectAwsError(vendor.sts.send(new AssumeRoleCommand({ RoleArn: arn('AnyoneHere'), RoleSessionName: 'v2' })), 'AccessDenied', 403);
    await root.iam.send(new PutUserPolicyCommand({ UserName: 'vendor', PolicyName: 'assume', PolicyDocument: policyDoc(allow('sts:AssumeRole', `arn:aws:iam::${A}:role/*`)) }));
    assert.ok((await vendor.sts.send(new AssumeRoleCommand({ RoleArn: arn('AnyoneHere'), RoleSessionName: 'v2' }))).Credentials);
    // An identity permission alone does not open a role whose trust policy names someone else.
    await expectAwsError(vendor.sts.send(new AssumeRoleCommand({ RoleArn: arn('Admin'), RoleSessionName: 'v3' })), 'AccessDenied', 403);
  });

  test('another account sees nothing of ours until a resource policy shares a plan, then starts incidents from it', async () => {
    const other = await s.app.services.accounts.createAccount(B);
    const b = as({ accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey });
    await expectAwsError(b.incidents.send(new GetResponsePlanCommand({ arn: planArn })), 'AccessDeniedException', 403,
      `User: arn:aws:iam::${B}:root is not authorized to perform: ssm-incidents:GetResponsePlan on resource: ${planArn}`);
    await expectAwsError(b.incidents.send(new StartIncidentCommand({ responsePlanArn: planArn })), 'AccessDeniedException', 403);
    await root.incidents.send(new PutResourcePolicyCommand({
      resourceArn: planArn,
      policy: policyDoc({
        Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B}:root` },
        Action: ['ssm-incidents:GetResponsePlan', 'ssm-incidents:StartIncident', 'ssm-incidents:GetIncidentRecord'],
        Resource: [planArn, `arn:aws:ssm-incidents::${A}:incident-record/web/*`],
      }),
    }));
    assert.equal((await b.incidents.send(new GetResponsePlanCommand({ arn: planArn }))).name, 'web');
    const incident = (await b.incidents.send(new StartIncidentCommand({ responsePlanArn: planArn }))).incidentRecordArn!;
    assert.ok(incident.startsWith(`arn:aws:ssm-incidents::${A}:incident-record/web/`), incident);
    const record = (await b.incidents.send(new GetIncidentRecordCommand({ arn: incident }))).incidentRecord!;
    assert.equal(record.incidentRecordSource!.createdBy, `arn:aws:iam::${B}:root`);
    // The owner sees the incident; B may not change it (not shared) and does not list A's plans.
    assert.equal((await root.incidents.send(new GetIncidentRecordCommand({ arn: incident }))).incidentRecord!.status, 'OPEN');
    await expectAwsError(b.incidents.send(new UpdateIncidentRecordCommand({ arn: incident, status: 'RESOLVED' })), 'AccessDeniedException', 403);
    // A user of B needs its own identity policy as well as the share (cross-account: both sides).
    const bRoot = as({ accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey });
    await bRoot.iam.send(new CreateUserCommand({ UserName: 'b-user' }));
    const key = (await bRoot.iam.send(new CreateAccessKeyCommand({ UserName: 'b-user' }))).AccessKey!;
    const bUser = as({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    await expectAwsError(bUser.incidents.send(new GetResponsePlanCommand({ arn: planArn })), 'AccessDeniedException', 403);
    await bRoot.iam.send(new PutUserPolicyCommand({ UserName: 'b-user', PolicyName: 'UseShared', PolicyDocument: policyDoc(allow('ssm-incidents:GetResponsePlan', planArn)) }));
    assert.equal((await bUser.incidents.send(new GetResponsePlanCommand({ arn: planArn }))).name, 'web');
    // B's users are B's: A's IAM does not know them.
    await expectAwsError(bUser.iam.send(new ListUsersCommand({})), 'AccessDenied', 403);
  });

  test('a resource policy denying everyone binds root too, except for managing the plan\'s policies', async () => {
    const locked = (await root.incidents.send(new CreateResponsePlanCommand({ name: 'locked', incidentTemplate: { title: 'x', impact: 3 } }))).arn!;
    const { policyId } = await root.incidents.send(new PutResourcePolicyCommand({
      resourceArn: locked, policy: policyDoc({ Effect: 'Deny', Principal: '*', Action: 'ssm-incidents:*', Resource: '*' }),
    }));
    const err = await expectAwsError(root.incidents.send(new GetResponsePlanCommand({ arn: locked })), 'AccessDeniedException', 403);
    assert.match(err.message, /with an explicit deny in a resource-based policy$/);
    await expectAwsError(root.incidents.send(new StartIncidentCommand({ responsePlanArn: locked })), 'AccessDeniedException', 403);
    const listed = await root.incidents.send(new GetResourcePoliciesCommand({ resourceArn: locked }));
    assert.deepEqual(listed.resourcePolicies!.map((p) => p.policyId), [policyId]);
    await root.incidents.send(new DeleteResourcePolicyCommand({ resourceArn: locked, policyId }));
    assert.equal((await root.incidents.send(new GetResponsePlanCommand({ arn: locked }))).name, 'locked');
  });

  test('${aws:username} limits a user to its own keys; GetAccessKeyLastUsed is checked on the key\'s owner', async () => {
    const self = policyDoc(allow(['iam:*AccessKey*', 'iam:GetUser'], `arn:aws:iam::${A}:user/\${aws:username}`));
    const { Policy } = await root.iam.send(new CreatePolicyCommand({ PolicyName: 'OwnKeys', PolicyDocument: self }));
    const daveCred = await userWithKey('dave', [Policy!.Arn!]);
    const erinCred = await userWithKey('erin', [Policy!.Arn!]);
    const dave = as(daveCred);
    assert.equal((await dave.iam.send(new ListAccessKeysCommand({}))).AccessKeyMetadata![0]!.AccessKeyId, daveCred.accessKeyId);
    await expectAwsError(dave.iam.send(new ListAccessKeysCommand({ UserName: 'erin' })), 'AccessDenied', 403, `resource: arn:aws:iam::${A}:user/erin`);
    assert.equal((await dave.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: daveCred.accessKeyId }))).UserName, 'dave');
    await expectAwsError(dave.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: erinCred.accessKeyId })), 'AccessDenied', 403,
      `iam:GetAccessKeyLastUsed on resource: arn:aws:iam::${A}:user/erin`);
    await expectAwsError(dave.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: s.credentials.accessKeyId })), 'AccessDenied', 403, `arn:aws:iam::${A}:root`);
  });

  test('aws:SourceIp is the client\'s address', async () => {
    const cred = await userWithKey('local-only');
    await root.iam.send(new PutUserPolicyCommand({
      UserName: 'local-only', PolicyName: 'here', PolicyDocument: policyDoc(
        { ...allow('ssm-incidents:ListResponsePlans'), Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } },
        { ...allow('ssm-incidents:GetResponsePlan'), Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
      ),
    }));
    const user = as(cred);
    await user.incidents.send(new ListResponsePlansCommand({}));
    await expectAwsError(user.incidents.send(new GetResponsePlanCommand({ arn: planArn })), 'AccessDeniedException', 403);
  });

  test('the aws CLI creates a user and key that then work', async () => {
    const env = {
      PATH: process.env.PATH, HOME: process.env.HOME, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_DEFAULT_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: s.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
    };
    const aws = async (args: string[], extra: Record<string, string> = {}) =>
      JSON.parse((await run('aws', ['--endpoint-url', s.url, '--output', 'json', ...args], { env: { ...env, ...extra } })).stdout || '{}');
    const user = await aws(['iam', 'create-user', '--user-name', 'cli-user']);
    assert.equal(user.User.Arn, `arn:aws:iam::${A}:user/cli-user`);
    await aws(['iam', 'put-user-policy', '--user-name', 'cli-user', '--policy-name', 'plans', '--policy-document', policyDoc(allow('ssm-incidents:ListResponsePlans'))]);
    const key = (await aws(['iam', 'create-access-key', '--user-name', 'cli-user'])).AccessKey;
    const asUser = { AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey };
    assert.equal((await aws(['sts', 'get-caller-identity'], asUser)).Arn, `arn:aws:iam::${A}:user/cli-user`);
    assert.ok(Array.isArray((await aws(['ssm-incidents', 'list-response-plans'], asUser)).responsePlanSummaries));
    await assert.rejects(aws(['ssm-incidents', 'get-response-plan', '--arn', planArn], asUser), (err: any) => /AccessDeniedException/.test(err.stderr));
    const listed = await aws(['iam', 'list-access-keys', '--user-name', 'cli-user']);
    assert.deepEqual(listed.AccessKeyMetadata.map((k: any) => [k.AccessKeyId, k.Status, k.SecretAccessKey]), [[key.AccessKeyId, 'Active', undefined]]);
  });
});
