import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as errors from '../errors.js';
import {
  AccessDeniedError, AuthenticationError, ConflictError, DomainError, NotFoundError, ProtocolError, QuotaExceededError,
  ThrottledError, ValidationError,
} from '../errors.js';
import { toAwsError } from './aws-errors.js';
import { loadModel } from './model.js';

const inc = loadModel('ssm-incidents');
const PLAN = 'arn:aws:ssm-incidents::111122223333:response-plan/p';
const GENERIC = 'The server encountered an internal error. Please retry the request.';

/** One example of every DomainError subclass, with the AWS error it must become. */
const catalogue: Record<string, { error: DomainError; name: string; status?: number }> = {
  ValidationError: { error: new ValidationError('title', 'bad title'), name: 'ValidationException' },
  NotFoundError: { error: new NotFoundError('RESPONSE_PLAN', PLAN), name: 'ResourceNotFoundException' },
  ConflictError: { error: new ConflictError('in use', 'RESPONSE_PLAN', PLAN), name: 'ConflictException' },
  QuotaExceededError: { error: new QuotaExceededError('too many', 'L-123', 'RESPONSE_PLAN', PLAN), name: 'ServiceQuotaExceededException' },
  AccessDeniedError: { error: new AccessDeniedError('no'), name: 'AccessDeniedException' },
  ThrottledError: { error: new ThrottledError('slow down', 3), name: 'ThrottlingException' },
  AuthenticationError: {
    error: new AuthenticationError('InvalidSignatureException', 403, 'Credential should be scoped to a valid region.'),
    name: 'InvalidSignatureException', status: 403,
  },
  ProtocolError: { error: new ProtocolError('SerializationException', 400, 'bad json'), name: 'SerializationException', status: 400 },
};

test('the catalogue covers every DomainError subclass exported by src/errors.ts', () => {
  const subclasses = Object.entries(errors)
    .filter(([, v]) => typeof v === 'function' && v.prototype instanceof DomainError)
    .map(([k]) => k)
    .sort();
  assert.deepEqual(subclasses, Object.keys(catalogue).sort());
  for (const [cls, { error }] of Object.entries(catalogue)) assert.equal(error.constructor.name, cls);
});

test('every domain error maps to an ssm-incidents error shape with the model\'s HTTP status and required members', () => {
  // TagResource lists every modeled error kind, so nothing is rewritten
  for (const operation of [undefined, 'TagResource']) {
    for (const [cls, c] of Object.entries(catalogue)) {
      const out = toAwsError(c.error, inc, operation);
      assert.equal(out.name, c.name, cls);
      assert.equal(out.message, c.error.message, cls);
      assert.equal(out.internal, undefined, cls);
      if (c.status !== undefined) {
        // authentication and protocol errors are not modeled: their own code and status
        assert.equal(inc.shapes[out.name], undefined, cls);
        assert.equal(out.status, c.status, cls);
        continue;
      }
      const shape = inc.shapes[out.name];
      assert.ok(shape?.exception && shape.error, `${cls}: ${out.name} is not an error shape of the model`);
      assert.equal(out.status, shape.error.httpStatusCode, cls);
      for (const m of shape.required ?? []) {
        if (m !== 'message') assert.notEqual(out.fields[m], undefined, `${cls}: required member ${m} of ${out.name}`);
      }
    }
  }
  const nf = toAwsError(catalogue.NotFoundError!.error, inc, 'GetResponsePlan');
  assert.deepEqual(nf.fields, { resourceIdentifier: PLAN, resourceType: 'RESPONSE_PLAN' });
  assert.equal(nf.message, `Response plan ${PLAN} not found.`);
});

test('authentication and protocol errors keep their code even on operations that do not list them', () => {
  for (const c of [catalogue.AuthenticationError!, catalogue.ProtocolError!]) {
    const out = toAwsError(c.error, inc, 'DeleteResponsePlan');
    assert.deepEqual([out.name, out.status], [c.name, c.status]);
  }
  const big = toAwsError(new ProtocolError('RequestEntityTooLargeException', 413, 'too large'), inc, 'CreateResponsePlan');
  assert.deepEqual([big.name, big.status], ['RequestEntityTooLargeException', 413]);
  const noModel = toAwsError(new ProtocolError('UnknownOperationException', 404, 'nope'), undefined, undefined);
  assert.deepEqual([noModel.name, noModel.status], ['UnknownOperationException', 404]);
});

test('an unknown thrown value is InternalServerException 500 with a generic message, the value kept for the log only', () => {
  const secret = 'invalid byte sequence for encoding "UTF8": 0x00 at /srv/tocsin/db password=hunter2';
  class PgError extends Error {
    code = '22021';
  }
  for (const thrown of [new Error(secret), new PgError(secret), new TypeError(secret), secret, { message: secret }, undefined, null, 42]) {
    for (const operation of [undefined, 'CreateResponsePlan', 'DeleteResponsePlan']) {
      const out = toAwsError(thrown, inc, operation);
      assert.equal(out.name, 'InternalServerException');
      assert.equal(out.status, 500);
      assert.equal(out.message, GENERIC);
      assert.deepEqual(out.fields, {});
      assert.equal(out.internal, thrown);
      assert.ok(!JSON.stringify([out.name, out.message, out.fields]).includes('hunter2'));
    }
  }
  assert.equal(toAwsError(new Error(secret), undefined, undefined).status, 500);
});

test('an error kind the operation does not list becomes a ValidationException with the same message', () => {
  const cases: [DomainError, string][] = [
    [new NotFoundError('RESPONSE_PLAN', PLAN), 'DeleteResponsePlan'], // models no ResourceNotFoundException
    [new ConflictError('in use', 'RESPONSE_PLAN', PLAN), 'GetResponsePlan'],
    [new QuotaExceededError('too many', 'L-123'), 'StartIncident'],
  ];
  for (const [error, operation] of cases) {
    assert.ok(!inc.operations[operation]!.errors!.some((e) => e.shape === toAwsError(error, inc, undefined).name));
    const out = toAwsError(error, inc, operation);
    assert.deepEqual({ ...out }, { name: 'ValidationException', status: 400, message: error.message, fields: {} }, operation);
  }
  // the always-allowed kinds are never rewritten
  for (const c of [catalogue.ValidationError!, catalogue.AccessDeniedError!, catalogue.ThrottledError!]) {
    assert.equal(toAwsError(c.error, inc, 'DeleteResponsePlan').name, c.name);
  }
});
