/**
 * How an access key's secret is kept: sealed with the master key and bound to its key id, so
 * a sealed secret copied onto another key's row does not open there.
 */
import type { SecretBox } from '../crypto/secret-box.js';

const context = (accessKeyId: string) => `access-key:${accessKeyId}`;

/** The stored form of a key's secret. */
export function sealKeySecret(box: SecretBox, accessKeyId: string, secret: string): string {
  return box.seal(secret, context(accessKeyId));
}

/** The secret of a stored key; undefined if it does not open (another master key, or tampered with). */
export function openKeySecret(box: SecretBox, accessKeyId: string, sealed: string): string | undefined {
  return box.open(sealed, context(accessKeyId));
}
