import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError, resourceTypeWords } from './errors.js';

const PLAN = 'arn:aws:ssm-incidents::111122223333:response-plan/x';

test('NotFoundError\'s default message names the resource type in words, then the id', () => {
  assert.equal(new NotFoundError('RESPONSE_PLAN', PLAN).message, `Response plan ${PLAN} not found.`);
  for (const [type, words] of [
    ['RESPONSE_PLAN', 'Response plan'], ['INCIDENT_RECORD', 'Incident record'], ['TIMELINE_EVENT', 'Timeline event'],
    ['REPLICATION_SET', 'Replication set'], ['RESOURCE_POLICY', 'Resource policy'], ['CONTACT', 'Contact'],
    ['ENGAGEMENT_PLAN_STAGE', 'Engagement plan stage'],
  ] as const) {
    assert.equal(resourceTypeWords(type), words);
    assert.equal(new NotFoundError(type, 'id-1').message, `${words} id-1 not found.`);
  }
  // an explicit message is kept as given
  assert.equal(new NotFoundError('RESPONSE_PLAN', PLAN, 'gone').message, 'gone');
});
