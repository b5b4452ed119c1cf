/**
 * Secrets at rest: AES-256-GCM under one master key. Every secret Tocsin stores (access key
 * secrets, session tokens' contents, later integration credentials) goes through a SecretBox.
 *
 * Sealed form: `tsb1.` + base64url(nonce[12] | tag[16] | ciphertext). The version prefix lets a
 * later format (or key rotation) coexist with this one. `context` is GCM's additional
 * authenticated data: a value sealed for one purpose (the secret of key AKIA...A) does not open
 * for another (the secret of key AKIA...B), so sealed values cannot be swapped between rows.
 *
 * The master key comes from TOCSIN_MASTER_KEY or else from `master.key` in the data directory,
 * generated (0600) at first start. Nodes sharing one PostgreSQL database must share the key.
 */
import { createHmac, createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PREFIX = 'tsb1.';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Name of the generated key file inside the data directory. */
export const MASTER_KEY_FILE = 'master.key';

/** Seals and opens secrets with AES-256-GCM under the master key. */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('a SecretBox key is 32 bytes');
    this.key = Buffer.from(key);
  }

  /** Encrypts `plaintext`, bound to `context` (which must be given again to open it). */
  seal(plaintext: string, context = ''): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** Decrypts a sealed value; undefined when it is malformed, tampered with, sealed under another key or for another context. */
  open(sealed: string, context = ''): string | undefined {
    if (!sealed.startsWith(PREFIX)) return undefined;
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    if (raw.length < NONCE_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }

  /**
   * A MAC of `data` under a key derived from the master key for `purpose` (HMAC-SHA256, base64url),
   * for values that prove themselves without being stored, such as a page's acknowledgement link.
   */
  mac(data: string, purpose: string): string {
    const subkey = createHmac('sha256', this.key).update(`mac:${purpose}`).digest();
    return createHmac('sha256', subkey).update(data, 'utf8').digest('base64url');
  }

  /** True when `text` has the sealed form (says nothing about whether it opens). */
  static isSealed(text: string): boolean {
    return text.startsWith(PREFIX);
  }
}

/** Decodes a master key written as hex (64 digits) or base64/base64url (32 bytes); undefined when it is neither. */
export function decodeMasterKey(text: string): Buffer | undefined {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === 32) return key;
  }
  return undefined;
}

/**
 * Reads `<dataDir>/master.key`, generating it (32 random bytes, base64, mode 0600) when it does
 * not exist. Creation is atomic (written aside, then hard-linked into place), so processes
 * starting together on one data directory all end up with the same key. Throws an Error whose
 * message names the file when it holds no valid key.
 */
export function loadOrCreateKeyFile(dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, MASTER_KEY_FILE);
  const aside = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(aside, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  try {
    linkSync(aside, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(aside);
  }
  // A key file readable by others is made private, as the credentials file is.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const key = decodeMasterKey(readFileSync(file, 'utf8'));
  if (!key) throw new Error(`${file} does not hold a master key (32 bytes as base64 or hex)`);
  return key;
}
