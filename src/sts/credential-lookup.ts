/**
 * Resolves the access key id of a signed request (and its session token, when it has one) to
 * the signing secret and the calling principal, for SigV4 verification:
 *  - root keys and IAM users' keys from the database, Active ones only (an Inactive or deleted
 *    key is as unknown as a key that never existed: UnrecognizedClient);
 *  - temporary (ASIA...) keys from their session token alone (src/sts/session-token.ts): the
 *    token must open, name this access key id, not be expired (ExpiredToken), and its role must
 *    still exist (a deleted role ends its sessions).
 *
 * Results are cached in memory. Changes made through this node's services clear the cache at
 * once (the change feed); changes made by another node on PostgreSQL (a key deactivated or
 * deleted, a role deleted) are seen within `ttlMs`, 5 s by default.
 */
import { assumedRoleArn } from '../arn/arn.js';
import type { Caller } from '../api/operation.js';
import type { SigningSecret } from '../api/sigv4.js';
import * as keys from '../accounts/account-store.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../db/database.js';
import { AuthenticationError } from '../errors.js';
import { openKeySecret } from '../iam/access-key-secret.js';
import type { IamService } from '../iam/iam-service.js';
import type { Clock } from '../time/clock.js';
import { openSession } from './session-token.js';

interface Resolved {
  secret: SigningSecret;
  caller: Caller;
  /** Temporary credentials: when they expire (ms). */
  expiresAt?: number;
}

interface Held {
  resolved: Resolved | null;
  /** The session token this entry was resolved from (temporary credentials). */
  token?: string;
  at: number;
}

const CACHE_LIMIT = 10_000;

/** Thrown for temporary credentials past their expiry. */
export function expiredToken(): AuthenticationError {
  return new AuthenticationError('ExpiredTokenException', 403, 'The security token included in the request is expired');
}

/** See the file comment. */
export class CredentialLookup {
  private readonly cache = new Map<string, Held>();
  private readonly ttlMs: number;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly iam: IamService,
    opts: { ttlMs?: number } = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 5_000;
    iam.onChange(() => this.cache.clear());
  }

  /** The signing secret of an access key (with the token it requires, for temporary keys); undefined when unknown. */
  async secretFor(accessKeyId: string, sessionToken?: string): Promise<SigningSecret | undefined> {
    return (await this.resolve(accessKeyId, sessionToken))?.secret;
  }

  /**
   * The principal a verified access key belongs to. Without `use.sessionToken`, temporary keys
   * are found among those secretFor resolved moments ago. With `use.service` and `use.region`,
   * the use of a long-term key is recorded (GetAccessKeyLastUsed).
   */
  async callerFor(accessKeyId: string, use: { sessionToken?: string; service?: string; region?: string } = {}): Promise<Caller | undefined> {
    const held = this.cache.get(accessKeyId);
    const resolved = use.sessionToken === undefined && held?.token !== undefined && held.resolved
      ? this.checkExpiry(held.resolved)
      : await this.resolve(accessKeyId, use.sessionToken);
    if (resolved && use.service && use.region && resolved.caller.kind !== 'assumed-role') {
      this.iam.accessKeys.recordUse(accessKeyId, use.service, use.region).catch(() => {});
    }
    return resolved?.caller;
  }

  /** Forgets every cached resolution. */
  invalidate(): void {
    this.cache.clear();
  }

  private async resolve(accessKeyId: string, token: string | undefined): Promise<Resolved | undefined> {
    const now = this.clock.now().getTime();
    const held = this.cache.get(accessKeyId);
    if (held && now - held.at <= this.ttlMs && held.token === token) return held.resolved ? this.checkExpiry(held.resolved) : undefined;
    const resolved = accessKeyId.startsWith('ASIA') ? await this.session(accessKeyId, token) : await this.longTerm(accessKeyId);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(accessKeyId, { resolved: resolved ?? null, token, at: now });
    return resolved ? this.checkExpiry(resolved) : undefined;
  }

  private checkExpiry(resolved: Resolved): Resolved {
    if (resolved.expiresAt !== undefined && this.clock.now().getTime() >= resolved.expiresAt) throw expiredToken();
    return resolved;
  }

  /** A root or user key: Active, and its secret opens. */
  private async longTerm(accessKeyId: string): Promise<Resolved | undefined> {
    const row = await keys.findAccessKey(this.database.db, accessKeyId);
    if (!row || row.status !== 'Active') return undefined;
    // A row still unsealed was written by an older node during a rolling upgrade; the next start seals it.
    const secretAccessKey = row.sealed ? openKeySecret(this.box, accessKeyId, row.secret_access_key) : row.secret_access_key;
    if (secretAccessKey === undefined) return undefined;
    if (row.kind === 'user') {
      const user = row.user_id ? await this.iam.users.findById(row.user_id) : undefined;
      if (!user) return undefined;
      return {
        secret: { secretAccessKey },
        caller: { accountId: row.account_id, principalArn: user.arn, accessKeyId, kind: 'user', userId: user.userId, userName: user.name },
      };
    }
    return { secret: { secretAccessKey }, caller: { accountId: row.account_id, principalArn: row.principal_arn, accessKeyId, kind: 'root', userId: row.account_id } };
  }

  /** Temporary credentials: everything comes from the token; only the role's existence is checked. */
  private async session(accessKeyId: string, token: string | undefined): Promise<Resolved | undefined> {
    const session = token === undefined ? undefined : openSession(this.box, token);
    if (!session || session.accessKeyId !== accessKeyId) return undefined;
    if (this.clock.now().getTime() >= session.expiresAt.getTime()) throw expiredToken();
    const role = await this.iam.roles.findById(session.roleId);
    if (!role) return undefined;
    return {
      secret: { secretAccessKey: session.secretAccessKey, sessionToken: token },
      caller: {
        accountId: session.accountId, principalArn: assumedRoleArn(session.accountId, role.name, session.sessionName), accessKeyId,
        kind: 'assumed-role', userId: `${role.roleId}:${session.sessionName}`, roleArn: role.arn, roleName: role.name,
        sessionName: session.sessionName, expiresAt: session.expiresAt,
      },
      expiresAt: session.expiresAt.getTime(),
    };
  }
}
