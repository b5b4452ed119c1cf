/**
 * Stateless temporary credentials. A session token is the session itself (account, role,
 * session name, access key id, secret, expiry) sealed with the master key (AES-256-GCM,
 * `tsb1.` prefix, payload version `v`), so verifying a request needs no database row and works
 * on every node that has the same master key. The secret travels inside the token but only
 * the master key opens it; GCM's tag makes any change to the token fail to open.
 */
import type { SecretBox } from '../crypto/secret-box.js';

/** A role session as its token carries it. */
export interface Session {
  /** The role's account (the session's principal lives there). */
  accountId: string;
  roleId: string;
  roleArn: string;
  roleName: string;
  sessionName: string;
  accessKeyId: string;
  secretAccessKey: string;
  issuedAt: Date;
  expiresAt: Date;
  sourceIdentity?: string;
}

const CONTEXT = 'sts-session';

interface Payload { v: 1; a: string; ri: string; r: string; rn: string; s: string; k: string; x: string; i: number; e: number; si?: string }

/** The session token of a session. */
export function sealSession(box: SecretBox, s: Session): string {
  const p: Payload = {
    v: 1, a: s.accountId, ri: s.roleId, r: s.roleArn, rn: s.roleName, s: s.sessionName, k: s.accessKeyId, x: s.secretAccessKey,
    i: s.issuedAt.getTime(), e: s.expiresAt.getTime(), ...(s.sourceIdentity !== undefined ? { si: s.sourceIdentity } : {}),
  };
  return box.seal(JSON.stringify(p), CONTEXT);
}

/** The session a token carries; undefined for anything not sealed by this master key as a session. */
export function openSession(box: SecretBox, token: string): Session | undefined {
  const text = box.open(token, CONTEXT);
  if (text === undefined) return undefined;
  let p: Payload;
  try {
    p = JSON.parse(text) as Payload;
  } catch {
    return undefined;
  }
  if (p?.v !== 1) return undefined;
  return {
    accountId: p.a, roleId: p.ri, roleArn: p.r, roleName: p.rn, sessionName: p.s, accessKeyId: p.k, secretAccessKey: p.x,
    issuedAt: new Date(p.i), expiresAt: new Date(p.e), ...(p.si !== undefined ? { sourceIdentity: p.si } : {}),
  };
}
