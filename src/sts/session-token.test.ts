import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { SecretBox } from '../crypto/secret-box.js';
import { openSession, sealSession, type Session } from './session-token.js';

const session: Session = {
  accountId: '111122223333', roleId: 'AROAEXAMPLEEXAMPLE12', roleArn: 'arn:aws:iam::111122223333:role/ops/r', roleName: 'r',
  sessionName: 'deploy@ci', accessKeyId: 'ASIAEXAMPLEEXAMPLE12', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  issuedAt: new Date('2026-12-03T10:00:00.123Z'), expiresAt: new Date('2026-12-03T11:00:00Z'),
};

test('a session token opens to the session it sealed, and reveals none of it', () => {
  const box = new SecretBox(randomBytes(32));
  const token = sealSession(box, session);
  assert.match(token, /^tsb1\.[A-Za-z0-9_-]+$/);
  for (const part of [session.secretAccessKey, session.roleArn, session.sessionName, session.accessKeyId]) assert.ok(!token.includes(part));
  assert.deepEqual(openSession(box, token), session);
  assert.deepEqual(openSession(box, sealSession(box, { ...session, sourceIdentity: 'alice' })), { ...session, sourceIdentity: 'alice' });
});

test('a token changed in any way, sealed under another key or for another purpose does not open', () => {
  const box = new SecretBox(randomBytes(32));
  const token = sealSession(box, session);
  assert.equal(openSession(new SecretBox(randomBytes(32)), token), undefined, 'another master key');
  const body = token.slice(5);
  for (let i = 0; i < body.length; i += 7) {
    const c = body[i] === 'A' ? 'B' : 'A';
    assert.equal(openSession(box, 'tsb1.' + body.slice(0, i) + c + body.slice(i + 1)), undefined, `character ${i}`);
  }
  assert.equal(openSession(box, token.slice(0, -2)), undefined, 'truncated');
  assert.equal(openSession(box, box.seal(JSON.stringify({ v: 1 }), 'access-key:ASIA')), undefined, 'sealed for another purpose');
  assert.equal(openSession(box, box.seal('{"v":2}', 'sts-session')), undefined, 'unknown payload version');
  assert.equal(openSession(box, box.seal('not json', 'sts-session')), undefined);
  assert.equal(openSession(box, 'IQoJb3JpZ2luX2VjEXAMPLE'), undefined, 'an AWS token');
});
