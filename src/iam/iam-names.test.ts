import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assumedRoleArn, awsManagedPolicyArn, iamEntityArn, parseIamArn } from '../arn/arn.js';
import { ValidationError } from '../errors.js';
import {
  accountOfAccessKeyId, checkPolicyName, checkRoleDescription, checkRoleName, checkSessionName, checkUserName, newAccessKeyId, newSecretAccessKey,
  newUniqueId, normalizePath, normalizePathPrefix, normalizePolicyPath, normalizeTags,
} from './iam-names.js';
import { checkPolicySize, encodePolicyDocument, policySize } from './policy-text.js';

function refused(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ValidationError, `not a ValidationError: ${String(e)}`);
    return e;
  }
  assert.fail('expected a ValidationError');
}

test('user, role and policy names follow IAM: letters, digits and +=,.@_- up to 64 (policies 128)', () => {
  for (const ok of ['a', 'Alice', 'ci-bot_1', 'a+b=c,d.e@f', 'x'.repeat(64)]) assert.equal(checkUserName(ok), ok);
  for (const bad of ['', 'has space', 'slash/', 'ü', 'x'.repeat(65)]) refused(() => checkUserName(bad));
  assert.equal(checkPolicyName('p'.repeat(128)), 'p'.repeat(128));
  refused(() => checkPolicyName('p'.repeat(129)));
  refused(() => checkRoleName('r'.repeat(65)));
  const e = refused(() => checkUserName('bad name'));
  assert.equal(e.field, 'userName');
  assert.equal(e.message, "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: "
    + 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
});

test('paths are "/" or "/a/b/"; policy paths allow fewer characters; prefixes start with "/"', () => {
  assert.equal(normalizePath(undefined), '/');
  for (const ok of ['/', '/a/', '/division_abc/sub-xyz/', '/a*b/']) assert.equal(normalizePath(ok), ok);
  for (const bad of ['', 'a/', '/a', '//x', '/a b/', '/' + 'x'.repeat(511) + '/']) refused(() => normalizePath(bad));
  assert.equal(normalizePolicyPath('/team/'), '/team/');
  refused(() => normalizePolicyPath('/a*b/'));
  refused(() => normalizePolicyPath('//'));
  assert.equal(normalizePathPrefix(undefined), '/');
  assert.equal(normalizePathPrefix('/div'), '/div');
  refused(() => normalizePathPrefix('div'));
});

test('session names are 2 to 64 characters; descriptions refuse control characters', () => {
  assert.equal(checkSessionName('ci'), 'ci');
  refused(() => checkSessionName('c'));
  refused(() => checkSessionName('has space'));
  assert.equal(refused(() => checkSessionName('x'.repeat(65))).field, 'roleSessionName');
  assert.equal(checkRoleDescription('Runs runbooks\n(tab\tok)'), 'Runs runbooks\n(tab\tok)');
  refused(() => checkRoleDescription('bell\u0007'));
});

test('tag keys are unique whatever their case, at most 50, with IAM\'s characters', () => {
  assert.deepEqual(normalizeTags([{ Key: 'team', Value: 'sre' }, { Key: 'env', Value: '' }]), [{ Key: 'team', Value: 'sre' }, { Key: 'env', Value: '' }]);
  const dup = refused(() => normalizeTags([{ Key: 'Team', Value: 'a' }, { Key: 'team', Value: 'b' }]));
  assert.equal(dup.shape, 'InvalidInputException');
  assert.equal(dup.message, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  refused(() => normalizeTags([{ Key: 'bad!', Value: 'x' }]));
  refused(() => normalizeTags([{ Key: '', Value: 'x' }]));
  refused(() => normalizeTags(Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))));
});

test('unique ids are a prefix and 16 base32 characters', () => {
  for (const p of ['AIDA', 'AROA', 'ANPA'] as const) {
    const id = newUniqueId(p);
    assert.match(id, new RegExp(`^${p}[A-Z2-7]{16}$`));
  }
  assert.notEqual(newUniqueId('AIDA'), newUniqueId('AIDA'));
  assert.match(newSecretAccessKey(), /^[A-Za-z0-9+/]{40}$/);
});

test('access key ids carry their account, which GetAccessKeyInfo reads back', () => {
  for (const account of ['111122223333', '000000000000', '999999999999', '012345678901']) {
    for (const prefix of ['AKIA', 'ASIA'] as const) {
      const id = newAccessKeyId(prefix, account);
      assert.match(id, new RegExp(`^${prefix}[A-Z2-7]{16}$`));
      assert.equal(accountOfAccessKeyId(id), account);
    }
  }
  assert.notEqual(newAccessKeyId('AKIA', '111122223333'), newAccessKeyId('AKIA', '111122223333'));
  assert.equal(accountOfAccessKeyId('AKIAROTATEDKEY000001'), undefined, 'not base32');
  assert.equal(accountOfAccessKeyId('AIDAAAAAAAAAAAAAAAAA'), undefined, 'not an access key');
  assert.equal(accountOfAccessKeyId('AKIA7777777777777777'), undefined, 'beyond 12 digits');
});

test('IAM and STS ARNs are built and parsed with their paths', () => {
  assert.equal(iamEntityArn('user', '111122223333', '/', 'alice'), 'arn:aws:iam::111122223333:user/alice');
  assert.equal(iamEntityArn('role', '111122223333', '/ops/oncall/', 'r'), 'arn:aws:iam::111122223333:role/ops/oncall/r');
  assert.equal(awsManagedPolicyArn('/', 'AdministratorAccess'), 'arn:aws:iam::aws:policy/AdministratorAccess');
  assert.equal(assumedRoleArn('111122223333', 'r', 's1'), 'arn:aws:sts::111122223333:assumed-role/r/s1');
  assert.deepEqual(parseIamArn('arn:aws:iam::111122223333:role/ops/oncall/r'), { kind: 'role', account: '111122223333', path: '/ops/oncall/', name: 'r' });
  assert.deepEqual(parseIamArn('arn:aws:iam::111122223333:user/alice'), { kind: 'user', account: '111122223333', path: '/', name: 'alice' });
  assert.deepEqual(parseIamArn('arn:aws:iam::aws:policy/AdministratorAccess'), { kind: 'policy', account: 'aws', path: '/', name: 'AdministratorAccess' });
  for (const bad of ['arn:aws:iam::aws:role/x', 'arn:aws:iam::1111:role/x', 'arn:aws:iam::111122223333:group/x', 'arn:aws:iam::111122223333:role/', 'role/x']) {
    assert.equal(parseIamArn(bad), undefined, bad);
  }
});

test('policy documents go out URL-encoded (RFC 3986) and are measured without whitespace', () => {
  const doc = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm-incidents:*", "Resource": "*"}]}';
  assert.equal(decodeURIComponent(encodePolicyDocument(doc)), doc);
  assert.match(encodePolicyDocument(doc), /^%7B%22Version%22%3A%20%222012-10-17%22/);
  assert.equal(encodePolicyDocument("a!'()*b"), 'a%21%27%28%29%2Ab');
  assert.equal(policySize(' { "a" :\n\t"b c" } '), 10);
  assert.doesNotThrow(() => checkPolicySize(`{"x":"${' '.repeat(5000)}${'y'.repeat(2000)}"}`, 'ACLSizePerRole', 2048));
  assert.throws(() => checkPolicySize(`{"x":"${'y'.repeat(2048)}"}`, 'ACLSizePerRole', 2048), /Cannot exceed quota for ACLSizePerRole: 2048/);
});
