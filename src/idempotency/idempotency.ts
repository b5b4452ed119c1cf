/**
 * clientToken semantics, shared by every mutating operation that has one: the first call
 * with a token does the work and stores its result in the same transaction; a retry with the
 * same token and the same input gets that result back and writes nothing; the same token
 * with different input is refused with a conflict, as the AWS services do.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { prepared } from '../db/prepared.js';
import type { DB } from '../db/schema.js';
import { ConflictError } from '../errors.js';

/** Identifies one use of a token. `input` is the request without its token. */
export interface TokenUse {
  accountId: string;
  operation: string;
  token: string | undefined;
  input: unknown;
}

/** A token's earlier use, as stored. */
export interface PriorUse {
  requestHash: string;
  response: string;
}

const findPrior = prepared(3, (db, accountId: string, operation: string, token: string) => db
  .selectFrom('idempotency_tokens').select(['request_hash as requestHash', 'response'])
  .where('account_id', '=', accountId).where('operation', '=', operation).where('token', '=', token));

/** Plain insert: a concurrent first use of the same token fails on the key (the write retries). */
const insertUse = prepared(6, (db, accountId: string, operation: string, token: string, hash: string, response: string, nowMs: number) => db
  .insertInto('idempotency_tokens')
  .values({ account_id: accountId, operation, token, request_hash: hash, response, created_at: nowMs }));

/** Insert unless the token was used: the caller reads the earlier use instead. */
const insertUseIfAbsent = prepared(6, (db, accountId: string, operation: string, token: string, hash: string, response: string, nowMs: number) => db
  .insertInto('idempotency_tokens')
  .values({ account_id: accountId, operation, token, request_hash: hash, response, created_at: nowMs })
  .onConflict((oc) => oc.columns(['account_id', 'operation', 'token']).doNothing()));

/** The stored earlier use of a token (which must exist). */
export async function findPriorUse(db: Kysely<DB>, use: TokenUse): Promise<PriorUse> {
  const prior = (await findPrior(db, use.accountId, use.operation, use.token ?? '')).rows[0];
  if (!prior) throw new Error(`clientToken ${use.token} has no stored use`);
  return prior;
}

/** The result stored with an earlier use of the token, or ConflictError when its input differed. */
export function replay<T>(use: TokenUse, prior: PriorUse, hash = requestHash(use.input)): T {
  if (prior.requestHash !== hash) {
    throw new ConflictError(`The clientToken '${use.token}' was already used with different parameters for ${use.operation}.`);
  }
  return (prior.response === '' ? undefined : JSON.parse(prior.response)) as T;
}

/** Runs `work` once per token; must be called inside a write transaction (`trx`). */
export async function once<T>(trx: Kysely<DB>, use: TokenUse, nowMs: number, work: () => Promise<T>): Promise<T> {
  if (!use.token) return work();
  const hash = requestHash(use.input);
  const prior = (await findPrior(trx, use.accountId, use.operation, use.token)).rows[0];
  if (prior) return replay(use, prior, hash);
  const result = await work();
  await insertUse(trx, use.accountId, use.operation, use.token, hash, result === undefined ? '' : JSON.stringify(result), nowMs);
  return result;
}

/**
 * Records the token's first use with its result decided up front (a new ARN); when the
 * token was used before, returns that use's result instead (or throws ConflictError).
 * One statement in the common case, for hot paths. Inside a write transaction.
 */
export async function claim<T>(trx: Kysely<DB>, use: TokenUse, hash: string, nowMs: number, result: T): Promise<{ claimed: true } | { claimed: false; result: T }> {
  if (!use.token) return { claimed: true };
  const inserted = await insertUseIfAbsent(trx, use.accountId, use.operation, use.token, hash, JSON.stringify(result), nowMs);
  if (Number(inserted.numAffectedRows ?? 0n) > 0) return { claimed: true };
  const prior = (await findPrior(trx, use.accountId, use.operation, use.token)).rows[0]!;
  return { claimed: false, result: replay<T>(use, prior, hash) };
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
