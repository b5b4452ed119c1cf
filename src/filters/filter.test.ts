import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../errors.js';
import { normalizeFilters, type FilterKind } from './filter.js';

const keys: Record<string, FilterKind> = { creationTime: 'time', impact: 'integer', status: 'string' };

function refusal(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    return err;
  }
  assert.fail('expected a ValidationError');
}

describe('normalizeFilters', () => {
  test('no filters are no criteria', () => {
    assert.deepEqual(normalizeFilters(undefined, keys), []);
    assert.deepEqual(normalizeFilters([], keys), []);
  });

  test('turns each filter into a criterion, keeping every value of an equals', () => {
    const at = new Date(1_700_000_000_000);
    assert.deepEqual(normalizeFilters([
      { key: 'creationTime', condition: { after: at } },
      { key: 'creationTime', condition: { before: at } },
      { key: 'impact', condition: { equals: { integerValues: [1, 2] } } },
      { key: 'status', condition: { equals: { stringValues: ['OPEN'] } } },
    ], keys), [
      { key: 'creationTime', op: 'after', at },
      { key: 'creationTime', op: 'before', at },
      { key: 'impact', op: 'in', values: [1, 2] },
      { key: 'status', op: 'in', values: ['OPEN'] },
    ]);
  });

  test('an unknown key is refused, naming filters and the valid keys', () => {
    const err = refusal(() => normalizeFilters([{ key: 'constructor', condition: { equals: { stringValues: ['x'] } } }], keys));
    assert.equal(err.field, 'filters.1.member.key');
    assert.match(err.message, /filters.*'constructor'.*creationTime, impact, status/);
  });

  test('a condition that does not fit its key is refused', () => {
    for (const condition of [{ equals: { integerValues: [1] } }, { equals: { stringValues: ['1'] } }]) {
      assert.match(refusal(() => normalizeFilters([{ key: 'creationTime', condition }], keys)).message, /filters.*before or after/);
    }
    assert.match(refusal(() => normalizeFilters([{ key: 'impact', condition: { before: new Date() } }], keys)).message, /integerValues/);
    assert.match(refusal(() => normalizeFilters([{ key: 'status', condition: { equals: { integerValues: [1] } } }], keys)).message, /stringValues/);
  });

  test('an equals with no values is refused', () => {
    const err = refusal(() => normalizeFilters([{ key: 'status', condition: { equals: { stringValues: [] } } }], keys));
    assert.equal(err.field, 'filters.1.member.condition');
  });

  test('a key limited to an enum refuses other values, naming them and the valid ones', () => {
    const enumKeys = { status: ['OPEN', 'RESOLVED'] } as const;
    assert.deepEqual(normalizeFilters([{ key: 'status', condition: { equals: { stringValues: ['OPEN'] } } }], enumKeys), [
      { key: 'status', op: 'in', values: ['OPEN'] },
    ]);
    const err = refusal(() => normalizeFilters([{ key: 'status', condition: { equals: { stringValues: ['OPEN', 'FOO'] } } }], enumKeys));
    assert.equal(err.field, 'filters.1.member.condition');
    assert.match(err.message, /'FOO' is not a value of 'status'; the values are OPEN, RESOLVED/);
  });
});
