/** IAM handlers called directly with a fake request context; every output is checked against the model. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createServices, type AppServices } from '../../app-context.js';
import { SecretBox } from '../../crypto/secret-box.js';
import { DomainError } from '../../errors.js';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/test-databases.js';
import { ManualClock } from '../../time/clock.js';
import { loadModel } from '../model.js';
import type { Caller, RequestContext } from '../operation.js';
import { compileOutput } from '../shape-codec.js';
import { iamHandlers } from './index.js';

const ACCOUNT = '111122223333';
const model = loadModel('iam');
const ROOT: Caller = { accountId: ACCOUNT, principalArn: `arn:aws:iam::${ACCOUNT}:root`, accessKeyId: 'AKIAROOT', kind: 'root', userId: ACCOUNT };
const DOC = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm-incidents:*", "Resource": "*"}]}';
const TRUST = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${ACCOUNT}:root"},"Action":"sts:AssumeRole"}]}`;

let db: TestDatabase;
let services: AppServices;
before(async () => {
  db = await openTestDatabase('sqlite');
  services = createServices(db.database, new ManualClock(new Date('2026-12-03T10:00:00Z')), new SecretBox(randomBytes(32)));
  await services.accounts.bootstrap({ accountId: ACCOUNT });
});
after(async () => db.drop());

/** Calls an operation as `caller` and checks its output against the model (strictly). */
async function call(operation: string, input: Record<string, unknown>, caller: Caller = ROOT): Promise<any> {
  const ctx: RequestContext = { requestId: 'r-1', caller, actor: caller, services, region: 'us-east-1', operation };
  const out = (await iamHandlers[operation]!(input, ctx)) ?? {};
  const shape = model.operations[operation]!.output?.shape;
  if (shape) compileOutput(model, shape, { strict: true })(out);
  return out;
}

test('every IAM operation Tocsin serves has a handler', () => {
  assert.deepEqual(Object.keys(iamHandlers).sort(), Object.keys(model.operations).sort());
});

test('users: created, read back with tags, listed with IsTruncated and Marker', async () => {
  const created = await call('CreateUser', { UserName: 'alice', Path: '/sre/', Tags: [{ Key: 'team', Value: 'sre' }] });
  assert.equal(created.User.Arn, `arn:aws:iam::${ACCOUNT}:user/sre/alice`);
  assert.deepEqual(created.User.Tags, [{ Key: 'team', Value: 'sre' }]);
  await call('CreateUser', { UserName: 'bob' });
  const got = await call('GetUser', { UserName: 'ALICE' });
  assert.deepEqual(got.User, created.User);
  const page = await call('ListUsers', { MaxItems: 1 });
  assert.deepEqual(page.Users.map((u: any) => u.UserName), ['alice']);
  assert.equal(page.Users[0].Tags, undefined, 'lists carry no tags');
  assert.equal(page.IsTruncated, true);
  const rest = await call('ListUsers', { Marker: page.Marker });
  assert.deepEqual([rest.Users.map((u: any) => u.UserName), rest.IsTruncated, rest.Marker], [['bob'], false, undefined]);
  await call('TagUser', { UserName: 'bob', Tags: [{ Key: 'k', Value: 'v' }] });
  assert.deepEqual((await call('ListUserTags', { UserName: 'bob' })).Tags, [{ Key: 'k', Value: 'v' }]);
  await call('UntagUser', { UserName: 'bob', TagKeys: ['K'] });
  assert.deepEqual((await call('ListUserTags', { UserName: 'bob' })).Tags, []);
});

test('access keys: the secret only from CreateAccessKey; no UserName means the signing user', async () => {
  await call('CreateUser', { UserName: 'ci' });
  const { AccessKey } = await call('CreateAccessKey', { UserName: 'ci' });
  assert.equal(AccessKey.SecretAccessKey.length, 40);
  const ci: Caller = { ...(await services.sts.credentials.callerFor(AccessKey.AccessKeyId))! };
  assert.equal(ci.kind, 'user');
  const own = await call('ListAccessKeys', {}, ci);
  assert.deepEqual(own.AccessKeyMetadata.map((k: any) => [k.UserName, k.AccessKeyId, k.Status]), [['ci', AccessKey.AccessKeyId, 'Active']]);
  assert.ok(own.AccessKeyMetadata.every((k: any) => !('SecretAccessKey' in k)));
  assert.equal((await call('GetUser', {}, ci)).User.UserName, 'ci');
  const second = await call('CreateAccessKey', {}, ci);
  await call('UpdateAccessKey', { AccessKeyId: second.AccessKey.AccessKeyId, Status: 'Inactive' }, ci);
  await call('DeleteAccessKey', { UserName: 'ci', AccessKeyId: second.AccessKey.AccessKeyId });

  const rootKeys = await call('ListAccessKeys', {});
  assert.equal(rootKeys.AccessKeyMetadata.length, 1);
  assert.equal(rootKeys.AccessKeyMetadata[0].UserName, undefined);
  await assert.rejects(call('CreateAccessKey', {}), /root access keys are managed by the server configuration/);
  const root = await call('GetUser', {});
  assert.deepEqual([root.User.UserId, root.User.Arn], [ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`]);
  const session: Caller = { ...ROOT, kind: 'assumed-role', principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/r/s`, userId: 'AROAX:s' };
  await assert.rejects(call('ListAccessKeys', {}, session), /Must specify userName when calling with non-User credentials/);

  const never = await call('GetAccessKeyLastUsed', { AccessKeyId: AccessKey.AccessKeyId });
  assert.deepEqual(never, { UserName: 'ci', AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } });
  await services.iam.accessKeys.recordUse(AccessKey.AccessKeyId, 'ssm-incidents', 'us-east-1');
  const used = await call('GetAccessKeyLastUsed', { AccessKeyId: AccessKey.AccessKeyId });
  assert.deepEqual(used.AccessKeyLastUsed, { LastUsedDate: new Date('2026-12-03T10:00:00Z'), ServiceName: 'ssm-incidents', Region: 'us-east-1' });
  await assert.rejects(call('GetAccessKeyLastUsed', { AccessKeyId: 'AKIANOTINTHISACCOUNT' }),
    (e: unknown) => e instanceof DomainError && e.kind === 'access-denied' && /iam:GetAccessKeyLastUsed on resource: access key AKIANOTINTHISACCOUNT/.test(e.message));
});

test('roles and policies: documents go out URL-encoded, exactly as they came in', async () => {
  const created = await call('CreateRole', { RoleName: 'Responder', AssumeRolePolicyDocument: TRUST, Description: 'd', MaxSessionDuration: 7200 });
  assert.equal(decodeURIComponent(created.Role.AssumeRolePolicyDocument), TRUST);
  assert.match(created.Role.AssumeRolePolicyDocument, /^%7B%22Version%22/);
  const got = await call('GetRole', { RoleName: 'responder' });
  assert.deepEqual(got.Role.RoleLastUsed, {});
  assert.equal(got.Role.MaxSessionDuration, 7200);
  assert.equal((await call('ListRoles', {})).Roles[0].RoleLastUsed, undefined);
  await call('UpdateAssumeRolePolicy', { RoleName: 'Responder', PolicyDocument: TRUST.replace('root', 'user/alice') });

  const policy = (await call('CreatePolicy', { PolicyName: 'Resolve', PolicyDocument: DOC, Description: 'resolvers' })).Policy;
  assert.deepEqual([policy.DefaultVersionId, policy.AttachmentCount, policy.IsAttachable], ['v1', 0, true]);
  const v1 = await call('GetPolicyVersion', { PolicyArn: policy.Arn, VersionId: 'v1' });
  assert.equal(decodeURIComponent(v1.PolicyVersion.Document), DOC);
  const v2 = await call('CreatePolicyVersion', { PolicyArn: policy.Arn, PolicyDocument: DOC, SetAsDefault: true });
  assert.deepEqual([v2.PolicyVersion.VersionId, v2.PolicyVersion.IsDefaultVersion, v2.PolicyVersion.Document], ['v2', true, undefined]);
  assert.deepEqual((await call('ListPolicyVersions', { PolicyArn: policy.Arn })).Versions.map((v: any) => v.VersionId), ['v2', 'v1']);
  await call('SetDefaultPolicyVersion', { PolicyArn: policy.Arn, VersionId: 'v1' });
  await call('DeletePolicyVersion', { PolicyArn: policy.Arn, VersionId: 'v2' });
  const listed = await call('ListPolicies', { Scope: 'Local' });
  assert.deepEqual(listed.Policies.map((p: any) => [p.PolicyName, p.Description]), [['Resolve', undefined]]);

  await call('AttachRolePolicy', { RoleName: 'Responder', PolicyArn: policy.Arn });
  assert.equal((await call('GetPolicy', { PolicyArn: policy.Arn })).Policy.AttachmentCount, 1);
  assert.deepEqual((await call('ListAttachedRolePolicies', { RoleName: 'Responder' })).AttachedPolicies, [{ PolicyName: 'Resolve', PolicyArn: policy.Arn }]);
  await assert.rejects(call('DeleteRole', { RoleName: 'Responder' }), /must detach all policies first/);
  await call('DetachRolePolicy', { RoleName: 'Responder', PolicyArn: policy.Arn });
  await call('DeletePolicy', { PolicyArn: policy.Arn });

  await call('PutRolePolicy', { RoleName: 'Responder', PolicyName: 'inline', PolicyDocument: DOC });
  const inline = await call('GetRolePolicy', { RoleName: 'responder', PolicyName: 'INLINE' });
  assert.deepEqual([inline.RoleName, inline.PolicyName, decodeURIComponent(inline.PolicyDocument)], ['Responder', 'inline', DOC]);
  assert.deepEqual((await call('ListRolePolicies', { RoleName: 'Responder' })).PolicyNames, ['inline']);
  await call('DeleteRolePolicy', { RoleName: 'Responder', PolicyName: 'inline' });
  await call('TagRole', { RoleName: 'Responder', Tags: [{ Key: 'a', Value: 'b' }] });
  await call('UntagRole', { RoleName: 'Responder', TagKeys: ['a'] });
  assert.deepEqual((await call('ListRoleTags', { RoleName: 'Responder' })).Tags, []);
  await call('DeleteRole', { RoleName: 'Responder' });

  await call('CreateUser', { UserName: 'pat' });
  await call('PutUserPolicy', { UserName: 'pat', PolicyName: 'p', PolicyDocument: DOC });
  assert.equal(decodeURIComponent((await call('GetUserPolicy', { UserName: 'pat', PolicyName: 'p' })).PolicyDocument), DOC);
  assert.deepEqual((await call('ListUserPolicies', { UserName: 'pat' })).PolicyNames, ['p']);
  await call('DeleteUserPolicy', { UserName: 'pat', PolicyName: 'p' });
  await call('AttachUserPolicy', { UserName: 'pat', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  assert.deepEqual((await call('ListAttachedUserPolicies', { UserName: 'pat' })).AttachedPolicies.map((p: any) => p.PolicyName), ['AdministratorAccess']);
  await call('DetachUserPolicy', { UserName: 'pat', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  await call('DeleteUser', { UserName: 'pat' });
  const admin = await call('GetPolicyVersion', { PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess', VersionId: 'v1' });
  assert.deepEqual(JSON.parse(decodeURIComponent(admin.PolicyVersion.Document)).Statement, [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
});
