/**
 * Accounts and secrets at rest on both databases: a database written before secrets were
 * sealed is upgraded at the first start with a master key; a start with another key stops;
 * new accounts get their own root keys.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { createServices } from '../app-context.js';
import { ConfigError } from '../config/config.js';
import { SecretBox } from '../crypto/secret-box.js';
import { openDatabase } from '../db/database.js';
import * as m0001 from '../db/migrations/0001-create-core.js';
import * as m0002 from '../db/migrations/0002-partial-dedupe-index.js';
import { DomainError } from '../errors.js';
import { ManualClock } from '../time/clock.js';
import { backends, emptyLocation, openTestDatabase } from '../../test/helpers/test-databases.js';

const OLD_SECRET = 'PlaintextSecretFromBeforeSealing0123456x';
const OLD_KEY = 'AKIAOLDPLAINTEXTKEY1';

/** A database as version 0.1 (migrations 0001 and 0002) left it: a generated root key stored in plaintext. */
async function writeOldDatabase(kind: 'sqlite' | 'postgres', location: { dataDir: string; databaseUrl?: string }): Promise<void> {
  const db = new Kysely<any>({
    dialect: kind === 'sqlite'
      ? new SqliteDialect({ database: new SQLite(join(location.dataDir, 'tocsin.db')) })
      : new PostgresDialect({ pool: new pg.Pool({ connectionString: location.databaseUrl, max: 1 }) }),
  });
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ '0001-create-core': m0001, '0002-partial-dedupe-index': m0002 }) } });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
  await db.insertInto('settings').values([
    { key: 'default_account_id', value: '210987654321' }, { key: `generated_root_key:210987654321`, value: OLD_KEY },
  ]).execute();
  await db.insertInto('access_keys').values({
    access_key_id: OLD_KEY, secret_access_key: OLD_SECRET, account_id: '210987654321', principal_arn: 'arn:aws:iam::210987654321:root',
    kind: 'root-generated', status: 'Active', created_at: Date.parse('2026-01-01T00:00:00Z'),
  }).execute();
  await db.destroy();
}

for (const kind of backends) {
  describe(`secrets at rest on ${kind}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    after(async () => {
      for (const c of cleanups) await c();
    });
    const clock = new ManualClock(new Date('2026-12-03T10:00:00Z'));

    test('an older database\'s plaintext root secret is sealed at the first start, and the key keeps working', async () => {
      const location = await emptyLocation(kind);
      cleanups.push(location.remove);
      await writeOldDatabase(kind, location);
      const database = await openDatabase({ dataDir: location.dataDir, databaseUrl: location.databaseUrl, poolSize: 2 });
      const box = new SecretBox(randomBytes(32));
      const s = createServices(database, clock, box);
      assert.deepEqual(await s.accounts.listAccounts(), [{ accountId: '210987654321', createdAt: new Date('2026-01-01T00:00:00Z') }], 'accounts are backfilled');
      assert.equal(await s.accounts.sealStoredSecrets(), 1);
      const row = await database.db.selectFrom('access_keys').selectAll().where('access_key_id', '=', OLD_KEY).executeTakeFirstOrThrow();
      assert.equal(row.sealed, 1);
      assert.match(row.secret_access_key, /^tsb1\./);
      assert.ok(!row.secret_access_key.includes(OLD_SECRET));
      assert.deepEqual(await s.sts.credentials.secretFor(OLD_KEY), { secretAccessKey: OLD_SECRET });
      assert.equal(await s.accounts.sealStoredSecrets(), 0, 'sealing again finds nothing to do');
      const boot = await s.accounts.bootstrap({});
      assert.deepEqual(boot, { accountId: '210987654321', accessKeyId: OLD_KEY, secretAccessKey: OLD_SECRET }, 'the generated key is kept and not shown again');

      // A start with another master key stops before serving instead of failing every request.
      const wrong = createServices(database, clock, new SecretBox(randomBytes(32)));
      await assert.rejects(wrong.accounts.sealStoredSecrets(), (e: unknown) => e instanceof ConfigError && /master key does not match/.test(e.message));
      await database.close();
      if (kind === 'sqlite') {
        const file = readFileSync(join(location.dataDir, 'tocsin.db'));
        assert.equal(file.indexOf(OLD_SECRET), -1, 'the plaintext does not linger in the database file');
      }
    });

    test('createAccount makes accounts with their own root keys; listAccounts lists them', async () => {
      const t = await openTestDatabase(kind);
      cleanups.push(t.drop);
      const box = new SecretBox(randomBytes(32));
      const s = createServices(t.database, clock, box);
      await s.accounts.sealStoredSecrets();
      const boot = await s.accounts.bootstrap({ accountId: '111122223333' });
      assert.ok(boot.generatedSecret);
      const made = await s.accounts.createAccount('444455556666');
      assert.equal(made.accountId, '444455556666');
      assert.match(made.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
      assert.equal(made.secretAccessKey.length, 40);
      const random = await s.accounts.createAccount();
      assert.match(random.accountId, /^[1-9]\d{11}$/);
      assert.deepEqual((await s.accounts.listAccounts()).map((a) => a.accountId), ['111122223333', '444455556666', random.accountId].sort());
      await assert.rejects(s.accounts.createAccount('444455556666'), (e: unknown) => e instanceof DomainError && e.kind === 'conflict' && e.message === 'Account 444455556666 already exists.');
      await assert.rejects(s.accounts.createAccount('12'), (e: unknown) => e instanceof DomainError && e.kind === 'validation');
      assert.deepEqual(await s.sts.credentials.callerFor(made.accessKeyId), {
        accountId: '444455556666', principalArn: 'arn:aws:iam::444455556666:root', accessKeyId: made.accessKeyId, kind: 'root', userId: '444455556666',
      });
      // Bootstrapping a created account keeps its key (it is the account's generated key).
      const again = await s.accounts.bootstrap({ accountId: '444455556666' });
      assert.equal(again.accessKeyId, made.accessKeyId);
      assert.equal(again.generatedSecret, undefined);
      assert.equal(again.secretAccessKey, made.secretAccessKey);
      // Configured credentials are stored sealed too.
      await s.accounts.bootstrap({ accountId: '111122223333', rootCredentials: { accessKeyId: 'AKIACONFIGUREDKEY001', secretAccessKey: 'configured-secret' } });
      const rows = await t.database.db.selectFrom('access_keys').select(['secret_access_key', 'sealed']).execute();
      assert.ok(rows.every((r) => r.sealed === 1 && r.secret_access_key.startsWith('tsb1.')));
      assert.deepEqual(await s.sts.credentials.secretFor('AKIACONFIGUREDKEY001'), { secretAccessKey: 'configured-secret' });
      assert.equal(await s.sts.credentials.secretFor(boot.accessKeyId), undefined, 'the generated key was deactivated');
    });
  });
}
