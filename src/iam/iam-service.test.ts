/** IamService on both databases: IAM's naming, quota, conflict and paging rules. */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Caller } from '../api/operation.js';
import { createServices, type AppServices } from '../app-context.js';
import { SecretBox } from '../crypto/secret-box.js';
import { DomainError } from '../errors.js';
import { ManualClock } from '../time/clock.js';
import { backends, openTestDatabase, type TestDatabase } from '../../test/helpers/test-databases.js';

const ALLOW = (action = 'ssm-incidents:*') => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const TRUST = (account: string) => JSON.stringify({
  Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }],
});

/** Asserts `p` rejects with a domain error of `kind`, the AWS shape hint `shape` (if given) and a message matching `message`. */
async function rejectsWith(p: Promise<unknown>, kind: string, message: string | RegExp, shape?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DomainError, `not a DomainError: ${String(e)}`);
    assert.equal(e.kind, kind);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    if (shape) assert.equal(e.shape, shape);
    return true;
  });
}

const newAccount = () => String(randomInt(100000, 999999)) + String(randomInt(100000, 999999));

for (const kind of backends) {
  describe(`IAM on ${kind}`, () => {
    let db: TestDatabase;
    let s: AppServices;
    const clock = new ManualClock(new Date('2026-12-03T10:00:00Z'));
    before(async () => {
      db = await openTestDatabase(kind);
      s = createServices(db.database, clock, new SecretBox(randomBytes(32)));
    });
    after(async () => db.drop());

    test('user names are unique per account whatever their case, and kept as given', async () => {
      const acct = newAccount();
      const alice = await s.iam.users.create(acct, { userName: 'Alice', path: '/sre/', tags: [{ Key: 'team', Value: 'sre' }] });
      assert.match(alice.userId, /^AIDA[A-Z2-7]{16}$/);
      assert.equal(alice.arn, `arn:aws:iam::${acct}:user/sre/Alice`);
      assert.deepEqual(alice.tags, [{ Key: 'team', Value: 'sre' }]);
      await rejectsWith(s.iam.users.create(acct, { userName: 'alice' }), 'conflict', 'User with name alice already exists.', 'EntityAlreadyExistsException');
      await s.iam.users.create(newAccount(), { userName: 'alice' }); // another account is another namespace
      const got = await s.iam.users.get(acct, 'ALICE');
      assert.equal(got.name, 'Alice');
      assert.deepEqual(got.tags, [{ Key: 'team', Value: 'sre' }]);
      await rejectsWith(s.iam.users.get(acct, 'bob'), 'not-found', 'The user with name bob cannot be found.');
    });

    test('ListUsers pages in name order with Marker and MaxItems, filtered by path prefix', async () => {
      const acct = newAccount();
      for (const [n, p] of [['carol', '/a/'], ['Bob', '/b/'], ['alice', '/a/x/'], ['dave', '/']] as const) await s.iam.users.create(acct, { userName: n, path: p });
      const first = await s.iam.users.list(acct, { maxItems: 3 });
      assert.deepEqual(first.items.map((u) => u.name), ['alice', 'Bob', 'carol']);
      assert.ok(first.marker);
      const second = await s.iam.users.list(acct, { maxItems: 3, marker: first.marker });
      assert.deepEqual(second.items.map((u) => u.name), ['dave']);
      assert.equal(second.marker, undefined);
      assert.deepEqual((await s.iam.users.list(acct, { pathPrefix: '/a/' })).items.map((u) => u.name), ['alice', 'carol']);
      assert.deepEqual((await s.iam.users.list(acct, { pathPrefix: '/a/x' })).items.map((u) => u.name), ['alice']);
      await rejectsWith(s.iam.users.list(acct, { marker: 'garbage' }), 'validation', /Invalid Marker/);
    });

    test('a user keeps at most two access keys; secrets are stored sealed and never listed', async () => {
      const acct = newAccount();
      await s.iam.users.create(acct, { userName: 'ci' });
      const k1 = await s.iam.accessKeys.create(acct, 'ci');
      const k2 = await s.iam.accessKeys.create(acct, 'CI');
      assert.match(k1.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
      assert.equal(k1.secretAccessKey.length, 40);
      assert.equal(k1.status, 'Active');
      await rejectsWith(s.iam.accessKeys.create(acct, 'ci'), 'quota', 'Cannot exceed quota for AccessKeysPerUser: 2', 'LimitExceededException');
      const listed = await s.iam.accessKeys.list(acct, 'ci', {});
      assert.deepEqual(listed.items.map((k) => k.accessKeyId).sort(), [k1.accessKeyId, k2.accessKeyId].sort());
      assert.ok(listed.items.every((k) => !('secretAccessKey' in k) && k.userName === 'ci'));
      const row = await db.database.db.selectFrom('access_keys').selectAll().where('access_key_id', '=', k1.accessKeyId).executeTakeFirstOrThrow();
      assert.match(row.secret_access_key, /^tsb1\./);
      assert.ok(!row.secret_access_key.includes(k1.secretAccessKey));
      assert.equal(row.sealed, 1);

      await s.iam.accessKeys.update(acct, 'ci', k1.accessKeyId, 'Inactive');
      assert.equal((await s.iam.accessKeys.list(acct, 'ci', {})).items.find((k) => k.accessKeyId === k1.accessKeyId)?.status, 'Inactive');
      await rejectsWith(s.iam.accessKeys.update(acct, 'ci', 'AKIANOTAKEY000000000', 'Active'), 'not-found', 'The Access Key with id AKIANOTAKEY000000000 cannot be found.');
      await s.iam.users.create(acct, { userName: 'other' });
      await rejectsWith(s.iam.accessKeys.delete(acct, 'other', k1.accessKeyId), 'not-found', /cannot be found/);
      await s.iam.accessKeys.delete(acct, 'ci', k1.accessKeyId);
      assert.equal((await s.iam.accessKeys.list(acct, 'ci', {})).items.length, 1);

      const use = await s.iam.accessKeys.lastUsed(acct, k2.accessKeyId);
      assert.deepEqual(use, { userName: 'ci', userArn: `arn:aws:iam::${acct}:user/ci`, lastUsedAt: undefined, service: undefined, region: undefined });
      await s.iam.accessKeys.recordUse(k2.accessKeyId, 'ssm-incidents', 'us-east-1');
      assert.deepEqual(await s.iam.accessKeys.lastUsed(acct, k2.accessKeyId), { userName: 'ci', userArn: `arn:aws:iam::${acct}:user/ci`, lastUsedAt: clock.now(), service: 'ssm-incidents', region: 'us-east-1' });
      assert.equal(await s.iam.accessKeys.lastUsed(newAccount(), k2.accessKeyId), undefined, 'another account\'s key is not visible');
    });

    test('DeleteUser is refused while keys or policies remain, with IAM\'s messages', async () => {
      const acct = newAccount();
      await s.iam.users.create(acct, { userName: 'u', tags: [{ Key: 'a', Value: 'b' }] });
      const key = await s.iam.accessKeys.create(acct, 'u');
      const policy = await s.iam.policies.create(acct, { policyName: 'p', document: ALLOW() });
      await s.iam.permissions.attachPolicy(acct, { type: 'user', name: 'u' }, policy.arn);
      await s.iam.permissions.putInlinePolicy(acct, { type: 'user', name: 'u' }, 'inline', ALLOW());
      await rejectsWith(s.iam.users.delete(acct, 'u'), 'conflict', 'Cannot delete entity, must delete access keys first.', 'DeleteConflictException');
      await s.iam.accessKeys.delete(acct, 'u', key.accessKeyId);
      await rejectsWith(s.iam.users.delete(acct, 'u'), 'conflict', 'Cannot delete entity, must delete policies first.', 'DeleteConflictException');
      await s.iam.permissions.deleteInlinePolicy(acct, { type: 'user', name: 'u' }, 'INLINE');
      await rejectsWith(s.iam.users.delete(acct, 'u'), 'conflict', 'Cannot delete entity, must detach all policies first.', 'DeleteConflictException');
      await s.iam.permissions.detachPolicy(acct, { type: 'user', name: 'u' }, policy.arn);
      await s.iam.users.delete(acct, 'u');
      await rejectsWith(s.iam.users.get(acct, 'u'), 'not-found', /cannot be found/);
      await s.iam.users.create(acct, { userName: 'u' });
      assert.deepEqual((await s.iam.users.get(acct, 'u')).tags, [], 'tags went with the deleted user');
    });

    test('roles carry a trust policy, a session limit and a description; bad trust policies are malformed', async () => {
      const acct = newAccount();
      const role = await s.iam.roles.create(acct, { roleName: 'Runbook', path: '/ops/', trustPolicy: TRUST(acct), description: 'runs runbooks', maxSessionSeconds: 7200 });
      assert.match(role.roleId, /^AROA[A-Z2-7]{16}$/);
      assert.equal(role.arn, `arn:aws:iam::${acct}:role/ops/Runbook`);
      assert.equal(role.maxSessionSeconds, 7200);
      assert.equal((await s.iam.roles.create(acct, { roleName: 'plain', trustPolicy: TRUST(acct) })).maxSessionSeconds, 3600);
      await rejectsWith(s.iam.roles.create(acct, { roleName: 'RUNBOOK', trustPolicy: TRUST(acct) }), 'conflict', 'Role with name RUNBOOK already exists.');
      await rejectsWith(s.iam.roles.create(acct, { roleName: 'x', trustPolicy: '{not json' }), 'validation', /./, 'MalformedPolicyDocumentException');
      await rejectsWith(s.iam.roles.create(acct, { roleName: 'x', trustPolicy: ALLOW() }), 'validation', /./, 'MalformedPolicyDocumentException');
      await rejectsWith(s.iam.roles.create(acct, { roleName: 'x', trustPolicy: TRUST(acct), maxSessionSeconds: 60 }), 'validation', /maxSessionDuration/);
      await rejectsWith(s.iam.roles.create(acct, { roleName: 'x', trustPolicy: TRUST(acct), permissionsBoundary: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
        'validation', /permissions boundaries/, 'InvalidInputException');

      const other = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ssm-incidents.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
      await s.iam.roles.updateTrustPolicy(acct, 'runbook', other);
      assert.equal((await s.iam.roles.get(acct, 'Runbook')).trustPolicy, other, 'the document is kept exactly as given');
      assert.equal((await s.iam.findRole(acct, `arn:aws:iam::${acct}:role/ops/Runbook`))?.roleId, role.roleId);
      assert.equal((await s.iam.findRole(acct, 'runbook'))?.roleId, role.roleId);
      assert.equal(await s.iam.findRole(acct, `arn:aws:iam::${acct}:role/Runbook`), undefined, 'the ARN\'s path must be the role\'s');
      assert.equal(await s.iam.findRole(newAccount(), `arn:aws:iam::${acct}:role/ops/Runbook`).then((r) => r?.name), 'Runbook', 'an ARN names its own account');
      await rejectsWith(s.iam.roles.get(acct, 'nope'), 'not-found', 'The role with name nope cannot be found.');

      await s.iam.roles.tag(acct, 'runbook', [{ Key: 'Env', Value: 'prod' }, { Key: 'team', Value: 'a' }]);
      await s.iam.roles.tag(acct, 'runbook', [{ Key: 'env', Value: 'dev' }]);
      assert.deepEqual((await s.iam.roles.listTags(acct, 'Runbook', {})).items, [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'a' }]);
      await s.iam.roles.untag(acct, 'runbook', ['ENV', 'missing']);
      assert.deepEqual((await s.iam.roles.listTags(acct, 'Runbook', {})).items, [{ Key: 'team', Value: 'a' }]);
      await rejectsWith(s.iam.roles.tag(acct, 'runbook', Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))), 'quota', 'Cannot exceed quota for TagsPerRole: 50');

      await s.iam.permissions.putInlinePolicy(acct, { type: 'role', name: 'Runbook' }, 'p', ALLOW());
      await rejectsWith(s.iam.roles.delete(acct, 'runbook'), 'conflict', 'Cannot delete entity, must delete policies first.', 'DeleteConflictException');
      await s.iam.permissions.deleteInlinePolicy(acct, { type: 'role', name: 'Runbook' }, 'p');
      await s.iam.roles.delete(acct, 'runbook');
      assert.equal(await s.iam.findRole(acct, 'Runbook'), undefined);
    });

    test('managed policies keep up to five versions with one default, as IAM does', async () => {
      const acct = newAccount();
      const p = await s.iam.policies.create(acct, { policyName: 'Responders', path: '/team/', document: ALLOW(), description: 'd', tags: [{ Key: 'a', Value: '1' }] });
      assert.match(p.policyId, /^ANPA[A-Z2-7]{16}$/);
      assert.equal(p.arn, `arn:aws:iam::${acct}:policy/team/Responders`);
      assert.equal(p.defaultVersion, 'v1');
      await rejectsWith(s.iam.policies.create(acct, { policyName: 'responders', document: ALLOW() }), 'conflict',
        'A policy called responders already exists. Duplicate names are not allowed.', 'EntityAlreadyExistsException');
      await rejectsWith(s.iam.policies.create(acct, { policyName: 'x', document: TRUST(acct) }), 'validation', /./, 'MalformedPolicyDocumentException');
      await rejectsWith(s.iam.policies.create(acct, { policyName: 'big', document: ALLOW('ssm-incidents:' + 'x'.repeat(6200)) }), 'quota',
        'Cannot exceed quota for PolicySize: 6144', 'LimitExceededException');

      const v2 = await s.iam.policies.createVersion(acct, p.arn, ALLOW('ssm-incidents:Get*'), false);
      assert.deepEqual([v2.versionId, v2.isDefault], ['v2', false]);
      await s.iam.policies.createVersion(acct, p.arn, ALLOW('ssm-incidents:List*'), true);
      assert.equal((await s.iam.policies.get(acct, p.arn)).defaultVersion, 'v3');
      await s.iam.policies.createVersion(acct, p.arn, ALLOW(), false);
      await s.iam.policies.createVersion(acct, p.arn, ALLOW(), false);
      await rejectsWith(s.iam.policies.createVersion(acct, p.arn, ALLOW(), false), 'quota',
        'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.', 'LimitExceededException');
      await rejectsWith(s.iam.policies.deleteVersion(acct, p.arn, 'v3'), 'conflict', 'Cannot delete the default version of a policy.', 'DeleteConflictException');
      await s.iam.policies.deleteVersion(acct, p.arn, 'v2');
      const v6 = await s.iam.policies.createVersion(acct, p.arn, ALLOW('ssm-contacts:*'), false);
      assert.equal(v6.versionId, 'v6', 'version ids are never reused');
      assert.deepEqual((await s.iam.policies.listVersions(acct, p.arn, {})).items.map((v) => [v.versionId, v.isDefault]),
        [['v6', false], ['v5', false], ['v4', false], ['v3', true], ['v1', false]]);
      const paged = await s.iam.policies.listVersions(acct, p.arn, { maxItems: 2 });
      assert.deepEqual(paged.items.map((v) => v.versionId), ['v6', 'v5']);
      assert.deepEqual((await s.iam.policies.listVersions(acct, p.arn, { marker: paged.marker })).items.map((v) => v.versionId), ['v4', 'v3', 'v1']);
      assert.equal((await s.iam.policies.getVersion(acct, p.arn, 'v6')).document, ALLOW('ssm-contacts:*'));
      await rejectsWith(s.iam.policies.getVersion(acct, p.arn, 'v2'), 'not-found', /version v2 does not exist/);
      await s.iam.policies.setDefaultVersion(acct, p.arn, 'v6');
      await rejectsWith(s.iam.policies.setDefaultVersion(acct, p.arn, 'v9'), 'not-found', /v9/);
      await rejectsWith(s.iam.policies.get(newAccount(), p.arn), 'not-found', `Policy ${p.arn} was not found.`);
      await rejectsWith(s.iam.policies.get(acct, 'not-an-arn'), 'validation', 'ARN not-an-arn is not valid.', 'InvalidInputException');

      // DeletePolicy: not while attached, not while other versions remain.
      await s.iam.roles.create(acct, { roleName: 'r', trustPolicy: TRUST(acct) });
      await s.iam.permissions.attachPolicy(acct, { type: 'role', name: 'r' }, p.arn);
      assert.equal((await s.iam.policies.get(acct, p.arn)).attachmentCount, 1);
      await rejectsWith(s.iam.policies.delete(acct, p.arn), 'conflict', 'Cannot delete a policy attached to entities.', 'DeleteConflictException');
      await s.iam.permissions.detachPolicy(acct, { type: 'role', name: 'r' }, p.arn);
      await rejectsWith(s.iam.policies.delete(acct, p.arn), 'conflict', /more than one version/, 'DeleteConflictException');
      for (const v of ['v1', 'v3', 'v4', 'v5']) await s.iam.policies.deleteVersion(acct, p.arn, v);
      await s.iam.policies.delete(acct, p.arn);
      await rejectsWith(s.iam.policies.get(acct, p.arn), 'not-found', /was not found/);
    });

    test('ListPolicies filters by scope, path prefix and attachment, in name order with paging', async () => {
      const acct = newAccount();
      for (const [n, path] of [['beta', '/x/'], ['Alpha', '/'], ['gamma', '/x/y/']] as const) await s.iam.policies.create(acct, { policyName: n, path, document: ALLOW() });
      const local = await s.iam.policies.list(acct, { scope: 'Local' });
      assert.deepEqual(local.items.map((p) => p.name), ['Alpha', 'beta', 'gamma']);
      const all = await s.iam.policies.list(acct, {});
      assert.deepEqual(all.items.map((p) => p.name), ['AdministratorAccess', 'Alpha', 'beta', 'gamma']);
      assert.deepEqual((await s.iam.policies.list(acct, { scope: 'AWS' })).items.map((p) => p.arn), ['arn:aws:iam::aws:policy/AdministratorAccess']);
      assert.deepEqual((await s.iam.policies.list(acct, { scope: 'Local', pathPrefix: '/x/' })).items.map((p) => p.name), ['beta', 'gamma']);
      const page1 = await s.iam.policies.list(acct, { maxItems: 2 });
      assert.deepEqual(page1.items.map((p) => p.name), ['AdministratorAccess', 'Alpha']);
      const page2 = await s.iam.policies.list(acct, { maxItems: 2, marker: page1.marker });
      assert.deepEqual(page2.items.map((p) => p.name), ['beta', 'gamma']);
      assert.equal(page2.marker, undefined);

      await s.iam.users.create(acct, { userName: 'u' });
      await s.iam.permissions.attachPolicy(acct, { type: 'user', name: 'u' }, `arn:aws:iam::${acct}:policy/x/beta`);
      await s.iam.permissions.attachPolicy(acct, { type: 'user', name: 'u' }, 'arn:aws:iam::aws:policy/AdministratorAccess');
      const attached = await s.iam.policies.list(acct, { onlyAttached: true });
      assert.deepEqual(attached.items.map((p) => [p.name, p.attachmentCount]), [['AdministratorAccess', 1], ['beta', 1]]);
      assert.equal((await s.iam.policies.get(newAccount(), 'arn:aws:iam::aws:policy/AdministratorAccess')).attachmentCount, 0, 'counts are per account');
      assert.deepEqual((await s.iam.policies.list(acct, { policyUsageFilter: 'PermissionsBoundary' })).items, []);
    });

    test('attachments: idempotent, at most ten, only attachable policies, listed by name', async () => {
      const acct = newAccount();
      await s.iam.users.create(acct, { userName: 'u' });
      const u = { type: 'user', name: 'u' } as const;
      const arns: string[] = [];
      for (let i = 0; i < 11; i++) arns.push((await s.iam.policies.create(acct, { policyName: `p${String(i).padStart(2, '0')}`, document: ALLOW() })).arn);
      for (const arn of arns.slice(0, 10)) await s.iam.permissions.attachPolicy(acct, u, arn);
      await s.iam.permissions.attachPolicy(acct, u, arns[0]); // again: no change
      await rejectsWith(s.iam.permissions.attachPolicy(acct, u, arns[10]), 'quota', 'Cannot exceed quota for PoliciesPerUser: 10', 'LimitExceededException');
      const page = await s.iam.permissions.listAttachedPolicies(acct, u, { maxItems: 4 });
      assert.deepEqual(page.items.map((p) => p.name), ['p00', 'p01', 'p02', 'p03']);
      const rest = await s.iam.permissions.listAttachedPolicies(acct, u, { marker: page.marker });
      assert.equal(rest.items.length, 6);
      const foreign = await s.iam.policies.create(newAccount(), { policyName: 'foreign', document: ALLOW() });
      await s.iam.permissions.detachPolicy(acct, u, arns[0]);
      await rejectsWith(s.iam.permissions.attachPolicy(acct, u, foreign.arn), 'not-found', `Policy ${foreign.arn} does not exist or is not attachable.`);
      await rejectsWith(s.iam.permissions.attachPolicy(acct, u, `arn:aws:iam::${acct}:policy/missing`), 'not-found', /does not exist or is not attachable/);
      await rejectsWith(s.iam.permissions.detachPolicy(acct, u, arns[0]), 'not-found', `Policy ${arns[0]} was not found.`);
      await rejectsWith(s.iam.permissions.attachPolicy(acct, { type: 'role', name: 'ghost' }, arns[0]), 'not-found', 'The role with name ghost cannot be found.');
    });

    test('inline policies: replaced by name, listed, size-limited per user, documents kept as given', async () => {
      const acct = newAccount();
      await s.iam.users.create(acct, { userName: 'u' });
      const u = { type: 'user', name: 'U' } as const;
      const doc = ALLOW('ssm-incidents:StartIncident');
      await s.iam.permissions.putInlinePolicy(acct, u, 'start', doc);
      await s.iam.permissions.putInlinePolicy(acct, u, 'read', ALLOW('ssm-incidents:Get*'));
      assert.deepEqual(await s.iam.permissions.getInlinePolicy(acct, u, 'START'), { principalName: 'u', name: 'start', document: doc });
      await s.iam.permissions.putInlinePolicy(acct, u, 'start', ALLOW());
      assert.equal((await s.iam.permissions.getInlinePolicy(acct, u, 'start')).document, ALLOW());
      assert.deepEqual((await s.iam.permissions.listInlinePolicies(acct, u, {})).items, ['read', 'start']);
      await rejectsWith(s.iam.permissions.putInlinePolicy(acct, u, 'huge', ALLOW('ssm-incidents:' + 'x'.repeat(2000))), 'quota',
        'Maximum policy size of 2048 bytes exceeded for user u', 'LimitExceededException');
      await rejectsWith(s.iam.permissions.getInlinePolicy(acct, u, 'nope'), 'not-found', 'The user policy with name nope cannot be found.');
      await rejectsWith(s.iam.permissions.deleteInlinePolicy(acct, u, 'nope'), 'not-found', 'The user policy with name nope cannot be found.');
      await rejectsWith(s.iam.permissions.putInlinePolicy(acct, u, 'bad', '{"Statement":[]}'), 'validation', /./, 'MalformedPolicyDocumentException');
    });

    test('identityPolicies: a user\'s default versions and inline policies, a session\'s role\'s, none for root', async () => {
      const acct = newAccount();
      const user = await s.iam.users.create(acct, { userName: 'u' });
      const p = await s.iam.policies.create(acct, { policyName: 'p', document: ALLOW('ssm-incidents:Get*') });
      await s.iam.permissions.attachPolicy(acct, { type: 'user', name: 'u' }, p.arn);
      await s.iam.permissions.attachPolicy(acct, { type: 'user', name: 'u' }, 'arn:aws:iam::aws:policy/AdministratorAccess');
      await s.iam.permissions.putInlinePolicy(acct, { type: 'user', name: 'u' }, 'in', ALLOW('ssm-contacts:*'));
      const caller: Caller = { accountId: acct, principalArn: user.arn, accessKeyId: 'AKIAX', kind: 'user', userId: user.userId, userName: 'u' };
      const before = await s.iam.identityPolicies(caller);
      assert.deepEqual(before.map((x) => x.document).sort(), [ALLOW('ssm-incidents:Get*'), ALLOW('ssm-contacts:*'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, null, 4)].sort());
      assert.ok(before.some((x) => x.id === `${p.arn}#v1`));
      const count = s.iam.changeCount;
      let heard = 0;
      const stop = s.iam.onChange(() => heard++);
      await s.iam.policies.createVersion(acct, p.arn, ALLOW('ssm-incidents:List*'), true);
      await s.iam.permissions.putInlinePolicy(acct, { type: 'user', name: 'u' }, 'in', ALLOW('ssm-contacts:Get*'));
      stop();
      assert.ok(s.iam.changeCount >= count + 2);
      assert.equal(heard, 2);
      const afterChange = await s.iam.identityPolicies(caller);
      assert.ok(afterChange.some((x) => x.id === `${p.arn}#v2` && x.document === ALLOW('ssm-incidents:List*')));
      const inlineIds = (list: typeof before) => list.filter((x) => x.id.includes('#inline/')).map((x) => x.id);
      assert.notDeepEqual(inlineIds(afterChange), inlineIds(before), 'an inline policy\'s id changes with its document');

      const role = await s.iam.roles.create(acct, { roleName: 'r', trustPolicy: TRUST(acct) });
      await s.iam.permissions.putInlinePolicy(acct, { type: 'role', name: 'r' }, 'rp', ALLOW('ssm:*'));
      const session: Caller = {
        accountId: acct, principalArn: `arn:aws:sts::${acct}:assumed-role/r/s`, accessKeyId: 'ASIAX', kind: 'assumed-role',
        userId: `${role.roleId}:s`, roleArn: role.arn, roleName: 'r', sessionName: 's',
      };
      assert.deepEqual((await s.iam.identityPolicies(session)).map((x) => x.document), [ALLOW('ssm:*')]);
      assert.deepEqual(await s.iam.identityPolicies({ accountId: acct, principalArn: `arn:aws:iam::${acct}:root`, accessKeyId: 'AKIAR', kind: 'root', userId: acct }), []);
    });

    test('two creations of one name at once: exactly one wins, the other gets EntityAlreadyExists', async () => {
      const acct = newAccount();
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => s.iam.users.create(acct, { userName: i % 2 ? 'Twin' : 'twin' })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as DomainError).kind, 'conflict');
      const keys = await Promise.allSettled(Array.from({ length: 5 }, () => s.iam.accessKeys.create(acct, 'twin')));
      assert.equal(keys.filter((r) => r.status === 'fulfilled').length, 2, 'the two-key quota holds under concurrency');
    });
  });
}
