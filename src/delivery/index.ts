/**
 * The Deliverer the rest of Tocsin uses: each message goes to the provider configured for its
 * channel type (config.delivery.providers, decided once in src/config/delivery-config.ts).
 * A channel type with no provider fails at once with a permanent DeliveryError that says which
 * variables would configure it. Every error that leaves here is a DeliveryError, and neither it
 * nor a log line carries a configured secret (src/delivery/secret-scrub.ts).
 */
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { systemClock, type Clock } from '../time/clock.js';
import { DeliveryError, type ChannelType, type Deliverer, type DeliveryResult, type OutboundMessage } from './delivery.js';
import type { Provider } from './provider.js';
import { deliverySecrets, scrubbingLogger, secretScrubber } from './secret-scrub.js';
import { createSmtpProvider } from './smtp-provider.js';
import { createTwilioProvider } from './twilio-provider.js';
import { createWebhookProvider } from './webhook-provider.js';

export * from './delivery.js';

/** The Deliverer with a shutdown: closes the SMTP pool (in-flight sends finish first). */
export interface DeliveryService extends Deliverer {
  close(): Promise<void>;
}

const channelTypes: ChannelType[] = ['EMAIL', 'SMS', 'VOICE'];

const howToConfigure: Record<ChannelType, string> = {
  EMAIL: 'set TOCSIN_SMTP_URL (or TOCSIN_WEBHOOK_URL and TOCSIN_WEBHOOK_SECRET)',
  SMS: 'set TOCSIN_TWILIO_ACCOUNT_SID, TOCSIN_TWILIO_AUTH_TOKEN and TOCSIN_TWILIO_FROM_NUMBER (or TOCSIN_WEBHOOK_URL and TOCSIN_WEBHOOK_SECRET)',
  VOICE: 'set TOCSIN_TWILIO_ACCOUNT_SID, TOCSIN_TWILIO_AUTH_TOKEN and TOCSIN_TWILIO_FROM_NUMBER (or TOCSIN_WEBHOOK_URL and TOCSIN_WEBHOOK_SECRET)',
};

/** Builds the providers the configuration names and routes messages to them. */
export function createDeliverer(config: Pick<Config, 'delivery'>, baseLogger: Logger, opts: { clock?: Clock } = {}): DeliveryService {
  const d = config.delivery;
  const scrub = secretScrubber(deliverySecrets(d));
  const logger = scrubbingLogger(baseLogger, scrub);
  const made = new Map<string, Provider>();
  const provider = (name: string): Provider | undefined => {
    if (!made.has(name)) {
      if (name === 'smtp' && d.smtp) made.set(name, createSmtpProvider({ ...d.smtp, timeoutMs: d.timeoutMs }));
      if (name === 'twilio' && d.twilio) made.set(name, createTwilioProvider({ ...d.twilio, callbackBaseUrl: d.callbackBaseUrl, timeoutMs: d.timeoutMs }));
      if (name === 'webhook' && d.webhook) made.set(name, createWebhookProvider({ ...d.webhook, timeoutMs: d.timeoutMs, clock: opts.clock ?? systemClock }));
    }
    return made.get(name);
  };
  const routes = new Map<ChannelType, Provider>();
  for (const type of channelTypes) {
    const name = d.providers[type];
    const p = name && name !== 'none' ? provider(name) : undefined;
    if (p) routes.set(type, p);
  }
  logger.info('delivery providers', Object.fromEntries(channelTypes.map((t) => [t, routes.get(t)?.name ?? d.providers[t] ?? 'unconfigured'])));

  return {
    canDeliver: (channelType) => routes.has(channelType),
    async send(message: OutboundMessage): Promise<DeliveryResult> {
      const p = routes.get(message.channelType);
      if (!p) {
        const reason = !channelTypes.includes(message.channelType)
          ? `Unknown channel type '${String(message.channelType)}'`
          : d.providers[message.channelType] === 'none'
            ? `${message.channelType} delivery is turned off (TOCSIN_${message.channelType}_PROVIDER=none)`
            : `No provider is configured for ${message.channelType} messages: ${howToConfigure[message.channelType]}`;
        throw new DeliveryError(reason, true);
      }
      const context = { provider: p.name, channelType: message.channelType, idempotencyKey: message.idempotencyKey, kind: message.kind };
      try {
        const result = await p.send(message);
        logger.debug('delivery: handed to provider', { ...context, providerMessageId: result.providerMessageId });
        return result;
      } catch (err) {
        const e = err instanceof DeliveryError
          ? new DeliveryError(scrub(err.message), err.permanent, err.provider ?? p.name)
          // A bug or an unforeseen failure: worth another attempt, and reported like any other.
          : new DeliveryError(scrub(`${p.name}: unexpected failure: ${(err as Error)?.message ?? String(err)}`), false, p.name);
        logger.warn('delivery failed', { ...context, permanent: e.permanent, error: e.message });
        throw e;
      }
    },
    async close() {
      await Promise.all([...made.values()].map((p) => p.close?.()));
    },
  };
}
