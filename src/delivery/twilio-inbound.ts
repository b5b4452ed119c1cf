/**
 * What Twilio sends us, as pure functions for the HTTP routes of the engagement work: the
 * X-Twilio-Signature check, and the parameters of an incoming SMS, of a status callback and of
 * a voice <Gather> callback. Twilio posts all of them as application/x-www-form-urlencoded;
 * give these functions `new URLSearchParams(rawBody)`.
 *
 * Signature (https://www.twilio.com/docs/usage/webhooks/webhooks-security): HMAC-SHA1, keyed
 * with the auth token, of the full URL Twilio requested (scheme, host, path, query) followed by
 * each POST parameter's name and value, sorted by name, with no separators; base64. The URL must
 * be the public one Twilio used (TOCSIN_PUBLIC_URL + path), not what a proxy forwarded.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../errors.js';

/** Form parameters as Twilio posts them. */
export type TwilioParams = URLSearchParams | Record<string, string>;

/** The paths, under TOCSIN_PUBLIC_URL, where Tocsin expects Twilio's callbacks. */
export const twilioCallbackPaths = {
  /** Message and call status callbacks (StatusCallback), `?ref=<idempotency key>`. */
  status: '/callbacks/twilio/status',
  /** The voice page's <Gather action>, `?ref=<idempotency key>`. */
  gather: '/callbacks/twilio/gather',
  /** Incoming SMS: configure it as the number's "A message comes in" webhook (HTTP POST). */
  incomingSms: '/callbacks/twilio/sms',
} as const;

/** The callback URLs for one outbound message; `ref` comes back as the `ref` query parameter. */
export function twilioCallbackUrls(baseUrl: string, ref: string): { status: string; gather: string } {
  const q = `?ref=${encodeURIComponent(ref)}`;
  return { status: `${baseUrl}${twilioCallbackPaths.status}${q}`, gather: `${baseUrl}${twilioCallbackPaths.gather}${q}` };
}

/** The X-Twilio-Signature Twilio computes for a POST of `params` to `url`. */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  const pairs = params instanceof URLSearchParams ? [...params] : Object.entries(params);
  // Sorted by name (byte order), then by value for a repeated name, as Twilio's helper libraries do.
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = pairs.reduce((acc, [name, value]) => acc + name + value, url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Whether `signature` (the X-Twilio-Signature header) is Twilio's for this request, compared in
 * constant time. Like Twilio's helper libraries, accepts the URL with and without its default
 * port (Twilio signs https://host/... and https://host:443/... differently).
 */
export function verifyTwilioSignature(opts: { authToken: string; url: string; params: TwilioParams; signature: string | undefined }): boolean {
  if (!opts.signature) return false;
  const given = Buffer.from(opts.signature);
  let ok = false;
  for (const url of urlVariants(opts.url)) {
    const expected = Buffer.from(twilioSignature(opts.authToken, url, opts.params));
    // No early exit: every variant is checked, each comparison in constant time.
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

function urlVariants(url: string): string[] {
  const m = /^(https?):\/\/([^/:?#]+)(:\d+)?(.*)$/i.exec(url);
  if (!m) return [url];
  const [, scheme, host, port, rest] = m;
  const standard = scheme.toLowerCase() === 'https' ? ':443' : ':80';
  if (port === undefined) return [url, `${scheme}://${host}${standard}${rest}`];
  return port === standard ? [url, `${scheme}://${host}${rest}`] : [url];
}

/** An SMS someone sent to the Twilio number. */
export interface IncomingSms {
  messageSid: string;
  accountSid?: string;
  /** The sender's number (E.164). */
  from: string;
  /** Our number it was sent to. */
  to: string;
  body: string;
  /** STOP, START or HELP when Twilio's opt-out handling recognised a keyword. */
  optOutType?: string;
}

/** Reads an incoming-message webhook; throws ValidationError naming a missing parameter. */
export function parseIncomingSms(params: TwilioParams): IncomingSms {
  const get = getter(params);
  return {
    messageSid: get.required('MessageSid'),
    accountSid: get.optional('AccountSid'),
    from: get.required('From'),
    to: get.required('To'),
    body: get.optional('Body') ?? '',
    optOutType: get.optional('OptOutType')?.toUpperCase(),
  };
}

/** A receipt type of ssm-contacts that a provider status turns into. */
export type ProviderReceipt = 'DELIVERED' | 'READ' | 'ERROR';

/** A message or call status callback. */
export interface StatusCallback {
  kind: 'message' | 'call';
  /** The MessageSid or CallSid: DeliveryResult.providerMessageId of the send. */
  sid: string;
  /** Twilio's status as posted (delivered, undelivered, no-answer, ...). */
  status: string;
  /** The receipt this status means, undefined while the message or call is still on its way. */
  receipt?: ProviderReceipt;
  errorCode?: string;
  errorMessage?: string;
}

// https://www.twilio.com/docs/messaging/api/message-resource#message-status-values
const messageReceipts: Record<string, ProviderReceipt> = {
  delivered: 'DELIVERED', partially_delivered: 'DELIVERED', read: 'READ', undelivered: 'ERROR', failed: 'ERROR', canceled: 'ERROR',
};
// https://www.twilio.com/docs/voice/api/call-resource#call-status-values: completed = answered (by a person or a machine).
const callReceipts: Record<string, ProviderReceipt> = {
  completed: 'DELIVERED', busy: 'ERROR', 'no-answer': 'ERROR', failed: 'ERROR', canceled: 'ERROR',
};

/** Reads a status callback of a message (MessageStatus) or a call (CallStatus). */
export function parseStatusCallback(params: TwilioParams): StatusCallback {
  const get = getter(params);
  const callSid = get.optional('CallSid');
  const messageStatus = get.optional('MessageStatus') ?? get.optional('SmsStatus');
  const kind = messageStatus !== undefined || callSid === undefined ? 'message' : 'call';
  const sid = kind === 'message' ? get.optional('MessageSid') ?? get.required('SmsSid') : callSid!;
  const status = (kind === 'message' ? messageStatus ?? get.required('MessageStatus') : get.required('CallStatus')).toLowerCase();
  const errorCode = get.optional('ErrorCode');
  return {
    kind, sid, status,
    receipt: (kind === 'message' ? messageReceipts : callReceipts)[status],
    errorCode: errorCode && errorCode !== '0' ? errorCode : undefined,
    errorMessage: get.optional('ErrorMessage'),
  };
}

/** A key press on a voice page (the <Gather> action). */
export interface GatherCallback {
  callSid: string;
  /** The keys pressed; empty when the gather timed out. */
  digits: string;
  from?: string;
  to?: string;
}

/** Reads a <Gather> callback. */
export function parseGatherCallback(params: TwilioParams): GatherCallback {
  const get = getter(params);
  return { callSid: get.required('CallSid'), digits: get.optional('Digits') ?? '', from: get.optional('From'), to: get.optional('To') };
}

function getter(params: TwilioParams) {
  const read = (name: string) => {
    const v = params instanceof URLSearchParams ? params.get(name) : params[name];
    return v === null || v === undefined || v === '' ? undefined : v;
  };
  return {
    optional: read,
    required(name: string): string {
      const v = read(name);
      if (v === undefined) throw new ValidationError(name, `Twilio callback lacks the ${name} parameter`);
      return v;
    },
  };
}
