/**
 * The plain-HTTP face of paging, for people and providers rather than AWS clients:
 *   GET  /pages/accept?page=ARN&sig=MAC   a confirmation page with one button
 *   POST /pages/accept                   (form page, sig) acknowledges the page
 *   POST /callbacks/twilio/sms           an SMS reply; the code in it acknowledges its page
 *   POST /callbacks/twilio/gather?ref=K  a key pressed during a voice page acknowledges it
 *   POST /callbacks/twilio/status?ref=K  delivery status of a message or call: receipts
 * Twilio's requests are accepted only with a valid X-Twilio-Signature (the auth token signs
 * them), so nobody else can acknowledge through these routes; the link proves itself by its
 * MAC (src/engagements/page-links.ts).
 */
import type { Config } from '../config/config.js';
import { parseGatherCallback, parseIncomingSms, parseStatusCallback, twilioCallbackPaths, verifyTwilioSignature } from '../delivery/twilio-inbound.js';
import { twimlContentType, twimlReply } from '../delivery/twiml.js';
import { escapeHtml } from '../engagements/page-message.js';
import { acceptPath, type PageLinks } from '../engagements/page-links.js';
import type { EngagementService } from '../engagements/engagement-service.js';
import type { Logger } from '../logger.js';
import type { RawRequest, RawResponse } from './protocols/http-request.js';

/** A plain route handler: answers the request, or undefined when the path is not its. */
export type PlainRoutes = (req: RawRequest) => Promise<RawResponse | undefined>;

/** What the routes need. */
export interface PageRouteDeps {
  engagements: EngagementService;
  links: PageLinks;
  config: Pick<Config, 'delivery'>;
  /** The public base URL Twilio signed its request for. */
  publicUrl: () => string;
  logger: Logger;
}

/** The paging routes. */
export function pageRoutes(deps: PageRouteDeps): PlainRoutes {
  return async (req) => {
    if (req.path === acceptPath) return acceptLink(req, deps);
    if (req.path === twilioCallbackPaths.incomingSms || req.path === twilioCallbackPaths.gather || req.path === twilioCallbackPaths.status) {
      return twilioCallback(req, deps);
    }
    return undefined;
  };
}

async function acceptLink(req: RawRequest, deps: PageRouteDeps): Promise<RawResponse> {
  const params = req.method === 'POST' ? new URLSearchParams(req.body.toString('utf8')) : new URLSearchParams(req.query);
  const page = params.get('page') ?? '';
  const sig = params.get('sig') ?? '';
  if (req.method !== 'GET' && req.method !== 'POST') return html(405, 'Method not allowed', '<p>Open the link from your page.</p>', { allow: 'GET, POST' });
  if (!page || !sig || !deps.links.verify(page, sig)) {
    return html(404, 'Unknown link', '<p>This acknowledgement link is not valid. Acknowledge with the code in your page instead (an SMS reply, or AcceptPage).</p>');
  }
  if (req.method === 'GET') {
    const view = await deps.engagements.linkView(page);
    if (!view) return html(404, 'Unknown page', '<p>This page no longer exists.</p>');
    const about = `<p><b>${escapeHtml(view.engagement.subject)}</b><br>${escapeHtml(view.engagement.content)}</p><p>Sent by ${escapeHtml(view.engagement.sender)}.</p>`;
    if (view.page.readTime) return html(200, 'Already acknowledged', `${about}<p>This page was acknowledged at ${view.page.readTime.toISOString()}.</p>`);
    const ended = view.engagement.status === 'ACTIVE' ? '' : '<p>This engagement has ended; acknowledging still records that you saw it.</p>';
    // No action: the form posts back to this very URL, wherever TOCSIN_PUBLIC_URL puts Tocsin (a path prefix behind a proxy, say).
    return html(200, 'Acknowledge this page', `${about}${ended}
<form method="post"><input type="hidden" name="page" value="${escapeHtml(page)}"><input type="hidden" name="sig" value="${escapeHtml(sig)}">
<button type="submit">Acknowledge</button></form>`);
  }
  try {
    const { acknowledged } = await deps.engagements.acceptByLink(page);
    return html(200, 'Acknowledged', acknowledged ? '<p>Thank you: the page is acknowledged.</p>' : '<p>This page was acknowledged already.</p>');
  } catch {
    return html(404, 'Unknown page', '<p>This page no longer exists.</p>');
  }
}

async function twilioCallback(req: RawRequest, deps: PageRouteDeps): Promise<RawResponse> {
  const twilio = deps.config.delivery.twilio;
  if (req.method !== 'POST') return { status: 405, headers: { allow: 'POST', 'content-type': 'text/plain' }, body: 'POST only' };
  if (!twilio) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Twilio is not configured' };
  const params = new URLSearchParams(req.body.toString('utf8'));
  const url = `${deps.publicUrl()}${req.path}${req.query ? `?${req.query}` : ''}`;
  const signature = req.headers['x-twilio-signature'];
  if (!verifyTwilioSignature({ authToken: twilio.authToken, url, params, signature: Array.isArray(signature) ? signature[0] : signature })) {
    deps.logger.warn('refused a Twilio callback with a bad signature', { path: req.path });
    return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'bad signature' };
  }
  const ref = new URLSearchParams(req.query).get('ref') ?? '';
  try {
    if (req.path === twilioCallbackPaths.incomingSms) {
      const sms = parseIncomingSms(params);
      const pages = await deps.engagements.acceptBySms(sms.from, sms.body);
      const message = pages.length > 0 ? `Acknowledged ${pages.length === 1 ? 'the page' : `${pages.length} pages`}. Thank you.` : 'No open page matches that code.';
      return twiml(twimlReply({ message }));
    }
    if (req.path === twilioCallbackPaths.gather) {
      if (!parseGatherCallback(params).digits) return twiml(twimlReply({ say: 'No key was pressed. Goodbye.', hangup: true }));
      const ok = await deps.engagements.acceptByCall(ref);
      return twiml(twimlReply({ say: ok ? 'The page is acknowledged. Goodbye.' : 'This page was acknowledged already. Goodbye.', hangup: true }));
    }
    const status = parseStatusCallback(params);
    if (status.receipt) {
      const info = `${status.kind} ${status.sid}: ${status.status}${status.errorCode ? ` (error ${status.errorCode}${status.errorMessage ? `: ${status.errorMessage}` : ''})` : ''}`;
      await deps.engagements.recordProviderStatus(ref, status.receipt, info);
    }
    return { status: 204, headers: {} };
  } catch (err) {
    deps.logger.warn('a Twilio callback could not be used', { path: req.path, error: err instanceof Error ? err.message : String(err) });
    return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'bad request' };
  }
}

function twiml(body: string): RawResponse {
  return { status: 200, headers: { 'content-type': twimlContentType }, body };
}

function html(status: number, title: string, body: string, headers: Record<string, string> = {}): RawResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY', ...headers },
    body: `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)} - Tocsin</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:2em auto"><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  };
}
