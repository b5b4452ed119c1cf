/**
 * TwiML, the XML Twilio runs during a call or answers an incoming message with
 * (https://www.twilio.com/docs/voice/twiml, https://www.twilio.com/docs/messaging/twiml).
 * Built by string, with every text escaped and the characters XML 1.0 cannot carry dropped.
 */

/** The media type a TwiML answer is served with. */
export const twimlContentType = 'text/xml; charset=utf-8';

/** Twilio refuses a Calls request whose Twiml parameter is longer than this (error 32018). */
export const maxTwimlChars = 4000;

const prompt = 'Press any key to acknowledge.';

/**
 * The TwiML of a voice page: the text said `repeats` times with a pause between. With a
 * `gatherUrl` the whole of it sits in a <Gather numDigits="1">, so one key press (at any point)
 * is posted there as Digits and acknowledges the page; each repetition then ends with a prompt.
 * Fits in maxTwimlChars: fewer repetitions first, then a shortened text.
 */
export function voicePageTwiml(opts: { text: string; gatherUrl?: string; repeats?: number }): string {
  const build = (text: string, repeats: number) => {
    const say = `<Say>${escapeXml(opts.gatherUrl ? `${text} ${prompt}` : text)}</Say>`;
    const body = Array.from({ length: repeats }, () => say).join('<Pause length="1"/>');
    if (!opts.gatherUrl) return `<Response>${body}</Response>`;
    return `<Response><Gather numDigits="1" timeout="5" method="POST" action="${escapeXml(opts.gatherUrl)}">${body}</Gather>`
      + `<Say>${escapeXml('No key was pressed. Goodbye.')}</Say></Response>`;
  };
  for (let repeats = opts.repeats ?? 3; repeats >= 1; repeats--) {
    const twiml = build(opts.text, repeats);
    if (twiml.length <= maxTwimlChars) return twiml;
  }
  // Even once is too long: cut the text (by code points, so no surrogate pair is split).
  let chars = [...opts.text];
  let twiml = build(opts.text, 1);
  while (twiml.length > maxTwimlChars && chars.length > 0) {
    chars = chars.slice(0, Math.max(0, chars.length - Math.max(1, twiml.length - maxTwimlChars)));
    twiml = build(`${chars.join('')}…`, 1);
  }
  return twiml;
}

/**
 * A TwiML answer to a Twilio webhook: an SMS reply (<Message>), words said on the call
 * (<Say>), then optionally <Hangup/>. With nothing given, the empty <Response/> that tells
 * Twilio "nothing to do" (what a status callback should get).
 */
export function twimlReply(opts: { message?: string; say?: string; hangup?: boolean } = {}): string {
  const verbs = [
    opts.say !== undefined ? `<Say>${escapeXml(opts.say)}</Say>` : '',
    opts.message !== undefined ? `<Message>${escapeXml(opts.message)}</Message>` : '',
    opts.hangup ? '<Hangup/>' : '',
  ].join('');
  return `<?xml version="1.0" encoding="UTF-8"?>${verbs ? `<Response>${verbs}</Response>` : '<Response/>'}`;
}

/** Escapes text for XML content and attribute values, dropping characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
