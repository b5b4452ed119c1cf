/**
 * Where pages go: the SMTP server, the Twilio-style SMS/voice provider, the generic webhook,
 * which of them each channel type uses, and the public URL providers call back to.
 * README's "Delivering pages" section explains the same rules to people.
 */
import type { TocsinEnv } from './env.js';
import { ConfigError, int, oneOf, url } from './values.js';

/** A provider that can take pages; 'none' turns a channel type off explicitly. */
export type ProviderName = 'smtp' | 'twilio' | 'webhook' | 'none';

/** The delivery part of Config. */
export interface DeliveryConfig {
  /**
   * The provider each channel type uses. Undefined: nothing is configured for it (pages of that
   * type fail with a permanent DeliveryError); 'none': turned off with TOCSIN_<TYPE>_PROVIDER.
   */
  providers: { EMAIL?: ProviderName; SMS?: ProviderName; VOICE?: ProviderName };
  /** TOCSIN_SMTP_URL as given (it may hold the password) and the From address. */
  smtp?: { url: string; from: string };
  twilio?: { accountSid: string; authToken: string; fromNumber: string; baseUrl: string };
  webhook?: { url: string; secret: string };
  /**
   * TOCSIN_PUBLIC_URL when it was set explicitly: only then are providers asked to call back
   * (a default http://127.0.0.1 address is not reachable from Twilio).
   */
  callbackBaseUrl?: string;
  /** Longest one delivery attempt may take. */
  timeoutMs: number;
}

/** The delivery variables, their defaults and meaning (part of configDocs). */
export const deliveryConfigDocs: [string, string, string][] = [
  ['TOCSIN_PUBLIC_URL', 'http://TOCSIN_HOST:TOCSIN_PORT',
    'Base URL people and providers reach this server at (acknowledgement links, Twilio callbacks), e.g. https://tocsin.example.com. Providers are asked to call back only when it is set.'],
  ['TOCSIN_SMTP_URL', '(unset: no SMTP)', 'smtp://user:pass@host:587 (STARTTLS when the server offers it) or smtps://user:pass@host:465 (TLS); enables email pages.'],
  ['TOCSIN_EMAIL_FROM', '`Tocsin <tocsin@localhost>`', 'From address of email pages (its domain also ends their Message-IDs).'],
  ['TOCSIN_TWILIO_ACCOUNT_SID', '(unset: no Twilio)', 'Account SID (AC...) of Twilio or of a Twilio-compatible gateway; the account SID, auth token and from number go together and enable SMS and voice pages.'],
  ['TOCSIN_TWILIO_AUTH_TOKEN', '(unset)', 'Auth token of that account; it also verifies the X-Twilio-Signature of callbacks.'],
  ['TOCSIN_TWILIO_FROM_NUMBER', '(unset)', 'E.164 number SMS and calls come from, e.g. +15005550006.'],
  ['TOCSIN_TWILIO_BASE_URL', 'https://api.twilio.com', 'REST API root (a Twilio-compatible gateway, or a test stand-in); requests go to `<base>/2010-04-01/Accounts/<sid>/Messages.json` and `Calls.json`.'],
  ['TOCSIN_WEBHOOK_URL', '(unset: no webhook)', 'http(s) URL that receives pages as signed JSON POSTs (see Delivering pages).'],
  ['TOCSIN_WEBHOOK_SECRET', '(unset)', 'Key of the webhook\'s HMAC-SHA256 signature, at least 16 characters (openssl rand -hex 32); required with TOCSIN_WEBHOOK_URL.'],
  ['TOCSIN_EMAIL_PROVIDER', '(smtp if set, else webhook if set)', 'smtp, webhook or none.'],
  ['TOCSIN_SMS_PROVIDER', '(twilio if set, else webhook if set)', 'twilio, webhook or none.'],
  ['TOCSIN_VOICE_PROVIDER', '(twilio if set, else webhook if set)', 'twilio, webhook or none.'],
  ['TOCSIN_DELIVERY_TIMEOUT_MS', '15000', 'Longest one delivery attempt may take (SMTP connect and send, one provider request); past it the attempt fails as transient.'],
];

const e164 = /^\+[1-9]\d{1,14}$/;

/** Reads the delivery variables; `listen` gives the default public URL. Throws ConfigError naming the variable. */
export function loadDeliveryConfig(env: TocsinEnv, listen: { host: string; port: number }): { publicUrl: string; delivery: DeliveryConfig } {
  const explicitPublicUrl = env.TOCSIN_PUBLIC_URL === undefined ? undefined : publicUrlOf(env.TOCSIN_PUBLIC_URL);
  const smtp = smtpOf(env);
  const twilio = twilioOf(env);
  const webhook = webhookOf(env);
  const has = { smtp: !!smtp, twilio: !!twilio, webhook: !!webhook, none: true };
  const choose = (type: 'EMAIL' | 'SMS' | 'VOICE', dedicated: 'smtp' | 'twilio'): ProviderName | undefined => {
    const name = `TOCSIN_${type}_PROVIDER` as const;
    const chosen = oneOf(name, env[name], [dedicated, 'webhook', 'none'] as const);
    if (chosen && !has[chosen]) {
      const needs = chosen === 'webhook' ? 'TOCSIN_WEBHOOK_URL and TOCSIN_WEBHOOK_SECRET'
        : chosen === 'smtp' ? 'TOCSIN_SMTP_URL' : 'TOCSIN_TWILIO_ACCOUNT_SID, TOCSIN_TWILIO_AUTH_TOKEN and TOCSIN_TWILIO_FROM_NUMBER';
      throw new ConfigError(`${name}=${chosen} needs ${needs}`);
    }
    return chosen ?? (has[dedicated] ? dedicated : webhook ? 'webhook' : undefined);
  };
  return {
    publicUrl: explicitPublicUrl ?? defaultPublicUrl(listen.host, listen.port),
    delivery: {
      providers: { EMAIL: choose('EMAIL', 'smtp'), SMS: choose('SMS', 'twilio'), VOICE: choose('VOICE', 'twilio') },
      smtp,
      twilio,
      webhook,
      callbackBaseUrl: explicitPublicUrl,
      timeoutMs: int('TOCSIN_DELIVERY_TIMEOUT_MS', env.TOCSIN_DELIVERY_TIMEOUT_MS, 15_000, 100, 600_000),
    },
  };
}

/** http://HOST:PORT as a browser on this machine would write it (0.0.0.0 and :: as loopback). */
function defaultPublicUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

function publicUrlOf(raw: string): string {
  const parsed = url('TOCSIN_PUBLIC_URL', raw, ['http', 'https'], 'https://tocsin.example.com');
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new ConfigError('TOCSIN_PUBLIC_URL must be a plain base URL (no credentials, query or fragment), like https://tocsin.example.com');
  }
  return parsed.href.replace(/\/+$/, '');
}

function smtpOf(env: TocsinEnv): DeliveryConfig['smtp'] {
  const from = env.TOCSIN_EMAIL_FROM ?? 'Tocsin <tocsin@localhost>';
  if (!/^(?:[^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/.test(from.trim())) {
    throw new ConfigError(`TOCSIN_EMAIL_FROM must be an address like tocsin@example.com or Tocsin <tocsin@example.com>, got '${from}'`);
  }
  if (env.TOCSIN_SMTP_URL === undefined) return undefined;
  url('TOCSIN_SMTP_URL', env.TOCSIN_SMTP_URL, ['smtp', 'smtps'], 'smtp://user:pass@mail.example.com:587');
  return { url: env.TOCSIN_SMTP_URL, from: from.trim() };
}

function twilioOf(env: TocsinEnv): DeliveryConfig['twilio'] {
  const trio = ['TOCSIN_TWILIO_ACCOUNT_SID', 'TOCSIN_TWILIO_AUTH_TOKEN', 'TOCSIN_TWILIO_FROM_NUMBER'] as const;
  const given = trio.filter((name) => env[name] !== undefined);
  if (given.length === 0) return undefined;
  if (given.length < trio.length) {
    const missing = trio.filter((name) => env[name] === undefined);
    throw new ConfigError(`${trio.join(', ')} go together: ${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} set but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not`);
  }
  const accountSid = env.TOCSIN_TWILIO_ACCOUNT_SID!;
  // Twilio's are AC + 32 hex digits; compatible gateways use other ids (SignalWire: a UUID).
  if (!/^[A-Za-z0-9_-]{2,64}$/.test(accountSid)) {
    throw new ConfigError(`TOCSIN_TWILIO_ACCOUNT_SID must be an account id such as AC followed by 32 hex digits, got '${accountSid}'`);
  }
  const fromNumber = env.TOCSIN_TWILIO_FROM_NUMBER!;
  if (!e164.test(fromNumber)) {
    throw new ConfigError(`TOCSIN_TWILIO_FROM_NUMBER must be an E.164 number (+, country code, number, no spaces) such as +15005550006, got '${fromNumber}'`);
  }
  const base = url('TOCSIN_TWILIO_BASE_URL', env.TOCSIN_TWILIO_BASE_URL ?? 'https://api.twilio.com', ['http', 'https'], 'https://api.twilio.com');
  return { accountSid, authToken: env.TOCSIN_TWILIO_AUTH_TOKEN!, fromNumber, baseUrl: `${base.origin}${base.pathname}`.replace(/\/+$/, '') };
}

function webhookOf(env: TocsinEnv): DeliveryConfig['webhook'] {
  if ((env.TOCSIN_WEBHOOK_URL === undefined) !== (env.TOCSIN_WEBHOOK_SECRET === undefined)) {
    throw new ConfigError('TOCSIN_WEBHOOK_URL and TOCSIN_WEBHOOK_SECRET must be given together (the secret signs every webhook request)');
  }
  if (env.TOCSIN_WEBHOOK_URL === undefined) return undefined;
  url('TOCSIN_WEBHOOK_URL', env.TOCSIN_WEBHOOK_URL, ['http', 'https'], 'https://hooks.example.com/tocsin');
  // The value is a secret: never echoed.
  if (env.TOCSIN_WEBHOOK_SECRET!.length < 16) throw new ConfigError('TOCSIN_WEBHOOK_SECRET must be at least 16 characters (e.g. openssl rand -hex 32)');
  return { url: env.TOCSIN_WEBHOOK_URL, secret: env.TOCSIN_WEBHOOK_SECRET! };
}
