/**
 * EMAIL over SMTP with nodemailer: one pooled transport for the process, closed on shutdown.
 *
 * Each message carries the idempotency key as its Message-ID, so a receiver (or a mail
 * filter) can drop the duplicate a retry after an ambiguous failure may produce. The pool
 * never re-sends on its own (maxRequeues 0): whether to try again is the engine's decision.
 * Failures are classified as SMTP defines them (RFC 5321 §4.2.1): a 5yz reply is permanent
 * (except 503, a bad command sequence on that connection); 4yz replies, dropped connections,
 * DNS, TLS and timeouts are transient.
 */
import nodemailer, { type NodemailerError } from 'nodemailer';
import { DeliveryError, type DeliveryResult, type OutboundMessage } from './delivery.js';
import type { Provider } from './provider.js';

/** Settings of the SMTP provider. */
export interface SmtpOptions {
  /** smtp://user:pass@host:port or smtps://... (nodemailer parses it, query options included). */
  url: string;
  /** The From header: `Name <address>` or `address`. */
  from: string;
  /** Deadline of one send, connecting included. */
  timeoutMs: number;
}

/** Creates the SMTP provider; no connection is opened until the first send. */
export function createSmtpProvider(opts: SmtpOptions): Provider {
  const transport = nodemailer.createTransport({
    url: opts.url,
    pool: true,
    // Why: nodemailer's defaults (5 connections of at most 100 messages) made the pool reconnect
    // every 100 messages, and a server that delays its greeting (smtp-server: 100 ms) then
    // stalled the pages queued on that connection: the first-email tail of BENCHMARKS.md's
    // engagement bench. Connections live until the server closes them.
    maxConnections: 4,
    maxMessages: Infinity,
    maxRequeues: 0,
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
    logger: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const domain = /@([^>\s]+)>?$/.exec(opts.from)?.[1] ?? 'tocsin.invalid';
  return {
    name: 'smtp',
    async send(message: OutboundMessage): Promise<DeliveryResult> {
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to: message.address,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: messageIdFor(message.idempotencyKey, domain),
          // RFC 3834: an automatic message; auto-responders (vacation replies) stay quiet.
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Tocsin-Kind': message.kind },
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        return { status: 'SENT', provider: 'smtp', providerMessageId: info.messageId };
      } catch (err) {
        throw smtpDeliveryError(err as NodemailerError, message.address, opts.timeoutMs);
      }
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * `<key@domain>`: the key's characters outside [A-Za-z0-9.-] are written as =XX (so distinct
 * keys stay distinct, and the id stays a valid RFC 5322 msg-id whatever the key holds).
 */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  const local = [...Buffer.from(idempotencyKey, 'utf8')]
    .map((b) => (/[A-Za-z0-9.-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('')
    .replace(/^\.|\.$|\.(?=\.)/g, '=2E');
  return `<${local || '=00'}@${domain}>`;
}

/** The DeliveryError for a nodemailer failure, permanent or transient as SMTP defines it. */
export function smtpDeliveryError(err: NodemailerError, address: string, timeoutMs: number): DeliveryError {
  if (err.code === 'EABORT') return new DeliveryError(`SMTP send to ${address} did not finish within ${timeoutMs} ms`, false, 'smtp');
  if (typeof err.responseCode === 'number') {
    const permanent = err.responseCode >= 500 && err.responseCode < 600 && err.responseCode !== 503;
    const reply = (err.response ?? err.message).replace(/\s+/g, ' ').trim();
    const what = err.code === 'EAUTH' ? 'the login (check the user and password of TOCSIN_SMTP_URL)' : `the message to ${address}`;
    return new DeliveryError(`SMTP server refused ${what}: ${reply}`, permanent, 'smtp');
  }
  // No SMTP reply: a local refusal of the envelope or the configuration is final, the rest is the network.
  const permanent = err.code === 'EENVELOPE' || err.code === 'ECONFIG' || err.code === 'ENOAUTH';
  return new DeliveryError(`SMTP delivery to ${address} failed: ${err.message}${err.code ? ` (${err.code})` : ''}`, permanent, 'smtp');
}
