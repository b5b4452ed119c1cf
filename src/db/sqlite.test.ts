import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from './database.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tocsin-sqlite-'));
  dirs.push(d);
  return d;
}

test('concurrent writers commit together, and one failing writer rolls back only itself', async () => {
  const dir = dataDir();
  const database = await openDatabase({ dataDir: dir });
  const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => database.write(async (trx) => {
    await trx.insertInto('settings').values({ key: `k${i}`, value: String(i) }).execute();
    if (i % 10 === 3) throw new Error(`writer ${i} fails after writing`);
    return i;
  })));
  assert.equal(results.filter((r) => r.status === 'rejected').length, 5);
  const rows = await database.db.selectFrom('settings').select('key').where('key', 'like', 'k%').execute();
  assert.equal(rows.length, 45);
  assert.ok(!rows.some((r) => ['k3', 'k13', 'k23', 'k33', 'k43'].includes(r.key)));
  await database.close();
});

test('a unique-key violation inside a writer comes back as the domain error of its constraint', async () => {
  const database = await openDatabase({ dataDir: dataDir() });
  const row = {
    arn: 'arn:aws:ssm-incidents::111122223333:replication-set/a', account_id: '111122223333', status: 'ACTIVE',
    deletion_protected: 0, created_by: 'x', created_at: 0, last_modified_by: 'x', last_modified_at: 0,
  };
  await database.write((trx) => trx.insertInto('replication_sets').values(row).execute());
  await assert.rejects(
    database.write((trx) => trx.insertInto('replication_sets').values({ ...row, arn: `${row.arn}b` }).execute()),
    (err: Error) => err.constructor.name === 'ConflictError',
  );
  await database.close();
});

test('close checkpoints the WAL into the database file, and a reopen sees every write', async () => {
  const dir = dataDir();
  const first = await openDatabase({ dataDir: dir });
  await Promise.all(Array.from({ length: 200 }, (_, i) => first.write((trx) => trx.insertInto('settings').values({ key: `c${i}`, value: 'v' }).execute())));
  await first.close();
  const wal = join(dir, 'tocsin.db-wal');
  assert.ok(!existsSync(wal) || statSync(wal).size === 0, 'the WAL is empty after a clean close');
  const second = await openDatabase({ dataDir: dir });
  const n = await second.db.selectFrom('settings').select((eb) => eb.fn.countAll().as('n')).where('key', 'like', 'c%').executeTakeFirstOrThrow();
  assert.equal(Number(n.n), 200);
  await second.close();
});
