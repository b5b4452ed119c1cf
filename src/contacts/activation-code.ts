/**
 * Activation codes of contact channels: six random digits (like AWS's, e.g. 466136) sent over
 * the channel itself, so activating proves the address reaches its owner. Pure: no I/O.
 *
 * - A code is valid for CODE_LIFETIME_MS (24 hours) after it was sent; sending a new one
 *   replaces it.
 * - Only a salted SHA-256 of it is stored. (Six digits are guessable offline from a hash, but
 *   whoever can read the database can also mark a channel activated: the hash keeps the code out
 *   of backups and logs, the attempt limit keeps it from being guessed through the API.)
 * - MAX_WRONG_ATTEMPTS wrong codes invalidate it; a new one must be requested.
 * - At most MAX_CODES_PER_WINDOW codes are sent to one channel per CODE_WINDOW_MS (1 hour), so
 *   the API cannot be used to flood someone's phone (SendActivationCode's
 *   ServiceQuotaExceededException).
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** How long a sent code may be used. */
export const CODE_LIFETIME_MS = 24 * 3600_000;
/** Wrong codes after which the outstanding one stops working. */
export const MAX_WRONG_ATTEMPTS = 5;
/** Codes one channel may be sent per window. */
export const MAX_CODES_PER_WINDOW = 5;
/** The window of MAX_CODES_PER_WINDOW. */
export const CODE_WINDOW_MS = 3600_000;
/** Quota code reported when a channel was sent too many codes. */
export const CODES_QUOTA_CODE = 'ActivationCodesPerChannelPerHour';

/** A fresh code: six digits, leading zeros kept. */
export function newActivationCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** What is stored for a code: `salt:sha256(salt, code)` in hex. */
export function hashActivationCode(code: string): string {
  const salt = randomBytes(16).toString('hex');
  return `${salt}:${digest(salt, code)}`;
}

/** True when `code` is the one `stored` was made from (constant time). */
export function activationCodeMatches(code: string, stored: string): boolean {
  const [salt, hash] = stored.split(':');
  if (!salt || !hash) return false;
  const a = Buffer.from(digest(salt, code), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The outstanding code's state, as the store keeps it. */
export interface CodeState {
  codeHash: string | null;
  codeExpiresAt: number | null;
  failedAttempts: number;
}

/** What an ActivateContactChannel with `code` at `nowMs` comes to. */
export type CodeCheck = 'match' | 'none' | 'expired' | 'wrong' | 'wrong-and-spent';

/** Checks a code against the outstanding one: 'wrong-and-spent' is the wrong try that used the last attempt. */
export function checkActivationCode(state: CodeState, code: string, nowMs: number): CodeCheck {
  if (!state.codeHash || state.codeExpiresAt === null) return 'none';
  if (nowMs >= state.codeExpiresAt) return 'expired';
  if (activationCodeMatches(code, state.codeHash)) return 'match';
  return state.failedAttempts + 1 >= MAX_WRONG_ATTEMPTS ? 'wrong-and-spent' : 'wrong';
}

/** The send window after one more code at `nowMs`, or undefined when the quota is used up. */
export function nextSendWindow(windowStart: number | null, sentInWindow: number, nowMs: number): { windowStart: number; sent: number } | undefined {
  if (windowStart === null || nowMs - windowStart >= CODE_WINDOW_MS) return { windowStart: nowMs, sent: 1 };
  if (sentInWindow >= MAX_CODES_PER_WINDOW) return undefined;
  return { windowStart, sent: sentInWindow + 1 };
}

function digest(salt: string, code: string): string {
  return createHash('sha256').update(salt).update(':').update(code).digest('hex');
}
