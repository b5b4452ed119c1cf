/**
 * SMS and voice pages through a Twilio stand-in (written from Twilio's public API docs): the
 * page reaches Twilio's REST API, its status callback becomes a DELIVERED receipt, an SMS reply
 * with the code acknowledges it, a key pressed during the call acknowledges a voice page, and
 * callbacks without Twilio's signature are refused.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  ActivateContactChannelCommand, CreateContactChannelCommand, CreateContactCommand, DescribeEngagementCommand, DescribePageCommand,
  ListPageReceiptsCommand, ListPagesByEngagementCommand, StartEngagementCommand, UpdateContactCommand,
} from '@aws-sdk/client-ssm-contacts';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTwilioStandin, type TwilioStandin } from '../helpers/twilio-standin.js';

/** A free port, so the server's public URL (which Twilio signs) is known before it starts. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('SMS and voice pages through Twilio', () => {
  let s: TestServer;
  let twilio: TwilioStandin;
  let publicUrl: string;
  const sms = '+15005550100';
  const voice = '+15005550101';
  let contact: string;
  let smsChannel: string;
  let voiceChannel: string;

  /** Digits of the last code Twilio was asked to deliver to `to` (SMS body or the call's TwiML). */
  const lastCodeTo = (to: string) => {
    const sent = [...twilio.messages, ...twilio.calls].filter((r) => r.params.To === to).at(-1)!;
    const text = sent.params.Body ?? sent.params.Twiml!;
    return /is ([\d ]{6,})/.exec(text)![1]!.replace(/ /g, '');
  };
  const engage = async (plan: 'sms' | 'voice') => {
    const target = plan === 'sms' ? smsChannel : voiceChannel;
    await s.contacts.send(new UpdateContactCommand({ ContactId: contact, Plan: { Stages: [{ DurationInMinutes: 1, Targets: [{ ChannelTargetInfo: { ContactChannelId: target } }] }] } }));
    const arn = (await s.contacts.send(new StartEngagementCommand({
      ContactId: contact, Sender: 'alarm-bot', Subject: 'Disk full', Content: 'db-1 /var at 100%', PublicSubject: 'Disk alarm', PublicContent: 'db-1 is full',
    }))).EngagementArn!;
    const [page] = (await s.contacts.send(new ListPagesByEngagementCommand({ EngagementId: arn }))).Pages!;
    return { engagement: arn, page: page!.PageArn! };
  };
  const waitFor = async (check: () => boolean | Promise<boolean>) => {
    for (let i = 0; i < 500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(await check(), 'condition not reached in time');
  };

  before(async () => {
    twilio = await startTwilioStandin();
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    s = await startTestServer({ env: {
      TOCSIN_PORT: String(port), TOCSIN_PUBLIC_URL: publicUrl, TOCSIN_TWILIO_BASE_URL: twilio.url,
      TOCSIN_TWILIO_ACCOUNT_SID: twilio.accountSid, TOCSIN_TWILIO_AUTH_TOKEN: twilio.authToken, TOCSIN_TWILIO_FROM_NUMBER: twilio.fromNumber,
    } });
    contact = (await s.contacts.send(new CreateContactCommand({ Alias: 'sam', Type: 'PERSONAL', Plan: { Stages: [] } }))).ContactArn!;
    smsChannel = (await s.contacts.send(new CreateContactChannelCommand({ ContactId: contact, Name: 'phone', Type: 'SMS', DeliveryAddress: { SimpleAddress: sms } }))).ContactChannelArn!;
    await s.contacts.send(new ActivateContactChannelCommand({ ContactChannelId: smsChannel, ActivationCode: lastCodeTo(sms) }));
    voiceChannel = (await s.contacts.send(new CreateContactChannelCommand({ ContactId: contact, Name: 'desk', Type: 'VOICE', DeliveryAddress: { SimpleAddress: voice } }))).ContactChannelArn!;
    await s.contacts.send(new ActivateContactChannelCommand({ ContactChannelId: voiceChannel, ActivationCode: lastCodeTo(voice) }));
  });
  after(async () => {
    await s?.close();
    await twilio?.close();
  });

  test('an SMS page carries the public text and the code; Twilio\'s delivered callback and an SMS reply with the code acknowledge it', async () => {
    const before = twilio.messages.length;
    const { engagement, page } = await engage('sms');
    await waitFor(() => twilio.messages.length > before);
    const message = twilio.messages.at(-1)!;
    assert.equal(message.params.To, sms);
    assert.equal(message.params.From, twilio.fromNumber);
    assert.match(message.params.Body!, /^Disk alarm: db-1 is full Reply (\d{6}) to acknowledge, or open http:\/\/127\.0\.0\.1:\d+\/pages\/accept\?page=\S+&sig=[\w-]+$/);
    assert.ok(message.params.StatusCallback!.startsWith(`${publicUrl}/callbacks/twilio/status?ref=`));
    const code = /Reply (\d{6})/.exec(message.params.Body!)![1]!;
    await waitFor(async () => (await s.contacts.send(new DescribePageCommand({ PageId: page }))).SentTime !== undefined);
    assert.equal((await twilio.sendStatusCallback(message.sid, 'delivered')).status, 204);
    const wrong = await twilio.sendIncomingSms(`${publicUrl}/callbacks/twilio/sms`, { from: sms, body: code === '000000' ? '111111' : '000000' });
    assert.match(wrong.text, /No open page matches that code/);
    const reply = await twilio.sendIncomingSms(`${publicUrl}/callbacks/twilio/sms`, { from: sms, body: `ack ${code} on it` });
    assert.equal(reply.status, 200);
    assert.match(reply.text, /<Message>Acknowledged the page\. Thank you\.<\/Message>/);
    const receipts = (await s.contacts.send(new ListPageReceiptsCommand({ PageId: page }))).Receipts!;
    assert.deepEqual(receipts.map((r) => r.ReceiptType), ['SENT', 'DELIVERED', 'READ']);
    assert.match(receipts[0]!.ReceiptInfo!, /^SMS via twilio \(SM[0-9a-f]+\)$/);
    assert.ok((await s.contacts.send(new DescribeEngagementCommand({ EngagementId: engagement }))).StopTime);
  });

  test('a voice page says the text and the code, and a key pressed during the call acknowledges it', async () => {
    const before = twilio.calls.length;
    const { page } = await engage('voice');
    await waitFor(() => twilio.calls.length > before);
    const call = twilio.calls.at(-1)!;
    assert.equal(call.params.To, voice);
    assert.match(call.params.Twiml!, /This is a page from Tocsin\. Disk alarm\. db-1 is full Your acknowledgement code is \d \d \d \d \d \d\./);
    const gather = /action="([^"]+)"/.exec(call.params.Twiml!)![1]!.replace(/&amp;/g, '&');
    await waitFor(async () => (await s.contacts.send(new DescribePageCommand({ PageId: page }))).SentTime !== undefined);
    const silent = await twilio.postSigned(gather, { CallSid: call.sid, From: twilio.fromNumber, To: voice });
    assert.match(silent.text, /No key was pressed/);
    const pressed = await twilio.postSigned(gather, { CallSid: call.sid, Digits: '1', From: twilio.fromNumber, To: voice });
    assert.match(pressed.text, /The page is acknowledged/);
    const described = await s.contacts.send(new DescribePageCommand({ PageId: page }));
    assert.ok(described.ReadTime);
  });

  test('callbacks without a valid X-Twilio-Signature are refused and acknowledge nothing', async () => {
    const { page } = await engage('sms');
    await waitFor(async () => (await s.contacts.send(new DescribePageCommand({ PageId: page }))).SentTime !== undefined);
    const code = /Reply (\d{6})/.exec(twilio.messages.at(-1)!.params.Body!)![1]!;
    const forged = await fetch(`${publicUrl}/callbacks/twilio/sms`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'AAAA' },
      body: new URLSearchParams({ MessageSid: 'SMx', From: sms, To: twilio.fromNumber, Body: code }).toString(),
    });
    assert.equal(forged.status, 403);
    assert.equal((await s.contacts.send(new DescribePageCommand({ PageId: page }))).ReadTime, undefined);
  });

  test('a message Twilio refuses is an ERROR receipt with Twilio\'s reason, not a retry storm', async () => {
    twilio.failNext({ status: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', more_info: 'https://www.twilio.com/docs/errors/21610', status: 400 } });
    const { page } = await engage('sms');
    await waitFor(async () => ((await s.contacts.send(new ListPageReceiptsCommand({ PageId: page }))).Receipts ?? []).length > 0);
    const [receipt] = (await s.contacts.send(new ListPageReceiptsCommand({ PageId: page }))).Receipts!;
    assert.equal(receipt!.ReceiptType, 'ERROR');
    assert.match(receipt!.ReceiptInfo!, /unsubscribed recipient/);
  });
});
