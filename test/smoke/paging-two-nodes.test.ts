/**
 * Two Tocsin servers on one PostgreSQL database share the engine: engagements started on
 * either are paged by whichever node claims the job, and every page email goes out once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SSMContactsClient, StartEngagementCommand } from '@aws-sdk/client-ssm-contacts';
import { emailOnce } from '../helpers/paging.js';
import { freshDatabaseEnv, onPostgres, startTestServer } from '../helpers/server.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

test('two servers on one PostgreSQL database page every engagement exactly once, and both do some of the work', { skip: !onPostgres && 'one server per SQLite data directory' }, async () => {
  const sink = await startSmtpSink();
  const { env: dbEnv, drop } = await freshDatabaseEnv();
  const env = { ...dbEnv, TOCSIN_SMTP_URL: sink.url(), TOCSIN_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };
  const a = await startTestServer({ reuse: env });
  const b = await startTestServer({ reuse: env });
  const sent = new Map<string, number>([['a', 0], ['b', 0]]);
  a.app.engine.on('delivery:sent', () => sent.set('a', sent.get('a')! + 1));
  b.app.engine.on('delivery:sent', () => sent.set('b', sent.get('b')! + 1));
  try {
    const contacts: string[] = [];
    for (let i = 0; i < 8; i++) contacts.push((await emailOnce(a.contacts, sink, `p${i}`, `p${i}@example.com`)).arn);
    const clientB = new SSMContactsClient({ endpoint: b.url, region: 'us-east-1', credentials: a.credentials, maxAttempts: 1 });
    const count = 120;
    await Promise.all(Array.from({ length: count }, (_, i) => (i % 2 ? clientB : a.contacts).send(new StartEngagementCommand({
      ContactId: contacts[i % contacts.length], Sender: 'bot', Subject: `page ${i}`, Content: 'x',
    }))));
    for (let i = 0; i < 500 && sink.received.filter((m) => m.parsed.subject?.startsWith('page ')).length < count; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    const pages = sink.received.filter((m) => m.parsed.subject?.startsWith('page '));
    assert.equal(pages.length, count);
    assert.equal(new Set(pages.map((m) => m.parsed.subject)).size, count, 'no page twice');
    assert.ok(sent.get('a')! > 0 && sent.get('b')! > 0, `both nodes sent: ${JSON.stringify([...sent])}`);
    clientB.destroy();
  } finally {
    await b.stop();
    await a.stop();
    await sink.close();
    await drop();
  }
});
