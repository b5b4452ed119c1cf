/** STS handlers called directly with a fake request context; outputs checked against the model. */
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
import { stsHandlers } from './index.js';

const ACCOUNT = '111122223333';
const model = loadModel('sts');
const TRUST = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${ACCOUNT}:root"},"Action":"sts:AssumeRole"}]}`;
let db: TestDatabase;
let services: AppServices;
let root: Caller;
let roleArn: string;
before(async () => {
  db = await openTestDatabase('sqlite');
  services = createServices(db.database, new ManualClock(new Date('2026-12-03T10:00:00Z')), new SecretBox(randomBytes(32)));
  const boot = await services.accounts.bootstrap({ accountId: ACCOUNT });
  root = (await services.sts.credentials.callerFor(boot.accessKeyId))!;
  roleArn = (await services.iam.roles.create(ACCOUNT, { roleName: 'Responder', trustPolicy: TRUST })).arn;
});
after(async () => db.drop());

async function call(operation: string, input: Record<string, unknown>, caller: Caller = root, svc: AppServices = services): Promise<any> {
  const ctx: RequestContext = { requestId: 'r-1', caller, actor: caller, services: svc, region: 'us-east-1', operation };
  const out = (await stsHandlers[operation]!(input, ctx)) ?? {};
  const shape = model.operations[operation]!.output?.shape;
  if (shape) compileOutput(model, shape, { strict: true })(out);
  return out;
}

test('every STS operation Tocsin serves has a handler', () => {
  assert.deepEqual(Object.keys(stsHandlers).sort(), Object.keys(model.operations).sort());
});

test('GetCallerIdentity names the signer; GetAccessKeyInfo the account of a key', async () => {
  assert.deepEqual(await call('GetCallerIdentity', {}), { UserId: ACCOUNT, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` });
  assert.deepEqual(await call('GetAccessKeyInfo', { AccessKeyId: root.accessKeyId }), { Account: ACCOUNT });
});

test('AssumeRole returns credentials whose caller is the role session', async () => {
  // Root may not assume roles (the authorizer); this test is about the handler, so its check allows.
  const allowing = { ...services, access: { mayAssumeRole: async () => true } } as unknown as AppServices;
  const out = await call('AssumeRole', { RoleArn: roleArn, RoleSessionName: 'alice', DurationSeconds: 900 }, root, allowing);
  assert.match(out.Credentials.AccessKeyId, /^ASIA/);
  assert.deepEqual(out.Credentials.Expiration, new Date('2026-12-03T10:15:00Z'));
  assert.match(out.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z2-7]{16}:alice$/);
  assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Responder/alice`);
  const session = (await services.sts.credentials.callerFor(out.Credentials.AccessKeyId, { sessionToken: out.Credentials.SessionToken }))!;
  assert.deepEqual(await call('GetCallerIdentity', {}, session), { UserId: out.AssumedRoleUser.AssumedRoleId, Account: ACCOUNT, Arn: out.AssumedRoleUser.Arn });
  await assert.rejects(call('AssumeRole', { RoleArn: roleArn, RoleSessionName: 'x1', Policy: '{}' }, root, allowing), /does not support Policy/);
});

test('AssumeRole asks services.access.mayAssumeRole when the authorizer is there', async () => {
  const asked: unknown[] = [];
  const withAccess = { ...services, access: { mayAssumeRole: async (caller: Caller, role: unknown) => (asked.push([caller.principalArn, role]), false) } };
  await assert.rejects(call('AssumeRole', { RoleArn: roleArn, RoleSessionName: 'alice' }, root, withAccess as AppServices),
    (e: unknown) => e instanceof DomainError && e.kind === 'access-denied'
      && e.message === `User: arn:aws:iam::${ACCOUNT}:root is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  assert.deepEqual(asked, [[root.principalArn, { arn: roleArn, accountId: ACCOUNT, trustPolicy: TRUST }]]);
});
