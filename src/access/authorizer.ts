/**
 * The one authorization decision every AWS request passes through (src/api/aws-api.ts calls
 * `authorize` between input validation and the handler). It turns the request into IAM terms
 * (src/access/actions.ts), gathers the caller's identity policies and the resource's policies,
 * and asks the pure evaluator (src/access/policy/evaluate.ts).
 *
 * Compiled policies are cached: a principal's identity policies until IAM changes anything
 * (the IAM service's change counter, bumped on every write) or, for changes made by another
 * node on PostgreSQL, for at most `ttlMs`; a plan's resource policies the same way.
 */
import { contactArn, parseArn, parseContactsArn, parseIncidentsArn, responsePlanArn } from '../arn/arn.js';
import type { Caller } from '../api/operation.js';
import { AccessDeniedError } from '../errors.js';
import type { Clock } from '../time/clock.js';
import { authorizationTargets, type AuthzTarget } from './actions.js';
import { compilePolicy, evaluate, type CompiledPolicy, type Decision, type Principal } from './policy/evaluate.js';

/** A stored policy document with a stable id (changes when the document does). */
export interface StoredPolicy { id: string; document: string }

/** Where identity policies come from (the IAM service). */
export interface IdentityPolicySource {
  identityPolicies(caller: Caller): Promise<StoredPolicy[]>;
  /** Tags of an IAM user or role by ARN (aws:PrincipalTag/KEY). */
  tagsOfArn(arn: string): Promise<Record<string, string>>;
  /** A role by ARN (any account), with its id and trust policy. */
  findRole(accountId: string, roleArn: string): Promise<{ arn: string; accountId: string; roleId: string; name: string; trustPolicy: string } | undefined>;
  /** Increases whenever anything in IAM changes on this node. */
  readonly changeCount: number;
}

/** Where resource policies come from (response plans' PutResourcePolicy, contacts' PutContactPolicy). */
export interface ResourcePolicySource {
  /** Policies attached to the resource (a response plan or contact ARN). */
  policiesOf(resourceArn: string): Promise<StoredPolicy[]>;
  readonly changeCount: number;
}

/** Tags of a resource, for aws:ResourceTag/KEY. */
export interface ResourceTagSource {
  tagsOf(resourceArn: string): Promise<Record<string, string>>;
}

export interface AuthorizerOptions {
  identity: IdentityPolicySource;
  resources: ResourcePolicySource;
  tags: ResourceTagSource;
  clock: Clock;
  region: string;
  /** How long a cached policy set may be used without a local change (multi-node staleness bound). */
  ttlMs?: number;
}

/** The outcome of an allowed request: which account the operation acts in. */
export interface Authorized {
  /** The account owning the resource (the caller's own unless a resource policy shared another's). */
  account: string;
}

interface Held {
  policies: CompiledPolicy[];
  mentionsResourceTag: boolean;
  /** aws:PrincipalTag/KEY of the principal (loaded only when its policies mention principal tags). */
  principalTags?: Record<string, string>;
  changeCount: number;
  at: number;
}

/** What the request itself tells the conditions: TLS (aws:SecureTransport) and the client address (aws:SourceIp). */
export interface RequestFacts {
  secureTransport: boolean;
  sourceIp?: string;
}

const CACHE_LIMIT = 10_000;

/** Decides requests; see the file comment. */
export class Authorizer {
  private readonly identityCache = new Map<string, Held>();
  private readonly resourceCache = new Map<string, Held>();
  private readonly compiled = new Map<string, CompiledPolicy>();
  private readonly ttlMs: number;

  constructor(private readonly opts: AuthorizerOptions) {
    this.ttlMs = opts.ttlMs ?? 5_000;
  }

  /**
   * Allows or refuses one request (AccessDeniedError naming the principal, action and resource).
   * `service` is the IAM prefix (the signing name), `input` the validated input.
   */
  async authorize(caller: Caller, service: string, operation: string, input: Record<string, unknown>, opts: RequestFacts): Promise<Authorized> {
    const targets = authorizationTargets(service, operation, input, caller, this.opts.region);
    let account = caller.accountId;
    for (const target of targets) {
      const owner = resourceAccount(target.resource) ?? caller.accountId;
      const decision = await this.decide(caller, target, owner, opts);
      if (!decision.allowed) throw denied(caller, target, decision);
      if (target === targets[0]) account = owner;
    }
    return { account };
  }

  /**
   * One permission whose resource a handler found itself (e.g. the owner of an access key):
   * allows or throws AccessDeniedError, as `authorize` does for the request's own targets.
   */
  async authorizeTarget(caller: Caller, target: AuthzTarget, opts: RequestFacts): Promise<void> {
    const owner = resourceAccount(target.resource) ?? caller.accountId;
    const decision = await this.decide(caller, target, owner, opts);
    if (!decision.allowed) throw denied(caller, target, decision);
  }

  /**
   * May `caller` assume `role`? Unlike other resource policies, a trust policy must always allow
   * the caller: AssumeRole is allowed when the trust policy names the caller itself (its user,
   * role or session ARN: enough within the role's account), or when it names the caller's
   * account (or the caller from another account) and the caller's identity policies allow
   * sts:AssumeRole on the role too; an explicit Deny in either refuses. Root credentials may not
   * assume roles at all, as in AWS. `context` carries sts:ExternalId, sts:RoleSessionName and
   * sts:SourceIdentity for the trust policy's conditions.
   */
  async mayAssumeRole(caller: Caller, role: { arn: string; accountId: string; trustPolicy: string }, context: Record<string, string | undefined> = {}): Promise<boolean> {
    if (caller.kind === 'root') return false;
    const trust = this.compile(`trust:${role.arn}:${role.trustPolicy}`, role.trustPolicy, 'trust');
    const target: AuthzTarget = { action: 'sts:AssumeRole', resource: role.arn };
    const identity = (await this.identityOf(caller)).policies;
    const ctx = { ...callerContext(caller), ...context };
    const principal = principalOf(caller);
    if (caller.accountId === role.accountId) {
      // The trust policy alone, naming the caller itself (an account-wide grant does not count here).
      const named = evaluate(this.request(principal, target, role.accountId, false, ctx), { identity: [], resource: [trust] });
      if (named.allowed) return evaluate(this.request(principal, target, role.accountId, false, ctx), { identity, resource: [trust] }).allowed;
    }
    // Otherwise both sides, as for a cross-account request (the trust policy may name the account).
    return evaluate(this.request(principal, target, crossAccountFraming(caller, role.accountId), false, ctx), { identity, resource: [trust] }).allowed;
  }

  /**
   * The runbook check (issue 6 calls it when an incident starts): may the response plan's role
   * `roleArn` start automation document `documentName` at `version` in `account`? The role must
   * exist, its trust policy must let Incident Manager (ssm-incidents.amazonaws.com) assume it,
   * and its policies must allow ssm:StartAutomationExecution on the document's automation
   * definition. A plan is not refused at creation for its role (as in AWS); a start the role
   * does not permit is recorded as a failure on the incident's timeline, with `reason`.
   */
  async mayRoleStartAutomation(roleArn: string, documentName: string, version: string, account: string): Promise<Decision> {
    const role = await this.opts.identity.findRole(parseArn(roleArn)?.account ?? '', roleArn);
    if (!role) return { allowed: false, explicitDeny: false, reason: `the role ${roleArn} does not exist` };
    const trust = this.compile(`trust:${role.arn}:${role.trustPolicy}`, role.trustPolicy, 'trust');
    const service: Principal = { kind: 'service', arn: 'ssm-incidents.amazonaws.com', service: 'ssm-incidents.amazonaws.com' };
    const assume = evaluate(this.request(service, { action: 'sts:AssumeRole', resource: role.arn }, role.accountId, true, {}), { identity: [], resource: [trust] });
    if (!assume.allowed) {
      return { allowed: false, explicitDeny: assume.explicitDeny, reason: `the trust policy of ${role.arn} does not let ssm-incidents.amazonaws.com assume it` };
    }
    const session = roleSession(role, 'IncidentManager');
    const identity = (await this.identityOf(session)).policies;
    const definition = `arn:aws:ssm:${this.opts.region}:${account}:automation-definition/${documentName}:${version}`;
    const start = { action: 'ssm:StartAutomationExecution', resource: definition };
    const decision = evaluate(this.request(principalOf(session), start, account, true, callerContext(session)), { identity });
    if (decision.allowed) return decision;
    return { ...decision, reason: `${role.arn} may not perform ssm:StartAutomationExecution on ${definition}: ${decision.reason}` };
  }

  private async decide(caller: Caller, target: AuthzTarget, owner: string, facts: RequestFacts): Promise<Decision> {
    const resource = await this.resourcePoliciesOf(target.resource);
    const sameAccount = owner === caller.accountId;
    // Root of the resource's account: allowed unless a resource policy explicitly denies; and it
    // may always read and change the resource's policies (as S3 lets root delete a bucket policy),
    // so a Deny-everyone policy can be undone without wiping the account.
    if (caller.kind === 'root' && sameAccount && (resource.policies.length === 0 || rootManagesPolicies.has(target.action))) return { allowed: true };
    const identity = caller.kind === 'root' ? undefined : await this.identityOf(caller);
    const extra: Record<string, string | string[] | undefined> = { ...callerContext(caller), ...identity?.principalTags };
    if (facts.sourceIp) extra['aws:SourceIp'] = facts.sourceIp;
    if (identity?.mentionsResourceTag || resource.mentionsResourceTag) {
      for (const [k, v] of Object.entries(await this.opts.tags.tagsOf(target.resource))) extra[`aws:ResourceTag/${k}`] = v;
    }
    const req = this.request(principalOf(caller), target, owner, facts.secureTransport, extra);
    return evaluate(req, { identity: identity?.policies ?? [], resource: resource.policies });
  }

  private request(principal: Principal, target: AuthzTarget, owner: string, secure: boolean, extra: Record<string, string | string[] | undefined>) {
    const now = this.opts.clock.now();
    const context: Record<string, string | string[] | undefined> = {
      'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
      'aws:SecureTransport': String(secure),
      ...(principal.kind === 'service' ? { 'aws:PrincipalServiceName': principal.service } : {}),
      ...target.context,
      ...extra,
    };
    if (target.tagKeys) context['aws:TagKeys'] = target.tagKeys;
    for (const [k, v] of Object.entries(target.requestTags ?? {})) context[`aws:RequestTag/${k}`] = v;
    return { principal, action: target.action, resource: target.resource, resourceAccount: owner, context };
  }

  /** The caller's identity policies, compiled (cached per principal). */
  private async identityOf(caller: Caller): Promise<Held> {
    const key = caller.kind === 'assumed-role' ? caller.roleArn! : caller.principalArn;
    const source = this.opts.identity;
    const held = this.fresh(this.identityCache.get(key), source.changeCount);
    if (held) return held;
    const stored = await source.identityPolicies(caller);
    const loaded = this.hold(this.identityCache, key, stored, 'identity', source.changeCount);
    // ABAC: the user's or role's own tags, when a policy asks for them.
    if (stored.some((p) => /aws:principaltag/i.test(p.document))) {
      const tags = await source.tagsOfArn(caller.kind === 'assumed-role' ? caller.roleArn! : caller.principalArn);
      loaded.principalTags = Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v]));
    }
    return loaded;
  }

  /** Resource policies that govern `arn`: those of its response plan or contact (governingResource). */
  private async resourcePoliciesOf(arn: string): Promise<Held> {
    const governing = governingResource(arn);
    if (!governing) return empty;
    const source = this.opts.resources;
    const held = this.fresh(this.resourceCache.get(governing), source.changeCount);
    if (held) return held;
    const stored = await source.policiesOf(governing);
    return this.hold(this.resourceCache, governing, stored, 'resource', source.changeCount);
  }

  private fresh(held: Held | undefined, changeCount: number): Held | undefined {
    if (!held || held.changeCount !== changeCount || this.opts.clock.now().getTime() - held.at > this.ttlMs) return undefined;
    return held;
  }

  private hold(cache: Map<string, Held>, key: string, stored: StoredPolicy[], kind: 'identity' | 'resource', changeCount: number): Held {
    const held: Held = {
      policies: stored.map((p) => this.compile(`${kind}:${p.id}:${p.document}`, p.document, kind)),
      mentionsResourceTag: stored.some((p) => /aws:resourcetag/i.test(p.document)),
      changeCount,
      at: this.opts.clock.now().getTime(),
    };
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, held);
    return held;
  }

  /** Compiles a document once per (id, text). */
  private compile(key: string, document: string, kind: 'identity' | 'resource' | 'trust'): CompiledPolicy {
    let c = this.compiled.get(key);
    if (!c) {
      c = compilePolicy(document, kind, key);
      if (this.compiled.size >= CACHE_LIMIT) this.compiled.clear();
      this.compiled.set(key, c);
    }
    return c;
  }
}

/** Actions the resource account's root may always perform on its resources' policies. */
const rootManagesPolicies = new Set([
  'ssm-incidents:GetResourcePolicies', 'ssm-incidents:PutResourcePolicy', 'ssm-incidents:DeleteResourcePolicy',
  'ssm-contacts:GetContactPolicy', 'ssm-contacts:PutContactPolicy',
]);

const empty: Held = { policies: [], mentionsResourceTag: false, changeCount: 0, at: 0 };

/**
 * The resource account under which the evaluator requires both an identity-policy Allow and a
 * trust-policy Allow: the role's own account when it is another account than the caller's, else
 * a placeholder account that is not the caller's (same-account AssumeRole through an
 * account-wide trust grant needs the caller's own permission too).
 */
function crossAccountFraming(caller: Caller, roleAccount: string): string {
  if (roleAccount !== caller.accountId) return roleAccount;
  return caller.accountId === '000000000000' ? '000000000001' : '000000000000';
}

/** The account that owns an ARN's resource ('*' and account-less ARNs: undefined). */
function resourceAccount(resource: string): string | undefined {
  if (resource === '*') return undefined;
  return parseArn(resource)?.account || undefined;
}

/**
 * The resource whose policies govern an ARN: a response plan for itself and its incident
 * records; a contact for itself and its channels, engagements and pages (ARNs that carry the
 * contact's alias, as AWS's contact policies share `contact/ALIAS` with `engagement/ALIAS/*`).
 */
function governingResource(arn: string): string | undefined {
  const parsed = parseIncidentsArn(arn);
  if (parsed?.kind === 'response-plan') return arn;
  if (parsed?.kind === 'incident-record') return responsePlanArn(parsed.account, parsed.path[0]!);
  const contact = parseContactsArn(arn);
  if (contact?.kind === 'contact') return arn;
  if (contact && contact.kind !== 'rotation') return contactArn(contact.region, contact.account, contact.path[0]!);
  return undefined;
}

function principalOf(caller: Caller): Principal {
  return { kind: caller.kind, arn: caller.principalArn, accountId: caller.accountId, ...(caller.roleArn ? { roleArn: caller.roleArn } : {}) };
}

/** A caller acting as a session of `role` (the runbook check evaluates the role's own policies). */
function roleSession(role: { arn: string; accountId: string; roleId: string; name: string }, sessionName: string): Caller {
  return {
    kind: 'assumed-role', accountId: role.accountId, accessKeyId: '', roleArn: role.arn, roleName: role.name, sessionName,
    principalArn: `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`, userId: `${role.roleId}:${sessionName}`,
  };
}

/** Global condition keys that describe the calling principal. */
function callerContext(c: Caller): Record<string, string | undefined> {
  return {
    // For a role session, aws:PrincipalArn is the role's ARN (as AWS reports it).
    'aws:PrincipalArn': c.kind === 'assumed-role' ? c.roleArn : c.principalArn,
    'aws:PrincipalAccount': c.accountId,
    'aws:PrincipalType': c.kind === 'root' ? 'Account' : c.kind === 'user' ? 'User' : 'AssumedRole',
    'aws:userid': c.userId,
    ...(c.kind === 'user' ? { 'aws:username': c.userName } : {}),
  };
}

/** AWS's wording: "User: ARN is not authorized to perform: ACTION on resource: ARN because ...". */
function denied(caller: Caller, target: AuthzTarget, decision: Extract<Decision, { allowed: false }>): AccessDeniedError {
  const on = target.resource === '*' ? '' : ` on resource: ${target.resource}`;
  return new AccessDeniedError(`User: ${caller.principalArn} is not authorized to perform: ${target.action}${on} ${decision.explicitDeny ? 'with an' : 'because'} ${decision.reason}`);
}
