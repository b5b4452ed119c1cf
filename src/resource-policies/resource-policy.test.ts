import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../errors.js';
import { newPolicyId, normalizePolicyDocument } from './resource-policy.js';

test('policy ids are 32 lower-case hex digits', () => {
  assert.match(newPolicyId(), /^[0-9a-f]{32}$/);
  assert.notEqual(newPolicyId(), newPolicyId());
});

test('a valid resource policy is kept as given, byte for byte', () => {
  for (const doc of [
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ssm-incidents:StartIncident"}}',
    '{ "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "ssm-incidents:*", "Resource": "*"}] }',
  ]) {
    assert.equal(normalizePolicyDocument(doc), doc);
  }
});

test('anything else is a ValidationError on policy (IAM\'s reason in the message)', () => {
  for (const doc of ['{"Version":"2012-10-17","Statement":{"Effect":"Allow"}}', '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"x:Y"}}', '', 'nope', 'null', '[]', '{}', '{"Version":1,"Statement":{}}', '{"Version":"2012-10-17"}',
    '{"Version":"2012-10-17","Statement":[]}', '{"Version":"2012-10-17","Statement":[{}, "x"]}']) {
    assert.throws(() => normalizePolicyDocument(doc), (e: unknown) => e instanceof ValidationError && e.field === 'policy', doc);
  }
});
