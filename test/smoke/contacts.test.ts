/** Contacts through @aws-sdk/client-ssm-contacts: personal contacts, escalation plans, on-call schedules and their plan rules. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateContactChannelCommand, CreateContactCommand, DeleteContactCommand, GetContactChannelCommand, GetContactCommand,
  GetContactPolicyCommand, ListContactChannelsCommand, ListContactsCommand, ListRotationsCommand, ListTagsForResourceCommand,
  PutContactPolicyCommand, UpdateContactCommand, paginateListContacts, type CreateContactCommandInput, type Plan,
} from '@aws-sdk/client-ssm-contacts';
import {
  CreateReplicationSetCommand, CreateResponsePlanCommand, DeleteReplicationSetCommand, ListReplicationSetsCommand, UpdateResponsePlanCommand,
} from '@aws-sdk/client-ssm-incidents';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const A = '111122223333';
const B = '444455556666';
const contact = (alias: string, account = A) => `arn:aws:ssm-contacts:us-east-1:${account}:contact/${alias}`;
const channelOf = (alias: string, id = '02f506b9-ea5d-4764-af89-2daa793ff024') => `arn:aws:ssm-contacts:us-east-1:${A}:contact-channel/${alias}/${id}`;
const rotation = (name: string, account = A) => `arn:aws:ssm-contacts:us-east-1:${account}:rotation/${name}`;
const engage = (ContactId: string, IsEssential = false) => ({ ContactTargetInfo: { ContactId, IsEssential } });

describe('contacts', () => {
  let s: TestServer;
  const create = (input: Partial<CreateContactCommandInput> & { Alias: string }) =>
    s.contacts.send(new CreateContactCommand({ Type: 'PERSONAL', Plan: { Stages: [] }, ...input } as CreateContactCommandInput));
  const get = async (ContactId: string) => {
    const { $metadata, ...c } = await s.contacts.send(new GetContactCommand({ ContactId }));
    return c;
  };
  const aliases = async () => (await s.contacts.send(new ListContactsCommand({}))).Contacts!.map((c) => c.Alias);

  before(async () => {
    s = await startTestServer();
    for (const Alias of ['akuam', 'alejr', 'anasi']) await create({ Alias, DisplayName: `Person ${Alias}` });
  });
  after(() => s.close());

  test('creates a personal contact under the ARN AWS gives it and reads it back as given', async () => {
    const { ContactArn } = await s.contacts.send(new CreateContactCommand({ Alias: 'akua_m-2', DisplayName: 'Akua Mansa', Type: 'PERSONAL', Plan: { Stages: [] } }));
    assert.equal(ContactArn, contact('akua_m-2'));
    assert.deepEqual(await get(ContactArn!), { ContactArn, Alias: 'akua_m-2', DisplayName: 'Akua Mansa', Type: 'PERSONAL', Plan: { Stages: [] } });
  });

  test('refuses a second contact with the same alias with ConflictException naming it', async () => {
    const err = await expectAwsError(create({ Alias: 'akuam', Type: 'ESCALATION' }), 'ConflictException', 400, 'akuam');
    assert.equal(err.ResourceType, 'CONTACT');
    assert.equal(err.ResourceId, contact('akuam'));
  });

  test('an escalation plan engages existing contacts and on-call schedules, stage by stage', async () => {
    const schedule = (await create({ Alias: 'primary-oncall', Type: 'ONCALL_SCHEDULE', Plan: { RotationIds: [rotation('weekly')] } })).ContactArn!;
    assert.deepEqual((await get(schedule)).Plan, { Stages: [], RotationIds: [rotation('weekly')] });
    const Plan: Plan = {
      Stages: [
        { DurationInMinutes: 5, Targets: [engage(contact('akuam'), true), engage(schedule)] },
        { DurationInMinutes: 5, Targets: [engage(contact('alejr'))] },
        { DurationInMinutes: 0, Targets: [engage(contact('anasi'))] },
      ],
    };
    const { ContactArn } = await create({ Alias: 'example_escalation', DisplayName: 'Example Escalation', Type: 'ESCALATION', Plan });
    assert.deepEqual(await get(ContactArn!), { ContactArn, Alias: 'example_escalation', DisplayName: 'Example Escalation', Type: 'ESCALATION', Plan });
  });

  test('refuses every plan the type does not allow with a ValidationException naming the field, and writes nothing', async () => {
    const before = await aliases();
    const stage = (...Targets: any[]) => ({ Stages: [{ DurationInMinutes: 5, Targets }] });
    const t1 = 'Plan.Stages.1.member.Targets.1.member';
    const cases: [CreateContactCommandInput['Type'], any, string, string?][] = [
      ['PERSONAL', stage(engage(contact('akuam'))), `${t1}.ContactTargetInfo`, 'own contact channels'],
      ['PERSONAL', stage({ ChannelTargetInfo: { ContactChannelId: channelOf('akuam') } }), `${t1}.ChannelTargetInfo.ContactChannelId`, 'not a channel of the contact new-one'],
      ['PERSONAL', stage({ ChannelTargetInfo: { ContactChannelId: channelOf('new-one') } }), `${t1}.ChannelTargetInfo.ContactChannelId`, 'CreateContactChannel first'],
      ['PERSONAL', stage({ ChannelTargetInfo: { ContactChannelId: contact('akuam') } }), `${t1}.ChannelTargetInfo.ContactChannelId`, 'not a contact channel ARN'],
      ['PERSONAL', { Stages: [], RotationIds: [rotation('r')] }, 'Plan.RotationIds', 'only an on-call schedule'],
      ['PERSONAL', { Stages: [{ DurationInMinutes: 0, Targets: [] }] }, 'Plan.Stages.1.member.DurationInMinutes', '0 minutes only when'],
      ['ESCALATION', stage({ ChannelTargetInfo: { ContactChannelId: channelOf('akuam') } }), `${t1}.ChannelTargetInfo`, 'not contact channels'],
      ['ESCALATION', stage({ ContactTargetInfo: { IsEssential: true } }), `${t1}.ContactTargetInfo.ContactId`, 'needs the ContactId'],
      ['ESCALATION', stage({}), t1, 'needs ContactTargetInfo'],
      ['ESCALATION', stage(engage(contact('nobody'))), `${t1}.ContactTargetInfo.ContactId`, 'does not exist'],
      ['ESCALATION', stage(engage(contact('akuam', B))), `${t1}.ContactTargetInfo.ContactId`, `not a contact of account ${A}`],
      ['ESCALATION', stage(engage(contact('example_escalation'))), `${t1}.ContactTargetInfo.ContactId`, 'is an escalation plan'],
      ['ESCALATION', stage(engage(contact('new-one'))), `${t1}.ContactTargetInfo.ContactId`, 'cannot engage itself'],
      ['ESCALATION', stage(engage(contact('akuam')), engage(contact('akuam'), true)), 'Plan.Stages.1.member.Targets.2.member.ContactTargetInfo.ContactId', 'already a target'],
      ['ESCALATION', { Stages: [{ DurationInMinutes: 5, Targets: [engage(contact('akuam'))] }, { DurationInMinutes: 0, Targets: [] }] }, 'Plan.Stages.2.member.DurationInMinutes'],
      ['ESCALATION', { RotationIds: [rotation('r')] }, 'Plan.RotationIds'],
      ['ONCALL_SCHEDULE', stage(engage(contact('akuam'))), 'Plan.Stages', 'has no stages'],
      ['ONCALL_SCHEDULE', { Stages: [] }, 'Plan.RotationIds', 'at least one rotation'],
      ['ONCALL_SCHEDULE', { RotationIds: [contact('akuam')] }, 'Plan.RotationIds.1.member', 'not a rotation ARN'],
      ['ONCALL_SCHEDULE', { RotationIds: [rotation('r', B)] }, 'Plan.RotationIds.1.member', `not a rotation of account ${A}`],
      ['ONCALL_SCHEDULE', { RotationIds: [rotation('r'), rotation('r')] }, 'Plan.RotationIds', 'listed twice'],
    ];
    for (const [Type, Plan, field, words] of cases) {
      const err = await expectAwsError(create({ Alias: 'new-one', Type, Plan }), 'ValidationException', 400, field);
      assert.deepEqual(err.Fields?.map((f: any) => f.Name), [field], `${Type} ${JSON.stringify(Plan)}`);
      if (words) assert.ok(err.message.includes(words), `${err.message} should say '${words}'`);
    }
    // The model's own limits are the wire layer's (stage duration 0..30 minutes).
    await expectAwsError(create({ Alias: 'new-one', Plan: { Stages: [{ DurationInMinutes: 31, Targets: [] }] } }), 'ValidationException', 400, 'Plan.Stages.1.member.DurationInMinutes');
    assert.deepEqual(await aliases(), before);
  });

  test('UpdateContact changes the display name and replaces the plan; a refused plan changes nothing', async () => {
    const arn = (await create({ Alias: 'bob', DisplayName: 'Bob' })).ContactArn!;
    const { ContactChannelArn } = await s.contacts.send(new CreateContactChannelCommand({
      ContactId: arn, Name: 'bobs email', Type: 'EMAIL', DeliveryAddress: { SimpleAddress: 'bob@example.com' }, DeferActivation: true,
    }));
    const Plan = { Stages: [{ DurationInMinutes: 5, Targets: [{ ChannelTargetInfo: { ContactChannelId: ContactChannelArn!, RetryIntervalInMinutes: 1 } }] }] };
    await s.contacts.send(new UpdateContactCommand({ ContactId: arn, Plan }));
    assert.deepEqual(await get(arn), { ContactArn: arn, Alias: 'bob', DisplayName: 'Bob', Type: 'PERSONAL', Plan });
    await s.contacts.send(new UpdateContactCommand({ ContactId: arn, DisplayName: 'Robert Smith' }));
    assert.deepEqual(await get(arn), { ContactArn: arn, Alias: 'bob', DisplayName: 'Robert Smith', Type: 'PERSONAL', Plan });
    await expectAwsError(s.contacts.send(new UpdateContactCommand({ ContactId: arn, DisplayName: 'X', Plan: { Stages: [{ DurationInMinutes: 1, Targets: [engage(contact('akuam'))] }] } })),
      'ValidationException', 400, 'ContactTargetInfo');
    assert.equal((await get(arn)).DisplayName, 'Robert Smith');
    await s.contacts.send(new UpdateContactCommand({ ContactId: arn, DisplayName: '' }));
    assert.equal((await get(arn)).DisplayName, undefined);
    await expectAwsError(s.contacts.send(new UpdateContactCommand({ ContactId: contact('nobody'), DisplayName: 'x' })), 'ResourceNotFoundException', 400, contact('nobody'));
  });

  test('ListContacts lists in alias order, filters by alias prefix and type, and pages', async () => {
    const all = await aliases();
    assert.deepEqual(all, [...all].sort());
    assert.ok(all.includes('example_escalation') && all.includes('akuam'));
    const a = (await s.contacts.send(new ListContactsCommand({ AliasPrefix: 'a' }))).Contacts!;
    assert.deepEqual(a.map((c) => c.Alias), ['akua_m-2', 'akuam', 'alejr', 'anasi']);
    assert.deepEqual(a[1], { ContactArn: contact('akuam'), Alias: 'akuam', DisplayName: 'Person akuam', Type: 'PERSONAL' });
    const escalations = (await s.contacts.send(new ListContactsCommand({ Type: 'ESCALATION' }))).Contacts!;
    assert.deepEqual(escalations.map((c) => c.Alias), ['example_escalation']);
    assert.deepEqual((await s.contacts.send(new ListContactsCommand({ AliasPrefix: 'a', Type: 'ONCALL_SCHEDULE' }))).Contacts, []);
    const first = await s.contacts.send(new ListContactsCommand({ MaxResults: 2 }));
    assert.equal(first.Contacts!.length, 2);
    const second = await s.contacts.send(new ListContactsCommand({ MaxResults: 2, NextToken: first.NextToken }));
    assert.deepEqual([...first.Contacts!, ...second.Contacts!].map((c) => c.Alias), all.slice(0, 4));
    const paged: string[] = [];
    for await (const page of paginateListContacts({ client: s.contacts, pageSize: 3 }, {})) paged.push(...page.Contacts!.map((c) => c.Alias!));
    assert.deepEqual(paged, all);
    await expectAwsError(s.contacts.send(new ListContactsCommand({ NextToken: 'bogus' })), 'ValidationException', 400, 'NextToken');
  });

  test('DeleteContact is refused while an escalation plan or a response plan engages the contact, then deletes it with its channels', async () => {
    const carol = (await create({ Alias: 'carol' })).ContactArn!;
    const { ContactChannelArn } = await s.contacts.send(new CreateContactChannelCommand({
      ContactId: carol, Name: 'sms', Type: 'SMS', DeliveryAddress: { SimpleAddress: '+15005550199' }, DeferActivation: true,
    }));
    const esc = (await create({ Alias: 'carol-escalation', Type: 'ESCALATION', Plan: { Stages: [{ DurationInMinutes: 1, Targets: [engage(carol)] }] } })).ContactArn!;
    const { arn: plan } = await s.incidents.send(new CreateResponsePlanCommand({ name: 'db', incidentTemplate: { title: 'DB', impact: 2 }, engagements: [carol, esc] }));
    let err = await expectAwsError(s.contacts.send(new DeleteContactCommand({ ContactId: carol })), 'ConflictException', 400, esc);
    assert.ok(err.message.includes(plan!), err.message);
    assert.equal(err.ResourceId, carol);
    assert.deepEqual(err.DependentEntities, [
      { RelationType: 'ESCALATION_PLAN_STAGE', DependentResourceIds: [esc] },
      { RelationType: 'RESPONSE_PLAN_ENGAGEMENT', DependentResourceIds: [plan] },
    ]);
    err = await expectAwsError(s.contacts.send(new DeleteContactCommand({ ContactId: esc })), 'ConflictException', 400, plan);
    await s.incidents.send(new UpdateResponsePlanCommand({ arn: plan, engagements: [esc] }));
    await expectAwsError(s.contacts.send(new DeleteContactCommand({ ContactId: carol })), 'ConflictException', 400, esc);
    await s.contacts.send(new UpdateContactCommand({ ContactId: esc, Plan: { Stages: [{ DurationInMinutes: 1, Targets: [engage(contact('akuam'))] }] } }));
    await s.contacts.send(new DeleteContactCommand({ ContactId: carol }));
    await expectAwsError(s.contacts.send(new GetContactCommand({ ContactId: carol })), 'ResourceNotFoundException', 400, carol);
    await expectAwsError(s.contacts.send(new GetContactChannelCommand({ ContactChannelId: ContactChannelArn })), 'ResourceNotFoundException', 400);
    await expectAwsError(s.contacts.send(new DeleteContactCommand({ ContactId: carol })), 'ResourceNotFoundException', 400, carol);
    // The alias is free again, with nothing of the old contact.
    await create({ Alias: 'carol' });
    assert.deepEqual((await get(carol)).Plan, { Stages: [] });
  });

  test('a clientToken retry returns the first ARN; the same token with other input is a ConflictException', async () => {
    const input = { Alias: 'retried', Type: 'PERSONAL' as const, Plan: { Stages: [] }, IdempotencyToken: 'tok-1' };
    const first = await s.contacts.send(new CreateContactCommand(input));
    const again = await s.contacts.send(new CreateContactCommand(input));
    assert.equal(again.ContactArn, first.ContactArn);
    await expectAwsError(s.contacts.send(new CreateContactCommand({ ...input, DisplayName: 'Other' })), 'ConflictException', 400, 'tok-1');
  });

  test('contact ARNs: another account\'s is AccessDeniedException, an unknown one ResourceNotFoundException, a channel ARN ValidationException', async () => {
    await expectAwsError(s.contacts.send(new GetContactCommand({ ContactId: contact('akuam', B) })), 'AccessDeniedException', 400, 'ssm-contacts:GetContact');
    const err = await expectAwsError(s.contacts.send(new GetContactCommand({ ContactId: contact('zed') })), 'ResourceNotFoundException', 400, contact('zed'));
    assert.equal(err.ResourceType, 'CONTACT');
    await expectAwsError(s.contacts.send(new GetContactCommand({ ContactId: channelOf('akuam') })), 'ValidationException', 400, 'ContactId');
    await expectAwsError(s.contacts.send(new GetContactCommand({ ContactId: 'arn:aws:ssm-contacts:eu-west-1:111122223333:contact/akuam' })), 'ResourceNotFoundException', 400);
  });

  test('PutContactPolicy stores one policy per contact, validated as IAM resource policies are', async () => {
    const ContactArn = contact('akuam');
    assert.equal((await s.contacts.send(new GetContactPolicyCommand({ ContactArn }))).Policy, undefined);
    const policy = (sid: string) => JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: sid, Effect: 'Allow', Principal: { AWS: '222233334444' }, Action: ['ssm-contacts:GetContact'], Resource: [ContactArn] }],
    });
    await s.contacts.send(new PutContactPolicyCommand({ ContactArn, Policy: policy('one') }));
    await s.contacts.send(new PutContactPolicyCommand({ ContactArn, Policy: policy('two') }));
    const { $metadata, ...out } = await s.contacts.send(new GetContactPolicyCommand({ ContactArn }));
    assert.deepEqual(out, { ContactArn, Policy: policy('two') });
    for (const bad of ['not json', '{}', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}']) {
      await expectAwsError(s.contacts.send(new PutContactPolicyCommand({ ContactArn, Policy: bad })), 'ValidationException', 400, 'Policy');
    }
    await expectAwsError(s.contacts.send(new PutContactPolicyCommand({ ContactArn: contact('nobody'), Policy: policy('x') })), 'ResourceNotFoundException', 400);
    await expectAwsError(s.contacts.send(new GetContactPolicyCommand({ ContactArn: contact('nobody') })), 'ResourceNotFoundException', 400);
    assert.equal((await s.contacts.send(new GetContactPolicyCommand({ ContactArn }))).Policy, policy('two'));
  });

  test('CreateContact tags the contact; tags read back as a list', async () => {
    const { ContactArn } = await create({ Alias: 'tagged', Tags: [{ Key: 'team', Value: 'sre' }, { Key: 'env', Value: 'prod' }] });
    const { Tags } = await s.contacts.send(new ListTagsForResourceCommand({ ResourceARN: ContactArn }));
    assert.deepEqual(Tags, [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'sre' }]);
    await expectAwsError(create({ Alias: 'tagged-2', Tags: [{ Key: 'team' }] }), 'ValidationException', 400, 'Tags.1.member.Value');
    await expectAwsError(create({ Alias: 'tagged-2', Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] }), 'ValidationException', 400, 'Tags.2.member.Key');
  });
});

describe('contacts and the rest of Incident Manager', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  test('rotations are not served yet: UnknownOperationException', async () => {
    await expectAwsError(s.contacts.send(new ListRotationsCommand({})), 'UnknownOperationException', 400, 'ListRotations');
  });

  test('DeleteReplicationSet deletes the account\'s contacts with their channels, tags and policies', async () => {
    const ContactArn = (await s.contacts.send(new CreateContactCommand({ Alias: 'gone', Type: 'PERSONAL', Plan: { Stages: [] }, Tags: [{ Key: 'k', Value: 'v' }] }))).ContactArn!;
    await s.contacts.send(new CreateContactChannelCommand({ ContactId: ContactArn, Name: 'm', Type: 'EMAIL', DeliveryAddress: { SimpleAddress: 'g@example.com' }, DeferActivation: true }));
    await s.contacts.send(new PutContactPolicyCommand({ ContactArn, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: B }, Action: 'ssm-contacts:GetContact', Resource: ContactArn }] }) }));
    const [arn] = (await s.incidents.send(new ListReplicationSetsCommand({}))).replicationSetArns!;
    await s.incidents.send(new DeleteReplicationSetCommand({ arn }));
    // Contacts need Incident Manager set up, as in AWS.
    await expectAwsError(s.contacts.send(new CreateContactCommand({ Alias: 'gone', Type: 'PERSONAL', Plan: { Stages: [] } })), 'ValidationException', 400, 'replication set');
    await s.incidents.send(new CreateReplicationSetCommand({ regions: { 'us-east-1': {} } }));
    assert.deepEqual((await s.contacts.send(new ListContactsCommand({}))).Contacts, []);
    await expectAwsError(s.contacts.send(new ListContactChannelsCommand({ ContactId: ContactArn })), 'ResourceNotFoundException', 400);
    await s.contacts.send(new CreateContactCommand({ Alias: 'gone', Type: 'PERSONAL', Plan: { Stages: [] } }));
    assert.deepEqual((await s.contacts.send(new ListTagsForResourceCommand({ ResourceARN: ContactArn }))).Tags, []);
    assert.equal((await s.contacts.send(new GetContactPolicyCommand({ ContactArn }))).Policy, undefined);
    assert.deepEqual((await s.contacts.send(new ListContactChannelsCommand({ ContactId: ContactArn }))).ContactChannels, []);
  });
});
