/**
 * Exactly once toward people: an outbound call (an email, an SMS, a chat post) made at most once
 * per idempotency key, whatever retries, timeouts and crashes happen around it.
 *
 * Why at-most-once, and "unknown": a job runs at least once, so its handler may run again after
 * a crash. Before calling the provider we durably record the key as 'sending'; after the call,
 * 'sent' (with the provider's id) or 'failed' (with the error). A later attempt that finds:
 *  - 'sent' does not call again and gets the recorded result (`repeated: true`);
 *  - 'failed' calls again: the provider refused the message, so a retry cannot duplicate it
 *    (adapters must throw only when the provider did not take the message, or pass the key on
 *    as OutboundMessage.idempotencyKey so the provider drops a duplicate);
 *  - 'sending' knows the previous call began and its end was never recorded: the process died
 *    during it (or a slow run lost its lease). The message may or may not have gone out. We do
 *    NOT call again: a page delivered twice is worse than one whose fate is unknown, and a
 *    person who got it may already be acting on it. The row becomes 'unknown', the caller gets
 *    `{ status: 'unknown' }` and decides (a page's next retry interval re-pages with a new key).
 */
import type { Database } from '../db/database.js';
import type { Clock } from '../time/clock.js';

/** What sendOnce found or did. */
export type SendOutcome<R> =
  | { status: 'sent'; providerId?: string; result: R; repeated: boolean }
  | { status: 'unknown' };

/** Who is sending: the job and attempt (for the record and to guard the final write). */
export interface SendOwner {
  jobId?: string;
  attempt: number;
}

/** The events sendOnce reports. */
export type DeliveryEvent =
  | { type: 'delivery:sent'; key: string; providerId?: string; jobId?: string }
  | { type: 'delivery:failed'; key: string; error: string; jobId?: string }
  | { type: 'delivery:unknown'; key: string; jobId?: string };

type Begin = { call: true } | { call: false; state: string; providerId: string | null; result: string | null };

/** Calls `send` unless the key was sent or left 'sending' before; records the outcome durably. */
export async function sendOnce<R extends { providerId?: string }>(
  database: Database, clock: Clock, key: string, owner: SendOwner, send: () => Promise<R>, report: (e: DeliveryEvent) => void,
): Promise<SendOutcome<R>> {
  const startedAt = clock.now().getTime();
  const begin = await database.write<Begin>(async (trx) => {
    const claimed = await trx.insertInto('engine_deliveries')
      .values({ idempotency_key: key, state: 'sending', job_id: owner.jobId ?? null, attempt: owner.attempt, started_at: startedAt })
      .onConflict((oc) => oc.column('idempotency_key')
        .doUpdateSet({ state: 'sending', job_id: owner.jobId ?? null, attempt: owner.attempt, error: null, started_at: startedAt, finished_at: null })
        .where('engine_deliveries.state', '=', 'failed'))
      .executeTakeFirst();
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) > 0) return { call: true };
    const row = await trx.selectFrom('engine_deliveries').select(['state', 'provider_id', 'result'])
      .where('idempotency_key', '=', key).executeTakeFirstOrThrow();
    if (row.state === 'sending') {
      await trx.updateTable('engine_deliveries').set({ state: 'unknown', finished_at: startedAt })
        .where('idempotency_key', '=', key).where('state', '=', 'sending').execute();
      return { call: false, state: 'unknown', providerId: null, result: null };
    }
    return { call: false, state: row.state, providerId: row.provider_id, result: row.result };
  });
  if (!begin.call) {
    if (begin.state === 'sent') {
      return { status: 'sent', providerId: begin.providerId ?? undefined, result: JSON.parse(begin.result ?? 'null') as R, repeated: true };
    }
    report({ type: 'delivery:unknown', key, jobId: owner.jobId });
    return { status: 'unknown' };
  }
  // The final write is guarded by this call's start: a later attempt's record is never overwritten.
  const finish = (set: { state: string; provider_id?: string | null; result?: string | null; error?: string | null }) => database.write((trx) => trx
    .updateTable('engine_deliveries').set({ ...set, finished_at: clock.now().getTime() })
    .where('idempotency_key', '=', key).where('attempt', '=', owner.attempt).where('started_at', '=', startedAt)
    .where('state', 'in', ['sending', 'unknown']).execute());
  let result: R;
  try {
    result = await send();
  } catch (err) {
    const error = errorText(err);
    await finish({ state: 'failed', error });
    report({ type: 'delivery:failed', key, error, jobId: owner.jobId });
    throw err;
  }
  await finish({ state: 'sent', provider_id: result?.providerId ?? null, result: JSON.stringify(result ?? null) });
  report({ type: 'delivery:sent', key, providerId: result?.providerId, jobId: owner.jobId });
  return { status: 'sent', providerId: result?.providerId, result, repeated: false };
}

/** An error as stored: its message (name first unless plain Error), at most 2,000 characters. */
export function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string };
  const text = e && typeof e.message === 'string' ? (e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message) : String(err);
  return text.slice(0, 2000);
}
