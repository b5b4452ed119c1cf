/**
 * The generic webhook, for people who route pages elsewhere (Telegram, WhatsApp, an in-house SMS
 * gateway: GoAlert #871, #4291): each message is one JSON POST, signed so the receiver can tell
 * it came from this Tocsin and was not replayed. README "Delivering pages" documents the
 * payload and the signature for receivers; keep the two in step.
 *
 * Headers: Idempotency-Key (the message's key: the same for every attempt of one message),
 * X-Tocsin-Timestamp (Unix seconds) and X-Tocsin-Signature: `v1=` + hex HMAC-SHA256, keyed with
 * TOCSIN_WEBHOOK_SECRET, of `<timestamp>.<raw body>`. Any 2xx is SENT; a JSON answer's string
 * `id` becomes the provider message id. 4xx but 408/429 are permanent, the rest transient.
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../time/clock.js';
import { DeliveryError, type DeliveryResult, type OutboundMessage } from './delivery.js';
import { excerpt, jsonObject, postOnce } from './http-post.js';
import { httpStatusIsPermanent, type Provider } from './provider.js';

/** Settings of the webhook provider. */
export interface WebhookOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  clock: Clock;
}

/** The JSON body a webhook receiver gets. */
export interface WebhookPayload {
  channelType: OutboundMessage['channelType'];
  address: string;
  subject: string;
  text: string;
  html?: string;
  kind: OutboundMessage['kind'];
  idempotencyKey: string;
  metadata: Record<string, string>;
}

/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`, the X-Tocsin-Signature value. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** Creates the webhook provider (any channel type routed to it). */
export function createWebhookProvider(opts: WebhookOptions): Provider {
  return {
    name: 'webhook',
    async send(message: OutboundMessage): Promise<DeliveryResult> {
      const payload: WebhookPayload = {
        channelType: message.channelType,
        address: message.address,
        subject: message.subject,
        text: message.text,
        ...(message.html !== undefined ? { html: message.html } : {}),
        kind: message.kind,
        idempotencyKey: message.idempotencyKey,
        metadata: message.metadata ?? {},
      };
      const body = JSON.stringify(payload);
      const timestamp = String(Math.floor(opts.clock.now().getTime() / 1000));
      const answer = await postOnce(opts.url, {
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': 'Tocsin',
          'idempotency-key': message.idempotencyKey,
          'x-tocsin-timestamp': timestamp,
          'x-tocsin-signature': webhookSignature(opts.secret, timestamp, body),
        },
        body,
      }, { timeoutMs: opts.timeoutMs, provider: 'webhook' });
      if (answer.status >= 200 && answer.status < 300) {
        const id = jsonObject(answer.text)?.id;
        return { status: 'SENT', provider: 'webhook', providerMessageId: typeof id === 'string' && id ? id : undefined };
      }
      const detail = answer.status >= 300 && answer.status < 400
        ? `answered a redirect (HTTP ${answer.status}); configure the final URL in TOCSIN_WEBHOOK_URL`
        : `answered HTTP ${answer.status}${answer.text ? `: ${excerpt(answer.text)}` : ''}`;
      const permanent = httpStatusIsPermanent(answer.status) || (answer.status >= 300 && answer.status < 400);
      throw new DeliveryError(`webhook ${new URL(opts.url).origin} ${detail}`, permanent, 'webhook');
    },
  };
}
