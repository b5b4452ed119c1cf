import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Caller } from '../api/operation.js';
import { authorizationTargets } from './actions.js';

const A = '111122223333';
const caller: Caller = { accountId: A, principalArn: `arn:aws:iam::${A}:user/alice`, accessKeyId: 'AKIA', kind: 'user', userId: 'AIDA', userName: 'alice' };
const contact = (alias: string, account = A) => `arn:aws:ssm-contacts:us-east-1:${account}:contact/${alias}`;
const channel = `arn:aws:ssm-contacts:us-east-1:${A}:contact-channel/akuam/02f506b9-ea5d-4764-af89-2daa793ff024`;
const targets = (operation: string, input: Record<string, unknown>) => authorizationTargets('ssm-contacts', operation, input, caller, 'us-east-1');

test('ssm-contacts operations act on the contact or the channel, ListContacts on *', () => {
  assert.deepEqual(targets('GetContact', { ContactId: contact('akuam') }), [{ action: 'ssm-contacts:GetContact', resource: contact('akuam') }]);
  assert.deepEqual(targets('ListContactChannels', { ContactId: contact('akuam') }), [{ action: 'ssm-contacts:ListContactChannels', resource: contact('akuam') }]);
  for (const op of ['GetContactChannel', 'UpdateContactChannel', 'DeleteContactChannel', 'SendActivationCode', 'ActivateContactChannel', 'DeactivateContactChannel']) {
    assert.deepEqual(targets(op, { ContactChannelId: channel, ActivationCode: '123456' }), [{ action: `ssm-contacts:${op}`, resource: channel }], op);
  }
  assert.deepEqual(targets('ListContacts', { AliasPrefix: 'a' }), [{ action: 'ssm-contacts:ListContacts', resource: '*' }]);
  assert.deepEqual(targets('PutContactPolicy', { ContactArn: contact('akuam'), Policy: '{}' }), [{ action: 'ssm-contacts:PutContactPolicy', resource: contact('akuam') }]);
});

test('CreateContact acts on the new contact, tags it with TagResource and associates the contacts its stages engage', () => {
  const Plan = { Stages: [{ DurationInMinutes: 1, Targets: [
    { ContactTargetInfo: { ContactId: contact('bob'), IsEssential: true } },
    { ContactTargetInfo: { ContactId: contact('bob', '444455556666'), IsEssential: true } },
  ] }, { DurationInMinutes: 1, Targets: [{ ContactTargetInfo: { ContactId: contact('bob'), IsEssential: false } }] }] };
  const tags = { requestTags: { team: 'sre' }, tagKeys: ['team'] };
  assert.deepEqual(targets('CreateContact', { Alias: 'esc', Type: 'ESCALATION', Plan, Tags: [{ Key: 'team', Value: 'sre' }] }), [
    { action: 'ssm-contacts:CreateContact', resource: contact('esc'), ...tags },
    { action: 'ssm-contacts:TagResource', resource: contact('esc'), ...tags },
    { action: 'ssm-contacts:AssociateContact', resource: contact('bob') },
  ]);
  assert.deepEqual(targets('UpdateContact', { ContactId: contact('esc'), Plan }).map((t) => t.action), ['ssm-contacts:UpdateContact', 'ssm-contacts:AssociateContact']);
  assert.deepEqual(targets('TagResource', { ResourceARN: contact('x'), Tags: [{ Key: 'k', Value: 'v' }, { Value: 'no key' }] }),
    [{ action: 'ssm-contacts:TagResource', resource: contact('x'), requestTags: { k: 'v' }, tagKeys: ['k'] }]);
});
