/** Assertions about what a Deliverer throws. */
import assert from 'node:assert/strict';
import { DeliveryError } from '../../src/delivery/delivery.js';

/**
 * Awaits `attempt`, which must reject with a DeliveryError as `expected` describes (permanence,
 * provider, a message pattern, and none of `secrets` in the message); returns the error.
 */
export async function assertDeliveryError(
  attempt: Promise<unknown>,
  expected: { permanent: boolean; provider?: string; message?: RegExp; secrets?: string[] },
): Promise<DeliveryError> {
  let caught: unknown;
  try {
    await attempt;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof DeliveryError, `expected a DeliveryError, got ${caught === undefined ? 'success' : String(caught)}`);
  assert.equal(caught.permanent, expected.permanent, `permanent for: ${caught.message}`);
  if (expected.provider !== undefined) assert.equal(caught.provider, expected.provider);
  if (expected.message) assert.match(caught.message, expected.message);
  for (const secret of expected.secrets ?? []) assert.ok(!caught.message.includes(secret), `the error leaks a secret: ${caught.message}`);
  return caught;
}
