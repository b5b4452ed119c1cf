/**
 * What the rest of Tocsin knows about delivering a message to a person: one `Deliverer` that
 * takes a message for a channel (EMAIL, SMS, VOICE) and either hands it to the provider
 * configured for that channel type or throws a DeliveryError saying why it could not.
 *
 * The engine calls this once per attempt and records the outcome; the adapters behind it
 * (SMTP, a Twilio-style REST provider, a generic webhook) never retry on their own and never
 * touch the database, so a retry policy and "never send twice" live in one place (the engine).
 */

/** The channel types of ssm-contacts (ChannelType in the model). */
export type ChannelType = 'EMAIL' | 'SMS' | 'VOICE';

/** One message to one address. */
export interface OutboundMessage {
  channelType: ChannelType;
  /** An email address (EMAIL) or an E.164 phone number (SMS, VOICE). */
  address: string;
  /** Email subject; SMS and voice providers may prefix the text with it or ignore it. */
  subject: string;
  /** Plain-text body: the email's text part, the SMS text, what a voice call says. */
  text: string;
  /** Optional HTML body for email. */
  html?: string;
  /**
   * Stable for one logical message across attempts (e.g. the page id and attempt number):
   * adapters pass it on where the provider can use it (the email's Message-ID, a webhook's
   * idempotency header) so a receiver can drop a duplicate.
   */
  idempotencyKey: string;
  /** What kind of message this is, for adapters that shape content per kind (webhook payloads). */
  kind: 'page' | 'activation-code';
  /** Extra fields a webhook receiver gets verbatim (page id, incident ARN, ack code, ack URL, ...). */
  metadata?: Record<string, string>;
}

/** What a provider said when it took the message. */
export interface DeliveryResult {
  /** SENT: handed to the provider; DELIVERED: the provider confirmed delivery already. */
  status: 'SENT' | 'DELIVERED';
  /** The provider's id for the message (SMTP message id, Twilio SID, webhook response id). */
  providerMessageId?: string;
  /** Which adapter took it: 'smtp', 'twilio', 'webhook'. */
  provider: string;
}

/** Delivery failed. `permanent` failures (no provider configured, address refused) are not retried. */
export class DeliveryError extends Error {
  constructor(message: string, readonly permanent: boolean, readonly provider?: string) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Sends one message; resolves when the provider accepted it, throws DeliveryError otherwise. */
export interface Deliverer {
  send(message: OutboundMessage): Promise<DeliveryResult>;
  /** Whether some provider is configured for this channel type (pages to others become ERROR receipts). */
  canDeliver(channelType: ChannelType): boolean;
}
