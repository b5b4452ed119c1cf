/**
 * STS: who is calling (GetCallerIdentity), whose key this is (GetAccessKeyInfo), and temporary
 * credentials for a role (AssumeRole). Whether a caller may assume a role (the role's trust
 * policy and the caller's identity policies) is the RoleAssumptionCheck's decision, given at
 * construction (the authorizer); the default lets only the role account's root assume it.
 */
import { assumedRoleArn, parseIamArn } from '../arn/arn.js';
import type { Caller } from '../api/operation.js';
import * as keys from '../accounts/account-store.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../db/database.js';
import { AccessDeniedError, ValidationError } from '../errors.js';
import { accountOfAccessKeyId, checkSessionName, constraintError, newAccessKeyId, newSecretAccessKey } from '../iam/iam-names.js';
import type { IamService } from '../iam/iam-service.js';
import type { Clock } from '../time/clock.js';
import { CredentialLookup } from './credential-lookup.js';
import { sealSession } from './session-token.js';

/** Decides whether `caller` may assume `role` (sts:AssumeRole). */
export interface RoleAssumptionCheck {
  /** `context`: the request's sts:ExternalId, sts:RoleSessionName and sts:SourceIdentity (trust policy conditions). */
  mayAssumeRole(caller: Caller, role: { arn: string; accountId: string; trustPolicy: string }, context?: Record<string, string | undefined>): Promise<boolean>;
}

/** The default check until the authorizer is wired in: only the role's own account's root. */
export const rootOfRoleAccountOnly: RoleAssumptionCheck = {
  async mayAssumeRole(caller, role) {
    return caller.kind === 'root' && caller.accountId === role.accountId;
  },
};

/** What AssumeRole takes. */
export interface AssumeRoleRequest {
  roleArn: string;
  roleSessionName: string;
  durationSeconds?: number;
  sourceIdentity?: string;
  /** The ExternalId the trust policy may require (Condition on sts:ExternalId). */
  externalId?: string;
  /** Session policies, session tags and MFA are not supported; AssumeRole refuses them rather than ignore them. */
  unsupported?: string[];
}

/** Temporary credentials for a role session. */
export interface AssumedRole {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: Date;
  assumedRoleId: string;
  arn: string;
  sourceIdentity?: string;
}

/** Longest session of a role assumed with role-session credentials (role chaining), in seconds. */
const CHAINED_MAX_SECONDS = 3600;

/** See the file comment. */
export class StsService {
  /** The credential lookup SigV4 verification uses. */
  readonly credentials: CredentialLookup;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly iam: IamService,
    private readonly check: RoleAssumptionCheck = rootOfRoleAccountOnly,
  ) {
    this.credentials = new CredentialLookup(database, clock, box, iam);
  }

  /** GetCallerIdentity: the caller's account, ARN and unique id. */
  callerIdentity(caller: Caller): { account: string; arn: string; userId: string } {
    return { account: caller.accountId, arn: caller.principalArn, userId: caller.userId };
  }

  /** The account an access key belongs to: a stored key's, else the one encoded in a key id Tocsin issued. */
  async accessKeyInfo(accessKeyId: string): Promise<{ account: string }> {
    const row = await keys.findAccessKey(this.database.db, accessKeyId);
    const account = row?.account_id ?? accountOfAccessKeyId(accessKeyId);
    if (!account) throw new ValidationError('accessKeyId', `Invalid value for accessKeyId: '${accessKeyId}' is not an access key id issued by this server.`);
    return { account };
  }

  /**
   * Issues temporary credentials for a role: DurationSeconds from 900 to the role's
   * MaxSessionDuration (1 hour when the caller is itself a role session), default 1 hour. A role
   * that does not exist and a caller the check refuses get the same AccessDenied, as in AWS.
   */
  async assumeRole(caller: Caller, req: AssumeRoleRequest, region: string, check: RoleAssumptionCheck = this.check): Promise<AssumedRole> {
    const sessionName = checkSessionName(req.roleSessionName);
    const duration = req.durationSeconds ?? 3600;
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
      throw constraintError('durationSeconds', duration, duration < 900 ? 'Member must have value greater than or equal to 900' : 'Member must have value less than or equal to 43200');
    }
    if (req.sourceIdentity !== undefined) checkSessionName(req.sourceIdentity, 'sourceIdentity');
    if (req.unsupported?.length) {
      throw new ValidationError(req.unsupported[0], `Tocsin does not support ${req.unsupported.join(', ')} in AssumeRole.`);
    }
    const parsed = parseIamArn(req.roleArn);
    if (!parsed || parsed.kind !== 'role') throw new ValidationError('roleArn', `${req.roleArn} is invalid`);
    const denied = () => new AccessDeniedError(`User: ${caller.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${req.roleArn}`);
    const role = await this.iam.findRole(parsed.account, req.roleArn);
    const context = { 'sts:ExternalId': req.externalId, 'sts:RoleSessionName': sessionName, 'sts:SourceIdentity': req.sourceIdentity };
    if (!role || !(await check.mayAssumeRole(caller, { arn: role.arn, accountId: role.accountId, trustPolicy: role.trustPolicy }, context))) throw denied();
    if (caller.kind === 'assumed-role' && duration > CHAINED_MAX_SECONDS) {
      throw new ValidationError('durationSeconds', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    if (duration > role.maxSessionSeconds) {
      throw new ValidationError('durationSeconds', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    const now = this.clock.now();
    // Expiration is reported to the second, so the token holds the same instant.
    const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + duration * 1000);
    const accessKeyId = newAccessKeyId('ASIA', role.accountId);
    const secretAccessKey = newSecretAccessKey();
    const sessionToken = sealSession(this.box, {
      accountId: role.accountId, roleId: role.roleId, roleArn: role.arn, roleName: role.name, sessionName, accessKeyId, secretAccessKey,
      issuedAt: now, expiresAt, sourceIdentity: req.sourceIdentity,
    });
    await this.iam.roles.recordUse(role.roleId, region);
    return {
      accessKeyId, secretAccessKey, sessionToken, expiresAt,
      assumedRoleId: `${role.roleId}:${sessionName}`, arn: assumedRoleArn(role.accountId, role.name, sessionName),
      ...(req.sourceIdentity !== undefined ? { sourceIdentity: req.sourceIdentity } : {}),
    };
  }
}
