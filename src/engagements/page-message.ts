/**
 * What a page says on each channel: the engagement's subject and content, the incident it is
 * about (title, impact, link), and how to acknowledge it (the link, the code). Pure: the
 * engine's send job calls it with everything it needs.
 *
 * Why the public subject/content: StartEngagement's PublicSubject/PublicContent are what AWS
 * sends "to SMS and voice" channels, which are read on lock screens and by voice mail; the
 * private Subject/Content go only to email. Where no public text is given the private one is
 * used, as AWS does.
 */
import type { ChannelType } from '../delivery/delivery.js';

/** Impact 1-5 of ssm-incidents, in the words of the console. */
export const impactNames: Record<number, string> = { 1: 'Critical', 2: 'High', 3: 'Medium', 4: 'Low', 5: 'No impact' };

/** Everything a page message is made of. */
export interface PageContent {
  subject: string;
  content: string;
  publicSubject?: string;
  publicContent?: string;
  sender: string;
  /** The incident, when the engagement names one that exists. */
  incident?: { arn: string; title: string; impact: number; summary?: string };
  /** Six-digit code for SMS replies, AcceptPage and voice. */
  acceptCode: string;
  /** Link that acknowledges the page (a confirmation page; a GET alone never acknowledges). */
  acceptUrl?: string;
  /** Link to the incident in the console, when there is one. */
  incidentUrl?: string;
  /** SMS replies reach Tocsin (Twilio with its incoming-message webhook): the SMS says to reply with the code. */
  smsReplies?: boolean;
}

/** The rendered message for one channel type. */
export interface RenderedPage {
  subject: string;
  text: string;
  html?: string;
}

/** Longest SMS text we send: Twilio accepts 1,600 characters (about ten segments). */
export const smsMaxChars = 1600;

/** Renders a page for a channel type. */
export function renderPage(channel: ChannelType, page: PageContent): RenderedPage {
  if (channel === 'EMAIL') return renderEmail(page);
  const subject = page.publicSubject ?? page.subject;
  const content = page.publicContent ?? page.content;
  // The incident's title only when the subject does not already say it (an incident's own engagement does).
  const about = page.incident
    ? `${subject.includes(page.incident.title) ? '' : ` Incident: ${page.incident.title}.`} Impact ${page.incident.impact} (${impactNames[page.incident.impact] ?? 'unknown'}).`
    : '';
  if (channel === 'SMS') {
    // The link ends the text: a full stop after it would become part of it on some phones.
    const how = page.smsReplies ? `Reply ${page.acceptCode} to acknowledge` : `Code ${page.acceptCode}`;
    const ack = ` ${how}${page.acceptUrl ? `${page.smsReplies ? ', or open' : ': acknowledge at'} ${page.acceptUrl}` : '.'}`;
    const head = `${subject}:${about} `;
    const room = smsMaxChars - head.length - ack.length;
    return { subject, text: head + clip(content, Math.max(room, 0)) + ack };
  }
  // VOICE: spoken, so the code is read digit by digit.
  const digits = page.acceptCode.split('').join(' ');
  return { subject, text: `This is a page from Tocsin. ${subject}.${about} ${content} Your acknowledgement code is ${digits}.` };
}

function renderEmail(page: PageContent): RenderedPage {
  const lines = [page.content, ''];
  if (page.incident) {
    lines.push(`Incident: ${page.incident.title}`, `Impact: ${page.incident.impact} (${impactNames[page.incident.impact] ?? 'unknown'})`);
    if (page.incident.summary && page.incident.summary !== page.content) lines.push(`Summary: ${page.incident.summary}`);
    lines.push(`Incident ARN: ${page.incident.arn}`);
    if (page.incidentUrl) lines.push(`Open the incident: ${page.incidentUrl}`);
    lines.push('');
  }
  if (page.acceptUrl) lines.push(`Acknowledge this page: ${page.acceptUrl}`);
  lines.push(`Acknowledgement code: ${page.acceptCode}`, `Sent by: ${page.sender}`);
  const text = lines.join('\n');
  const html = [
    `<p>${escapeHtml(page.content).replace(/\n/g, '<br>')}</p>`,
    page.incident ? `<p><b>Incident:</b> ${escapeHtml(page.incident.title)}<br><b>Impact:</b> ${page.incident.impact} (${escapeHtml(impactNames[page.incident.impact] ?? 'unknown')})${page.incident.summary && page.incident.summary !== page.content ? `<br><b>Summary:</b> ${escapeHtml(page.incident.summary)}` : ''}</p>` : '',
    page.acceptUrl ? `<p><a href="${escapeHtml(page.acceptUrl)}">Acknowledge this page</a></p>` : '',
    `<p>Acknowledgement code: <b>${escapeHtml(page.acceptCode)}</b><br>Sent by: ${escapeHtml(page.sender)}</p>`,
  ].join('\n');
  return { subject: page.subject, text, html };
}

/** Cuts text to `max` characters, marking the cut (never splitting a surrogate pair). */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '';
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(text[cut - 1] ?? '')) cut--;
  return text.slice(0, cut) + '…';
}

/** Escapes text for HTML bodies and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
