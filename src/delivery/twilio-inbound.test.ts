/** Twilio's callbacks: the X-Twilio-Signature check, the parsers, and TwiML answers. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHttpReceiver, type HttpReceiver } from '../../test/helpers/http-receiver.js';
import { startTwilioStandin, type TwilioStandin } from '../../test/helpers/twilio-standin.js';
import { ValidationError } from '../errors.js';
import {
  parseGatherCallback, parseIncomingSms, parseStatusCallback, twilioCallbackPaths, twilioCallbackUrls, twilioSignature, verifyTwilioSignature,
} from './twilio-inbound.js';
import { escapeXml, twimlReply, voicePageTwiml } from './twiml.js';

let twilio: TwilioStandin;
let receiver: HttpReceiver;
before(async () => {
  twilio = await startTwilioStandin();
  receiver = await startHttpReceiver();
});
after(async () => {
  await twilio.close();
  await receiver.close();
});

test('the signature matches the worked example of Twilio\'s webhook security page', () => {
  // https://www.twilio.com/docs/usage/webhooks/webhooks-security (auth token 12345)
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
  assert.equal(twilioSignature('12345', url, params), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  const form = new URLSearchParams('To=%2B18005551212&Digits=1234&CallSid=CA1234567890ABCDE&From=%2B12349013030&Caller=%2B12349013030');
  assert.equal(verifyTwilioSignature({ authToken: '12345', url, params: form, signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' }), true, 'any parameter order');
  // Twilio's libraries accept the URL with or without the scheme's default port.
  assert.equal(verifyTwilioSignature({ authToken: '12345', url: 'https://mycompany.com:443/myapp.php?foo=1&bar=2', params, signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' }), true);
  assert.equal(verifyTwilioSignature({ authToken: '12345', url: 'https://mycompany.com:8443/myapp.php?foo=1&bar=2', params, signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' }), false);
});

test('an incoming SMS signed by the stand-in is accepted; a tampered one, another URL or token, or no signature is refused', async () => {
  const url = `${receiver.url}${twilioCallbackPaths.incomingSms}`;
  const sent = await twilio.sendIncomingSms(url, { from: '+14155550123', body: 'ACK 7' });
  const req = await receiver.next();
  assert.equal(req.url, url);
  const form = new URLSearchParams(req.body);
  const signature = req.headers['x-twilio-signature'] as string;
  const check = (over: Partial<Parameters<typeof verifyTwilioSignature>[0]>) =>
    verifyTwilioSignature({ authToken: twilio.authToken, url: req.url, params: form, signature, ...over });
  assert.equal(check({}), true);

  const tampered = new URLSearchParams(req.body);
  tampered.set('Body', 'ACK 8');
  assert.equal(check({ params: tampered }), false, 'a changed parameter');
  const added = new URLSearchParams(req.body);
  added.append('Extra', '1');
  assert.equal(check({ params: added }), false, 'an added parameter');
  assert.equal(check({ url: `${url}?x=1` }), false, 'another URL');
  assert.equal(check({ authToken: 'f'.repeat(32) }), false, 'another auth token');
  assert.equal(check({ signature: signature.slice(0, -2) + (signature.endsWith('A=') ? 'B=' : 'A=') }), false, 'a changed signature');
  assert.equal(check({ signature: signature.slice(0, -1) }), false, 'a shorter signature');
  assert.equal(check({ signature: undefined }), false, 'no signature');
  assert.equal(check({ signature: '' }), false, 'an empty signature');

  assert.deepEqual(parseIncomingSms(form), {
    messageSid: sent.params.MessageSid, accountSid: twilio.accountSid, from: '+14155550123', to: twilio.fromNumber, body: 'ACK 7', optOutType: undefined,
  });
});

test('a key press on a voice page is a signed Gather callback with the digits', async () => {
  const { gather } = twilioCallbackUrls(receiver.url, 'page-9/attempt-2');
  assert.equal(gather, `${receiver.url}/callbacks/twilio/gather?ref=page-9%2Fattempt-2`);
  await twilio.postSigned(gather, { AccountSid: twilio.accountSid, CallSid: 'CA' + '1'.repeat(32), Digits: '5', From: twilio.fromNumber, To: '+14155550123', CallStatus: 'in-progress' });
  const req = await receiver.next();
  const form = new URLSearchParams(req.body);
  assert.equal(verifyTwilioSignature({ authToken: twilio.authToken, url: req.url, params: form, signature: req.headers['x-twilio-signature'] as string }), true);
  assert.deepEqual(parseGatherCallback(form), { callSid: 'CA' + '1'.repeat(32), digits: '5', from: twilio.fromNumber, to: '+14155550123' });
  assert.equal(parseGatherCallback({ CallSid: 'CA1' }).digits, '', 'a gather that timed out');
});

test('status callbacks map Twilio\'s message and call statuses to receipts', () => {
  const message = (status: string, extra: Record<string, string> = {}) => parseStatusCallback({ MessageSid: 'SM1', SmsSid: 'SM1', MessageStatus: status, ...extra });
  const call = (status: string) => parseStatusCallback({ CallSid: 'CA1', CallStatus: status });
  for (const s of ['queued', 'accepted', 'sending', 'sent', 'scheduled']) assert.equal(message(s).receipt, undefined, s);
  assert.equal(message('delivered').receipt, 'DELIVERED');
  assert.equal(message('read').receipt, 'READ');
  for (const s of ['undelivered', 'failed', 'canceled']) assert.equal(message(s).receipt, 'ERROR', s);
  assert.deepEqual(message('undelivered', { ErrorCode: '30003', ErrorMessage: 'Unreachable destination handset' }), {
    kind: 'message', sid: 'SM1', status: 'undelivered', receipt: 'ERROR', errorCode: '30003', errorMessage: 'Unreachable destination handset',
  });
  assert.equal(call('completed').receipt, 'DELIVERED');
  assert.equal(call('completed').kind, 'call');
  for (const s of ['busy', 'no-answer', 'failed', 'canceled']) assert.equal(call(s).receipt, 'ERROR', s);
  for (const s of ['queued', 'initiated', 'ringing', 'in-progress']) assert.equal(call(s).receipt, undefined, s);
  assert.throws(() => parseStatusCallback({ CallSid: 'CA1' }), (e: unknown) => e instanceof ValidationError && e.field === 'CallStatus');
  assert.throws(() => parseIncomingSms({ From: '+1415' }), (e: unknown) => e instanceof ValidationError && e.field === 'MessageSid');
});

test('TwiML answers are escaped XML; the empty answer is <Response/>', () => {
  assert.equal(twimlReply(), '<?xml version="1.0" encoding="UTF-8"?><Response/>');
  assert.equal(twimlReply({ message: 'Acknowledged page 7 & thanks <3' }),
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Acknowledged page 7 &amp; thanks &lt;3</Message></Response>');
  assert.equal(twimlReply({ say: 'Acknowledged. Goodbye.', hangup: true }),
    '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Acknowledged. Goodbye.</Say><Hangup/></Response>');
  assert.equal(escapeXml('a\u0000b\u0007"\'\uD800 \uD83D\uDE80'), 'ab&quot;&apos; \uD83D\uDE80', 'XML 1.0 cannot carry NUL, BEL or a lone surrogate');
  assert.equal(voicePageTwiml({ text: 'Hi', repeats: 1 }), '<Response><Say>Hi</Say></Response>');
});
