/**
 * The one error hierarchy of Tocsin. Domain and storage code throw only these;
 * src/api/aws-errors.ts alone turns them into AWS error shapes per protocol.
 */

/** Base class of every error the domain means to show to a caller. */
export abstract class DomainError extends Error {
  abstract readonly kind: string;
  /**
   * The service's own error shape for this error when the kind alone does not pick it
   * (IAM's DeleteConflictException, MalformedPolicyDocumentException, ...). Used only when the
   * operation's model has that shape; set it with `as()`.
   */
  shape?: string;

  /** Names the model's error shape: `throw new ConflictError(msg).as('DeleteConflictException')`. */
  as(shape: string): this {
    this.shape = shape;
    return this;
  }
}

/** Input broke a rule; `field` names the member (dotted path as AWS prints it). */
export class ValidationError extends DomainError {
  readonly kind = 'validation';
  constructor(readonly field: string | undefined, message: string) {
    super(message);
  }
}

/** A resource type in words for messages: RESPONSE_PLAN -> 'Response plan'. */
export function resourceTypeWords(resourceType: string): string {
  const words = resourceType.replace(/_+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The resource named by the request does not exist (or is not visible to the caller).
 * Default message: `Response plan <arn> not found.` (the type in words, then the id).
 */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
  constructor(readonly resourceType: string, readonly resourceId: string, message?: string) {
    super(message ?? `${resourceTypeWords(resourceType)} ${resourceId} not found.`);
  }
}

/** The request conflicts with the current state (duplicate name, token reuse, in use...). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(
    message: string,
    readonly resourceType?: string,
    readonly resourceId?: string,
    readonly dependentEntities?: { relationType: string; dependentResourceIds: string[] }[],
  ) {
    super(message);
  }
}

/** A service quota would be exceeded. */
export class QuotaExceededError extends DomainError {
  readonly kind = 'quota';
  constructor(
    message: string,
    readonly quotaCode: string,
    readonly resourceType?: string,
    readonly resourceId?: string,
  ) {
    super(message);
  }
}

/** The caller may not do this. */
export class AccessDeniedError extends DomainError {
  readonly kind = 'access-denied';
}

/** Too many requests; retry later. */
export class ThrottledError extends DomainError {
  readonly kind = 'throttled';
  constructor(message: string, readonly retryAfterSeconds?: number) {
    super(message);
  }
}

/**
 * The request could not be authenticated (Signature V4). `code` is the AWS error name
 * (IncompleteSignatureException, InvalidSignatureException, UnrecognizedClientException,
 * MissingAuthenticationTokenException, ...) and `status` its HTTP status.
 */
export class AuthenticationError extends DomainError {
  readonly kind = 'authentication';
  constructor(readonly code: string, readonly status: number, message: string) {
    super(message);
  }
}

/**
 * The request itself is unreadable or unroutable before any operation runs: bad JSON,
 * unknown operation, body too large. `code` is the AWS error name.
 */
export class ProtocolError extends DomainError {
  readonly kind = 'protocol';
  constructor(readonly code: string, readonly status: number, message: string) {
    super(message);
  }
}
