/** STS and the credential lookup on both databases: who a signed request is, and temporary credentials. */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Caller } from '../api/operation.js';
import { createServices, type AppServices } from '../app-context.js';
import { SecretBox } from '../crypto/secret-box.js';
import { AuthenticationError, DomainError } from '../errors.js';
import { backends, openTestDatabase, type TestDatabase } from '../../test/helpers/test-databases.js';
import { ManualClock } from '../time/clock.js';
import { CredentialLookup } from './credential-lookup.js';
import { StsService, type RoleAssumptionCheck } from './sts-service.js';

const TRUST = (account: string) => JSON.stringify({
  Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }],
});
const newAccount = () => String(randomInt(100000, 999999)) + String(randomInt(100000, 999999));
const allowAll: RoleAssumptionCheck = { mayAssumeRole: async () => true };

async function rejectsWith(p: Promise<unknown>, kind: string, message: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DomainError, `not a DomainError: ${String(e)}`);
    assert.equal(e.kind, kind);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

async function expired(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof AuthenticationError && e.code === 'ExpiredTokenException'
    && e.message === 'The security token included in the request is expired');
}

for (const kind of backends) {
  describe(`STS and credentials on ${kind}`, () => {
    let db: TestDatabase;
    let s: AppServices;
    let box: SecretBox;
    const clock = new ManualClock(new Date('2026-12-03T10:00:00Z'));
    before(async () => {
      db = await openTestDatabase(kind);
      box = new SecretBox(randomBytes(32));
      s = createServices(db.database, clock, box);
    });
    after(async () => db.drop());

    /** An account with its root caller. */
    async function account(): Promise<{ id: string; root: Caller; secret: string }> {
      const a = await s.accounts.createAccount(newAccount());
      const root = await s.sts.credentials.callerFor(a.accessKeyId);
      assert.ok(root);
      return { id: a.accountId, root, secret: a.secretAccessKey };
    }

    test('root and user keys resolve to their secret and principal; Inactive and deleted keys are unknown', async () => {
      const a = await account();
      assert.deepEqual(a.root, { accountId: a.id, principalArn: `arn:aws:iam::${a.id}:root`, accessKeyId: a.root.accessKeyId, kind: 'root', userId: a.id });
      assert.deepEqual(await s.sts.credentials.secretFor(a.root.accessKeyId), { secretAccessKey: a.secret });
      const user = await s.iam.users.create(a.id, { userName: 'ci', path: '/bots/' });
      const key = await s.iam.accessKeys.create(a.id, 'ci');
      assert.deepEqual(await s.sts.credentials.secretFor(key.accessKeyId), { secretAccessKey: key.secretAccessKey });
      assert.deepEqual(await s.sts.credentials.callerFor(key.accessKeyId), {
        accountId: a.id, principalArn: `arn:aws:iam::${a.id}:user/bots/ci`, accessKeyId: key.accessKeyId, kind: 'user', userId: user.userId, userName: 'ci',
      });
      // Changes made through the services are seen at once, cache or not.
      await s.iam.accessKeys.update(a.id, 'ci', key.accessKeyId, 'Inactive');
      assert.equal(await s.sts.credentials.secretFor(key.accessKeyId), undefined);
      await s.iam.accessKeys.update(a.id, 'ci', key.accessKeyId, 'Active');
      assert.ok(await s.sts.credentials.secretFor(key.accessKeyId));
      await s.iam.accessKeys.delete(a.id, 'ci', key.accessKeyId);
      assert.equal(await s.sts.credentials.callerFor(key.accessKeyId), undefined);
      assert.equal(await s.sts.credentials.secretFor('AKIANEVERISSUED00000'), undefined);
    });

    test('another node\'s change is seen once the cache entry is 5 s old', async () => {
      const a = await account();
      await s.iam.users.create(a.id, { userName: 'u' });
      const key = await s.iam.accessKeys.create(a.id, 'u');
      const otherNode = createServices(db.database, clock, box);
      assert.ok(await otherNode.sts.credentials.secretFor(key.accessKeyId));
      await s.iam.accessKeys.update(a.id, 'u', key.accessKeyId, 'Inactive');
      assert.ok(await otherNode.sts.credentials.secretFor(key.accessKeyId), 'still cached on the other node');
      clock.advance(5_001);
      assert.equal(await otherNode.sts.credentials.secretFor(key.accessKeyId), undefined);
    });

    test('AssumeRole issues session credentials that resolve to the role session, until they expire', async () => {
      const a = await account();
      const role = await s.iam.roles.create(a.id, { roleName: 'Responder', path: '/ops/', trustPolicy: TRUST(a.id), maxSessionSeconds: 7200 });
      const start = clock.now();
      const creds = await s.sts.assumeRole(a.root, { roleArn: role.arn, roleSessionName: 'alice' }, 'us-east-1', allowAll);
      assert.match(creds.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
      const wholeSecond = (d: Date) => Math.floor(d.getTime() / 1000) * 1000;
      assert.equal(creds.expiresAt.getTime(), wholeSecond(start) + 3600_000, 'an hour by default, to the second');
      assert.equal(creds.assumedRoleId, `${role.roleId}:alice`);
      assert.equal(creds.arn, `arn:aws:sts::${a.id}:assumed-role/Responder/alice`);
      assert.deepEqual(await s.sts.accessKeyInfo(creds.accessKeyId), { account: a.id });
      assert.equal((await s.iam.roles.get(a.id, 'Responder')).lastUsedRegion, 'us-east-1');

      const secret = await s.sts.credentials.secretFor(creds.accessKeyId, creds.sessionToken);
      assert.deepEqual(secret, { secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken });
      const caller = await s.sts.credentials.callerFor(creds.accessKeyId); // the request's token was seen by secretFor
      assert.deepEqual(caller, {
        accountId: a.id, principalArn: creds.arn, accessKeyId: creds.accessKeyId, kind: 'assumed-role', userId: `${role.roleId}:alice`,
        roleArn: role.arn, roleName: 'Responder', sessionName: 'alice', expiresAt: creds.expiresAt,
      });
      assert.deepEqual(s.sts.callerIdentity(caller!), { account: a.id, arn: creds.arn, userId: `${role.roleId}:alice` });
      // The token works on any node with the same master key, with no row behind it.
      const otherNode = new CredentialLookup(db.database, clock, box, s.iam);
      assert.equal((await otherNode.callerFor(creds.accessKeyId, { sessionToken: creds.sessionToken }))?.principalArn, creds.arn);
      // No token, another key's token, or a key id the token does not name: unknown.
      assert.equal(await otherNode.secretFor(creds.accessKeyId), undefined);
      const second = await s.sts.assumeRole(a.root, { roleArn: role.arn, roleSessionName: 'bob' }, 'us-east-1', allowAll);
      assert.equal(await otherNode.secretFor(creds.accessKeyId, second.sessionToken), undefined);
      assert.equal(await new CredentialLookup(db.database, clock, new SecretBox(randomBytes(32)), s.iam).secretFor(creds.accessKeyId, creds.sessionToken), undefined);

      clock.set(creds.expiresAt.getTime() - 1);
      assert.ok(await s.sts.credentials.secretFor(creds.accessKeyId, creds.sessionToken));
      clock.advance(1);
      await expired(s.sts.credentials.secretFor(creds.accessKeyId, creds.sessionToken));
      await expired(otherNode.secretFor(creds.accessKeyId, creds.sessionToken));
      await expired(s.sts.credentials.callerFor(creds.accessKeyId));
    });

    test('deleting the role ends its sessions, even if a role of the same name is created again', async () => {
      const a = await account();
      const role = await s.iam.roles.create(a.id, { roleName: 'r', trustPolicy: TRUST(a.id) });
      const creds = await s.sts.assumeRole(a.root, { roleArn: role.arn, roleSessionName: 's1' }, 'us-east-1', allowAll);
      assert.ok(await s.sts.credentials.secretFor(creds.accessKeyId, creds.sessionToken));
      await s.iam.roles.delete(a.id, 'r');
      await s.iam.roles.create(a.id, { roleName: 'r', trustPolicy: TRUST(a.id) });
      assert.equal(await s.sts.credentials.secretFor(creds.accessKeyId, creds.sessionToken), undefined);
    });

    test('DurationSeconds: 900 up to the role\'s maximum, 1 hour when chaining; names checked; refusals look alike', async () => {
      const a = await account();
      const role = await s.iam.roles.create(a.id, { roleName: 'r', trustPolicy: TRUST(a.id), maxSessionSeconds: 7200 });
      const ask = (caller: Caller, extra: Partial<Parameters<StsService['assumeRole']>[1]> = {}, check: RoleAssumptionCheck = allowAll) =>
        s.sts.assumeRole(caller, { roleArn: role.arn, roleSessionName: 'sess', ...extra }, 'us-east-1', check);
      assert.equal((await ask(a.root, { durationSeconds: 900 })).expiresAt.getTime(), Math.floor(clock.now().getTime() / 1000) * 1000 + 900_000);
      await ask(a.root, { durationSeconds: 7200 });
      await rejectsWith(ask(a.root, { durationSeconds: 7201 }), 'validation', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
      await rejectsWith(ask(a.root, { durationSeconds: 899 }), 'validation', /durationSeconds.*greater than or equal to 900/);
      await rejectsWith(ask(a.root, { roleSessionName: 'x' }), 'validation', /roleSessionName/);
      await rejectsWith(ask(a.root, { roleSessionName: 'has space' }), 'validation', /roleSessionName/);
      await rejectsWith(ask(a.root, { unsupported: ['Policy'] }), 'validation', /does not support Policy/);
      await rejectsWith(s.sts.assumeRole(a.root, { roleArn: 'arn:aws:iam::111122223333:user/x', roleSessionName: 'ss' }, 'us-east-1'), 'validation', /invalid/);

      // The authorizer (the service's check): a user the account-wide trust does not back with its
      // own permission, and root credentials, are refused; a missing role is refused the same way.
      const user = await s.iam.users.create(a.id, { userName: 'u' });
      const userCaller: Caller = { accountId: a.id, principalArn: user.arn, accessKeyId: 'AKIAX', kind: 'user', userId: user.userId, userName: 'u' };
      await rejectsWith(ask(userCaller, {}, s.access), 'access-denied', `User: ${user.arn} is not authorized to perform: sts:AssumeRole on resource: ${role.arn}`);
      const b = await account();
      await rejectsWith(ask(b.root, {}, s.access), 'access-denied', /is not authorized to perform: sts:AssumeRole/);
      await rejectsWith(ask(a.root, {}, s.access), 'access-denied', /is not authorized to perform: sts:AssumeRole/);
      const missing = `arn:aws:iam::${a.id}:role/missing`;
      await rejectsWith(s.sts.assumeRole(a.root, { roleArn: missing, roleSessionName: 'ss' }, 'us-east-1'), 'access-denied',
        `User: ${a.root.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${missing}`);

      // A check that allows (the authorizer's decision) lets a user and another account in; sessions chaining are limited to 1 hour.
      const viaUser = await s.sts.assumeRole(userCaller, { roleArn: role.arn, roleSessionName: 'u1', durationSeconds: 7200 }, 'us-east-1', allowAll);
      const session = (await s.sts.credentials.callerFor(viaUser.accessKeyId, { sessionToken: viaUser.sessionToken }))!;
      await rejectsWith(s.sts.assumeRole(session, { roleArn: role.arn, roleSessionName: 'u2', durationSeconds: 3601 }, 'us-east-1', allowAll),
        'validation', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
      await s.sts.assumeRole(session, { roleArn: role.arn, roleSessionName: 'u2' }, 'us-east-1', allowAll);
      const cross = await s.sts.assumeRole(b.root, { roleArn: role.arn, roleSessionName: 'x1' }, 'us-east-1', allowAll);
      assert.equal((await s.sts.credentials.callerFor(cross.accessKeyId, { sessionToken: cross.sessionToken }))?.accountId, a.id, 'the session lives in the role\'s account');
      let seen: unknown;
      await s.sts.assumeRole(a.root, { roleArn: role.arn, roleSessionName: 'ss' }, 'us-east-1', { mayAssumeRole: async (_c, r) => ((seen = r), true) });
      assert.deepEqual(seen, { arn: role.arn, accountId: a.id, trustPolicy: TRUST(a.id) });
    });

    test('GetAccessKeyInfo names the account of stored keys and of any key id Tocsin issued', async () => {
      const a = await account();
      assert.deepEqual(await s.sts.accessKeyInfo(a.root.accessKeyId), { account: a.id });
      await s.accounts.bootstrap({ accountId: '123456789012', rootCredentials: { accessKeyId: 'AKIACONFIGURED000001', secretAccessKey: 's' } });
      assert.deepEqual(await s.sts.accessKeyInfo('AKIACONFIGURED000001'), { account: '123456789012' });
      await rejectsWith(s.sts.accessKeyInfo('AKIA7777777777777777'), 'validation', /not an access key id issued by this server/);
    });
  });
}
