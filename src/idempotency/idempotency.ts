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

/** How long a token's use counts: a retry later than this is a new request. */
export const tokenLifetimeMs = 24 * 3600_000;

/** The oldest created_at of a use that still counts at `nowMs`. */
const cutoffAt = (nowMs: number) => nowMs - tokenLifetimeMs;

/** A token's use recorded at or after `cutoff` (an older one no longer counts). */
const findPrior = prepared(4, (db, accountId: string, operation: string, token: string, cutoff: number) => db
  .selectFrom('idempotency_tokens').select(['request_hash as requestHash', 'response'])
  .where('account_id', '=', accountId).where('operation', '=', operation).where('token', '=', token)
  .where('created_at', '>=', cutoff));

/**
 * Records a use unless the token has one that still counts; an expired use is replaced. On
 * PostgreSQL a concurrent first use of the same token waits for this one's transaction and
 * then, seeing the committed use, changes nothing (or takes the key over if this one rolled back).
 */
const claimUse = prepared(7, (db, accountId: string, operation: string, token: string, hash: string, response: string, nowMs: number, cutoff: number) => db
  .insertInto('idempotency_tokens')
  .values({ account_id: accountId, operation, token, request_hash: hash, response, created_at: nowMs })
  .onConflict((oc) => oc.columns(['account_id', 'operation', 'token'])
    .doUpdateSet((eb) => ({
      request_hash: eb.ref('excluded.request_hash'), response: eb.ref('excluded.response'), created_at: eb.ref('excluded.created_at'),
    }))
    .where('idempotency_tokens.created_at', '<', cutoff)));

/** Stores the result of the use claimed in this transaction. */
const storeResponse = prepared(4, (db, accountId: string, operation: string, token: string, response: string) => db
  .updateTable('idempotency_tokens').set({ response })
  .where('account_id', '=', accountId).where('operation', '=', operation).where('token', '=', token));

/** The stored earlier use of a token that still counts at `nowMs`, if there is one. */
export async function findPriorUse(db: Kysely<DB>, use: TokenUse, nowMs: number): Promise<PriorUse | undefined> {
  return (await findPrior(db, use.accountId, use.operation, use.token ?? '', cutoffAt(nowMs))).rows[0];
}

/** The result stored with an earlier use of the token, or ConflictError when its input differed. */
export function replay<T>(use: TokenUse, prior: PriorUse, hash = requestHash(use.input)): T {
  if (prior.requestHash !== hash) {
    throw new ConflictError(`The clientToken '${use.token}' was already used with different parameters for ${use.operation}.`);
  }
  return (prior.response === '' ? undefined : JSON.parse(prior.response)) as T;
}

/**
 * Claims the token for this use (`response` stored with it) or finds the earlier use that
 * still counts. Retries when the earlier use vanished between the two statements (a
 * DeleteReplicationSet or an expiry sweep committed in between).
 */
async function claimOrFind(trx: Kysely<DB>, use: TokenUse & { token: string }, hash: string, nowMs: number, response: string): Promise<PriorUse | undefined> {
  for (let attempt = 1; ; attempt++) {
    const claimed = await claimUse(trx, use.accountId, use.operation, use.token, hash, response, nowMs, cutoffAt(nowMs));
    if (Number(claimed.numAffectedRows ?? 0n) > 0) return undefined;
    const prior = (await findPrior(trx, use.accountId, use.operation, use.token, cutoffAt(nowMs))).rows[0];
    if (prior) return prior;
    if (attempt >= 3) throw new Error(`clientToken ${use.token} is neither claimable nor used`);
  }
}

/**
 * Runs `work` once per token; must be called inside a write transaction (`trx`). The token
 * is claimed first, so a concurrent first use with the same token waits for this one and
 * then replays its result instead of racing it to the resource's own unique keys. A `work`
 * that throws fails the transaction, which takes the claim back with it.
 */
export async function once<T>(trx: Kysely<DB>, use: TokenUse, nowMs: number, work: () => Promise<T>): Promise<T> {
  if (!use.token) return work();
  const token = use.token;
  const hash = requestHash(use.input);
  const prior = await claimOrFind(trx, { ...use, token }, hash, nowMs, '');
  if (prior) return replay(use, prior, hash);
  const result = await work();
  if (result !== undefined) await storeResponse(trx, use.accountId, use.operation, token, JSON.stringify(result));
  return result;
}

/**
 * Records the token's first use with its result decided up front (a new ARN); when the
 * token was used before (and that use still counts), returns that use's result instead (or
 * throws ConflictError). One statement in the common case, for hot paths. Inside a write
 * transaction, or as a single statement.
 */
export async function claim<T>(trx: Kysely<DB>, use: TokenUse, hash: string, nowMs: number, result: T): Promise<{ claimed: true } | { claimed: false; result: T }> {
  if (!use.token) return { claimed: true };
  const prior = await claimOrFind(trx, { ...use, token: use.token }, hash, nowMs, JSON.stringify(result));
  if (!prior) return { claimed: true };
  return { claimed: false, result: replay<T>(use, prior, hash) };
}

/** Deletes the token uses recorded before `olderThanMs` (epoch ms); returns how many. */
export async function deleteExpiredTokens(db: Kysely<DB>, olderThanMs: number): Promise<number> {
  const result = await db.deleteFrom('idempotency_tokens').where('created_at', '<', olderThanMs).executeTakeFirst();
  return Number(result.numDeletedRows);
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
