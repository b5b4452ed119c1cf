/** Assertions on errors thrown by the AWS SDK clients. */
import assert from 'node:assert/strict';

/**
 * Awaits `promise` and asserts it failed with the AWS error `name` and HTTP `status`; when
 * `mentions` is given, the message must contain it (the field the error is about). Returns the error.
 */
export async function expectAwsError(promise: Promise<unknown>, name: string, status: number, mentions?: string | RegExp): Promise<any> {
  let caught: any;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught, `expected ${name}, but the call succeeded`);
  assert.equal(caught.name, name, `expected ${name}, got ${caught.name}: ${caught.message}`);
  assert.equal(caught.$metadata?.httpStatusCode, status, `HTTP status of ${name}`);
  if (typeof mentions === 'string') assert.ok(caught.message.includes(mentions), `message should name '${mentions}': ${caught.message}`);
  else if (mentions) assert.match(caught.message, mentions);
  return caught;
}
