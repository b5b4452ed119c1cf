/**
 * clientToken semantics, shared by every mutating operation that has one: the first call
 * with a token does the work and stores its result in the same transaction; a retry with the
 * same token and the same input gets that result back and writes nothing; the same token
 * with different input is refused with a conflict, as the AWS services do.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { ConflictError } from '../errors.js';

/** Identifies one use of a token. `input` is the request without its token. */
export interface TokenUse {
  accountId: string;
  operation: string;
  token: string | undefined;
  input: unknown;
}

/** Runs `work` once per token; must be called inside a write transaction (`trx`). */
export async function once<T>(trx: Kysely<DB>, use: TokenUse, nowMs: number, work: () => Promise<T>): Promise<T> {
  if (!use.token) return work();
  const hash = requestHash(use.input);
  const prior = await trx.selectFrom('idempotency_tokens').select(['request_hash', 'response'])
    .where('account_id', '=', use.accountId).where('operation', '=', use.operation).where('token', '=', use.token)
    .executeTakeFirst();
  if (prior) {
    if (prior.request_hash !== hash) {
      throw new ConflictError(`The clientToken '${use.token}' was already used with different parameters for ${use.operation}.`);
    }
    return (prior.response === '' ? undefined : JSON.parse(prior.response)) as T;
  }
  const result = await work();
  await trx.insertInto('idempotency_tokens').values({
    account_id: use.accountId, operation: use.operation, token: use.token, request_hash: hash,
    response: result === undefined ? '' : JSON.stringify(result), created_at: nowMs,
  }).execute();
  return result;
}

/** A stable hash of a request: keys sorted, Dates as epoch ms, undefined members dropped. */
export function requestHash(input: unknown): string {
  return createHash('sha256').update(stableJson(input)).digest('base64url');
}

function stableJson(value: unknown): string {
  if (value instanceof Date) return String(value.getTime());
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => (value as any)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson((value as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
