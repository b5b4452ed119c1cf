import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  activationCodeMatches, checkActivationCode, CODE_LIFETIME_MS, CODE_WINDOW_MS, hashActivationCode, MAX_CODES_PER_WINDOW,
  MAX_WRONG_ATTEMPTS, newActivationCode, nextSendWindow,
} from './activation-code.js';

test('codes are six digits, stored salted: the same code hashes differently each time and still matches', () => {
  for (let i = 0; i < 50; i++) assert.match(newActivationCode(), /^[0-9]{6}$/);
  const a = hashActivationCode('012345');
  const b = hashActivationCode('012345');
  assert.notEqual(a, b);
  assert.ok(!a.includes('012345'));
  assert.ok(activationCodeMatches('012345', a) && activationCodeMatches('012345', b));
  assert.ok(!activationCodeMatches('012346', a));
  assert.ok(!activationCodeMatches('012345', 'garbage'));
});

test('a code matches until it expires; the last allowed wrong try spends it', () => {
  const now = 1_800_000_000_000;
  const state = { codeHash: hashActivationCode('424242'), codeExpiresAt: now + CODE_LIFETIME_MS, failedAttempts: 0 };
  assert.equal(checkActivationCode(state, '424242', now), 'match');
  assert.equal(checkActivationCode(state, '424242', now + CODE_LIFETIME_MS - 1), 'match');
  assert.equal(checkActivationCode(state, '424242', now + CODE_LIFETIME_MS), 'expired');
  assert.equal(checkActivationCode(state, '111111', now), 'wrong');
  assert.equal(checkActivationCode({ ...state, failedAttempts: MAX_WRONG_ATTEMPTS - 1 }, '111111', now), 'wrong-and-spent');
  assert.equal(checkActivationCode({ codeHash: null, codeExpiresAt: null, failedAttempts: 0 }, '424242', now), 'none');
});

test('the send window allows MAX_CODES_PER_WINDOW codes, then opens again after CODE_WINDOW_MS', () => {
  let w = nextSendWindow(null, 0, 1000)!;
  assert.deepEqual(w, { windowStart: 1000, sent: 1 });
  for (let i = 2; i <= MAX_CODES_PER_WINDOW; i++) w = nextSendWindow(w.windowStart, w.sent, 1000 + i)!;
  assert.equal(w.sent, MAX_CODES_PER_WINDOW);
  assert.equal(nextSendWindow(w.windowStart, w.sent, 1000 + CODE_WINDOW_MS - 1), undefined);
  assert.deepEqual(nextSendWindow(w.windowStart, w.sent, 1000 + CODE_WINDOW_MS), { windowStart: 1000 + CODE_WINDOW_MS, sent: 1 });
});
