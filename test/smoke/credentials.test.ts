/**
 * Root credentials can be rotated: configuring a key pair revokes the generated one, and
 * removing the configuration revokes the configured one (the generated key comes back).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ListResponsePlansCommand, SSMIncidentsClient } from '@aws-sdk/client-ssm-incidents';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const configured = { accessKeyId: 'AKIAROTATEDKEY000001', secretAccessKey: 'rotated-secret' };

function call(s: TestServer, credentials: { accessKeyId: string; secretAccessKey: string }) {
  const client = new SSMIncidentsClient({ endpoint: s.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  return client.send(new ListResponsePlansCommand({})).finally(() => client.destroy());
}

test('configuring root credentials revokes the generated key, and removing them restores it', async () => {
  const first = await startTestServer();
  const generated = first.credentials;
  assert.ok(first.app.bootstrap.generatedSecret, 'the first start generates a key');
  const env = await first.stop();

  const second = await startTestServer({ reuse: env, env: { TOCSIN_ACCESS_KEY_ID: configured.accessKeyId, TOCSIN_SECRET_ACCESS_KEY: configured.secretAccessKey } });
  await call(second, configured);
  await expectAwsError(call(second, generated), 'UnrecognizedClientException', 403);
  await second.stop();

  const third = await startTestServer({ reuse: env });
  assert.equal(third.app.bootstrap.accessKeyId, generated.accessKeyId);
  assert.equal(third.app.bootstrap.generatedSecret, undefined, 'the generated secret is shown only once');
  await call(third, generated);
  await expectAwsError(call(third, configured), 'UnrecognizedClientException', 403);
  await third.close();
});

test('servers starting together on one empty database agree on a single generated key', async (t) => {
  if (process.env.TOCSIN_TEST_DB !== 'postgres') return t.skip('several processes share one database only on PostgreSQL');
  const first = await startTestServer();
  const env = await first.stop();
  // Simulate a fresh account on the same database: a second account id, started by three nodes at once.
  const nodes = await Promise.all([1, 2, 3].map(() => startTestServer({ reuse: env, env: { TOCSIN_ACCOUNT_ID: '222233334444' } })));
  const keys = new Set(nodes.map((n) => n.app.bootstrap.accessKeyId));
  assert.equal(keys.size, 1);
  assert.equal(nodes.filter((n) => n.app.bootstrap.generatedSecret).length, 1, 'exactly one node shows the new secret');
  for (const n of nodes) await n.stop();
  const cleanup = await startTestServer({ reuse: env });
  await cleanup.close();
});

test('a configured root key id that is already another key (a user\'s, another account\'s root) refuses the start and changes nothing', async () => {
  const first = await startTestServer();
  const other = await first.app.services.accounts.createAccount('444455556666');
  await first.app.services.iam.users.create(first.accountId, { userName: 'alice' });
  const alice = await first.app.services.iam.accessKeys.create(first.accountId, 'alice');
  const env = await first.stop();
  for (const taken of [alice.accessKeyId, other.accessKeyId, first.credentials.accessKeyId]) {
    await assert.rejects(startTestServer({ reuse: env, env: { TOCSIN_ACCESS_KEY_ID: taken, TOCSIN_SECRET_ACCESS_KEY: 'not-the-secret' } }),
      (err: Error) => err.constructor.name === 'ConfigError' && err.message.includes(`TOCSIN_ACCESS_KEY_ID ${taken} is already the access key of arn:aws:iam::`));
  }
  const again = await startTestServer({ reuse: env });
  await call(again, { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey }).then(
    () => assert.fail('alice has no policy: her key must work and be refused by authorization'),
    (err) => assert.equal(err.name, 'AccessDeniedException'),
  );
  await call(again, { accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey });
  await call(again, again.credentials);
  await again.close();
});
