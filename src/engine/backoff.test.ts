import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { backoffMs } from './backoff.js';

test('the delay doubles per attempt between half and all of its step, and never passes the cap', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 1, max: 3_600_000 }), fc.double({ min: 0, max: 0.999999, noNaN: true }),
    (attempt, baseMs, capMs, r) => {
      const step = Math.min(capMs, baseMs * 2 ** (attempt - 1));
      const d = backoffMs(attempt, baseMs, capMs, r);
      assert.ok(d >= Math.floor(step / 2) && d <= Math.ceil(step), `${d} outside [${step / 2}, ${step}]`);
      assert.ok(d <= capMs);
    }));
});

test('the first retries of a 1 s base come after 0.5-1 s, 1-2 s, 2-4 s', () => {
  assert.deepEqual([1, 2, 3].map((a) => backoffMs(a, 1000, 300_000, 0)), [500, 1000, 2000]);
  assert.deepEqual([1, 2, 3].map((a) => backoffMs(a, 1000, 300_000, 0.999999)), [1000, 2000, 4000]);
  assert.equal(backoffMs(40, 1000, 300_000, 0.5), 225_000);
});
