import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../errors.js';
import { applyUpdate, normalizeResponsePlan, updateFieldName, type ResponsePlanFields } from './response-plan.js';

const contact = (a: string) => `arn:aws:ssm-contacts:us-east-1:111122223333:contact/${a}`;
const sns = (t: string) => `arn:aws:sns:us-east-1:111122223333:${t}`;
const full: ResponsePlanFields = {
  displayName: 'D',
  incidentTemplate: { title: 'T', impact: 2, summary: 'S', dedupeString: 'd', incidentTags: { a: '1' }, notificationTargets: [{ snsTopicArn: sns('t') }] },
  chatChannel: { chatbotSns: [sns('c')] },
  engagements: [contact('a')],
  actions: [{ ssmAutomation: { roleArn: 'arn:aws:iam::111122223333:role/r', documentName: 'doc' } }],
  integrations: [{ pagerDutyConfiguration: { name: 'n', secretId: 's', pagerDutyIncidentConfiguration: { serviceId: 'x' } } }],
};
const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    return e.field;
  }
  assert.fail('expected a ValidationError');
};

test('keeps every non-empty member as given', () => {
  assert.deepEqual(normalizeResponsePlan(full), full);
});

test('drops empty members so that "none" reads the same however it was said', () => {
  const empty = normalizeResponsePlan({
    displayName: '', incidentTemplate: { title: 'T', impact: 3, summary: '', dedupeString: '', notificationTargets: [], incidentTags: {} },
    engagements: [], actions: [], integrations: [], chatChannel: { empty: {} },
  });
  assert.deepEqual(empty, { incidentTemplate: { title: 'T', impact: 3 }, chatChannel: { empty: {} } });
});

test('refuses repeated engagements, targets and chat topics, blank titles and non-SNS chat topics', () => {
  assert.equal(fieldOf(() => normalizeResponsePlan({ ...full, engagements: [contact('a'), contact('a')] })), 'engagements');
  const twice = { ...full.incidentTemplate, notificationTargets: [{ snsTopicArn: sns('t') }, { snsTopicArn: sns('t') }] };
  assert.equal(fieldOf(() => normalizeResponsePlan({ ...full, incidentTemplate: twice })), 'incidentTemplate.notificationTargets');
  assert.equal(fieldOf(() => normalizeResponsePlan({ ...full, incidentTemplate: twice }, updateFieldName)), 'incidentTemplateNotificationTargets');
  assert.equal(fieldOf(() => normalizeResponsePlan({ ...full, chatChannel: { chatbotSns: [sns('c'), sns('c')] } })), 'chatChannel.chatbotSns');
  assert.equal(fieldOf(() => normalizeResponsePlan({ ...full, chatChannel: { chatbotSns: ['arn:aws:sqs:us-east-1:111122223333:q'] } })), 'chatChannel.chatbotSns');
  assert.equal(fieldOf(() => normalizeResponsePlan({ ...full, incidentTemplate: { title: ' ', impact: 1 } })), 'incidentTemplate.title');
});

test('an update changes only the members it names', () => {
  assert.deepEqual(applyUpdate(full, {}), full);
  const next = applyUpdate(full, { title: 'T2', incidentTags: {}, engagements: [], chatChannel: { empty: {} } });
  const { engagements: _dropped, ...rest } = full;
  assert.deepEqual(normalizeResponsePlan(next), {
    ...rest, incidentTemplate: { title: 'T2', impact: 2, summary: 'S', dedupeString: 'd', notificationTargets: [{ snsTopicArn: sns('t') }] },
    chatChannel: { empty: {} },
  });
});
