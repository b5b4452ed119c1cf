/** The generic webhook: a signed JSON POST per message, verified here the way README tells receivers to. */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { after, before, test } from 'node:test';
import { capturedLogger } from '../../test/helpers/captured-logger.js';
import { assertDeliveryError } from '../../test/helpers/delivery-assert.js';
import { startHttpReceiver, type HttpReceiver, type ReceivedRequest } from '../../test/helpers/http-receiver.js';
import { loadConfig } from '../config/config.js';
import type { TocsinEnv } from '../config/env.js';
import { ManualClock } from '../time/clock.js';
import { createDeliverer, type DeliveryService, type OutboundMessage } from './index.js';

const secret = 'whsec-0123456789abcdef-do-not-log';
const pathToken = 'bot123456:AAE-path-token';
const log = capturedLogger();
const clock = new ManualClock(Date.parse('2026-12-04T10:00:00Z'));
let receiver: HttpReceiver;
let hookUrl: string;

function deliverer(over: TocsinEnv = {}): DeliveryService {
  return createDeliverer(loadConfig({ TOCSIN_WEBHOOK_URL: hookUrl, TOCSIN_WEBHOOK_SECRET: secret, TOCSIN_DELIVERY_TIMEOUT_MS: '2000', ...over }), log, { clock });
}

function page(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    channelType: 'SMS', address: '+14155550123', subject: 'SEV1 Checkout', text: 'Checkout is down.', idempotencyKey: 'page-7/attempt-1',
    kind: 'page', metadata: { pageId: 'page-7', incidentArn: 'arn:aws:ssm-incidents::111122223333:incident-record/web/1', ackCode: '4821' }, ...over,
  };
}

/** A receiver's check, written from README's description alone: HMAC-SHA256 over "<timestamp>.<body>", hex, prefixed v1=. */
function receiverAccepts(req: ReceivedRequest, key: string, now: Date, toleranceSeconds = 300): boolean {
  const timestamp = req.headers['x-tocsin-timestamp'] as string;
  const header = req.headers['x-tocsin-signature'] as string;
  if (!/^\d+$/.test(timestamp ?? '') || !header?.startsWith('v1=')) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(createHmac('sha256', key).update(`${timestamp}.${req.body}`).digest('hex'));
  const given = Buffer.from(header.slice(3));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

before(async () => {
  receiver = await startHttpReceiver();
  hookUrl = `${receiver.url}/${pathToken}/send`;
});
after(async () => {
  await receiver.close();
  for (const line of log.lines) for (const s of [secret, pathToken]) assert.ok(!line.includes(s), `a log line leaks a secret: ${line}`);
});

test('a page is one JSON POST with an Idempotency-Key and a signature the receiver can verify', async () => {
  const d = deliverer();
  assert.deepEqual(['EMAIL', 'SMS', 'VOICE'].map((t) => d.canDeliver(t as 'SMS')), [true, true, true], 'the webhook takes every type nothing else is configured for');
  receiver.answerWith({ status: 202, headers: { 'content-type': 'application/json' }, body: '{"id":"tg-991"}' });
  const result = await d.send(page());
  const req = await receiver.next();
  assert.equal(req.method, 'POST');
  assert.equal(req.url, hookUrl);
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers['idempotency-key'], 'page-7/attempt-1');
  assert.equal(req.headers['x-tocsin-timestamp'], String(Date.parse('2026-12-04T10:00:00Z') / 1000));
  assert.deepEqual(JSON.parse(req.body), {
    channelType: 'SMS', address: '+14155550123', subject: 'SEV1 Checkout', text: 'Checkout is down.', kind: 'page', idempotencyKey: 'page-7/attempt-1',
    metadata: { pageId: 'page-7', incidentArn: 'arn:aws:ssm-incidents::111122223333:incident-record/web/1', ackCode: '4821' },
  });
  assert.deepEqual(result, { status: 'SENT', provider: 'webhook', providerMessageId: 'tg-991' });

  assert.equal(receiverAccepts(req, secret, clock.now()), true);
  assert.equal(receiverAccepts({ ...req, body: req.body.replace('4821', '4822') }, secret, clock.now()), false, 'a changed body');
  assert.equal(receiverAccepts({ ...req, headers: { ...req.headers, 'x-tocsin-timestamp': String(Number(req.headers['x-tocsin-timestamp']) + 1) } }, secret, clock.now()), false, 'another timestamp');
  assert.equal(receiverAccepts(req, 'another-secret-0123456789', clock.now()), false, 'another key');
  assert.equal(receiverAccepts(req, secret, new Date(clock.now().getTime() + 3600_000)), false, 'a replay an hour later');
});

test('an email page carries its HTML; empty metadata is an empty object; a 2xx without an id is still SENT', async () => {
  receiver.answerWith({ status: 200, body: 'ok' });
  const result = await deliverer().send(page({ channelType: 'EMAIL', address: 'oncall@example.com', html: '<p>down</p>', metadata: undefined, kind: 'activation-code' }));
  const body = JSON.parse((await receiver.next()).body);
  assert.equal(body.html, '<p>down</p>');
  assert.equal(body.kind, 'activation-code');
  assert.deepEqual(body.metadata, {});
  assert.deepEqual(result, { status: 'SENT', provider: 'webhook', providerMessageId: undefined });
});

test('4xx answers are permanent, 408, 429 and 5xx transient, a redirect permanent; no error shows the secret or the URL\'s token', async () => {
  const d = deliverer();
  const cases: [number, boolean][] = [[400, true], [401, true], [404, true], [410, true], [408, false], [429, false], [500, false], [503, false], [301, true]];
  for (const [status, permanent] of cases) {
    // A receiver that echoes the URL it was called at: the token in the path must still not show.
    receiver.answerWith((req) => ({ status, body: `refused ${req.url}`, headers: status === 301 ? { location: 'https://elsewhere.example.com/' } : ({} as Record<string, string>) }));
    const e = await assertDeliveryError(d.send(page()), { permanent, provider: 'webhook', secrets: [secret, pathToken] });
    assert.match(e.message, status === 301 ? /redirect \(HTTP 301\)/ : new RegExp(`answered HTTP ${status}: refused \\*\\*\\*$`), e.message);
  }
});

test('the webhook is used for a type only by default or by choice', async () => {
  const chosen = deliverer({ TOCSIN_EMAIL_PROVIDER: 'none', TOCSIN_VOICE_PROVIDER: 'webhook' });
  assert.equal(chosen.canDeliver('EMAIL'), false);
  assert.equal(chosen.canDeliver('VOICE'), true);
  await assertDeliveryError(chosen.send(page({ channelType: 'EMAIL' })), { permanent: true, message: /EMAIL delivery is turned off \(TOCSIN_EMAIL_PROVIDER=none\)/ });
});
