/** createDeliverer: routing by channel type, the unconfigured error, and secrets kept out of errors and logs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capturedLogger } from '../../test/helpers/captured-logger.js';
import { assertDeliveryError } from '../../test/helpers/delivery-assert.js';
import { startSmtpSink } from '../../test/helpers/smtp-sink.js';
import { startTwilioStandin } from '../../test/helpers/twilio-standin.js';
import { loadConfig } from '../config/config.js';
import { createDeliverer, DeliveryError, type ChannelType, type OutboundMessage } from './index.js';
import { deliverySecrets, secretScrubber } from './secret-scrub.js';

const page = (channelType: ChannelType, address: string): OutboundMessage =>
  ({ channelType, address, subject: 'SEV2', text: 'Queue is backing up.', idempotencyKey: `k-${channelType}`, kind: 'page' });

test('with nothing configured every type is undeliverable: canDeliver is false and send names the variables to set', async () => {
  const log = capturedLogger();
  const d = createDeliverer(loadConfig({}), log);
  for (const type of ['EMAIL', 'SMS', 'VOICE'] as const) assert.equal(d.canDeliver(type), false, type);
  await assertDeliveryError(d.send(page('EMAIL', 'a@example.com')), { permanent: true, message: /^No provider is configured for EMAIL messages: set TOCSIN_SMTP_URL \(or TOCSIN_WEBHOOK_URL and TOCSIN_WEBHOOK_SECRET\)$/ });
  await assertDeliveryError(d.send(page('SMS', '+14155550123')), { permanent: true, message: /SMS messages: set TOCSIN_TWILIO_ACCOUNT_SID, TOCSIN_TWILIO_AUTH_TOKEN and TOCSIN_TWILIO_FROM_NUMBER/ });
  await assertDeliveryError(d.send(page('VOICE', '+14155550123')), { permanent: true, message: /VOICE messages: set TOCSIN_TWILIO_ACCOUNT_SID/ });
  await assertDeliveryError(d.send(page('PAGER' as ChannelType, 'x')), { permanent: true, message: /Unknown channel type 'PAGER'/ });
  assert.match(log.lines[0], /"msg":"delivery providers","EMAIL":"unconfigured","SMS":"unconfigured","VOICE":"unconfigured"/);
  await d.close();
});

test('each type goes to its own provider: EMAIL to SMTP, SMS and VOICE to Twilio', async () => {
  const sink = await startSmtpSink();
  const twilio = await startTwilioStandin();
  const log = capturedLogger();
  const d = createDeliverer(loadConfig({
    TOCSIN_SMTP_URL: sink.url(), TOCSIN_TWILIO_ACCOUNT_SID: twilio.accountSid, TOCSIN_TWILIO_AUTH_TOKEN: twilio.authToken,
    TOCSIN_TWILIO_FROM_NUMBER: twilio.fromNumber, TOCSIN_TWILIO_BASE_URL: twilio.url,
  }), log);
  try {
    assert.equal((await d.send(page('EMAIL', 'a@example.com'))).provider, 'smtp');
    assert.equal((await d.send(page('SMS', '+14155550123'))).provider, 'twilio');
    assert.equal((await d.send(page('VOICE', '+14155550123'))).provider, 'twilio');
    assert.equal((await sink.nextMessage({ to: 'a@example.com' })).parsed.subject, 'SEV2');
    assert.deepEqual([twilio.messages.length, twilio.calls.length], [1, 1]);
    assert.match(log.lines.join('\n'), /"msg":"delivery: handed to provider","provider":"twilio","channelType":"VOICE","idempotencyKey":"k-VOICE"/);
  } finally {
    await d.close();
    await Promise.all([sink.close(), twilio.close()]);
  }
});

test('a provider answer that echoes our credentials is scrubbed from the error and the log', async () => {
  const twilio = await startTwilioStandin();
  const log = capturedLogger();
  const basic = Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64');
  const d = createDeliverer(loadConfig({
    TOCSIN_TWILIO_ACCOUNT_SID: twilio.accountSid, TOCSIN_TWILIO_AUTH_TOKEN: twilio.authToken,
    TOCSIN_TWILIO_FROM_NUMBER: twilio.fromNumber, TOCSIN_TWILIO_BASE_URL: twilio.url,
  }), log);
  try {
    twilio.failNext({ status: 400, body: { code: 21211, message: `bad request; you sent Authorization: Basic ${basic} (token ${twilio.authToken})`, status: 400 } });
    const e = await assertDeliveryError(d.send(page('SMS', '+14155550123')), { permanent: true, secrets: [twilio.authToken, basic] });
    assert.match(e.message, /Authorization: Basic \*\*\* \(token \*\*\*\)/);
    assert.ok(log.lines.some((l) => l.includes('delivery failed')));
    for (const line of log.lines) assert.ok(!line.includes(twilio.authToken) && !line.includes(basic), line);
  } finally {
    await d.close();
    await twilio.close();
  }
});

test('the scrubber knows every form of each secret', () => {
  const c = loadConfig({
    TOCSIN_SMTP_URL: 'smtp://pager:p%40ss%22word@mail.example.com', TOCSIN_WEBHOOK_URL: 'https://api.telegram.org/bot123:XYZ/sendMessage',
    TOCSIN_WEBHOOK_SECRET: 'webhook"secret\\0123456789',
  }).delivery;
  const scrub = secretScrubber(deliverySecrets(c));
  assert.equal(scrub('password p@ss"word, raw p%40ss%22word'), 'password ***, raw ***');
  assert.equal(scrub(JSON.stringify({ s: 'webhook"secret\\0123456789' })), '{"s":"***"}');
  assert.equal(scrub('POST /bot123:XYZ/sendMessage failed'), 'POST *** failed');
  assert.equal(scrub('nothing secret here'), 'nothing secret here');
  assert.ok(new DeliveryError('x', true) instanceof Error);
});
