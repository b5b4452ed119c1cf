/**
 * Contact channels through @aws-sdk/client-ssm-contacts: addresses, activation codes sent
 * through the Deliverer (a recording one here), wrong and expired codes, delivery failures,
 * paging; and the aws CLI from create-contact to activate-contact-channel.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  ActivateContactChannelCommand, CreateContactChannelCommand, CreateContactCommand, DeactivateContactChannelCommand,
  DeleteContactChannelCommand, GetContactChannelCommand, GetContactCommand, ListContactChannelsCommand, SSMContactsClient,
  SendActivationCodeCommand, UpdateContactChannelCommand, UpdateContactCommand, paginateListContactChannels,
  type CreateContactChannelCommandInput,
} from '@aws-sdk/client-ssm-contacts';
import { DeliveryError } from '../../src/delivery/delivery.js';
import { ManualClock } from '../../src/time/clock.js';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { RecordingDeliverer } from '../helpers/recording-deliverer.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
const A = '111122223333';
const contact = (alias: string) => `arn:aws:ssm-contacts:us-east-1:${A}:contact/${alias}`;
const HOUR = 3600_000;

describe('contact channels', () => {
  let s: TestServer;
  const clock = new ManualClock();
  const deliverer = new RecordingDeliverer();
  let akua: string;
  const clients: SSMContactsClient[] = [];
  /** A client whose signatures follow the server's clock after it jumped. */
  const later = () => {
    const c = new SSMContactsClient({ endpoint: s.url, region: 'us-east-1', credentials: s.credentials, maxAttempts: 1, systemClockOffset: clock.now().getTime() - Date.now() });
    clients.push(c);
    return c;
  };
  const channel = (input: Partial<CreateContactChannelCommandInput> & { address: string }, client = s.contacts) => client.send(new CreateContactChannelCommand({
    ContactId: akua, Name: 'akuas channel', Type: 'EMAIL', DeliveryAddress: { SimpleAddress: input.address }, ...input,
  } as CreateContactChannelCommandInput));
  const statusOf = async (ContactChannelId: string, client = s.contacts) => (await client.send(new GetContactChannelCommand({ ContactChannelId }))).ActivationStatus;
  const activate = (ContactChannelId: string, ActivationCode: string, client = s.contacts) => client.send(new ActivateContactChannelCommand({ ContactChannelId, ActivationCode }));

  before(async () => {
    s = await startTestServer({ app: { clock, deliverer } });
    akua = (await s.contacts.send(new CreateContactCommand({ Alias: 'akuam', DisplayName: 'Akua Mansa', Type: 'PERSONAL', Plan: { Stages: [] } }))).ContactArn!;
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await s.close();
  });

  test('creates EMAIL, SMS and VOICE channels NOT_ACTIVATED and sends each its code over itself at once', async () => {
    const sms = (await channel({ Name: 'akuas sms-test', Type: 'SMS', address: '+15005550199' })).ContactChannelArn!;
    assert.match(sms, new RegExp(`^arn:aws:ssm-contacts:us-east-1:${A}:contact-channel/akuam/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));
    const { $metadata, ...got } = await s.contacts.send(new GetContactChannelCommand({ ContactChannelId: sms }));
    assert.deepEqual(got, {
      ContactArn: akua, ContactChannelArn: sms, Name: 'akuas sms-test', Type: 'SMS', DeliveryAddress: { SimpleAddress: '+15005550199' }, ActivationStatus: 'NOT_ACTIVATED',
    });
    const [message] = deliverer.sentTo(sms);
    assert.equal(deliverer.sentTo(sms).length, 1);
    assert.equal(message!.kind, 'activation-code');
    assert.equal(message!.channelType, 'SMS');
    assert.equal(message!.address, '+15005550199');
    assert.match(deliverer.codeFor(sms), /^[0-9]{6}$/);
    assert.ok(message!.text.includes(deliverer.codeFor(sms)) && message!.text.includes('akuas sms-test'), message!.text);
    const voice = (await channel({ Name: 'akuas phone', Type: 'VOICE', address: '+15005550100' })).ContactChannelArn!;
    assert.ok(deliverer.sentTo(voice)[0]!.text.includes(deliverer.codeFor(voice).split('').join(' ')), 'a voice call reads the digits one by one');
    const email = (await channel({ Name: 'akuas email', address: 'akua@example.com' })).ContactChannelArn!;
    assert.equal(deliverer.sentTo(email)[0]!.channelType, 'EMAIL');
    const deferred = (await channel({ Name: 'later', address: 'later@example.com', DeferActivation: true })).ContactChannelArn!;
    assert.deepEqual(deliverer.sentTo(deferred), []);
    for (const arn of [sms, voice, email, deferred]) assert.equal(await statusOf(arn), 'NOT_ACTIVATED');
  });

  test('the code sent activates the channel, as GetContactChannel and ListContactChannels report; Deactivate undoes it', async () => {
    const arn = (await channel({ Name: 'work email', address: 'akua.mansa@work.example.org' })).ContactChannelArn!;
    await activate(arn, deliverer.codeFor(arn));
    assert.equal(await statusOf(arn), 'ACTIVATED');
    const listed = (await s.contacts.send(new ListContactChannelsCommand({ ContactId: akua }))).ContactChannels!.find((c) => c.ContactChannelArn === arn);
    assert.equal(listed!.ActivationStatus, 'ACTIVATED');
    await activate(arn, deliverer.codeFor(arn)); // a retry of an activation that went through
    await expectAwsError(s.contacts.send(new SendActivationCodeCommand({ ContactChannelId: arn })), 'ValidationException', 400, 'already activated');
    await s.contacts.send(new DeactivateContactChannelCommand({ ContactChannelId: arn }));
    assert.equal(await statusOf(arn), 'NOT_ACTIVATED');
    await expectAwsError(activate(arn, deliverer.codeFor(arn)), 'ValidationException', 400, 'no activation code is outstanding');
    await s.contacts.send(new SendActivationCodeCommand({ ContactChannelId: arn }));
    await activate(arn, deliverer.codeFor(arn));
    assert.equal(await statusOf(arn), 'ACTIVATED');
  });

  test('a wrong code is a ValidationException on ActivationCode; five wrong tries use the code up; a new code replaces the old', async () => {
    const arn = (await channel({ Name: 'guessed', Type: 'SMS', address: '+4915112345678' })).ContactChannelArn!;
    const code = deliverer.codeFor(arn);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) {
      const err = await expectAwsError(activate(arn, wrong), 'ValidationException', 400, 'not the one sent');
      assert.deepEqual(err.Fields?.map((f: any) => f.Name), ['ActivationCode']);
    }
    await expectAwsError(activate(arn, wrong), 'ValidationException', 400, 'that was the last try');
    await expectAwsError(activate(arn, code), 'ValidationException', 400, 'no activation code is outstanding');
    assert.equal(await statusOf(arn), 'NOT_ACTIVATED');
    await s.contacts.send(new SendActivationCodeCommand({ ContactChannelId: arn }));
    const second = deliverer.codeFor(arn);
    await s.contacts.send(new SendActivationCodeCommand({ ContactChannelId: arn }));
    const third = deliverer.codeFor(arn);
    if (second !== third) await expectAwsError(activate(arn, second), 'ValidationException', 400, 'not the one sent');
    await activate(arn, third);
    assert.equal(await statusOf(arn), 'ACTIVATED');
  });

  test('a code expires after 24 hours; at most 5 codes an hour are sent to one channel', async () => {
    // After the server's clock jumps, each call gets a client signing at the server's time (the
    // SDKs correct their clock offset from each answer's Date header, which is the wall clock).
    const arn = (await channel({ Name: 'slow', address: 'slow@example.com' })).ContactChannelArn!;
    const code = deliverer.codeFor(arn);
    clock.advance(24 * HOUR);
    await expectAwsError(activate(arn, code, later()), 'ValidationException', 400, 'expired');
    assert.equal(await statusOf(arn, later()), 'NOT_ACTIVATED');
    for (let i = 0; i < 5; i++) await later().send(new SendActivationCodeCommand({ ContactChannelId: arn }));
    const err = await expectAwsError(later().send(new SendActivationCodeCommand({ ContactChannelId: arn })), 'ServiceQuotaExceededException', 400, 'at most 5');
    assert.equal(err.QuotaCode, 'ActivationCodesPerChannelPerHour');
    assert.equal(err.ServiceCode, 'ssm-contacts');
    clock.advance(HOUR);
    await later().send(new SendActivationCodeCommand({ ContactChannelId: arn }));
    clock.advance(24 * HOUR - 1000);
    await activate(arn, deliverer.codeFor(arn), later());
    assert.equal(await statusOf(arn, later()), 'ACTIVATED');
    clock.set(Date.now()); // back to the wall clock the other tests' clients sign with
  });

  test('addresses: E.164 numbers for SMS and VOICE, email syntax for EMAIL, with the field named', async () => {
    const field = 'DeliveryAddress.SimpleAddress';
    const bad: [string, string][] = [
      ['SMS', '15005550199'], ['SMS', '+05005550199'], ['SMS', '+1 500 555 0199'], ['SMS', '+1500555019912345'], ['SMS', '+1-500-555-0199'],
      ['SMS', '+12345'], ['VOICE', 'akua@example.com'], ['VOICE', '+1(500)5550199'],
      ['EMAIL', 'akua'], ['EMAIL', 'akua@'], ['EMAIL', '@example.com'], ['EMAIL', 'akua@example'], ['EMAIL', 'a..b@example.com'],
      ['EMAIL', '.akua@example.com'], ['EMAIL', 'akua@@example.com'], ['EMAIL', 'akua mansa@example.com'], ['EMAIL', 'akua@-example.com'], ['EMAIL', '+15005550199'],
    ];
    for (const [Type, address] of bad) {
      const err = await expectAwsError(channel({ Name: 'bad', Type: Type as 'SMS', address }), 'ValidationException', 400, field);
      assert.deepEqual(err.Fields?.map((f: any) => f.Name), [field], `${Type} ${address}`);
    }
    await expectAwsError(s.contacts.send(new CreateContactChannelCommand({ ContactId: akua, Name: 'x', Type: 'EMAIL', DeliveryAddress: {} })), 'ValidationException', 400, field);
    for (const [Type, address] of [['SMS', '+123456789012345'], ['VOICE', '+4420790000'], ['EMAIL', "o'neil+pager@sub.example.co.uk"]]) {
      assert.ok((await channel({ Name: 'good', Type: Type as 'SMS', address, DeferActivation: true })).ContactChannelArn);
    }
  });

  test('only personal contacts have channels; one address per type per contact; an unknown contact is refused', async () => {
    const esc = (await s.contacts.send(new CreateContactCommand({ Alias: 'esc', Type: 'ESCALATION', Plan: { Stages: [] } }))).ContactArn!;
    await expectAwsError(channel({ ContactId: esc, address: 'esc@example.com' }), 'ValidationException', 400, 'only personal contacts have channels');
    // CreateContactChannel's model lists no ResourceNotFoundException: an unknown contact is a ValidationException.
    await expectAwsError(channel({ ContactId: contact('nobody'), address: 'x@example.com' }), 'ValidationException', 400, `Contact ${contact('nobody')} not found`);
    const first = (await channel({ Name: 'dup', Type: 'SMS', address: '+15005550111', DeferActivation: true })).ContactChannelArn!;
    const err = await expectAwsError(channel({ Name: 'dup again', Type: 'SMS', address: '+15005550111' }), 'ConflictException', 400, first);
    assert.equal(err.ResourceType, 'CONTACT_CHANNEL');
    // The same number as a VOICE channel is another channel.
    assert.ok((await channel({ Name: 'dup voice', Type: 'VOICE', address: '+15005550111', DeferActivation: true })).ContactChannelArn);
  });

  test('UpdateContactChannel renames and readdresses; a new address needs activating again', async () => {
    const arn = (await channel({ Name: 'pager', Type: 'SMS', address: '+15005550122' })).ContactChannelArn!;
    await activate(arn, deliverer.codeFor(arn));
    await s.contacts.send(new UpdateContactChannelCommand({ ContactChannelId: arn, Name: 'old pager' }));
    let got = await s.contacts.send(new GetContactChannelCommand({ ContactChannelId: arn }));
    assert.equal(got.Name, 'old pager');
    assert.equal(got.ActivationStatus, 'ACTIVATED');
    await expectAwsError(s.contacts.send(new UpdateContactChannelCommand({ ContactChannelId: arn, DeliveryAddress: { SimpleAddress: 'pager@example.com' } })),
      'ValidationException', 400, 'DeliveryAddress.SimpleAddress');
    await expectAwsError(s.contacts.send(new UpdateContactChannelCommand({ ContactChannelId: arn, DeliveryAddress: { SimpleAddress: '+15005550111' } })), 'ConflictException', 400);
    await s.contacts.send(new UpdateContactChannelCommand({ ContactChannelId: arn, DeliveryAddress: { SimpleAddress: '+15005550123' } }));
    got = await s.contacts.send(new GetContactChannelCommand({ ContactChannelId: arn }));
    assert.deepEqual([got.Name, got.DeliveryAddress, got.ActivationStatus], ['old pager', { SimpleAddress: '+15005550123' }, 'NOT_ACTIVATED']);
    await expectAwsError(s.contacts.send(new UpdateContactChannelCommand({ ContactChannelId: `${arn.slice(0, -1)}${arn.endsWith('0') ? '1' : '0'}`, Name: 'x' })), 'ResourceNotFoundException', 400);
  });

  test('DeleteContactChannel deletes a channel even when the plan engages it (AWS: that stage skips it)', async () => {
    const arn = (await channel({ Name: 'doomed', address: 'doomed@example.com', DeferActivation: true })).ContactChannelArn!;
    const Plan = { Stages: [{ DurationInMinutes: 1, Targets: [{ ChannelTargetInfo: { ContactChannelId: arn } }] }] };
    await s.contacts.send(new UpdateContactCommand({ ContactId: akua, Plan }));
    await s.contacts.send(new DeleteContactChannelCommand({ ContactChannelId: arn }));
    await expectAwsError(s.contacts.send(new GetContactChannelCommand({ ContactChannelId: arn })), 'ResourceNotFoundException', 400, arn);
    assert.deepEqual((await s.contacts.send(new GetContactCommand({ ContactId: akua }))).Plan, Plan);
    await expectAwsError(s.contacts.send(new DeleteContactChannelCommand({ ContactChannelId: arn })), 'ResourceNotFoundException', 400, arn);
    // A plan sent again must name existing channels.
    await expectAwsError(s.contacts.send(new UpdateContactCommand({ ContactId: akua, Plan })), 'ValidationException', 400, 'ChannelTargetInfo.ContactChannelId');
    await s.contacts.send(new UpdateContactCommand({ ContactId: akua, Plan: { Stages: [] } }));
  });

  test('ListContactChannels pages a contact\'s channels in creation order', async () => {
    const bob = (await s.contacts.send(new CreateContactCommand({ Alias: 'bob', Type: 'PERSONAL', Plan: { Stages: [] } }))).ContactArn!;
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push((await channel({ ContactId: bob, Name: `bob ${i}`, address: `bob${i}@example.com`, DeferActivation: true })).ContactChannelArn!);
      clock.advance(1); // distinct milliseconds: time-ordered ids sort by creation
    }
    const first = await s.contacts.send(new ListContactChannelsCommand({ ContactId: bob, MaxResults: 2 }));
    assert.deepEqual(first.ContactChannels!.map((c) => c.ContactChannelArn), made.slice(0, 2));
    const paged: string[] = [];
    for await (const page of paginateListContactChannels({ client: s.contacts, pageSize: 2 }, { ContactId: bob })) {
      paged.push(...page.ContactChannels!.map((c) => c.ContactChannelArn!));
    }
    assert.deepEqual(paged, made);
    await expectAwsError(s.contacts.send(new ListContactChannelsCommand({ ContactId: bob, NextToken: 'bogus' })), 'ValidationException', 400, 'NextToken');
    await expectAwsError(s.contacts.send(new ListContactChannelsCommand({ ContactId: contact('nobody') })), 'ResourceNotFoundException', 400);
  });

  test('a failed send of the code is an AWS error naming the created channel; a retry with the same token sends it', async (t) => {
    t.after(() => (deliverer.failWith = undefined));
    deliverer.failWith = new DeliveryError('connection to the SMS provider timed out', false, 'twilio');
    const input = { ContactId: akua, Name: 'flaky', Type: 'SMS' as const, DeliveryAddress: { SimpleAddress: '+15005550177' }, IdempotencyToken: 'flaky-1' };
    const err = await expectAwsError(s.contacts.send(new CreateContactChannelCommand(input)), 'ThrottlingException', 400, 'was created, but its activation code could not be sent');
    assert.match(err.message, /timed out/);
    const arn = /(arn:aws:ssm-contacts:\S+contact-channel\/akuam\/[0-9a-f-]{36})/.exec(err.message)![1]!;
    assert.equal(await statusOf(arn), 'NOT_ACTIVATED');
    await expectAwsError(s.contacts.send(new SendActivationCodeCommand({ ContactChannelId: arn })), 'ThrottlingException', 400, 'could not be sent');
    deliverer.failWith = undefined;
    assert.equal((await s.contacts.send(new CreateContactChannelCommand(input))).ContactChannelArn, arn);
    assert.equal(deliverer.sentTo(arn).length, 1);
    assert.equal((await s.contacts.send(new CreateContactChannelCommand(input))).ContactChannelArn, arn);
    assert.equal(deliverer.sentTo(arn).length, 1, 'a retry after a successful send sends nothing');
    await expectAwsError(s.contacts.send(new CreateContactChannelCommand({ ...input, Name: 'other' })), 'ConflictException', 400, 'flaky-1');
    await activate(arn, deliverer.codeFor(arn));
    deliverer.failWith = new DeliveryError('the number is not reachable', true, 'twilio');
    await expectAwsError(channel({ Name: 'unreachable', Type: 'SMS', address: '+15005550178' }), 'ValidationException', 400, 'the provider refused the address');
  });

  test('the aws CLI creates a contact and a channel, lists contacts and activates the channel', async () => {
    const env = {
      PATH: process.env.PATH, HOME: process.env.HOME, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_DEFAULT_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: s.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
    };
    const aws = async (args: string[]) =>
      JSON.parse((await run('aws', ['--endpoint-url', s.url, '--output', 'json', ...args], { env })).stdout || '{}');
    const created = await aws(['ssm-contacts', 'create-contact', '--alias', 'cli-person', '--display-name', 'Cli Person', '--type', 'PERSONAL', '--plan', '{"Stages":[]}']);
    assert.equal(created.ContactArn, contact('cli-person'));
    const ch = await aws(['ssm-contacts', 'create-contact-channel', '--contact-id', created.ContactArn, '--name', 'cli email', '--type', 'EMAIL',
      '--delivery-address', 'SimpleAddress=cli@example.com']);
    assert.match(ch.ContactChannelArn, /contact-channel\/cli-person\//);
    const listed = await aws(['ssm-contacts', 'list-contacts', '--alias-prefix', 'cli']);
    assert.deepEqual(listed.Contacts, [{ ContactArn: created.ContactArn, Alias: 'cli-person', DisplayName: 'Cli Person', Type: 'PERSONAL' }]);
    await aws(['ssm-contacts', 'activate-contact-channel', '--contact-channel-id', ch.ContactChannelArn, '--activation-code', deliverer.codeFor(ch.ContactChannelArn)]);
    assert.equal((await aws(['ssm-contacts', 'get-contact-channel', '--contact-channel-id', ch.ContactChannelArn])).ActivationStatus, 'ACTIVATED');
    const plan = JSON.stringify({ Stages: [{ DurationInMinutes: 0, Targets: [{ ChannelTargetInfo: { ContactChannelId: ch.ContactChannelArn, RetryIntervalInMinutes: 1 } }] }] });
    await aws(['ssm-contacts', 'update-contact', '--contact-id', created.ContactArn, '--plan', plan]);
    assert.deepEqual((await aws(['ssm-contacts', 'get-contact', '--contact-id', created.ContactArn])).Plan, JSON.parse(plan));
    await assert.rejects(aws(['ssm-contacts', 'create-contact', '--alias', 'cli-person', '--type', 'PERSONAL', '--plan', '{"Stages":[]}']),
      (err: any) => /ConflictException/.test(err.stderr));
  });
});

describe('contact channels on a server with no delivery provider', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  test('CreateContactChannel keeps the channel and answers that no provider is configured; so does SendActivationCode', async () => {
    const ContactId = (await s.contacts.send(new CreateContactCommand({ Alias: 'alone', Type: 'PERSONAL', Plan: { Stages: [] } }))).ContactArn!;
    const err = await expectAwsError(s.contacts.send(new CreateContactChannelCommand({ ContactId, Name: 'mail', Type: 'EMAIL', DeliveryAddress: { SimpleAddress: 'alone@example.com' } })),
      'ValidationException', 400, 'No provider is configured for EMAIL messages: set TOCSIN_SMTP_URL');
    const [listed] = (await s.contacts.send(new ListContactChannelsCommand({ ContactId }))).ContactChannels!;
    assert.ok(err.message.includes(listed!.ContactChannelArn!), err.message);
    assert.equal(listed!.ActivationStatus, 'NOT_ACTIVATED');
    await expectAwsError(s.contacts.send(new SendActivationCodeCommand({ ContactChannelId: listed!.ContactChannelArn })), 'ValidationException', 400, 'No provider is configured for EMAIL messages: set TOCSIN_SMTP_URL');
    assert.ok((await s.contacts.send(new CreateContactChannelCommand({ ContactId, Name: 'sms', Type: 'SMS', DeliveryAddress: { SimpleAddress: '+15005550199' }, DeferActivation: true }))).ContactChannelArn);
  });
});
