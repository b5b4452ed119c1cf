/**
 * Resource policies of response plans (AWS shares plans through RAM with them). Until the
 * access-control issue evaluates them, Tocsin checks that a policy is an IAM-style document
 * (Version and Statement) and keeps it as given.
 */
import { randomBytes } from 'node:crypto';
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

function invalid(reason: string): ValidationError {
  return new ValidationError('policy', `Invalid value for policy: ${reason}`);
}

/**
 * Checks the document is a JSON object with a Version string and a Statement that is an
 * object or a non-empty array of objects; returns it unchanged (callers read back what they sent).
 */
export function normalizePolicyDocument(text: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalid('the policy is not valid JSON.');
  }
  if (!isObject(doc)) throw invalid('the policy must be a JSON object.');
  if (typeof doc.Version !== 'string' || doc.Version === '') throw invalid('the policy has no Version (for example "2012-10-17").');
  const statement = doc.Statement;
  const statements = Array.isArray(statement) ? statement : [statement];
  if (statement === undefined || statements.length === 0) throw invalid('the policy has no Statement.');
  if (!statements.every(isObject)) throw invalid('each Statement must be a JSON object.');
  return text;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
