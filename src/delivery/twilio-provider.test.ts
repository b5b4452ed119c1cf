/** SMS and VOICE pages through Twilio's REST API, against the stand-in of test/helpers/twilio-standin.ts. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { capturedLogger } from '../../test/helpers/captured-logger.js';
import { assertDeliveryError } from '../../test/helpers/delivery-assert.js';
import { startHttpReceiver, type HttpReceiver } from '../../test/helpers/http-receiver.js';
import { startTwilioStandin, type TwilioStandin } from '../../test/helpers/twilio-standin.js';
import { loadConfig } from '../config/config.js';
import type { TocsinEnv } from '../config/env.js';
import { createDeliverer, type DeliveryService, type OutboundMessage } from './index.js';
import { parseStatusCallback, verifyTwilioSignature } from './twilio-inbound.js';

const log = capturedLogger();
let twilio: TwilioStandin;
let callbacks: HttpReceiver;
let secrets: string[];

function env(over: TocsinEnv = {}): TocsinEnv {
  return {
    TOCSIN_TWILIO_ACCOUNT_SID: twilio.accountSid, TOCSIN_TWILIO_AUTH_TOKEN: twilio.authToken,
    TOCSIN_TWILIO_FROM_NUMBER: twilio.fromNumber, TOCSIN_TWILIO_BASE_URL: twilio.url, TOCSIN_DELIVERY_TIMEOUT_MS: '2000', ...over,
  };
}
const deliverer = (over: TocsinEnv = {}): DeliveryService => createDeliverer(loadConfig(env(over)), log);

function page(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    channelType: 'SMS', address: '+14155550123', subject: 'SEV1', text: 'SEV1 Checkout is down. Reply 1 to acknowledge.',
    idempotencyKey: 'page-7/attempt-1', kind: 'page', ...over,
  };
}

before(async () => {
  twilio = await startTwilioStandin();
  callbacks = await startHttpReceiver();
  secrets = [twilio.authToken, Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')];
});
after(async () => {
  await twilio.close();
  await callbacks.close();
  for (const line of log.lines) for (const s of secrets) assert.ok(!line.includes(s), `a log line leaks the auth token: ${line}`);
});

test('an SMS page is a form POST to Messages.json with Basic auth, To, From and Body', async () => {
  const d = deliverer();
  assert.equal(d.canDeliver('SMS'), true);
  assert.equal(d.canDeliver('VOICE'), true);
  assert.equal(d.canDeliver('EMAIL'), false);
  const result = await d.send(page());
  const request = twilio.requests.at(-1)!;
  assert.equal(request.path, `/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`);
  assert.deepEqual(request.auth, { user: twilio.accountSid, pass: twilio.authToken });
  assert.match(request.contentType ?? '', /^application\/x-www-form-urlencoded/);
  assert.deepEqual(request.params, { To: '+14155550123', From: twilio.fromNumber, Body: 'SEV1 Checkout is down. Reply 1 to acknowledge.' });
  const created = twilio.messages.at(-1)!;
  assert.match(created.sid, /^SM[0-9a-f]{32}$/);
  assert.deepEqual(result, { status: 'SENT', provider: 'twilio', providerMessageId: created.sid });
});

test('with a public URL the SMS names a StatusCallback, and Twilio\'s signed callback there maps to a receipt', async () => {
  const d = deliverer({ TOCSIN_PUBLIC_URL: callbacks.url });
  const { providerMessageId } = await d.send(page());
  const params = twilio.messages.at(-1)!.params;
  assert.equal(params.StatusCallback, `${callbacks.url}/callbacks/twilio/status?ref=page-7%2Fattempt-1`);
  await twilio.sendStatusCallback(providerMessageId!, 'delivered');
  const cb = await callbacks.next();
  const form = new URLSearchParams(cb.body);
  assert.equal(verifyTwilioSignature({ authToken: twilio.authToken, url: cb.url, params: form, signature: cb.headers['x-twilio-signature'] as string }), true);
  assert.equal(new URL(cb.url).searchParams.get('ref'), 'page-7/attempt-1');
  assert.deepEqual(parseStatusCallback(form), { kind: 'message', sid: providerMessageId, status: 'delivered', receipt: 'DELIVERED', errorCode: undefined, errorMessage: undefined });
});

test('a voice page is a call whose TwiML says the text three times and gathers one key press', async () => {
  const d = deliverer({ TOCSIN_PUBLIC_URL: callbacks.url });
  const result = await d.send(page({ channelType: 'VOICE', text: 'Checkout & payments are down <now>.' }));
  const call = twilio.calls.at(-1)!;
  assert.equal(twilio.requests.at(-1)!.path, `/2010-04-01/Accounts/${twilio.accountSid}/Calls.json`);
  assert.deepEqual(result, { status: 'SENT', provider: 'twilio', providerMessageId: call.sid });
  assert.match(call.sid, /^CA[0-9a-f]{32}$/);
  assert.equal(call.params.To, '+14155550123');
  assert.equal(call.params.From, twilio.fromNumber);
  assert.equal(call.params.StatusCallback, `${callbacks.url}/callbacks/twilio/status?ref=page-7%2Fattempt-1`);
  const say = '<Say>Checkout &amp; payments are down &lt;now&gt;. Press any key to acknowledge.</Say>';
  assert.equal(call.params.Twiml,
    `<Response><Gather numDigits="1" timeout="5" method="POST" action="${callbacks.url}/callbacks/twilio/gather?ref=page-7%2Fattempt-1">`
    + `${say}<Pause length="1"/>${say}<Pause length="1"/>${say}</Gather><Say>No key was pressed. Goodbye.</Say></Response>`);

  // Without a public URL nothing can receive the key press: the call only speaks.
  await deliverer().send(page({ channelType: 'VOICE', text: 'Checkout is down.' }));
  const plain = twilio.calls.at(-1)!.params;
  assert.equal(plain.StatusCallback, undefined);
  assert.equal(plain.Twiml, '<Response><Say>Checkout is down.</Say><Pause length="1"/><Say>Checkout is down.</Say><Pause length="1"/><Say>Checkout is down.</Say></Response>');
});

test('long texts are cut to what Twilio accepts: 1600 characters of SMS, 4000 of TwiML', async () => {
  const d = deliverer({ TOCSIN_PUBLIC_URL: callbacks.url });
  await d.send(page({ text: 'x'.repeat(2000) }));
  const body = twilio.messages.at(-1)!.params.Body;
  assert.equal(body.length, 1600);
  assert.ok(body.endsWith('…'));
  await d.send(page({ channelType: 'VOICE', text: 'word & '.repeat(900) }));
  const twiml = twilio.calls.at(-1)!.params.Twiml;
  assert.ok(twiml.length <= 4000, `${twiml.length} characters`);
  assert.match(twiml, /^<Response><Gather [^>]+><Say>(word &amp; )+[^<]*…[^<]*<\/Say><\/Gather>/);
});

test('Twilio\'s error JSON becomes a DeliveryError with its message and code; 4xx permanent, 429 and 5xx transient', async () => {
  const d = deliverer();
  await assertDeliveryError(d.send(page({ address: '555-0123' })), {
    permanent: true, provider: 'twilio', message: /SMS to 555-0123: The 'To' number 555-0123 is not a valid phone number\. \(Twilio error 21211, https:\/\/www\.twilio\.com\/docs\/errors\/21211\)/,
  });
  await assertDeliveryError(d.send(page({ channelType: 'VOICE', address: 'nobody' })), { permanent: true, message: /call to nobody: .*21211/ });
  await assertDeliveryError(deliverer({ TOCSIN_TWILIO_FROM_NUMBER: '+15005550001' }).send(page()), { permanent: true, message: /21606/ });
  await assertDeliveryError(deliverer({ TOCSIN_TWILIO_FROM_NUMBER: '+15005550001' }).send(page({ channelType: 'VOICE' })), { permanent: true, message: /21210/ });
  await assertDeliveryError(d.send(page({ text: '', subject: '' })), { permanent: true, message: /Message body is required\. \(Twilio error 21602/ });

  twilio.failNext({ status: 429, body: { code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 } });
  await assertDeliveryError(d.send(page()), { permanent: false, message: /Too Many Requests \(Twilio error 20429/ });
  twilio.failNext({ status: 500, body: { code: 20500, message: 'Internal Server Error', more_info: 'https://www.twilio.com/docs/errors/20500', status: 500 } });
  await assertDeliveryError(d.send(page()), { permanent: false, message: /Internal Server Error/ });
  twilio.failNext({ status: 503, body: 'upstream connect error' });
  await assertDeliveryError(d.send(page()), { permanent: false, message: /HTTP 503: upstream connect error/ });
});

test('a wrong auth token is a permanent 20003 that shows no credential', async () => {
  const wrong = 'f'.repeat(32);
  const d = createDeliverer(loadConfig(env({ TOCSIN_TWILIO_AUTH_TOKEN: wrong })), log);
  await assertDeliveryError(d.send(page()), {
    permanent: true, provider: 'twilio', message: /Authenticate \(Twilio error 20003/,
    secrets: [wrong, Buffer.from(`${twilio.accountSid}:${wrong}`).toString('base64')],
  });
  assert.ok(log.lines.every((l) => !l.includes(wrong)), 'no log line shows the token');
});

test('a reset connection, no answer within the timeout and an unreachable API are transient', async () => {
  twilio.failNext('reset');
  await assertDeliveryError(deliverer().send(page()), { permanent: false, provider: 'twilio', message: /request to http:\/\/127\.0\.0\.1:\d+ failed: \w+/ });
  twilio.failNext('stall');
  const started = Date.now();
  await assertDeliveryError(deliverer({ TOCSIN_DELIVERY_TIMEOUT_MS: '300' }).send(page()), { permanent: false, message: /did not answer within 300 ms/ });
  assert.ok(Date.now() - started < 2000);

  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  await assertDeliveryError(deliverer({ TOCSIN_TWILIO_BASE_URL: `http://127.0.0.1:${port}` }).send(page()), { permanent: false, message: /ECONNREFUSED/ });
});
