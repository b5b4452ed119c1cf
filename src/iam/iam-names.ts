/**
 * IAM's rules for names, paths, tags and the ids it generates, as the IAM and STS API
 * references state them (https://docs.aws.amazon.com/IAM/latest/APIReference/). Pure.
 *
 * Ids: users AIDA…, roles AROA…, policies ANPA… followed by 16 characters of base32
 * (A–Z, 2–7). Access key ids (AKIA… long-term, ASIA… temporary) carry their account in those
 * 16 characters, as AWS's do since 2019: 80 bits = the 12-digit account (40 bits) and 40 random
 * bits. That lets GetAccessKeyInfo name the account of any key Tocsin issued, including
 * stateless session keys and keys deleted since.
 */
import { randomBytes } from 'node:crypto';
import { ValidationError } from '../errors.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A "1 validation error detected" error in the words AWS uses, naming the member. */
export function constraintError(field: string, value: unknown, constraint: string): ValidationError {
  return new ValidationError(field, `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`);
}

function check(field: string, value: string, min: number, max: number, pattern: RegExp, patternText: string): string {
  const n = [...value].length;
  if (n < min) throw constraintError(field, value, `Member must have length greater than or equal to ${min}`);
  if (n > max) throw constraintError(field, value, `Member must have length less than or equal to ${max}`);
  if (!pattern.test(value)) throw constraintError(field, value, `Member must satisfy regular expression pattern: ${patternText}`);
  return value;
}

const NAME = /^[\w+=,.@-]+$/;
/** A user's name: 1–64 of letters, digits and + = , . @ _ - (case-insensitively unique). */
export const checkUserName = (name: string, field = 'userName') => check(field, name, 1, 64, NAME, '[\\w+=,.@-]+');
/** A role's name: as a user's. */
export const checkRoleName = (name: string, field = 'roleName') => check(field, name, 1, 64, NAME, '[\\w+=,.@-]+');
/** A managed or inline policy's name: 1–128 of the same characters. */
export const checkPolicyName = (name: string, field = 'policyName') => check(field, name, 1, 128, NAME, '[\\w+=,.@-]+');

/** A user or role path: '/' or '/…/' of printable ASCII, at most 512; defaults to '/'. */
export function normalizePath(path: string | undefined, field = 'path'): string {
  if (path === undefined) return '/';
  return check(field, path, 1, 512, /^(\/|\/[\x21-\x7e]+\/)$/, '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)');
}

/** A managed policy's path: stricter segments of letters, digits and . , + @ = _ -. */
export function normalizePolicyPath(path: string | undefined, field = 'path'): string {
  if (path === undefined) return '/';
  return check(field, path, 1, 512, /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/, '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/');
}

/** A PathPrefix filter: '/' followed by printable ASCII; defaults to '/' (everything). */
export function normalizePathPrefix(prefix: string | undefined, field = 'pathPrefix'): string {
  if (prefix === undefined) return '/';
  return check(field, prefix, 1, 512, /^\/[\x21-\x7f]*$/, '\\u002F[\\u0021-\\u007F]*');
}

/** A role session name (AssumeRole): 2–64 of letters, digits and + = , . @ _ -. */
export const checkSessionName = (name: string, field = 'roleSessionName') => check(field, name, 2, 64, /^[\w+=,.@-]*$/, '[\\w+=,.@-]*');

/** A description of a role (at most 1000 characters, no control characters but tab and newlines). */
export function checkRoleDescription(text: string, field = 'description'): string {
  return check(field, text, 0, 1000, /^[\t\n\r\x20-\x7e\u00a1-\u00ff]*$/, '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*');
}

/** IAM's tag rules, shared by users and roles. */
export interface Tag { Key: string; Value: string }

/** Checks tags' keys and values; two keys differing only in case are a duplicate (InvalidInput). */
export function normalizeTags(tags: readonly Tag[] | undefined, field = 'tags'): Tag[] {
  if (!tags) return [];
  if (tags.length > 50) throw constraintError(field, '[…]', 'Member must have length less than or equal to 50');
  const seen = new Set<string>();
  tags.forEach((t, i) => {
    check(`${field}.${i + 1}.member.key`, t.Key, 1, 128, /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+');
    check(`${field}.${i + 1}.member.value`, t.Value, 0, 256, /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*');
    const k = t.Key.toLowerCase();
    if (seen.has(k)) {
      throw new ValidationError(field, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.').as('InvalidInputException');
    }
    seen.add(k);
  });
  return tags.map((t) => ({ Key: t.Key, Value: t.Value }));
}

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  return bits > 0 ? out + BASE32[(acc << (5 - bits)) & 31] : out;
}

function unbase32(text: string): Buffer | undefined {
  const bytes: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of text) {
    const v = BASE32.indexOf(ch);
    if (v < 0) return undefined;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((acc >>> (bits - 8)) & 255);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

/** A new unique id: AIDA (user), AROA (role) or ANPA (managed policy) and 16 random characters. */
export function newUniqueId(prefix: 'AIDA' | 'AROA' | 'ANPA'): string {
  return prefix + base32(randomBytes(10));
}

/** A new access key id of the account: AKIA (long-term) or ASIA (temporary). */
export function newAccessKeyId(prefix: 'AKIA' | 'ASIA', accountId: string): string {
  const bytes = Buffer.alloc(10);
  const account = Number(accountId);
  bytes.writeUIntBE(Math.floor(account / 2 ** 8), 0, 4);
  bytes[4] = account % 2 ** 8;
  randomBytes(5).copy(bytes, 5);
  return prefix + base32(bytes);
}

/** The account an access key id made by newAccessKeyId belongs to; undefined for other ids. */
export function accountOfAccessKeyId(accessKeyId: string): string | undefined {
  const m = /^(AKIA|ASIA)([A-Z2-7]{16})$/.exec(accessKeyId);
  const bytes = m && unbase32(m[2]);
  if (!bytes || bytes.length !== 10) return undefined;
  const account = bytes.readUIntBE(0, 4) * 2 ** 8 + bytes[4];
  return account < 1e12 ? String(account).padStart(12, '0') : undefined;
}

/** A new secret access key: 40 characters of letters, digits, + and /, as AWS's. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}
