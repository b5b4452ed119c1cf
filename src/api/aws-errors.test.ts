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

test('query services (IAM, STS): each domain error becomes the service\'s own error, never ValidationException', () => {
  const iam = loadModel('iam');
  const sts = loadModel('sts');
  const expected: Record<string, { iam: [string, number]; sts: [string, number] }> = {
    ValidationError: { iam: ['ValidationError', 400], sts: ['ValidationError', 400] },
    NotFoundError: { iam: ['NoSuchEntityException', 404], sts: ['NoSuchEntity', 404] },
    ConflictError: { iam: ['EntityAlreadyExistsException', 409], sts: ['EntityAlreadyExists', 409] },
    QuotaExceededError: { iam: ['LimitExceededException', 409], sts: ['LimitExceeded', 409] },
    AccessDeniedError: { iam: ['AccessDenied', 403], sts: ['AccessDenied', 403] },
    ThrottledError: { iam: ['Throttling', 400], sts: ['Throttling', 400] },
    AuthenticationError: { iam: ['SignatureDoesNotMatch', 403], sts: ['SignatureDoesNotMatch', 403] },
    ProtocolError: { iam: ['MalformedQueryString', 400], sts: ['MalformedQueryString', 400] }, // SerializationException
  };
  assert.deepEqual(Object.keys(expected).sort(), Object.keys(catalogue).sort());
  // ListUsers lists only ServiceFailureException: the modeled shapes are kept all the same
  for (const [cls, c] of Object.entries(catalogue)) {
    for (const [model, operation, want] of [[iam, 'ListUsers', expected[cls]!.iam], [sts, 'GetCallerIdentity', expected[cls]!.sts]] as const) {
      const out = toAwsError(c.error, model, operation);
      assert.deepEqual([out.name, out.status, out.message], [...want, c.error.message], `${cls} on ${model.metadata.serviceId}`);
      assert.equal(out.internal, undefined);
    }
  }
});

test('query services: authentication and routing errors get the codes IAM and STS answer with', () => {
  const iam = loadModel('iam');
  const cases: [errors.DomainError, string, number][] = [
    [new AuthenticationError('MissingAuthenticationTokenException', 403, 'Request is missing Authentication Token'), 'MissingAuthenticationToken', 403],
    [new AuthenticationError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.'), 'InvalidClientTokenId', 403],
    [new ProtocolError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.'), 'InvalidClientTokenId', 403],
    [new AuthenticationError('InvalidSignatureException', 403, 'Signature expired: ...'), 'SignatureDoesNotMatch', 403],
    [new AuthenticationError('IncompleteSignatureException', 400, 'Credential must have exactly 5 slash-delimited elements'), 'IncompleteSignature', 400],
    [new ProtocolError('UnknownOperationException', 400, 'Operation X is not implemented by Tocsin'), 'InvalidAction', 400],
    [new ProtocolError('InvalidAction', 400, 'Could not find operation X for version 2010-05-08'), 'InvalidAction', 400],
    [new ProtocolError('ServiceUnavailableException', 503, 'starting'), 'ServiceUnavailable', 503],
    [new ProtocolError('RequestEntityTooLargeException', 413, 'too large'), 'RequestEntityTooLarge', 413],
  ];
  for (const [error, name, status] of cases) {
    const out = toAwsError(error, iam, 'CreateUser');
    assert.deepEqual([out.name, out.status, out.message], [name, status, error.message]);
  }
});

test('query services: a shape hint picks the modeled error; an unknown hint or value falls back', () => {
  const iam = loadModel('iam');
  const sts = loadModel('sts');
  const del = toAwsError(new ConflictError('Cannot delete entity, must delete policies first.').as('DeleteConflictException'), iam, 'DeleteUser');
  assert.deepEqual([del.name, del.status], ['DeleteConflictException', 409]);
  const doc = toAwsError(new ValidationError('PolicyDocument', 'Syntax errors in policy.').as('MalformedPolicyDocumentException'), iam, 'CreatePolicy');
  assert.deepEqual([doc.name, doc.status], ['MalformedPolicyDocumentException', 400]);
  const input = toAwsError(new ValidationError('Path', 'bad path').as('InvalidInputException'), iam, 'CreateUser');
  assert.deepEqual([input.name, input.status], ['InvalidInputException', 400]);
  const foreign = toAwsError(new ConflictError('x').as('DeleteConflictException'), sts, 'AssumeRole');
  assert.deepEqual([foreign.name, foreign.status], ['EntityAlreadyExists', 409]);
  for (const [model, name] of [[iam, 'ServiceFailureException'], [sts, 'InternalFailure']] as const) {
    const out = toAwsError(new Error('password=hunter2'), model, undefined);
    assert.deepEqual([out.name, out.status, out.message], [name, 500, GENERIC]);
    assert.ok(out.internal instanceof Error);
  }
});
