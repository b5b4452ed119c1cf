import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../errors.js';
import { normalizePlan, type PlanOwner } from './contact.js';

const owner: PlanOwner = { region: 'us-east-1', account: '111122223333', alias: 'akuam' };
const contact = (alias: string) => `arn:aws:ssm-contacts:us-east-1:111122223333:contact/${alias}`;
const channel = (id: string, alias = 'akuam') => `arn:aws:ssm-contacts:us-east-1:111122223333:contact-channel/${alias}/${id}`;
const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.field;
    throw err;
  }
  return undefined;
};

test('a personal plan keeps its stages as given and names its channels', () => {
  const plan = { Stages: [{ DurationInMinutes: 0, Targets: [{ ChannelTargetInfo: { ContactChannelId: channel('c1'), RetryIntervalInMinutes: 1 } }] }] };
  assert.deepEqual(normalizePlan('PERSONAL', plan, owner), {
    plan, references: [{ kind: 'channel', arn: channel('c1'), field: 'Plan.Stages.1.member.Targets.1.member.ChannelTargetInfo.ContactChannelId' }],
  });
  assert.deepEqual(normalizePlan('PERSONAL', {}, owner).plan, { Stages: [] });
});

test('an escalation plan names contacts; an on-call schedule its rotations and no stages', () => {
  const esc = { Stages: [{ DurationInMinutes: 5, Targets: [{ ContactTargetInfo: { ContactId: contact('bob'), IsEssential: true } }] }] };
  const out = normalizePlan('ESCALATION', esc, { ...owner, alias: 'esc' });
  assert.deepEqual(out.plan, esc);
  assert.deepEqual(out.references.map((r) => [r.kind, r.arn]), [['contact', contact('bob')]]);
  const rotation = 'arn:aws:ssm-contacts:us-east-1:111122223333:rotation/weekly';
  const oncall = normalizePlan('ONCALL_SCHEDULE', { RotationIds: [rotation] }, owner);
  assert.deepEqual(oncall.plan, { Stages: [], RotationIds: [rotation] });
  assert.deepEqual(oncall.references, [{ kind: 'rotation', arn: rotation, field: 'Plan.RotationIds.1.member' }]);
});

test('each rule names the member it is about', () => {
  const t = 'Plan.Stages.1.member.Targets.1.member';
  const one = (target: object, DurationInMinutes = 5) => ({ Stages: [{ DurationInMinutes, Targets: [target] }] });
  assert.equal(fieldOf(() => normalizePlan('PERSONAL', one({ ContactTargetInfo: { ContactId: contact('b'), IsEssential: true } }), owner)), `${t}.ContactTargetInfo`);
  assert.equal(fieldOf(() => normalizePlan('PERSONAL', one({ ChannelTargetInfo: { ContactChannelId: channel('c1', 'bob') } }), owner)), `${t}.ChannelTargetInfo.ContactChannelId`);
  assert.equal(fieldOf(() => normalizePlan('PERSONAL', one({ ChannelTargetInfo: { ContactChannelId: channel('c1').replace('us-east-1', 'eu-west-1') } }), owner)), `${t}.ChannelTargetInfo.ContactChannelId`);
  assert.equal(fieldOf(() => normalizePlan('PERSONAL', { Stages: [{ DurationInMinutes: 0, Targets: [] }] }, owner)), 'Plan.Stages.1.member.DurationInMinutes');
  assert.equal(fieldOf(() => normalizePlan('ESCALATION', one({}), owner)), t);
  assert.equal(fieldOf(() => normalizePlan('ESCALATION', one({ ContactTargetInfo: { ContactId: contact('akuam'), IsEssential: true } }), owner)), `${t}.ContactTargetInfo.ContactId`);
  assert.equal(fieldOf(() => normalizePlan('ESCALATION', { RotationIds: ['x'] }, owner)), 'Plan.RotationIds');
  assert.equal(fieldOf(() => normalizePlan('ONCALL_SCHEDULE', { RotationIds: [] }, owner)), 'Plan.RotationIds');
  const both = { ChannelTargetInfo: { ContactChannelId: channel('c1') }, ContactTargetInfo: { ContactId: contact('b'), IsEssential: false } };
  assert.equal(fieldOf(() => normalizePlan('PERSONAL', one(both), owner)), `${t}.ContactTargetInfo`);
  assert.equal(fieldOf(() => normalizePlan('ESCALATION', one(both), owner)), `${t}.ChannelTargetInfo`);
});
