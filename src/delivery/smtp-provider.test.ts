/** EMAIL pages over SMTP, against a real SMTP server in the test process (test/helpers/smtp-sink.ts). */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { capturedLogger } from '../../test/helpers/captured-logger.js';
import { assertDeliveryError } from '../../test/helpers/delivery-assert.js';
import { startSmtpSink, type SmtpSink } from '../../test/helpers/smtp-sink.js';
import { loadConfig } from '../config/config.js';
import type { TocsinEnv } from '../config/env.js';
import { createDeliverer, type DeliveryService, type OutboundMessage } from './index.js';
import { messageIdFor } from './smtp-provider.js';

const auth = { user: 'pager', pass: 'sm7p-s3cret!@:/' };
const secrets = [auth.pass, encodeURIComponent(auth.pass)];
const log = capturedLogger();
let sink: SmtpSink;
const open: DeliveryService[] = [];

function deliverer(env: TocsinEnv): DeliveryService {
  const d = createDeliverer(loadConfig({ TOCSIN_DELIVERY_TIMEOUT_MS: '2000', ...env }), log);
  open.push(d);
  return d;
}

function page(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    channelType: 'EMAIL', address: 'oncall@example.com', subject: '[SEV1] Checkout is down', text: 'Checkout fails for every user.',
    idempotencyKey: 'page-7/attempt-1', kind: 'page', ...over,
  };
}

before(async () => {
  sink = await startSmtpSink({ auth });
});
after(async () => {
  await Promise.all(open.map((d) => d.close()));
  await sink.close();
  for (const line of log.lines) for (const s of secrets) assert.ok(!line.includes(s), `a log line leaks the SMTP password: ${line}`);
});

test('an email page reaches the SMTP server with its subject, text, HTML, From and the idempotency key as Message-ID', async () => {
  const d = deliverer({ TOCSIN_SMTP_URL: sink.url(auth), TOCSIN_EMAIL_FROM: 'Tocsin Pager <pager@tocsin.test>' });
  assert.equal(d.canDeliver('EMAIL'), true);
  const result = await d.send(page({ html: '<p>Checkout <b>fails</b>.</p>', metadata: { pageId: '7' } }));
  const mail = await sink.nextMessage({ to: 'oncall@example.com' });
  assert.equal(mail.authUser, 'pager', 'the client authenticated');
  assert.deepEqual(mail.envelope, { from: 'pager@tocsin.test', to: ['oncall@example.com'] });
  assert.equal(mail.parsed.subject, '[SEV1] Checkout is down');
  assert.equal(mail.parsed.text?.trim(), 'Checkout fails for every user.');
  assert.equal(mail.parsed.html, '<p>Checkout <b>fails</b>.</p>');
  assert.deepEqual(mail.parsed.from?.value, [{ address: 'pager@tocsin.test', name: 'Tocsin Pager' }]);
  assert.equal(mail.parsed.messageId, '<page-7=2Fattempt-1@tocsin.test>');
  assert.equal(mail.parsed.headers.get('auto-submitted'), 'auto-generated');
  assert.deepEqual(result, { status: 'SENT', provider: 'smtp', providerMessageId: '<page-7=2Fattempt-1@tocsin.test>' });

  // A retry of the same message carries the same Message-ID, so the receiver can drop it.
  await d.send(page());
  assert.equal((await sink.nextMessage()).parsed.messageId, mail.parsed.messageId);
});

test('Message-IDs stay valid and distinct whatever the key holds', () => {
  assert.equal(messageIdFor('page-1.attempt-2', 'x.test'), '<page-1.attempt-2@x.test>');
  assert.equal(messageIdFor('a b<c>@d', 'x.test'), '<a=20b=3Cc=3E=40d@x.test>');
  assert.equal(messageIdFor('.a..b.', 'x.test'), '<=2Ea=2E.b=2E@x.test>');
  assert.notEqual(messageIdFor('a=2F', 'x'), messageIdFor('a/', 'x'));
  assert.equal(messageIdFor('', 'x'), '<=00@x>');
});

test('a wrong SMTP password is a permanent error that does not show the password', async () => {
  const d = deliverer({ TOCSIN_SMTP_URL: sink.url({ user: 'pager', pass: 'wrong-' + auth.pass }) });
  await assertDeliveryError(d.send(page()), { permanent: true, provider: 'smtp', message: /535/, secrets: [...secrets, 'wrong-'] });
});

test('a 5xx recipient refusal is permanent, a 4xx one transient', async () => {
  const d = deliverer({ TOCSIN_SMTP_URL: sink.url(auth) });
  sink.refuseRecipient('gone@example.com', 550);
  sink.refuseRecipient('full@example.com', 452, '4.2.2 Mailbox full');
  await assertDeliveryError(d.send(page({ address: 'gone@example.com' })), {
    permanent: true, provider: 'smtp', message: /refused the message to gone@example\.com: 550 5\.1\.1/,
  });
  await assertDeliveryError(d.send(page({ address: 'full@example.com' })), { permanent: false, provider: 'smtp', message: /452 4\.2\.2 Mailbox full/ });
  await d.send(page({ address: 'ok@example.com' }));
  assert.ok(await sink.nextMessage({ to: 'ok@example.com' }), 'the pooled connection still works after refusals');
});

test('a dropped connection is transient, is not re-sent by the pool, and the next send reconnects', async () => {
  const d = deliverer({ TOCSIN_SMTP_URL: sink.url(auth) });
  await d.send(page({ address: 'warm@example.com' })); // a pooled connection exists
  const before = sink.received.length;
  sink.dropNextTransaction();
  await assertDeliveryError(d.send(page({ address: 'dropped@example.com' })), { permanent: false, provider: 'smtp' });
  await d.send(page({ address: 'after@example.com' }));
  await sink.nextMessage({ to: 'after@example.com' });
  assert.deepEqual(sink.received.slice(before).map((m) => m.envelope.to[0]), ['after@example.com'], 'the dropped message was not re-sent on its own');
});

test('an unreachable server and a server that never greets are transient failures within the timeout', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  await assertDeliveryError(deliverer({ TOCSIN_SMTP_URL: `smtp://127.0.0.1:${closedPort}` }).send(page()), { permanent: false, provider: 'smtp', message: /ECONNREFUSED|ESOCKET|ECONNECTION/ });

  const sockets: Socket[] = [];
  const silent: Server = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const started = Date.now();
  const d = deliverer({ TOCSIN_SMTP_URL: `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}`, TOCSIN_DELIVERY_TIMEOUT_MS: '300' });
  await assertDeliveryError(d.send(page()), { permanent: false, provider: 'smtp' });
  assert.ok(Date.now() - started < 2000, `gave up after ${Date.now() - started} ms`);
  sockets.forEach((s) => s.destroy());
  await new Promise<void>((r) => silent.close(() => r()));
});
