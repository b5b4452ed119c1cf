/**
 * Who may do what with contacts, through the official clients: IAM policies on ssm-contacts
 * actions, AssociateContact for escalation targets, aws:ResourceTag and aws:RequestTag on
 * contacts, and another account kept out until the contact's policy lets it in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateContactChannelCommand, CreateContactCommand, GetContactChannelCommand, GetContactCommand, GetContactPolicyCommand,
  ListContactChannelsCommand, ListContactsCommand, ListTagsForResourceCommand, PutContactPolicyCommand, SSMContactsClient,
  TagResourceCommand, UntagResourceCommand, UpdateContactCommand,
} from '@aws-sdk/client-ssm-contacts';
import { SSMIncidentsClient, TagResourceCommand as IncidentsTagResourceCommand } from '@aws-sdk/client-ssm-incidents';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const A = '111122223333';
const B = '444455556666';
const contact = (alias: string, account = A) => `arn:aws:ssm-contacts:us-east-1:${account}:contact/${alias}`;
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[] = '*', Condition?: unknown) => ({ Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) });
const engage = (ContactId: string) => ({ Stages: [{ DurationInMinutes: 1, Targets: [{ ContactTargetInfo: { ContactId, IsEssential: false } }] }] });

type Credentials = { accessKeyId: string; secretAccessKey: string };

describe('contacts access control', () => {
  let s: TestServer;
  const clients: { destroy(): void }[] = [];
  const as = (credentials: Credentials) => {
    const config = { endpoint: s.url, region: 'us-east-1', credentials, maxAttempts: 1 };
    const c = { iam: new IAMClient(config), contacts: new SSMContactsClient(config), incidents: new SSMIncidentsClient(config) };
    clients.push(c.iam, c.contacts, c.incidents);
    return c;
  };
  let root: ReturnType<typeof as>;
  let channelArn: string;
  /** A user of account A with one inline policy. */
  async function user(name: string, policy: string, owner = root) {
    await owner.iam.send(new CreateUserCommand({ UserName: name }));
    await owner.iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: policy }));
    const key = (await owner.iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return as({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
  }

  before(async () => {
    s = await startTestServer();
    root = as(s.credentials);
    for (const [Alias, team] of [['akuam', 'sre'], ['alejr', 'web']]) {
      await root.contacts.send(new CreateContactCommand({ Alias, Type: 'PERSONAL', Plan: { Stages: [] }, Tags: [{ Key: 'team', Value: team }] }));
    }
    channelArn = (await root.contacts.send(new CreateContactChannelCommand({
      ContactId: contact('akuam'), Name: 'mail', Type: 'EMAIL', DeliveryAddress: { SimpleAddress: 'akua@example.com' }, DeferActivation: true,
    }))).ContactChannelArn!;
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await s.close();
  });

  test('a read-only user reads contacts and channels and may change nothing', async () => {
    const reader = await user('reader', doc(allow(['ssm-contacts:Get*', 'ssm-contacts:List*'])));
    assert.deepEqual((await reader.contacts.send(new ListContactsCommand({}))).Contacts!.map((c) => c.Alias), ['akuam', 'alejr']);
    assert.equal((await reader.contacts.send(new GetContactChannelCommand({ ContactChannelId: channelArn }))).Name, 'mail');
    assert.equal((await reader.contacts.send(new ListContactChannelsCommand({ ContactId: contact('akuam') }))).ContactChannels!.length, 1);
    const err = await expectAwsError(reader.contacts.send(new CreateContactCommand({ Alias: 'mine', Type: 'PERSONAL', Plan: { Stages: [] } })), 'AccessDeniedException', 400);
    assert.equal(err.message, `User: arn:aws:iam::${A}:user/reader is not authorized to perform: ssm-contacts:CreateContact on resource: ${contact('mine')} because no identity-based policy allows the action`);
    await expectAwsError(reader.contacts.send(new UpdateContactCommand({ ContactId: contact('akuam'), DisplayName: 'x' })), 'AccessDeniedException', 400, 'ssm-contacts:UpdateContact');
    await expectAwsError(reader.contacts.send(new TagResourceCommand({ ResourceARN: contact('akuam'), Tags: [{ Key: 'a', Value: 'b' }] })), 'AccessDeniedException', 400, 'ssm-contacts:TagResource');
  });

  test('an escalation plan needs ssm-contacts:AssociateContact on each contact it engages; tags on create need TagResource', async () => {
    const planner = await user('planner', doc(
      allow('ssm-contacts:CreateContact', contact('*')),
      allow('ssm-contacts:AssociateContact', contact('akuam')),
      allow('ssm-contacts:TagResource', contact('*'), { StringEquals: { 'aws:RequestTag/team': 'sre' } }),
    ));
    await planner.contacts.send(new CreateContactCommand({ Alias: 'esc-ok', Type: 'ESCALATION', Plan: engage(contact('akuam')) }));
    await expectAwsError(planner.contacts.send(new CreateContactCommand({ Alias: 'esc-no', Type: 'ESCALATION', Plan: engage(contact('alejr')) })),
      'AccessDeniedException', 400, `ssm-contacts:AssociateContact on resource: ${contact('alejr')}`);
    await planner.contacts.send(new CreateContactCommand({ Alias: 'tagged-ok', Type: 'PERSONAL', Plan: { Stages: [] }, Tags: [{ Key: 'team', Value: 'sre' }] }));
    await expectAwsError(planner.contacts.send(new CreateContactCommand({ Alias: 'tagged-no', Type: 'PERSONAL', Plan: { Stages: [] }, Tags: [{ Key: 'team', Value: 'web' }] })),
      'AccessDeniedException', 400, 'ssm-contacts:TagResource');
    // Another account's contact is the plan's validation's to refuse, not AssociateContact's.
    await expectAwsError(planner.contacts.send(new CreateContactCommand({ Alias: 'esc-far', Type: 'ESCALATION', Plan: engage(contact('akuam', B)) })),
      'ValidationException', 400, 'ContactTargetInfo.ContactId');
    const aliases = (await root.contacts.send(new ListContactsCommand({}))).Contacts!.map((c) => c.Alias);
    assert.ok(!aliases.includes('esc-no') && !aliases.includes('tagged-no'));
  });

  test('aws:ResourceTag/KEY conditions see a contact\'s tags, as they are now', async () => {
    const sre = await user('sre-reader', doc(allow('ssm-contacts:GetContact', '*', { StringEquals: { 'aws:ResourceTag/team': 'sre' } })));
    assert.equal((await sre.contacts.send(new GetContactCommand({ ContactId: contact('akuam') }))).Alias, 'akuam');
    await expectAwsError(sre.contacts.send(new GetContactCommand({ ContactId: contact('alejr') })), 'AccessDeniedException', 400, contact('alejr'));
    await root.contacts.send(new TagResourceCommand({ ResourceARN: contact('alejr'), Tags: [{ Key: 'team', Value: 'sre' }] }));
    assert.equal((await sre.contacts.send(new GetContactCommand({ ContactId: contact('alejr') }))).Alias, 'alejr');
    await root.contacts.send(new UntagResourceCommand({ ResourceARN: contact('alejr'), TagKeys: ['team'] }));
    await expectAwsError(sre.contacts.send(new GetContactCommand({ ContactId: contact('alejr') })), 'AccessDeniedException', 400);
  });

  test('TagResource, UntagResource and ListTagsForResource work on contacts and refuse what is not one', async () => {
    const tags = async (ResourceARN: string) => (await root.contacts.send(new ListTagsForResourceCommand({ ResourceARN }))).Tags;
    await root.contacts.send(new TagResourceCommand({ ResourceARN: contact('akuam'), Tags: [{ Key: 'team', Value: 'platform' }, { Key: 'tier', Value: '1' }] }));
    assert.deepEqual(await tags(contact('akuam')), [{ Key: 'team', Value: 'platform' }, { Key: 'tier', Value: '1' }]);
    await root.contacts.send(new UntagResourceCommand({ ResourceARN: contact('akuam'), TagKeys: ['tier', 'absent'] }));
    assert.deepEqual(await tags(contact('akuam')), [{ Key: 'team', Value: 'platform' }]);
    await expectAwsError(root.contacts.send(new ListTagsForResourceCommand({ ResourceARN: contact('nobody') })), 'ResourceNotFoundException', 400, contact('nobody'));
    await expectAwsError(root.contacts.send(new TagResourceCommand({ ResourceARN: channelArn, Tags: [{ Key: 'a', Value: 'b' }] })), 'ValidationException', 400, 'ResourceARN');
    await expectAwsError(root.contacts.send(new ListTagsForResourceCommand({ ResourceARN: `arn:aws:ssm-incidents::${A}:response-plan/x` })), 'ValidationException', 400, 'ResourceARN');
    await expectAwsError(root.contacts.send(new TagResourceCommand({ ResourceARN: contact('akuam'), Tags: [{ Value: 'b' }] })), 'ValidationException', 400, 'Tags.1.member.Key');
    await expectAwsError(root.contacts.send(new ListTagsForResourceCommand({ ResourceARN: contact('akuam', B) })), 'AccessDeniedException', 400);
    await expectAwsError(root.incidents.send(new IncidentsTagResourceCommand({ resourceArn: contact('akuam'), tags: { a: 'b' } })), 'ValidationException', 400, 'resourceArn');
    const fifty = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await root.contacts.send(new TagResourceCommand({ ResourceARN: contact('akuam'), Tags: fifty }));
    const err = await expectAwsError(root.contacts.send(new TagResourceCommand({ ResourceARN: contact('akuam'), Tags: [{ Key: 'one-more', Value: 'v' }] })),
      'ServiceQuotaExceededException', 400, '50');
    assert.equal(err.ResourceType, 'CONTACT');
    await root.contacts.send(new UntagResourceCommand({ ResourceARN: contact('akuam'), TagKeys: fifty.map((t) => t.Key) }));
    await root.contacts.send(new TagResourceCommand({ ResourceARN: contact('akuam'), Tags: [{ Key: 'team', Value: 'sre' }] }));
  });

  test('another account is refused a contact until its policy allows it, and only for what it allows', async () => {
    const other = await s.app.services.accounts.createAccount(B);
    const b = as({ accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey });
    const akua = contact('akuam');
    await expectAwsError(b.contacts.send(new GetContactCommand({ ContactId: akua })), 'AccessDeniedException', 400,
      `User: arn:aws:iam::${B}:root is not authorized to perform: ssm-contacts:GetContact on resource: ${akua}`);
    await expectAwsError(b.contacts.send(new GetContactChannelCommand({ ContactChannelId: channelArn })), 'AccessDeniedException', 400);
    await root.contacts.send(new PutContactPolicyCommand({
      ContactArn: akua,
      Policy: doc({
        Sid: 'ShareAkua', Effect: 'Allow', Principal: { AWS: B },
        Action: ['ssm-contacts:GetContact', 'ssm-contacts:ListContactChannels', 'ssm-contacts:GetContactChannel'],
        Resource: [akua, `arn:aws:ssm-contacts:*:${A}:contact-channel/akuam/*`],
      }),
    }));
    const got = await b.contacts.send(new GetContactCommand({ ContactId: akua }));
    assert.deepEqual([got.ContactArn, got.Type], [akua, 'PERSONAL']);
    assert.equal((await b.contacts.send(new ListContactChannelsCommand({ ContactId: akua }))).ContactChannels![0]!.ContactChannelArn, channelArn);
    assert.equal((await b.contacts.send(new GetContactChannelCommand({ ContactChannelId: channelArn }))).Name, 'mail');
    await expectAwsError(b.contacts.send(new UpdateContactCommand({ ContactId: akua, DisplayName: 'Mine now' })), 'AccessDeniedException', 400, 'ssm-contacts:UpdateContact');
    await expectAwsError(b.contacts.send(new GetContactPolicyCommand({ ContactArn: akua })), 'AccessDeniedException', 400);
    await expectAwsError(b.contacts.send(new GetContactCommand({ ContactId: contact('alejr') })), 'AccessDeniedException', 400);
    // B lists its own contacts only; its users need their own permission as well as the share.
    assert.deepEqual((await b.contacts.send(new ListContactsCommand({}))).Contacts, []);
    const bUser = await user('b-user', doc(allow('ssm-contacts:GetContact', akua)), b);
    assert.equal((await bUser.contacts.send(new GetContactCommand({ ContactId: akua }))).Alias, 'akuam');
    await expectAwsError(bUser.contacts.send(new ListContactChannelsCommand({ ContactId: akua })), 'AccessDeniedException', 400);
  });

  test('a contact policy denying everyone binds root too, except for reading and replacing the policy', async () => {
    const locked = (await root.contacts.send(new CreateContactCommand({ Alias: 'locked', Type: 'PERSONAL', Plan: { Stages: [] } }))).ContactArn!;
    await root.contacts.send(new PutContactPolicyCommand({ ContactArn: locked, Policy: doc({ Effect: 'Deny', Principal: '*', Action: 'ssm-contacts:*', Resource: '*' }) }));
    const err = await expectAwsError(root.contacts.send(new GetContactCommand({ ContactId: locked })), 'AccessDeniedException', 400);
    assert.match(err.message, /with an explicit deny in a resource-based policy$/);
    assert.match((await root.contacts.send(new GetContactPolicyCommand({ ContactArn: locked }))).Policy!, /Deny/);
    await root.contacts.send(new PutContactPolicyCommand({ ContactArn: locked, Policy: doc({ Effect: 'Allow', Principal: { AWS: B }, Action: 'ssm-contacts:GetContact', Resource: locked }) }));
    assert.equal((await root.contacts.send(new GetContactCommand({ ContactId: locked }))).Alias, 'locked');
  });
});
