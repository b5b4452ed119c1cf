/**
 * What every adapter behind the Deliverer is: a named provider that sends one message once
 * (no retries: the engine owns them) and throws DeliveryError when it cannot.
 */
import type { DeliveryResult, OutboundMessage } from './delivery.js';

/** One provider adapter (SMTP, Twilio, webhook). */
export interface Provider {
  /** 'smtp', 'twilio' or 'webhook': DeliveryResult.provider and DeliveryError.provider. */
  readonly name: string;
  /** Hands the message over once; resolves when the provider took it. */
  send(message: OutboundMessage): Promise<DeliveryResult>;
  /** Releases connections (the SMTP pool); in-flight sends finish first. */
  close?(): Promise<void>;
}

/**
 * Whether an HTTP answer means "this request will never succeed": 4xx, except 408 (request
 * timeout) and 429 (too many requests), which are worth retrying like 5xx.
 */
export function httpStatusIsPermanent(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}
