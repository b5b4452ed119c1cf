/**
 * SMS and VOICE through Twilio's REST API (or a gateway speaking it: TOCSIN_TWILIO_BASE_URL).
 *
 * SMS: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json with To, From, Body
 * (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource).
 * Voice: POST .../Calls.json with To, From and Twiml, the TwiML saying the page
 * (https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource). Both
 * form-encoded with HTTP Basic auth (AccountSid:AuthToken). With a public URL configured, the
 * request names a StatusCallback, and the call gathers one key press to acknowledge.
 *
 * Errors come as {code, message, more_info, status} (https://www.twilio.com/docs/usage/twilios-response):
 * 4xx but 429 are permanent (the same request would be refused again), 429 and 5xx transient.
 * A timeout is transient but ambiguous: Twilio may have taken the message, and has no
 * idempotency key for it, so a retry can page twice (better than not paging).
 */
import { DeliveryError, type DeliveryResult, type OutboundMessage } from './delivery.js';
import { excerpt, jsonObject, postOnce } from './http-post.js';
import { httpStatusIsPermanent, type Provider } from './provider.js';
import { twilioCallbackUrls } from './twilio-inbound.js';
import { voicePageTwiml } from './twiml.js';

/** Settings of the Twilio provider. */
export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  /** API root without a trailing slash: https://api.twilio.com by default. */
  baseUrl: string;
  /** TOCSIN_PUBLIC_URL when set: where Twilio is asked to post status and key presses. */
  callbackBaseUrl?: string;
  timeoutMs: number;
}

/** Twilio's longest message body (error 21617 beyond it). */
export const maxSmsChars = 1600;

/** Creates the Twilio provider (SMS and VOICE messages). */
export function createTwilioProvider(opts: TwilioOptions): Provider {
  const account = `${opts.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}`;
  const authorization = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;
  return {
    name: 'twilio',
    async send(message: OutboundMessage): Promise<DeliveryResult> {
      const callbacks = opts.callbackBaseUrl ? twilioCallbackUrls(opts.callbackBaseUrl, message.idempotencyKey) : undefined;
      const text = message.text || message.subject;
      const isCall = message.channelType === 'VOICE';
      const form = new URLSearchParams({ To: message.address, From: opts.fromNumber });
      if (isCall) form.set('Twiml', voicePageTwiml({ text, gatherUrl: callbacks?.gather }));
      else form.set('Body', truncate(text, maxSmsChars));
      if (callbacks) form.set('StatusCallback', callbacks.status);
      const what = isCall ? `call to ${message.address}` : `SMS to ${message.address}`;
      const answer = await postOnce(`${account}/${isCall ? 'Calls' : 'Messages'}.json`, {
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': 'Tocsin' },
        body: form.toString(),
      }, { timeoutMs: opts.timeoutMs, provider: 'twilio' });
      const body = jsonObject(answer.text);
      if (answer.status >= 200 && answer.status < 300) {
        return { status: 'SENT', provider: 'twilio', providerMessageId: typeof body?.sid === 'string' ? body.sid : undefined };
      }
      throw new DeliveryError(`Twilio refused the ${what}: ${describeError(answer.status, body, answer.text)}`, httpStatusIsPermanent(answer.status), 'twilio');
    },
  };
}

/** "message (Twilio error 21211, https://...)", or the HTTP status and body when it is not Twilio's JSON. */
function describeError(status: number, body: Record<string, unknown> | undefined, text: string): string {
  if (body && typeof body.message === 'string') {
    const code = body.code !== undefined && body.code !== null ? `Twilio error ${String(body.code)}` : `HTTP ${status}`;
    const more = typeof body.more_info === 'string' ? `, ${body.more_info}` : '';
    return `${body.message} (${code}${more})`;
  }
  return `HTTP ${status}${text ? `: ${excerpt(text)}` : ''}`;
}

/**
 * At most `max` UTF-16 units (no surrogate pair split), the last an ellipsis when cut: a page is
 * better short than refused. (Units, not characters: never more than Twilio counts.)
 */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}
