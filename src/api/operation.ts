/**
 * What an operation handler is: a function from the validated input (AWS member names,
 * timestamps as Date) to the output, given the request context. One file per AWS action.
 */
import type { AppServices } from '../app-context.js';

/** Who is calling: resolved from the verified Signature V4 credentials. */
export interface Caller {
  accountId: string;
  /**
   * ARN of the principal: arn:aws:iam::ACCOUNT:root (root credentials),
   * arn:aws:iam::ACCOUNT:user/PATH/NAME (a user's key), or
   * arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (temporary credentials from AssumeRole).
   */
  principalArn: string;
  accessKeyId: string;
  kind: 'root' | 'user' | 'assumed-role';
  /** IAM's unique id as GetCallerIdentity reports it: the account id for root, AIDA... for a user, AROA...:SESSION for a role session. */
  userId: string;
  /** kind 'user': the user's name (aws:username). */
  userName?: string;
  /** kind 'assumed-role': the role, its name, the session name and when the credentials expire. */
  roleArn?: string;
  roleName?: string;
  sessionName?: string;
  expiresAt?: Date;
}

/** Everything a handler may use besides its input. */
export interface RequestContext {
  requestId: string;
  caller: Caller;
  /**
   * The caller acting in the account the request is about: the caller itself, or, when a
   * resource policy shared another account's resource with it, the caller with that account's
   * id (so the operation reads and writes the owner's records). Handlers pass this to services.
   */
  actor: Caller;
  services: AppServices;
  /** The region this server acts as. */
  region: string;
  /** The AWS operation name, e.g. StartIncident. */
  operation: string;
}

/** An operation handler. Returning undefined means an output with no members. */
export type OperationHandler<I = any, O = any> = (input: I, ctx: RequestContext) => Promise<O | void>;

/** Declares a handler with its input and output types (from the generated *.types.ts). */
export function handler<I, O = void>(fn: OperationHandler<I, O>): OperationHandler<I, O> {
  return fn;
}
