import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.js';
import type { TocsinEnv } from './env.js';

const twilio: TocsinEnv = {
  TOCSIN_TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  TOCSIN_TWILIO_AUTH_TOKEN: 'twilio-token-do-not-print',
  TOCSIN_TWILIO_FROM_NUMBER: '+15005550006',
};
const webhook: TocsinEnv = { TOCSIN_WEBHOOK_URL: 'https://hooks.example.com/bot123:tok/send', TOCSIN_WEBHOOK_SECRET: 'webhook-secret-0123456789' };
const smtp: TocsinEnv = { TOCSIN_SMTP_URL: 'smtps://pager:p%40ss-w0rd@mail.example.com:465' };

/** Asserts that `env` stops the start with a ConfigError naming `variable` and echoing none of `secrets`. */
function refused(env: TocsinEnv, variable: string, secrets: string[] = []) {
  assert.throws(() => loadConfig(env), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.ok(e.message.includes(variable), `'${e.message}' names ${variable}`);
    for (const s of secrets) assert.ok(!e.message.includes(s), `'${e.message}' leaks a secret`);
    return true;
  });
}

test('with nothing configured no channel type has a provider, and the public URL is the listen address', () => {
  const c = loadConfig({});
  assert.deepEqual(c.delivery.providers, { EMAIL: undefined, SMS: undefined, VOICE: undefined });
  assert.equal(c.publicUrl, 'http://127.0.0.1:4747');
  assert.equal(c.delivery.callbackBaseUrl, undefined, 'providers are not asked to call back a default address');
  assert.equal(c.delivery.timeoutMs, 15000);
  assert.equal(loadConfig({ TOCSIN_HOST: '0.0.0.0', TOCSIN_PORT: '8080' }).publicUrl, 'http://127.0.0.1:8080');
  assert.equal(loadConfig({ TOCSIN_HOST: '::' }).publicUrl, 'http://[::1]:4747');
  assert.equal(loadConfig({ TOCSIN_HOST: 'fd00::5' }).publicUrl, 'http://[fd00::5]:4747');
});

test('TOCSIN_PUBLIC_URL is kept without its trailing slash and becomes the callback base', () => {
  const c = loadConfig({ TOCSIN_PUBLIC_URL: 'https://tocsin.example.com/pager/' });
  assert.equal(c.publicUrl, 'https://tocsin.example.com/pager');
  assert.equal(c.delivery.callbackBaseUrl, 'https://tocsin.example.com/pager');
  refused({ TOCSIN_PUBLIC_URL: 'tocsin.example.com' }, 'TOCSIN_PUBLIC_URL');
  refused({ TOCSIN_PUBLIC_URL: 'ftp://tocsin.example.com' }, 'TOCSIN_PUBLIC_URL');
  refused({ TOCSIN_PUBLIC_URL: 'https://tocsin.example.com/?x=1' }, 'TOCSIN_PUBLIC_URL');
});

test('each channel type takes its dedicated provider, else the webhook, unless chosen explicitly', () => {
  assert.deepEqual(loadConfig({ ...smtp, ...twilio }).delivery.providers, { EMAIL: 'smtp', SMS: 'twilio', VOICE: 'twilio' });
  assert.deepEqual(loadConfig({ ...webhook }).delivery.providers, { EMAIL: 'webhook', SMS: 'webhook', VOICE: 'webhook' });
  assert.deepEqual(loadConfig({ ...smtp, ...webhook }).delivery.providers, { EMAIL: 'smtp', SMS: 'webhook', VOICE: 'webhook' });
  assert.deepEqual(
    loadConfig({ ...smtp, ...twilio, ...webhook, TOCSIN_SMS_PROVIDER: 'webhook', TOCSIN_VOICE_PROVIDER: 'none', TOCSIN_EMAIL_PROVIDER: 'SMTP' }).delivery.providers,
    { EMAIL: 'smtp', SMS: 'webhook', VOICE: 'none' },
  );
  refused({ TOCSIN_SMS_PROVIDER: 'twilio' }, 'TOCSIN_TWILIO_ACCOUNT_SID');
  refused({ TOCSIN_EMAIL_PROVIDER: 'webhook' }, 'TOCSIN_WEBHOOK_URL');
  refused({ TOCSIN_EMAIL_PROVIDER: 'smtp' }, 'TOCSIN_SMTP_URL');
  refused({ ...twilio, TOCSIN_VOICE_PROVIDER: 'smtp' }, 'TOCSIN_VOICE_PROVIDER');
});

test('SMTP: smtp:// or smtps:// with a host, and a From address; the URL is never echoed', () => {
  const c = loadConfig({ ...smtp, TOCSIN_EMAIL_FROM: 'Pager <pager@example.com>' });
  assert.deepEqual(c.delivery.smtp, { url: smtp.TOCSIN_SMTP_URL, from: 'Pager <pager@example.com>' });
  assert.equal(loadConfig({ TOCSIN_SMTP_URL: 'smtp://127.0.0.1:2525' }).delivery.smtp?.from, 'Tocsin <tocsin@localhost>');
  refused({ TOCSIN_SMTP_URL: 'http://pager:hunter2-secret@mail.example.com' }, 'TOCSIN_SMTP_URL', ['hunter2-secret']);
  refused({ TOCSIN_SMTP_URL: 'pager:hunter2-secret@mail' }, 'TOCSIN_SMTP_URL', ['hunter2-secret']);
  refused({ TOCSIN_EMAIL_FROM: 'not an address' }, 'TOCSIN_EMAIL_FROM');
  refused({ TOCSIN_EMAIL_FROM: 'Pager <pager>' }, 'TOCSIN_EMAIL_FROM');
});

test('Twilio: the account SID, auth token and from number go together; the number must be E.164', () => {
  const c = loadConfig({ ...twilio, TOCSIN_TWILIO_BASE_URL: 'https://example.signalwire.com/api/laml/' });
  assert.deepEqual(c.delivery.twilio, {
    accountSid: twilio.TOCSIN_TWILIO_ACCOUNT_SID, authToken: twilio.TOCSIN_TWILIO_AUTH_TOKEN, fromNumber: '+15005550006',
    baseUrl: 'https://example.signalwire.com/api/laml',
  });
  assert.equal(loadConfig(twilio).delivery.twilio?.baseUrl, 'https://api.twilio.com');
  const token = twilio.TOCSIN_TWILIO_AUTH_TOKEN!;
  refused({ TOCSIN_TWILIO_ACCOUNT_SID: twilio.TOCSIN_TWILIO_ACCOUNT_SID, TOCSIN_TWILIO_AUTH_TOKEN: token }, 'TOCSIN_TWILIO_FROM_NUMBER', [token]);
  refused({ TOCSIN_TWILIO_AUTH_TOKEN: token }, 'TOCSIN_TWILIO_ACCOUNT_SID', [token]);
  refused({ ...twilio, TOCSIN_TWILIO_FROM_NUMBER: '(500) 555-0006' }, 'TOCSIN_TWILIO_FROM_NUMBER', [token]);
  refused({ ...twilio, TOCSIN_TWILIO_FROM_NUMBER: '15005550006' }, 'TOCSIN_TWILIO_FROM_NUMBER');
  refused({ ...twilio, TOCSIN_TWILIO_ACCOUNT_SID: 'AC/../x' }, 'TOCSIN_TWILIO_ACCOUNT_SID', [token]);
  refused({ ...twilio, TOCSIN_TWILIO_BASE_URL: 'api.twilio.com' }, 'TOCSIN_TWILIO_BASE_URL', [token]);
});

test('webhook: URL and secret together, the secret long enough, neither echoed', () => {
  assert.deepEqual(loadConfig(webhook).delivery.webhook, { url: webhook.TOCSIN_WEBHOOK_URL, secret: webhook.TOCSIN_WEBHOOK_SECRET });
  refused({ TOCSIN_WEBHOOK_URL: webhook.TOCSIN_WEBHOOK_URL }, 'TOCSIN_WEBHOOK_SECRET', ['bot123:tok']);
  refused({ TOCSIN_WEBHOOK_SECRET: webhook.TOCSIN_WEBHOOK_SECRET }, 'TOCSIN_WEBHOOK_URL', [webhook.TOCSIN_WEBHOOK_SECRET!]);
  refused({ ...webhook, TOCSIN_WEBHOOK_SECRET: 'short-secret' }, 'TOCSIN_WEBHOOK_SECRET', ['short-secret']);
  refused({ ...webhook, TOCSIN_WEBHOOK_URL: 'mailto:bot123:tok@example.com' }, 'TOCSIN_WEBHOOK_URL', ['bot123:tok']);
});

test('TOCSIN_DELIVERY_TIMEOUT_MS and the provider choices are checked', () => {
  assert.equal(loadConfig({ TOCSIN_DELIVERY_TIMEOUT_MS: '2500' }).delivery.timeoutMs, 2500);
  refused({ TOCSIN_DELIVERY_TIMEOUT_MS: 'soon' }, 'TOCSIN_DELIVERY_TIMEOUT_MS');
  refused({ TOCSIN_SMS_PROVIDER: 'carrier-pigeon' }, 'TOCSIN_SMS_PROVIDER');
});
