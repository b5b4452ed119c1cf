/**
 * The only translation from domain errors to AWS error shapes. Each protocol gives the
 * wire form (status, headers, body); the name and fields are decided once, here.
 */
import {
  AccessDeniedError, AuthenticationError, ConflictError, DomainError, NotFoundError, ProtocolError,
  QuotaExceededError, ThrottledError, ValidationError,
} from '../errors.js';
import type { ServiceModel } from './model.js';

/** An AWS error before protocol encoding: its shape name, HTTP status and member fields. */
export interface AwsError {
  name: string;
  status: number;
  message: string;
  /** Extra members (camelCase names; the json protocol renames them). */
  fields: Record<string, unknown>;
  /** Unexpected: logged with its stack. */
  internal?: unknown;
}

/** Errors every operation may return whether or not its model lists them. */
const alwaysAllowed = new Set([
  'InternalServerException', 'ThrottlingException', 'AccessDeniedException', 'ValidationException',
]);

/**
 * Maps any thrown value to the AWS error the operation returns. An error kind the operation's
 * model does not list becomes a ValidationException with the same message, so clients only
 * ever see modeled errors.
 */
export function toAwsError(err: unknown, model: ServiceModel | undefined, operation: string | undefined): AwsError {
  if (model?.metadata.protocol === 'query') return toQueryError(err, model);
  const mapped = classify(err, model?.metadata.serviceId === 'SSM Contacts' ? 'ssm-contacts' : (model?.metadata.signingName ?? ''));
  if (err instanceof DomainError && err.shape && model?.shapes[err.shape]) mapped.name = err.shape;
  if (model && operation && !(err instanceof AuthenticationError) && !(err instanceof ProtocolError)) {
    const op = model.operations[operation];
    const listed = op?.errors?.some((e) => e.shape === mapped.name);
    if (op && !listed && !alwaysAllowed.has(mapped.name)) {
      return { name: 'ValidationException', status: 400, message: mapped.message, fields: {} };
    }
  }
  if (model) {
    const shape = model.shapes[mapped.name];
    const status = shape?.error?.httpStatusCode;
    if (status) mapped.status = status;
    else if (model.metadata.protocol === 'json') mapped.status = mapped.status >= 500 ? 500 : 400;
  }
  return mapped;
}

/**
 * Codes of the authentication and protocol errors in query services (IAM, STS), whose json
 * names differ: IAM and STS answer an unknown key with InvalidClientTokenId, a bad or expired
 * signature with SignatureDoesNotMatch, both 403.
 */
const queryCodes: Record<string, string> = {
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  UnrecognizedClientException: 'InvalidClientTokenId',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  IncompleteSignatureException: 'IncompleteSignature',
  UnknownOperationException: 'InvalidAction',
  ServiceUnavailableException: 'ServiceUnavailable',
  RequestEntityTooLargeException: 'RequestEntityTooLarge',
  SerializationException: 'MalformedQueryString',
};

/**
 * The query protocol's mapping. Query services model their own error shapes (IAM's
 * NoSuchEntityException, code NoSuchEntity) and answer unmodeled ones by bare code
 * (ValidationError, AccessDenied, Throttling, InternalFailure). A modeled shape is kept even
 * when the operation does not list it: there is no ValidationException to fall back on.
 */
function toQueryError(err: unknown, model: ServiceModel): AwsError {
  const mapped = classify(err, model.metadata.signingName ?? model.metadata.endpointPrefix);
  if (err instanceof AuthenticationError || err instanceof ProtocolError) {
    return { name: queryCodes[err.code] ?? err.code, status: err.status, message: err.message, fields: {} };
  }
  const modeled = (shape: string, code: string, status: number): [string, number] =>
    (model.shapes[shape]?.exception ? [shape, status] : [code, status]);
  let kind: [string, number];
  if (err instanceof DomainError && err.shape && model.shapes[err.shape]?.exception) kind = [err.shape, 400];
  else if (err instanceof ValidationError) kind = ['ValidationError', 400];
  else if (err instanceof NotFoundError) kind = modeled('NoSuchEntityException', 'NoSuchEntity', 404);
  else if (err instanceof ConflictError) kind = modeled('EntityAlreadyExistsException', 'EntityAlreadyExists', 409);
  else if (err instanceof QuotaExceededError) kind = modeled('LimitExceededException', 'LimitExceeded', 409);
  else if (err instanceof AccessDeniedError) kind = ['AccessDenied', 403];
  else if (err instanceof ThrottledError) kind = ['Throttling', 400];
  else kind = modeled('ServiceFailureException', 'InternalFailure', 500);
  const [name, status] = kind;
  return { ...mapped, name, status: model.shapes[name]?.error?.httpStatusCode ?? status };
}

function classify(err: unknown, serviceCode: string): AwsError {
  if (err instanceof DomainError) {
    const message = err.message;
    if (err instanceof ValidationError) return { name: 'ValidationException', status: 400, message, fields: { field: err.field } };
    if (err instanceof NotFoundError) {
      return { name: 'ResourceNotFoundException', status: 404, message, fields: { resourceIdentifier: err.resourceId, resourceType: err.resourceType } };
    }
    if (err instanceof ConflictError) {
      return {
        name: 'ConflictException', status: 409, message,
        fields: { resourceIdentifier: err.resourceId, resourceType: err.resourceType, dependentEntities: err.dependentEntities },
      };
    }
    if (err instanceof QuotaExceededError) {
      return {
        name: 'ServiceQuotaExceededException', status: 402, message,
        fields: { quotaCode: err.quotaCode, serviceCode, resourceType: err.resourceType, resourceIdentifier: err.resourceId },
      };
    }
    if (err instanceof AccessDeniedError) return { name: 'AccessDeniedException', status: 403, message, fields: {} };
    if (err instanceof ThrottledError) {
      return { name: 'ThrottlingException', status: 429, message, fields: { quotaCode: 'RequestRate', serviceCode, retryAfterSeconds: err.retryAfterSeconds } };
    }
    if (err instanceof AuthenticationError || err instanceof ProtocolError) {
      return { name: err.code, status: err.status, message, fields: {} };
    }
  }
  return { name: 'InternalServerException', status: 500, message: 'The server encountered an internal error. Please retry the request.', fields: {}, internal: err };
}
