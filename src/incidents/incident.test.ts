import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotFoundError, ValidationError } from '../errors.js';
import type { ResponsePlan } from '../response-plans/response-plan.js';
import {
  diffIncident, incidentFromPlan, isOwnIncidentArn, normalizeChanges, normalizeStart, openDedupeOf, requireOwnIncidentArn,
} from './incident.js';

const actor = { accountId: '111122223333', principalArn: 'arn:aws:iam::111122223333:root' };
const now = new Date(1_700_000_000_000);
const plan: ResponsePlan = {
  arn: 'arn:aws:ssm-incidents::111122223333:response-plan/web', accountId: '111122223333', name: 'web',
  incidentTemplate: { title: 'Web down', impact: 2, summary: 'S', dedupeString: 'web', notificationTargets: [{ snsTopicArn: 'arn:aws:sns:us-east-1:111122223333:t' }] },
  chatChannel: { chatbotSns: ['arn:aws:sns:us-east-1:111122223333:c'] }, createdAt: now, updatedAt: now,
};

describe('incidentFromPlan', () => {
  test('takes title and impact from the request when given, the rest from the plan', () => {
    const i = incidentFromPlan(plan, { responsePlanArn: plan.arn, title: 'Checkout down', impact: 1 }, actor, 'id-1', now);
    assert.equal(i.arn, 'arn:aws:ssm-incidents::111122223333:incident-record/web/id-1');
    assert.deepEqual([i.title, i.impact, i.summary, i.dedupeString, i.status], ['Checkout down', 1, 'S', 'web', 'OPEN']);
    assert.deepEqual(i.chatChannel, plan.chatChannel);
    assert.deepEqual(i.notificationTargets, plan.incidentTemplate.notificationTargets);
    assert.deepEqual(i.source, { createdBy: actor.principalArn, resourceArn: undefined, source: 'aws.ssm-incidents.custom' });
    assert.deepEqual(i.automationExecutions, []);
  });

  test('records the trigger as the source and an empty dedupe string when the plan has none', () => {
    const plain = { ...plan, incidentTemplate: { title: 'T', impact: 3 } };
    const triggerDetails = { source: 'aws.cloudwatch', timestamp: now, triggerArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:a' };
    const i = incidentFromPlan(plain, { responsePlanArn: plan.arn, triggerDetails }, actor, 'id-2', now);
    assert.deepEqual([i.title, i.impact, i.dedupeString], ['T', 3, '']);
    assert.deepEqual(i.source, { createdBy: actor.principalArn, resourceArn: triggerDetails.triggerArn, source: 'aws.cloudwatch' });
  });
});

describe('incident rules', () => {
  test('only OPEN incidents with a dedupe string hold it', () => {
    assert.equal(openDedupeOf('OPEN', 'db'), 'db');
    assert.equal(openDedupeOf('RESOLVED', 'db'), null);
    assert.equal(openDedupeOf('OPEN', ''), null);
  });

  test('a blank title is refused at start and on update', () => {
    assert.throws(() => normalizeStart({ responsePlanArn: plan.arn, title: ' ' }), (e) => e instanceof ValidationError && e.field === 'title');
    assert.throws(() => normalizeChanges({ title: '' }), (e) => e instanceof ValidationError && e.field === 'title');
    assert.deepEqual(normalizeChanges({ impact: 2 }), { impact: 2 });
  });

  test('an incident ARN counts as the caller\'s only in the caller\'s account', () => {
    assert.ok(isOwnIncidentArn('arn:aws:ssm-incidents::111122223333:incident-record/web/x', '111122223333'));
    assert.ok(!isOwnIncidentArn('arn:aws:ssm-incidents::999988887777:incident-record/web/x', '111122223333'));
    assert.ok(!isOwnIncidentArn('arn:aws:ssm-incidents::111122223333:response-plan/web', '111122223333'));
    assert.throws(() => requireOwnIncidentArn('arn:aws:s3:::bucket', '111122223333'), NotFoundError);
  });

  test('diffIncident lists only the attributes whose value changes', () => {
    const current = incidentFromPlan(plan, { responsePlanArn: plan.arn }, actor, 'id', now);
    assert.deepEqual(diffIncident(current, { title: 'Web down', impact: 2, notificationTargets: plan.incidentTemplate.notificationTargets }), []);
    assert.deepEqual(diffIncident(current, { title: 'Web slow', status: 'RESOLVED', chatChannel: { empty: {} } }), [
      { attributeName: 'title', previousValue: 'Web down', newValue: 'Web slow' },
      { attributeName: 'status', previousValue: 'OPEN', newValue: 'RESOLVED' },
      { attributeName: 'chatChannel', previousValue: plan.chatChannel, newValue: { empty: {} } },
    ]);
    const bare = { ...current, summary: undefined };
    assert.deepEqual(diffIncident(bare, { summary: 'now known' }), [{ attributeName: 'summary', previousValue: null, newValue: 'now known' }]);
  });
});
