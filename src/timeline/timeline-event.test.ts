import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../errors.js';
import {
  boundedEventData, maxEventDataLength, normalizeEventChanges, normalizeNewEvent, referenceKeys, referencedItemIds, requireEditable,
} from './timeline-event.js';

const at = new Date(1_700_000_000_000);

describe('timeline events', () => {
  test('responders may create and edit only Custom Event and Note events', () => {
    assert.equal(normalizeNewEvent({ eventType: 'Note', eventTime: at, eventData: '"x"' }).eventType, 'Note');
    assert.throws(() => normalizeNewEvent({ eventType: 'note', eventTime: at, eventData: '' }), (e) => e instanceof ValidationError && e.field === 'eventType');
    assert.throws(() => normalizeEventChanges({ eventType: 'SSM Incident Trigger' }), ValidationError);
    assert.deepEqual(normalizeEventChanges({ eventData: '"y"' }), { eventData: '"y"' });
    const event = { incidentRecordArn: 'a', eventId: 'e', eventTime: at, eventUpdatedTime: at, eventData: '{}' };
    assert.doesNotThrow(() => requireEditable({ ...event, eventType: 'Custom Event' }));
    assert.throws(() => requireEditable({ ...event, eventType: 'SSM Incident Record Update' }), (e) => e instanceof ValidationError && e.field === 'eventId');
  });

  test('reference keys frame each ARN or related item id with newlines', () => {
    const refs = [{ resource: 'arn:aws:s3:::b' }, { relatedItemId: 'related-item/OTHER/0123456789ABCDEF0123456789ABCDEF' }];
    assert.equal(referenceKeys(refs), '\narn:aws:s3:::b\nrelated-item/OTHER/0123456789ABCDEF0123456789ABCDEF\n');
    assert.equal(referenceKeys(undefined), '');
    assert.deepEqual(referencedItemIds(refs), ['related-item/OTHER/0123456789ABCDEF0123456789ABCDEF']);
  });

  test('service event data is JSON that fits the model\'s 12,000 characters', () => {
    assert.equal(boundedEventData({ title: 'T', impact: 1 }), '{"title":"T","impact":1}');
    const huge = { rawData: 'r'.repeat(10_000), summary: 's'.repeat(8_000), changes: [{ previousValue: ['p'.repeat(5_000)], newValue: 'short' }] };
    const text = boundedEventData(huge);
    assert.ok(text.length <= maxEventDataLength, `${text.length}`);
    const parsed = JSON.parse(text);
    assert.ok(parsed.rawData.startsWith('rrr') && parsed.rawData.endsWith('…'));
    assert.equal(parsed.changes[0].newValue, 'short');
    assert.equal(huge.rawData.length, 10_000, 'the input is not modified');
  });
});
