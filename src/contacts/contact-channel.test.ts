import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../errors.js';
import { normalizeAddress } from './contact-channel.js';

test('SMS and VOICE take E.164 numbers: +, a country code not starting with 0, 7 to 15 digits', () => {
  for (const ok of ['+15005550199', '+4915112345678', '+123456789012345', '+6834002']) {
    assert.equal(normalizeAddress('SMS', ok), ok);
    assert.equal(normalizeAddress('VOICE', ok), ok);
  }
  for (const bad of ['15005550199', '+0123456789', '+1234567890123456', '+123456', '+1 500 555 0199', '+1-500-555-0199', '+1500555O199', '']) {
    assert.throws(() => normalizeAddress('SMS', bad), (e: unknown) => e instanceof ValidationError && e.field === 'DeliveryAddress.SimpleAddress', bad);
  }
});

test('EMAIL takes a dot-atom address with a domain of two labels or more', () => {
  for (const ok of ['a@example.com', "o'neil+pager@sub.example.co.uk", 'A.B-C_d@x-y.io']) assert.equal(normalizeAddress('EMAIL', ok), ok);
  for (const bad of ['a', 'a@', '@x.com', 'a@x', 'a..b@x.com', '.a@x.com', 'a.@x.com', 'a@@x.com', 'a b@x.com', 'a@-x.com', 'a@x-.com', `${'a'.repeat(65)}@x.com`]) {
    assert.throws(() => normalizeAddress('EMAIL', bad), ValidationError, bad);
  }
  assert.throws(() => normalizeAddress('EMAIL', undefined), /needs a delivery address/);
});
