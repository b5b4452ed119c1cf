/**
 * Resource policies of response plans (AWS shares plans through RAM with them): validated as
 * IAM resource policies, kept as given, evaluated by src/access for the plan and its incidents.
 */
import { randomBytes } from 'node:crypto';
import { parsePolicyDocument } from '../access/policy/policy-document.js';
import { ValidationError } from '../errors.js';

/** A stored resource policy. */
export interface ResourcePolicy {
  policyId: string;
  resourceArn: string;
  accountId: string;
  policyDocument: string;
  createdAt: Date;
}

/** A new policy id: 32 lower-case hex digits. */
export function newPolicyId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Checks the document is a resource policy IAM would accept (src/access/policy: JSON, Version,
 * Statement shape, Principal, actions) and returns it unchanged (callers read back what they
 * sent). The authorizer evaluates it for requests about the plan and its incident records (or
 * the contact and its channels: ssm-contacts' PutContactPolicy, whose member is `Policy`).
 */
export function normalizePolicyDocument(text: string, field = 'policy'): string {
  try {
    parsePolicyDocument(text, 'resource');
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(field, `Invalid value for ${field}: ${err.message}`);
    throw err;
  }
  return text;
}
