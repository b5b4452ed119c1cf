import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../errors.js';
import { generateRelatedItemId, normalizeItemToAdd, normalizeNewRelatedItems, valueKeyOf } from './related-item.js';

const pattern = /^related-item\/(ANALYSIS|INCIDENT|METRIC|PARENT|ATTACHMENT|OTHER|AUTOMATION|INVOLVED_RESOURCE|TASK)\/([0-9]|[A-F]){32}$/;

describe('related items', () => {
  test('generated ids match the model\'s GeneratedId pattern and differ', () => {
    const a = generateRelatedItemId('INVOLVED_RESOURCE');
    assert.match(a, pattern);
    assert.ok(a.startsWith('related-item/INVOLVED_RESOURCE/'));
    assert.notEqual(generateRelatedItemId('INVOLVED_RESOURCE'), a);
  });

  test('the value key names the union member, and a PagerDuty incident is its id', () => {
    assert.equal(valueKeyOf({ url: 'https://x' }), 'url:https://x');
    assert.equal(valueKeyOf({ arn: 'https://x' }), 'arn:https://x');
    assert.equal(valueKeyOf({ metricDefinition: '{}' }), 'metricDefinition:{}');
    assert.equal(valueKeyOf({ pagerDutyIncidentDetail: { id: 'P1', autoResolve: true } }), valueKeyOf({ pagerDutyIncidentDetail: { id: 'P1' } }));
  });

  test('items at start get an id when they have none and keep a given one', () => {
    const given = 'related-item/OTHER/0123456789ABCDEF0123456789ABCDEF';
    const [a, b] = normalizeNewRelatedItems([
      { identifier: { type: 'METRIC', value: { url: 'https://m' } } },
      { generatedId: given, identifier: { type: 'OTHER', value: { url: 'https://o' } } },
    ], 'relatedItems');
    assert.match(a!.generatedId, pattern);
    assert.equal(b!.generatedId, given);
  });

  test('the same item twice at start is refused; the same value under another type is not the same item', () => {
    const item = { identifier: { type: 'OTHER' as const, value: { url: 'https://o' } } };
    assert.throws(() => normalizeNewRelatedItems([item, item], 'relatedItems'), (e) => e instanceof ValidationError && e.field === 'relatedItems.2.member');
    assert.equal(normalizeNewRelatedItems([item, { identifier: { type: 'TASK', value: { url: 'https://o' } } }], 'relatedItems').length, 2);
  });

  test('an item to add may not bring its own generatedId', () => {
    const identifier = { type: 'OTHER' as const, value: { url: 'https://o' } };
    assert.match(normalizeItemToAdd({ identifier }).generatedId, pattern);
    assert.throws(() => normalizeItemToAdd({ identifier, generatedId: generateRelatedItemId('OTHER') }), (e) => e instanceof ValidationError && /generatedId/.test(e.message));
  });
});
