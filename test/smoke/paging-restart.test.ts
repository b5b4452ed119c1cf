/**
 * Pages survive the process: a server is killed with SIGKILL between the stages of an
 * escalation; the next process pages stage 2 (at once, since it is overdue by then) and sends
 * nothing twice. A minute passes while no server runs (every stored time moves a minute back)
 * instead of the test waiting out a minute-long stage.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ListPageReceiptsCommand, ListPagesByEngagementCommand, SSMContactsClient, StartEngagementCommand } from '@aws-sdk/client-ssm-contacts';
import { openDatabase } from '../../src/db/database.js';
import { emailOnce, escalationPlan } from '../helpers/paging.js';
import { startServerProcess, stopServerProcess } from '../helpers/server-process.js';
import { freshDatabaseEnv } from '../helpers/server.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

const credentials = { accessKeyId: 'AKIAPAGINGRESTART001', secretAccessKey: 'paging-restart-secret' };
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('SIGKILL between escalation stages: after the restart stage 2 is paged once and stage 1 is not paged again', async () => {
  const sink = await startSmtpSink();
  const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-paging-restart-'));
  dirs.push(dataDir);
  const { env: dbEnv, drop } = await freshDatabaseEnv();
  const env: Record<string, string> = {
    TOCSIN_DATA_DIR: dataDir, TOCSIN_SMTP_URL: sink.url(), TOCSIN_ACCOUNT_ID: '111122223333',
    TOCSIN_ACCESS_KEY_ID: credentials.accessKeyId, TOCSIN_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(dbEnv.DATABASE_URL ? { DATABASE_URL: dbEnv.DATABASE_URL } : {}),
  };
  const client = (url: string) => new SSMContactsClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    const first = await startServerProcess(env);
    const c1 = client(first.url);
    const primary = await emailOnce(c1, sink, 'primary', 'primary@example.com');
    const backup = await emailOnce(c1, sink, 'backup', 'backup@example.com');
    const plan = await escalationPlan(c1, 'two-stages', [{ minutes: 1, contacts: [{ arn: primary.arn }] }, { minutes: 1, contacts: [{ arn: backup.arn }] }]);
    const engagement = (await c1.send(new StartEngagementCommand({ ContactId: plan, Sender: 'bot', Subject: 'Down', Content: 'It is down' }))).EngagementArn!;
    await sink.nextMessage({ to: 'primary@example.com' }); // stage 1 (emailOnce took the activation mail)
    // Wait until the send is recorded, then kill the server before stage 2 (due in a minute).
    const [page] = (await c1.send(new ListPagesByEngagementCommand({ EngagementId: engagement }))).Pages!;
    for (let i = 0; i < 200 && ((await c1.send(new ListPageReceiptsCommand({ PageId: page!.PageArn }))).Receipts ?? []).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    c1.destroy();
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    // While no server runs: stage 2's job waits in the database. Let a minute pass: the
    // engagement started a minute earlier, and its stage-2 job is overdue.
    const database = await openDatabase({ dataDir, databaseUrl: env.DATABASE_URL });
    const waiting = await database.db.selectFrom('engine_jobs').select(['kind', 'run_at']).where('state', '=', 'waiting').where('kind', '=', 'engagement:stage').execute();
    assert.equal(waiting.length, 1, 'stage 2 is a waiting job');
    await database.write(async (trx) => {
      await trx.updateTable('engine_jobs').set((eb) => ({ run_at: eb('run_at', '-', 61_000) })).where('state', '=', 'waiting').execute();
      await trx.updateTable('engagements').set((eb) => ({ start_time: eb('start_time', '-', 61_000) })).execute();
      await trx.updateTable('pages').set((eb) => ({ created_at: eb('created_at', '-', 61_000) })).execute();
    });
    await database.close();

    const second = await startServerProcess(env);
    const stage2 = await sink.nextMessage({ to: 'backup@example.com', timeoutMs: 10_000 });
    assert.equal(stage2.parsed.subject, 'Down');
    // Give a duplicate every chance to show up, then count.
    await new Promise((r) => setTimeout(r, 500));
    const pages = sink.received.filter((m) => m.parsed.subject === 'Down');
    assert.deepEqual(pages.map((m) => m.envelope.to[0]), ['primary@example.com', 'backup@example.com']);
    const c2 = client(second.url);
    const listed = (await c2.send(new ListPagesByEngagementCommand({ EngagementId: engagement }))).Pages!;
    assert.deepEqual(listed.map((p) => p.ContactArn), [primary.arn, backup.arn]);
    c2.destroy();
    assert.equal(await stopServerProcess(second), 0);
  } finally {
    await sink.close();
    await drop();
  }
});
