import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeOrderedUuid } from './time-ordered-id.js';

test('a version-7 UUID: RFC 9562 layout, the timestamp in front, distinct every call', () => {
  const at = new Date('2026-12-03T20:00:00.123Z');
  const ids = Array.from({ length: 5000 }, () => timeOrderedUuid(at));
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16), at.getTime());
});

test('ids of later milliseconds sort after earlier ones (index inserts append)', () => {
  const a = timeOrderedUuid(new Date(1_800_000_000_000));
  const b = timeOrderedUuid(new Date(1_800_000_000_001));
  const c = timeOrderedUuid(new Date(1_900_000_000_000));
  assert.deepEqual([c, a, b].sort(), [a, b, c]);
});
