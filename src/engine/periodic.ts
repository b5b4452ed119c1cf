/**
 * Recurring work on the engine: one job per cluster (its dedupe key), which runs `run` and
 * enqueues its own next run in the same transaction as its completion, so a run is never lost
 * and never doubled, whichever node takes it. Every start calls `ensure`, which adds the job
 * unless one is already waiting (so a job that died is brought back by the next start).
 */
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Engine } from './engine.js';
import type { JobKind } from './job.js';

/** A periodic job's definition. */
export interface PeriodicSpec {
  kind: string;
  everyMs: number;
  /** The work, inside the transaction that completes the run and schedules the next. */
  run(trx: Transaction<DB>, now: Date): Promise<void>;
  timeoutMs?: number;
}

/** A periodic job kind, with `ensure` to schedule it at start. */
export interface PeriodicKind extends JobKind<null> {
  /** Enqueues the next run (everyMs from now) unless one is waiting already. */
  ensure(engine: Engine, trx: Transaction<DB>, now: Date): Promise<void>;
}

const dedupeKey = 'periodic';

/** Defines a periodic job kind. */
export function periodicJob(spec: PeriodicSpec): PeriodicKind {
  return {
    kind: spec.kind,
    timeoutMs: spec.timeoutMs,
    // Retried for hours (backoff capped at 5 min); if it still dies, the next start brings it back.
    maxAttempts: 100,
    async run(_job, ctx) {
      await ctx.complete(async (trx) => {
        await spec.run(trx, ctx.now);
        await ctx.enqueue(trx, { kind: spec.kind, dedupeKey, runAt: new Date(ctx.now.getTime() + spec.everyMs) });
      });
    },
    async ensure(engine, trx, now) {
      await engine.enqueue(trx, { kind: spec.kind, dedupeKey, runAt: new Date(now.getTime() + spec.everyMs) });
    },
  };
}
