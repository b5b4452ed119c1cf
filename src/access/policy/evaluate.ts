/**
 * IAM policy evaluation ("Policy evaluation logic", "Cross-account policy evaluation logic"), the
 * one place Tocsin decides whether a principal may perform an action on a resource. Policies are
 * compiled once (compilePolicy) and evaluated per request with no parsing and little allocation.
 *
 * - An explicit Deny in any applicable identity or resource policy denies.
 * - The account root user is not limited by identity policies: its identity side always allows
 *   (a resource policy's Deny still applies to it).
 * - Same account: an Allow in an identity policy, or in a resource policy whose Principal names
 *   the caller itself (user ARN, role ARN for its sessions, session ARN, or "*"), allows. A
 *   resource policy naming only the account (ACCOUNT or arn:aws:iam::ACCOUNT:root) delegates to
 *   the account's identity policies and grants nothing by itself.
 * - Cross account: the identity side must allow AND a resource policy of the resource's account
 *   must allow the caller, its account, or "*".
 * - Service principals are governed by resource (and trust) policies only.
 * Tocsin has no SCPs, RCPs, permissions boundaries or session policies, so those layers of the
 * AWS flow charts always pass; that is also why a resource policy naming a role ARN grants to its
 * sessions directly (AWS limits it only by a boundary or session policy).
 */
import { compileConditions, conditionHolds, type CompiledCondition } from './conditions.js';
import { parsePolicyDocument, type PolicyDocument, type PolicyKind, type PolicyStatement, type PrincipalElement } from './policy-document.js';
import { compilePattern, type ContextLookup, type PatternMatcher } from './variables.js';
import { compileGlob, type GlobMatcher } from './wildcard.js';

/** Who makes the request, as authenticated. */
export interface Principal {
  kind: 'root' | 'user' | 'assumed-role' | 'service';
  /** arn:aws:iam::ACCT:root | arn:aws:iam::ACCT:user/alice | arn:aws:sts::ACCT:assumed-role/ROLE/SESSION | the service name */
  arn: string;
  /** Absent for service principals. */
  accountId?: string;
  /** Assumed roles: arn:aws:iam::ACCT:role/PATH/NAME (a resource policy naming it matches its sessions). */
  roleArn?: string;
  /** Kind 'service': e.g. 'ssm-incidents.amazonaws.com'. */
  service?: string;
}

/** One authorization question. */
export interface AuthzRequest {
  principal: Principal;
  /** 'ssm-incidents:StartIncident' (matched case-insensitively). */
  action: string;
  /** An ARN, or '*' for actions without resource-level permissions. */
  resource: string;
  /** The account owning the resource; undefined means the caller's own account. */
  resourceAccount?: string;
  /** Condition keys (names case-insensitive): aws:CurrentTime, aws:SecureTransport, aws:RequestTag/K, aws:TagKeys, ... */
  context: Record<string, string | string[] | undefined>;
}

/** One statement, ready to evaluate. */
export interface CompiledStatement {
  readonly deny: boolean;
  /** Lower-cased action patterns; with `notAction` the statement covers every other action. */
  readonly actions: readonly GlobMatcher[];
  readonly notAction: boolean;
  /** Null when the statement has no Resource element (a resource policy: the attached resource). */
  readonly resources: readonly PatternMatcher[] | null;
  readonly notResource: boolean;
  /** Null in identity policies. */
  readonly principal: CompiledPrincipal | null;
  readonly notPrincipal: boolean;
  readonly conditions: readonly CompiledCondition[];
}

/** A Principal element as sets; account root ARNs are folded into `accounts`. */
export interface CompiledPrincipal {
  readonly anyone: boolean;
  readonly accounts: ReadonlySet<string>;
  readonly arns: ReadonlySet<string>;
  readonly services: ReadonlySet<string>;
}

/** A policy compiled for repeated evaluation. */
export interface CompiledPolicy {
  readonly id: string;
  readonly kind: PolicyKind;
  readonly document: PolicyDocument;
  readonly statements: readonly CompiledStatement[];
  /**
   * Memo: the statements whose Action/NotAction covers an action, keyed by the action as the
   * caller spells it. A service has a small fixed set of actions, so after warm-up evaluating a
   * policy that does not concern the action costs one map lookup.
   */
  readonly byAction: Map<string, readonly CompiledStatement[]>;
}

const BY_ACTION_LIMIT = 2048;
const NO_STATEMENTS: readonly CompiledStatement[] = Object.freeze([]);

/** The policy's statements whose Action/NotAction element covers the action (memoized). */
function statementsFor(p: CompiledPolicy, action: string): readonly CompiledStatement[] {
  let found = p.byAction.get(action);
  if (found === undefined) {
    const lower = action.toLowerCase();
    const list = p.statements.filter((s) => s.actions.some((m) => m(lower)) !== s.notAction);
    found = list.length === 0 ? NO_STATEMENTS : list;
    if (p.byAction.size >= BY_ACTION_LIMIT) p.byAction.clear(); // actions come from Tocsin's router, so this is a guard only
    p.byAction.set(action, found);
  }
  return found;
}

export type Decision = { allowed: true } | { allowed: false; explicitDeny: boolean; reason: string };

/** Parses (when given text) and compiles a policy; throws MalformedPolicyDocument for bad text. */
export function compilePolicy(doc: PolicyDocument | string, kind: PolicyKind, id?: string): CompiledPolicy {
  const document = typeof doc === 'string' ? parsePolicyDocument(doc, kind) : doc;
  const variables = document.version === '2012-10-17';
  return {
    id: id ?? document.id ?? '',
    kind,
    document,
    statements: document.statements.map((s) => compileStatement(s, variables)),
    byAction: new Map(),
  };
}

function compileStatement(s: PolicyStatement, variables: boolean): CompiledStatement {
  const resources = s.resource ?? s.notResource;
  const principal = s.principal ?? s.notPrincipal;
  return {
    deny: s.effect === 'Deny',
    actions: (s.action ?? s.notAction ?? []).map((a) => compileGlob(a.toLowerCase())),
    notAction: s.notAction !== undefined,
    resources: resources === undefined ? null : resources.map((r) => compilePattern(r, { arn: r.startsWith('arn:'), variables })),
    notResource: s.notResource !== undefined,
    principal: principal === undefined ? null : compilePrincipal(principal),
    notPrincipal: s.notPrincipal !== undefined,
    conditions: compileConditions(s.conditions, variables),
  };
}

const ROOT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/;

function compilePrincipal(p: PrincipalElement): CompiledPrincipal {
  const accounts = new Set<string>();
  const arns = new Set<string>();
  const services = new Set<string>();
  let anyone = p === '*';
  if (p !== '*') {
    for (const v of p.AWS ?? []) {
      if (v === '*') anyone = true;
      else if (/^\d{12}$/.test(v)) accounts.add(v);
      else arns.add(v);
      const root = ROOT_ARN.exec(v);
      if (root) accounts.add(root[1]!);
    }
    for (const v of p.Service ?? []) services.add(v.toLowerCase());
    for (const v of p.Federated ?? []) arns.add(v);
  }
  return { anyone, accounts, arns, services };
}

const NONE = 0;
const ACCOUNT = 1;
const DIRECT = 2;
type Grant = typeof NONE | typeof ACCOUNT | typeof DIRECT;

/** How a Principal element names the caller: not at all, only through its account, or directly. */
function principalGrant(p: CompiledPrincipal, who: Principal): Grant {
  if (p.anyone) return DIRECT;
  if (who.kind === 'service') return p.services.has((who.service ?? who.arn).toLowerCase()) ? DIRECT : NONE;
  if (p.arns.has(who.arn)) return DIRECT;
  if (who.roleArn !== undefined && p.arns.has(who.roleArn)) return DIRECT;
  if (who.accountId !== undefined && p.accounts.has(who.accountId)) return who.kind === 'root' ? DIRECT : ACCOUNT;
  return NONE;
}

/**
 * NotPrincipal: the statement skips the caller only when every identity the request carries is
 * listed. AWS: with Deny, list the account too, or the account (and so everyone in it) is denied;
 * for a role session, the role ARN or the session ARN plus the account.
 */
function notPrincipalExcludes(p: CompiledPrincipal, who: Principal): boolean {
  if (p.anyone) return true;
  if (who.kind === 'service') return p.services.has((who.service ?? who.arn).toLowerCase());
  if (who.accountId === undefined || !p.accounts.has(who.accountId)) return false;
  if (who.kind === 'root') return true;
  return p.arns.has(who.arn) || (who.roleArn !== undefined && p.arns.has(who.roleArn));
}

/** The grant a resource-policy statement gives the caller through its Principal/NotPrincipal. */
function statementGrant(s: CompiledStatement, who: Principal): Grant {
  if (s.principal === null) return NONE;
  if (s.notPrincipal) return notPrincipalExcludes(s.principal, who) ? NONE : DIRECT;
  return principalGrant(s.principal, who);
}

/** Whether the statement's Resource and Condition elements cover the request (its action is covered). */
function covers(s: CompiledStatement, resource: string, ctx: ContextLookup): boolean {
  if (s.resources !== null) {
    let hit = false;
    for (let i = 0; i < s.resources.length; i++) if (s.resources[i]!(resource, ctx)) { hit = true; break; }
    if (hit === s.notResource) return false;
  }
  for (let i = 0; i < s.conditions.length; i++) if (!conditionHolds(s.conditions[i]!, ctx)) return false;
  return true;
}

const NO_POLICIES: readonly CompiledPolicy[] = Object.freeze([]);
const ALLOWED: Decision = Object.freeze({ allowed: true });
const deny = (explicitDeny: boolean, reason: string): Decision => Object.freeze({ allowed: false, explicitDeny, reason });
const IDENTITY_DENY = deny(true, 'explicit deny in an identity-based policy');
const RESOURCE_DENY = deny(true, 'explicit deny in a resource-based policy');
const NO_IDENTITY_ALLOW = deny(false, 'no identity-based policy allows the action');
const NO_CROSS_ACCOUNT_ALLOW = deny(false, 'no resource-based policy allows cross-account access');
const NO_SERVICE_ALLOW = deny(false, 'no resource-based policy allows the service principal');

/** Decides one request against the caller's identity policies and the resource's policies. */
export function evaluate(req: AuthzRequest, policies: { identity: readonly CompiledPolicy[]; resource?: readonly CompiledPolicy[] }): Decision {
  const who = req.principal;
  const ctx = new RequestContext(req);
  // Root is not limited by identity policies; services have none.
  let identityAllows = who.kind === 'root';
  if (who.kind !== 'root' && who.kind !== 'service') {
    for (const p of policies.identity) {
      for (const s of statementsFor(p, req.action)) {
        if (!s.deny && identityAllows) continue; // one Allow is enough; keep looking for a Deny
        if (!covers(s, req.resource, ctx)) continue;
        if (s.deny) return IDENTITY_DENY;
        identityAllows = true;
      }
    }
  }
  let resourceGrant: Grant = NONE;
  for (const p of policies.resource ?? NO_POLICIES) {
    for (const s of statementsFor(p, req.action)) {
      if (!s.deny && resourceGrant === DIRECT) continue;
      const grant = statementGrant(s, who);
      if (grant === NONE || !covers(s, req.resource, ctx)) continue;
      if (s.deny) return RESOURCE_DENY;
      if (grant > resourceGrant) resourceGrant = grant;
    }
  }
  if (who.kind === 'service') return resourceGrant === DIRECT ? ALLOWED : NO_SERVICE_ALLOW;
  if (req.resourceAccount === undefined || req.resourceAccount === who.accountId) {
    return identityAllows || resourceGrant === DIRECT ? ALLOWED : NO_IDENTITY_ALLOW;
  }
  if (!identityAllows) return NO_IDENTITY_ALLOW;
  return resourceGrant === NONE ? NO_CROSS_ACCOUNT_ALLOW : ALLOWED;
}

/**
 * The request context with case-insensitive key names (the lower-cased copy is built on first
 * use, so requests whose policies have no conditions or variables never build it), plus the keys
 * AWS derives from the principal when the caller did not supply them.
 */
class RequestContext implements ContextLookup {
  private lowered: Map<string, string | readonly string[]> | undefined;
  constructor(private readonly req: AuthzRequest) {}

  get(keyLower: string): string | readonly string[] | undefined {
    if (this.lowered === undefined) {
      this.lowered = new Map();
      for (const [k, v] of Object.entries(this.req.context)) if (v !== undefined) this.lowered.set(k.toLowerCase(), v);
    }
    return this.lowered.get(keyLower) ?? derivedKey(keyLower, this.req.principal);
  }
}

/** Global condition keys that follow from the principal (aws:PrincipalArn of a session is its role). */
function derivedKey(keyLower: string, who: Principal): string | undefined {
  switch (keyLower) {
    case 'aws:principalarn': return who.kind === 'service' ? undefined : who.kind === 'assumed-role' ? who.roleArn ?? who.arn : who.arn;
    case 'aws:principalaccount': return who.accountId;
    case 'aws:username': return who.kind === 'user' ? who.arn.slice(who.arn.lastIndexOf('/') + 1) : undefined;
    case 'aws:principaltype': return PRINCIPAL_TYPES[who.kind];
    case 'aws:principalisawsservice': return who.kind === 'service' ? 'true' : 'false';
    case 'aws:principalservicename': return who.kind === 'service' ? who.service ?? who.arn : undefined;
    default: return undefined;
  }
}

const PRINCIPAL_TYPES: Record<Principal['kind'], string | undefined> = { root: 'Account', user: 'User', 'assumed-role': 'AssumedRole', service: undefined };
