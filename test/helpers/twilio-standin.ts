/**
 * A local stand-in for Twilio's REST API (2010-04-01), written from Twilio's public
 * documentation: https://www.twilio.com/docs/messaging/api/message-resource,
 * https://www.twilio.com/docs/voice/api/call-resource, https://www.twilio.com/docs/usage/twilios-response,
 * https://www.twilio.com/docs/usage/webhooks/webhooks-security and the error dictionary
 * (https://www.twilio.com/docs/api/errors/<code>).
 *
 * It serves POST /2010-04-01/Accounts/{AccountSid}/Messages.json and Calls.json: HTTP Basic
 * auth against one configured account, form bodies, the documented validation with Twilio's
 * error codes and {code, message, more_info, status} bodies, and 201 resources (SM.../CA...
 * sids, status "queued"). It records what it received, posts signed status callbacks to a
 * resource's StatusCallback, and posts signed inbound SMS or key presses to any URL. The
 * signature is computed here on its own (not with src/delivery's code), so a test of our
 * verification against it checks two implementations of Twilio's rule against each other.
 */
import { createHmac, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

/** A resource the stand-in created, with the form it was created from. */
export interface StandinResource {
  kind: 'message' | 'call';
  sid: string;
  /** The form parameters of the create request. */
  params: Record<string, string>;
  /** The JSON the stand-in answered. */
  resource: Record<string, unknown>;
}

/** Every API request, accepted or refused. */
export interface StandinRequest {
  method: string;
  path: string;
  /** Basic credentials as sent, if any. */
  auth?: { user: string; pass: string };
  contentType?: string;
  params: Record<string, string>;
  /** The HTTP status answered. */
  status?: number;
}

/** What the next API request gets instead of normal handling. */
export type StandinFault = { status: number; body?: unknown; headers?: Record<string, string> } | 'stall' | 'reset';

/** A running stand-in. */
export interface TwilioStandin {
  /** Base URL for TOCSIN_TWILIO_BASE_URL. */
  url: string;
  accountSid: string;
  authToken: string;
  fromNumber: string;
  requests: StandinRequest[];
  /** Accepted Messages.json requests. */
  messages: StandinResource[];
  /** Accepted Calls.json requests. */
  calls: StandinResource[];
  /** The next API request is answered with `fault` (a status and body, no answer at all, or a reset connection). */
  failNext(fault: StandinFault): void;
  /** Posts a status callback for `sid` to its StatusCallback URL; answers what that URL answered. */
  sendStatusCallback(sid: string, status: string, extra?: Record<string, string>): Promise<{ status: number; text: string }>;
  /** Posts an incoming SMS to `url` as Twilio does, signed. */
  sendIncomingSms(url: string, sms: { from: string; body: string; to?: string }): Promise<{ status: number; text: string; params: Record<string, string> }>;
  /** Posts `params` to `url` with Twilio's headers and signature (any webhook: a <Gather> action, ...). */
  postSigned(url: string, params: Record<string, string>): Promise<{ status: number; text: string }>;
  /** The signature Twilio would send for these parameters (computed independently of src/delivery). */
  signatureFor(url: string, params: Record<string, string>): string;
  close(): Promise<void>;
}

const apiVersion = '2010-04-01';
const e164 = /^\+[1-9]\d{1,14}$/;

/** Twilio's error body: {code, message, more_info, status}. */
function twilioError(status: number, code: number, message: string) {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

/** RFC 2822 as Twilio writes dates: "Fri, 13 Aug 2010 01:16:24 +0000". */
function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

function sid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

/** Starts the stand-in for one account on 127.0.0.1. */
export async function startTwilioStandin(opts: { accountSid?: string; authToken?: string; fromNumber?: string } = {}): Promise<TwilioStandin> {
  const accountSid = opts.accountSid ?? sid('AC');
  const authToken = opts.authToken ?? randomBytes(16).toString('hex');
  const fromNumber = opts.fromNumber ?? '+15005550006';
  const requests: StandinRequest[] = [];
  const messages: StandinResource[] = [];
  const calls: StandinResource[] = [];
  const faults: StandinFault[] = [];
  const sockets = new Set<Socket>();

  const signatureFor = (url: string, params: Record<string, string>) => {
    let data = url;
    for (const name of Object.keys(params).sort()) data += name + params[name];
    return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
  };
  const postSigned = async (url: string, params: Record<string, string>) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'user-agent': 'TwilioProxy/1.1',
        'i-twilio-idempotency-token': randomBytes(16).toString('hex'),
        'x-twilio-signature': signatureFor(url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    return { status: res.status, text: await res.text() };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record: StandinRequest = {
        method: req.method ?? 'GET',
        path: (req.url ?? '/').split('?')[0],
        auth: basicAuth(req),
        contentType: req.headers['content-type'],
        params: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
      };
      requests.push(record);
      const fault = faults.shift();
      if (fault === 'stall') return; // never answered; close() cuts it
      if (fault === 'reset') return void req.socket.destroy();
      const answer = fault ?? handle(record);
      record.status = answer.status;
      send(res, answer.status, answer.body, 'headers' in answer ? answer.headers : undefined);
    });
  });

  type Answer = { status: number; body: unknown };
  function handle(r: StandinRequest): Answer {
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(r.path);
    if (!r.auth || r.auth.user !== accountSid || r.auth.pass !== authToken) return twilioError(401, 20003, 'Authenticate');
    if (!m || decodeURIComponent(m[1]) !== accountSid) return twilioError(404, 20404, `The requested resource ${r.path} was not found`);
    if (r.method !== 'POST') return twilioError(405, 20004, 'Method not allowed');
    return m[2] === 'Messages' ? createMessage(r.params) : createCall(r.params);
  }

  function createMessage(p: Record<string, string>): Answer {
    if (!p.To) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!p.From && !p.MessagingServiceSid) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (!e164.test(p.To)) return twilioError(400, 21211, `The 'To' number ${p.To} is not a valid phone number.`);
    if (p.From !== fromNumber) return twilioError(400, 21606, `The From phone number ${p.From} is not a valid, SMS-capable inbound phone number or short code for your account.`);
    if (!p.Body && !p.MediaUrl && !p.ContentSid) return twilioError(400, 21602, 'Message body is required.');
    if ((p.Body ?? '').length > 1600) return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (p.StatusCallback && !/^https?:\/\/[^/\s]+/.test(p.StatusCallback)) return twilioError(400, 21609, `The StatusCallback URL ${p.StatusCallback} is not a valid URL.`);
    const now = rfc2822(new Date());
    const s = sid('SM');
    const resource = {
      account_sid: accountSid, api_version: apiVersion, body: p.Body, date_created: now, date_sent: null, date_updated: now,
      direction: 'outbound-api', error_code: null, error_message: null, from: p.From, messaging_service_sid: null,
      num_media: '0', num_segments: String(Math.max(1, Math.ceil((p.Body ?? '').length / 153))), price: null, price_unit: 'USD',
      sid: s, status: 'queued', subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${s}/Media.json` },
      to: p.To, uri: `/2010-04-01/Accounts/${accountSid}/Messages/${s}.json`,
    };
    messages.push({ kind: 'message', sid: s, params: p, resource });
    return { status: 201, body: resource };
  }

  function createCall(p: Record<string, string>): Answer {
    if (!p.To) return twilioError(400, 21201, "No 'To' number is specified");
    if (!p.From) return twilioError(400, 21213, "No 'From' number is specified");
    if (!e164.test(p.To)) return twilioError(400, 21211, `The phone number you are attempting to call, ${p.To}, is not valid.`);
    if (p.From !== fromNumber) {
      return twilioError(400, 21210, `The source phone number provided, ${p.From}, is not yet verified for your account. You may only make calls from phone numbers that you've verified or purchased from Twilio.`);
    }
    if (!p.Url && !p.Twiml && !p.ApplicationSid) return twilioError(400, 21205, 'Url parameter is required.');
    if (p.Twiml && p.Twiml.length > 4000) return twilioError(400, 32018, 'Twiml size exceeded maximum allowed value of 4000 characters');
    const now = rfc2822(new Date());
    const s = sid('CA');
    const resource = {
      account_sid: accountSid, annotation: null, answered_by: null, api_version: apiVersion, caller_name: null,
      date_created: now, date_updated: now, direction: 'outbound-api', duration: null, end_time: null, forwarded_from: null,
      from: p.From, from_formatted: p.From, parent_call_sid: null, phone_number_sid: null, price: null, price_unit: 'USD',
      queue_time: '0', sid: s, start_time: null, status: 'queued', to: p.To, to_formatted: p.To,
      uri: `/2010-04-01/Accounts/${accountSid}/Calls/${s}.json`,
    };
    calls.push({ kind: 'call', sid: s, params: p, resource });
    return { status: 201, body: resource };
  }

  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url, accountSid, authToken, fromNumber, requests, messages, calls,
    failNext: (fault) => void faults.push(fault),
    signatureFor,
    postSigned,
    async sendStatusCallback(target, status, extra = {}) {
      const r = [...messages, ...calls].find((x) => x.sid === target);
      if (!r?.params.StatusCallback) throw new Error(`no resource ${target} with a StatusCallback`);
      const common = { AccountSid: accountSid, ApiVersion: apiVersion, From: r.params.From, To: r.params.To };
      const params = r.kind === 'message'
        ? { ...common, MessageSid: r.sid, SmsSid: r.sid, MessageStatus: status, SmsStatus: status, ...extra }
        : { ...common, CallSid: r.sid, CallStatus: status, Direction: 'outbound-api', Called: r.params.To, Caller: r.params.From, ...extra };
      return postSigned(r.params.StatusCallback, params);
    },
    async sendIncomingSms(target, sms) {
      const s = sid('SM');
      const params = {
        ToCountry: 'US', SmsMessageSid: s, NumMedia: '0', SmsSid: s, SmsStatus: 'received', Body: sms.body,
        To: sms.to ?? fromNumber, NumSegments: '1', MessageSid: s, AccountSid: accountSid, From: sms.from, ApiVersion: apiVersion,
      };
      return { ...(await postSigned(target, params)), params };
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

function basicAuth(req: IncomingMessage): { user: string; pass: string } | undefined {
  const m = /^Basic (\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? undefined : { user: text.slice(0, i), pass: text.slice(i + 1) };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
  res.end(text);
}
