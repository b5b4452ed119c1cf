/**
 * Secrets of the delivery configuration (SMTP password, Twilio auth token, webhook secret) never
 * reach a log line or an error message. The adapters do not put them there; as a second line,
 * every message they produce passes through a scrubber, because the text of a provider's answer
 * is not ours (a gateway could echo the Authorization header it was sent).
 */
import type { DeliveryConfig } from '../config/config.js';
import type { Logger } from '../logger.js';

/** Every form in which a configured secret could show up in text. */
export function deliverySecrets(config: DeliveryConfig): string[] {
  const secrets: string[] = [];
  if (config.smtp) {
    secrets.push(config.smtp.url);
    const raw = /^[a-z]+:\/\/[^:@/]*:([^@/]*)@/i.exec(config.smtp.url)?.[1];
    if (raw) secrets.push(raw, safeDecode(raw));
  }
  if (config.twilio) {
    const { accountSid, authToken } = config.twilio;
    secrets.push(authToken, Buffer.from(`${accountSid}:${authToken}`).toString('base64'));
  }
  if (config.webhook) {
    secrets.push(config.webhook.secret);
    // Chat webhook URLs carry their token in the path or query (Slack, Telegram bots).
    const u = new URL(config.webhook.url);
    if (u.pathname.length > 1 || u.search) secrets.push(config.webhook.url, u.pathname + u.search);
  }
  // JSON log lines escape quotes and backslashes: scrub the escaped form too.
  return [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]).filter((s) => s.length > 0))];
}

/** A function replacing every occurrence of any of `secrets` with '***' (longest first). */
export function secretScrubber(secrets: string[]): (text: string) => string {
  const sorted = [...secrets].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of sorted) if (out.includes(secret)) out = out.split(secret).join('***');
    return out;
  };
}

/** A logger that scrubs the message and every field (strings, and strings inside objects) before writing. */
export function scrubbingLogger(logger: Logger, scrub: (text: string) => string): Logger {
  const clean = (fields?: Record<string, unknown>) => {
    if (!fields) return fields;
    const text = JSON.stringify(fields);
    const scrubbed = scrub(text);
    if (scrubbed === text) return fields;
    try {
      return JSON.parse(scrubbed) as Record<string, unknown>;
    } catch {
      return { fields: scrubbed }; // a secret spanned JSON syntax; keep the scrubbed text
    }
  };
  return {
    debug: (msg, fields) => logger.debug(scrub(msg), clean(fields)),
    info: (msg, fields) => logger.info(scrub(msg), clean(fields)),
    warn: (msg, fields) => logger.warn(scrub(msg), clean(fields)),
    error: (msg, fields) => logger.error(scrub(msg), clean(fields)),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
