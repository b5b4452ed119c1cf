/**
 * The on-call seam (issue 5 fills it with rotations): engaging an on-call schedule, directly or
 * from an escalation stage, pages whoever the schedule source says is on call at that instant,
 * with the resolution path through the schedule. A test source stands in for rotations here.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createServices, type AppServices } from '../app-context.js';
import { SecretBox } from '../crypto/secret-box.js';
import { ManualClock } from '../time/clock.js';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/test-databases.js';
import { RecordingDeliverer } from '../../test/helpers/recording-deliverer.js';
import type { OnCallSource } from './on-call.js';

const A = '111122223333';
const rotation = `arn:aws:ssm-contacts:us-east-1:${A}:rotation/primary`;

describe('on-call schedules', () => {
  let db: TestDatabase;
  let s: AppServices;
  const clock = new ManualClock(new Date('2026-12-04T09:00:00Z'));
  const deliverer = new RecordingDeliverer();
  const asked: { schedule: string; at: Date }[] = [];
  let onCallNow: string[] = [];
  const source: OnCallSource = { onCall: async (_db, schedule, at) => (asked.push({ schedule: schedule.arn, at }), onCallNow) };

  /** A personal contact with one activated email channel, paged once at stage 0. */
  async function person(alias: string): Promise<string> {
    const arn = await s.contacts.create(A, { alias, type: 'PERSONAL', plan: { Stages: [] } });
    const channel = await s.contactChannels.create(A, { contactArn: arn, name: 'mail', type: 'EMAIL', address: `${alias}@example.com` });
    await s.contactChannels.activate(A, channel, deliverer.codeFor(channel));
    await s.contacts.update(A, arn, { plan: { Stages: [{ DurationInMinutes: 0, Targets: [{ ChannelTargetInfo: { ContactChannelId: channel } }] }] } });
    return arn;
  }

  before(async () => {
    db = await openTestDatabase('sqlite');
    s = createServices(db.database, clock, new SecretBox(randomBytes(32)), 'us-east-1', { deliverer, onCall: source });
    await s.accounts.bootstrap({ accountId: A });
    await s.replicationSets.bootstrap(A, 'us-east-1');
  });
  after(() => db.drop());

  test('an on-call schedule pages whoever is on call at the instant it is engaged, through the schedule', async () => {
    const ana = await person('ana');
    const ben = await person('ben');
    const schedule = await s.contacts.create(A, { alias: 'primary-oncall', type: 'ONCALL_SCHEDULE', plan: { RotationIds: [rotation] } });
    onCallNow = [ben];
    const engagement = await s.engagements.start(A, { contactArn: schedule, sender: 'bot', subject: 'Down', content: 'It is down' });
    await s.engine.runDue();
    assert.deepEqual(asked.at(-1), { schedule, at: clock.now() });
    const pages = (await s.engagements.listPages(A, { engagementArn: engagement }, {})).items;
    assert.deepEqual(pages.map((p) => p.contactArn), [ben]);
    assert.deepEqual(await s.engagements.listResolutions(A, pages[0]!.arn), [
      { ContactArn: schedule, Type: 'ONCALL_SCHEDULE' }, { ContactArn: ben, Type: 'PERSONAL' },
    ]);
    assert.equal(deliverer.sent.filter((m) => m.kind === 'page').at(-1)!.address, 'ben@example.com');
    assert.ok(ana);
  });

  test('in an escalation plan, the schedule is asked when its stage comes due, and its contact inherits IsEssential', async () => {
    const cat = await person('cat');
    const dan = await person('dan');
    const schedule = await s.contacts.create(A, { alias: 'secondary-oncall', type: 'ONCALL_SCHEDULE', plan: { RotationIds: [rotation] } });
    const escalation = await s.contacts.create(A, { alias: 'oncall-escalation', type: 'ESCALATION', plan: { Stages: [
      { DurationInMinutes: 10, Targets: [{ ContactTargetInfo: { ContactId: cat, IsEssential: false } }] },
      { DurationInMinutes: 10, Targets: [{ ContactTargetInfo: { ContactId: schedule, IsEssential: true } }] },
    ] } });
    const engagement = await s.engagements.start(A, { contactArn: escalation, sender: 'bot', subject: 'Slow', content: 'It is slow' });
    await s.engine.runDue();
    onCallNow = [dan]; // the rotation hands over before stage 2
    clock.advance(10 * 60_000);
    await s.engine.runDue();
    assert.deepEqual(asked.at(-1), { schedule, at: clock.now() });
    const pages = (await s.engagements.listPages(A, { engagementArn: engagement }, {})).items;
    assert.deepEqual(pages.map((p) => [p.contactArn, p.essential, p.stageIndex]), [[cat, false, 0], [dan, true, 1]]);
    assert.deepEqual(pages[1]!.resolution, [
      { ContactArn: escalation, Type: 'ESCALATION', StageIndex: 1 }, { ContactArn: schedule, Type: 'ONCALL_SCHEDULE' }, { ContactArn: dan, Type: 'PERSONAL' },
    ]);
  });

  test('a schedule with nobody on call pages nobody', async () => {
    const schedule = await s.contacts.create(A, { alias: 'empty-oncall', type: 'ONCALL_SCHEDULE', plan: { RotationIds: [rotation] } });
    onCallNow = [];
    const engagement = await s.engagements.start(A, { contactArn: schedule, sender: 'bot', subject: 'x', content: 'y' });
    await s.engine.runDue();
    assert.deepEqual((await s.engagements.listPages(A, { engagementArn: engagement }, {})).items, []);
  });
});
