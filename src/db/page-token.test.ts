import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../errors.js';
import { decodePageToken, encodePageToken, toPage } from './page-token.js';

describe('page tokens', () => {
  test('a token reads back as the key it was made from', () => {
    const token = encodePageToken('timeline-desc', [1_700_000_000_000, 42]);
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodePageToken('timeline-desc', token, ['number', 'number']), [1_700_000_000_000, 42]);
    assert.deepEqual(decodePageToken('plans', encodePageToken('plans', ['a/b é']), ['string']), ['a/b é']);
  });

  test('no token or an empty one means the first page', () => {
    assert.equal(decodePageToken('x', undefined, ['number']), undefined);
    assert.equal(decodePageToken('x', '', ['number']), undefined);
  });

  test('garbage, another list\'s token or a key of the wrong shape is a ValidationError on nextToken', () => {
    const bad = ['garbage!', 'bm9wZQ', encodePageToken('other', [1]), encodePageToken('x', ['1']), encodePageToken('x', [1, 2]),
      Buffer.from('["x",null]').toString('base64url'), Buffer.from('{"x":1}').toString('base64url')];
    for (const token of bad) {
      assert.throws(() => decodePageToken('x', token, ['number']), (err) => err instanceof ValidationError && err.field === 'nextToken', token);
    }
  });

  test('toPage cuts the extra row and points the token at the last row kept', () => {
    assert.deepEqual(toPage([1, 2], 2, 'n', (n) => [n]), { items: [1, 2] });
    const page = toPage([1, 2, 3], 2, 'n', (n) => [n]);
    assert.deepEqual(page.items, [1, 2]);
    assert.deepEqual(decodePageToken('n', page.nextToken, ['number']), [2]);
  });
});
