/**
 * Policy documents as IAM handles them: checked when stored (the grammar is
 * src/access/policy's), kept exactly as given, measured without whitespace against IAM's size
 * quotas, and returned URL-encoded by IAM's Get* operations.
 */
import { parsePolicyDocument } from '../access/policy/policy-document.js';
import { QuotaExceededError } from '../errors.js';

/** Which grammar applies: identity (permissions) policies or role trust policies. */
export type PolicyKind = 'identity' | 'trust';

/** Throws MalformedPolicyDocument (a ValidationError) unless `text` is a valid policy of `kind`, in IAM's words. */
export function checkPolicyDocument(text: string, kind: PolicyKind): void {
  parsePolicyDocument(text, kind);
}

/** A document's size as IAM counts it against its quotas: characters other than whitespace. */
export function policySize(text: string): number {
  return text.replace(/\s/g, '').length;
}

/** Throws LimitExceeded when `text` is larger than `limit` (IAM's quota named `quota`). */
export function checkPolicySize(text: string, quota: 'PolicySize' | 'ACLSizePerRole', limit: number): void {
  if (policySize(text) > limit) {
    throw new QuotaExceededError(`Cannot exceed quota for ${quota}: ${limit}`, quota).as('LimitExceededException');
  }
}

/**
 * A document as IAM's Get* operations return it: URL-encoded per RFC 3986 (what
 * `urllib.parse.unquote` and `decodeURIComponent` undo; the aws CLI decodes it for display).
 */
export function encodePolicyDocument(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
