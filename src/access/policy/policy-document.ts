/**
 * IAM policy documents ("IAM JSON policy elements reference"): parsed and validated the way IAM
 * validates CreatePolicy / PutRolePolicy (identity), UpdateAssumeRolePolicy (trust) and resource
 * policies, failing with MalformedPolicyDocumentException and IAM's own messages. IAM checks in
 * stages and reports the first stage that fails: JSON, syntax (shape, field names, types), the
 * Version, "legacy parsing" (Effect spelling, dates), statement ids, required elements, resource
 * formats, action and condition-key prefixes, principals.
 */
import { ValidationError } from '../../errors.js';
import { parseConditionOperator, parseIamDate } from './conditions.js';

/** Which policy type a document is validated as. */
export type PolicyKind = 'identity' | 'resource' | 'trust';
/** The two policy language versions; a document without Version is 2008-10-17. */
export type PolicyVersion = '2008-10-17' | '2012-10-17';
export type PrincipalType = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';
/** A Principal or NotPrincipal element: "*" or, per principal type, a list of names. */
export type PrincipalElement = '*' | { readonly [T in PrincipalType]?: readonly string[] };

/** One key under one operator of a Condition element; values are strings as IAM compares them. */
export interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

/** A statement with single values turned into lists. */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly principal?: PrincipalElement;
  readonly notPrincipal?: PrincipalElement;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly conditions: readonly ConditionEntry[];
}

/** A validated document; `text` is the caller's text, unchanged (IAM returns it URL-encoded). */
export interface PolicyDocument {
  readonly text: string;
  readonly kind: PolicyKind;
  readonly version: PolicyVersion;
  readonly id?: string;
  readonly statements: readonly PolicyStatement[];
}

export const MESSAGES = {
  invalidJson: 'This policy contains invalid Json',
  syntax: 'Syntax errors in policy.',
  version: 'Policy document must be version 2012-10-17 or greater.',
  legacy: 'The policy failed legacy parsing',
  sidUnique: 'Statement IDs (SID) in a single policy must be unique.',
  sidAlnum: 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
  noPrincipalAllowed: 'Policy document should not specify a principal.',
  missingPrincipal: 'Missing required field Principal',
  actions: 'Policy statement must contain actions.',
  resources: 'Policy statement must contain resources.',
  vendor: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  oneColon: 'Actions/Condition can contain only one colon.',
  resourceVendor: 'Resource vendor must be fully qualified and cannot contain regexes.',
} as const;

/** The error IAM returns for a bad document. */
export function malformed(message: string): ValidationError {
  return new ValidationError(undefined, message).as('MalformedPolicyDocumentException');
}

const TOP_FIELDS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PRINCIPAL_TYPES = new Set<string>(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const AWS_PRINCIPAL = /^(\*|\d{12}|arn:[a-z-]+:iam::\d{12}:(root|user\/.+|role\/.+|federated-user\/.+)|arn:[a-z-]+:sts::\d{12}:(assumed-role\/[^/]+\/.+|federated-user\/.+))$/;
const SERVICE_PRINCIPAL = /^[A-Za-z0-9.-]+$/;

type Json = Record<string, unknown>;

/** Fails the syntax stage unless `ok`. */
function syntax(ok: unknown): asserts ok {
  if (!ok) throw malformed(MESSAGES.syntax);
}

/** Parses and validates a policy document as IAM does for `kind`; throws MalformedPolicyDocument. */
export function parsePolicyDocument(text: string, kind: PolicyKind): PolicyDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw malformed(MESSAGES.invalidJson);
  }
  const doc = readSyntax(json);
  if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17') throw malformed(MESSAGES.version);
  const statements = doc.statements.map(readStatement);
  checkLegacy(statements);
  checkSids(statements, kind);
  for (const s of statements) checkKind(s, kind);
  for (const s of statements) checkResources(s);
  for (const s of statements) checkPrefixes(s);
  for (const s of statements) checkPrincipals(s);
  return {
    text,
    kind,
    version: (doc.Version as PolicyVersion | undefined) ?? '2008-10-17',
    ...(doc.Id !== undefined ? { id: doc.Id } : {}),
    statements: statements.map(finish),
  };
}

interface RawDoc { Version?: string; Id?: string; statements: Json[] }

/** Stage 1: shapes, field names and types; any failure is "Syntax errors in policy." */
function readSyntax(json: unknown): RawDoc {
  syntax(isObject(json));
  const doc = json as Json;
  for (const k of Object.keys(doc)) syntax(TOP_FIELDS.has(k));
  syntax(doc.Version === undefined || typeof doc.Version === 'string');
  syntax(doc.Id === undefined || typeof doc.Id === 'string');
  const st = doc.Statement;
  const statements = Array.isArray(st) ? st : isObject(st) ? [st] : undefined;
  syntax(statements !== undefined && statements.length > 0);
  for (const s of statements!) {
    syntax(isObject(s));
    const keys = Object.keys(s);
    syntax(keys.every((k) => STATEMENT_FIELDS.has(k)));
    syntax(!('Action' in s && 'NotAction' in s) && !('Resource' in s && 'NotResource' in s) && !('Principal' in s && 'NotPrincipal' in s));
    syntax(typeof s.Effect === 'string' && /^(allow|deny)$/i.test(s.Effect));
    syntax(s.Sid === undefined || typeof s.Sid === 'string');
    for (const f of ['Action', 'NotAction', 'Resource', 'NotResource']) syntax(s[f] === undefined || isStringOrStrings(s[f]));
    for (const f of ['Principal', 'NotPrincipal']) syntax(s[f] === undefined || isPrincipalShape(s[f]));
    syntax(s.Condition === undefined || isConditionShape(s.Condition));
  }
  return { Version: doc.Version as string | undefined, Id: doc.Id as string | undefined, statements: statements as Json[] };
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringOrStrings(v: unknown): boolean {
  return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
}

function isPrincipalShape(v: unknown): boolean {
  if (v === '*') return true;
  if (!isObject(v) || Object.keys(v).length === 0) return false;
  return Object.entries(v).every(([k, x]) => PRINCIPAL_TYPES.has(k) && isStringOrStrings(x) && (typeof x === 'string' || (x as string[]).length > 0));
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function isConditionShape(v: unknown): boolean {
  if (!isObject(v)) return false;
  for (const [operator, block] of Object.entries(v)) {
    if (parseConditionOperator(operator) === undefined || !isObject(block)) return false;
    for (const values of Object.values(block)) {
      if (!(isScalar(values) || (Array.isArray(values) && values.every(isScalar)))) return false;
    }
  }
  return true;
}

/** A statement after the syntax stage: lists of strings, the Effect as written. */
interface RawStatement extends Omit<PolicyStatement, 'effect'> { effect: string }

function list(v: unknown): string[] | undefined {
  return v === undefined ? undefined : typeof v === 'string' ? [v] : (v as string[]);
}

function readStatement(s: Json): RawStatement {
  const conditions: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries((s.Condition ?? {}) as Json)) {
    for (const [key, values] of Object.entries(block as Json)) {
      const vs = Array.isArray(values) ? values : [values];
      conditions.push({ operator, key, values: vs.map((x) => String(x)) });
    }
  }
  return {
    ...(s.Sid !== undefined ? { sid: s.Sid as string } : {}),
    effect: s.Effect as string,
    ...(s.Principal !== undefined ? { principal: principalOf(s.Principal) } : {}),
    ...(s.NotPrincipal !== undefined ? { notPrincipal: principalOf(s.NotPrincipal) } : {}),
    ...(s.Action !== undefined ? { action: list(s.Action) } : {}),
    ...(s.NotAction !== undefined ? { notAction: list(s.NotAction) } : {}),
    ...(s.Resource !== undefined ? { resource: list(s.Resource) } : {}),
    ...(s.NotResource !== undefined ? { notResource: list(s.NotResource) } : {}),
    conditions,
  };
}

function principalOf(v: unknown): PrincipalElement {
  if (v === '*') return '*';
  const out: { [T in PrincipalType]?: string[] } = {};
  for (const [k, x] of Object.entries(v as Json)) out[k as PrincipalType] = list(x);
  return out;
}

/** Stage 3: IAM's "legacy parsing": the Effect spelled exactly, dates readable. */
function checkLegacy(statements: readonly RawStatement[]): void {
  for (const s of statements) {
    if (s.effect !== 'Allow' && s.effect !== 'Deny') throw malformed(MESSAGES.legacy);
    for (const c of s.conditions) {
      if (parseConditionOperator(c.operator)!.family !== 'date') continue;
      if (c.values.some((v) => !v.includes('${') && parseIamDate(v) === undefined)) throw malformed(MESSAGES.legacy);
    }
  }
}

function checkSids(statements: readonly RawStatement[], kind: PolicyKind): void {
  const seen = new Set<string>();
  for (const { sid } of statements) {
    if (sid === undefined || sid === '') continue;
    if (seen.has(sid)) throw malformed(MESSAGES.sidUnique);
    seen.add(sid);
  }
  // Resource policies (S3, SNS, ...) allow spaces and punctuation in Sids; IAM's own documents do not.
  if (kind !== 'resource' && statements.some((s) => s.sid !== undefined && !/^[0-9A-Za-z]*$/.test(s.sid))) throw malformed(MESSAGES.sidAlnum);
}

/** Elements each policy type requires or forbids. */
function checkKind(s: RawStatement, kind: PolicyKind): void {
  const hasPrincipal = s.principal !== undefined || s.notPrincipal !== undefined;
  if (kind === 'identity' && hasPrincipal) throw malformed(MESSAGES.noPrincipalAllowed);
  if (kind === 'trust' && s.resource !== undefined) throw malformed('Has prohibited field Resource');
  if (kind === 'trust' && s.notResource !== undefined) throw malformed('Has prohibited field NotResource');
  if (kind !== 'identity' && !hasPrincipal) throw malformed(MESSAGES.missingPrincipal);
  if ((s.action ?? s.notAction ?? []).length === 0) throw malformed(MESSAGES.actions);
  // A resource policy's statement without Resource covers the resource it is attached to.
  if (kind === 'identity' && (s.resource ?? s.notResource ?? []).length === 0) throw malformed(MESSAGES.resources);
}

/** Resource entries are "*" or ARNs whose service is spelled out. */
function checkResources(s: RawStatement): void {
  for (const r of [...(s.resource ?? []), ...(s.notResource ?? [])]) {
    if (r === '*') continue;
    if (!r.startsWith('arn:')) throw malformed(`Resource ${r} must be in ARN format or "*".`);
    const vendor = r.split(':')[2];
    if (vendor === undefined || vendor === '' || /[*?]/.test(vendor)) throw malformed(MESSAGES.resourceVendor);
  }
}

/** Actions are `*` or `vendor:pattern`; condition keys are `vendor:name`. */
function checkPrefixes(s: RawStatement): void {
  for (const a of [...(s.action ?? []), ...(s.notAction ?? [])]) {
    if (a === '*') continue;
    const parts = a.split(':');
    if (parts.length === 1) throw malformed(MESSAGES.vendor);
    if (parts.length > 2) throw malformed(MESSAGES.oneColon);
    if (!/^[A-Za-z0-9.-]+$/.test(parts[0]!)) throw malformed(`Vendor ${parts[0]} is not valid`);
  }
  for (const c of s.conditions) {
    const colon = c.key.indexOf(':');
    if (colon <= 0) throw malformed(MESSAGES.vendor);
  }
}

function checkPrincipals(s: RawStatement): void {
  for (const p of [s.principal, s.notPrincipal]) {
    if (p === undefined || p === '*') continue;
    for (const v of p.AWS ?? []) if (!AWS_PRINCIPAL.test(v)) throw malformed(`Invalid principal in policy: "AWS":"${v}"`);
    for (const v of p.Service ?? []) if (!SERVICE_PRINCIPAL.test(v)) throw malformed(`Invalid principal in policy: "SERVICE":"${v}"`);
    for (const v of p.Federated ?? []) if (v === '') throw malformed(`Invalid principal in policy: "FEDERATED":"${v}"`);
  }
}

function finish(s: RawStatement): PolicyStatement {
  return { ...s, effect: s.effect as 'Allow' | 'Deny' };
}
