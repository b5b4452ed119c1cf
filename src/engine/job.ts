/**
 * What a job is to the code that writes one (JobSpec), the code that runs one (JobKind, Job,
 * JobContext), and the code that watches the engine (EngineEvents).
 */
import type { Transaction } from 'kysely';
import type { WriteFn } from '../db/database.js';
import type { DB } from '../db/schema.js';
import type { SendOutcome } from './deliveries.js';

/** A job to enqueue. */
export interface JobSpec<P = unknown> {
  kind: string;
  /** JSON-serializable data for the handler. */
  payload?: P;
  /** When it is due (default: now, so it runs at once). */
  runAt?: Date;
  /**
   * Names the work: while a job of this kind and key is waiting, enqueueing the key again keeps
   * the waiting job (or, with `replace`, moves it to this run time and payload). A running job
   * does not hold its key, so work enqueued while it runs is not lost. Jobs sharing a key must
   * be interchangeable: the key names the work, the payload is data for it.
   */
  dedupeKey?: string;
  /** With dedupeKey: a waiting job with the key takes this runAt and payload. */
  replace?: boolean;
  /** Overrides the kind's maxAttempts for this job. */
  maxAttempts?: number;
}

/** A job as its handler sees it. */
export interface Job<P = unknown> {
  id: string;
  kind: string;
  payload: P;
  dedupeKey: string | null;
  /** When it was due. */
  runAt: Date;
  /** This attempt, from 1. */
  attempt: number;
  maxAttempts: number;
  /** The error of the previous attempt, if it failed. */
  lastError: string | null;
}

/**
 * A kind of work: registered once on the Engine, run for every due job of the kind. `run` must
 * be idempotent: the engine runs a job at least once (again after a crash or a timeout) and
 * completes it at most once. A run that returns without calling `ctx.complete` is completed by
 * the engine; one that throws is retried with backoff, unless the error is permanent
 * (PermanentJobError, or any error with `permanent: true` such as a DeliveryError).
 */
export interface JobKind<P = unknown> {
  readonly kind: string;
  /** Longest a run may take before it counts as failed (default: the engine's jobTimeoutMs). */
  readonly timeoutMs?: number;
  /** Attempts before the job dies (default 10). */
  readonly maxAttempts?: number;
  /** Backoff of the first retry, doubled per attempt (default 1 s), and its cap (default 5 min). */
  readonly backoffMs?: { baseMs: number; capMs: number };
  run(job: Job<P>, ctx: JobContext): Promise<void>;
}

/** What a handler may do while it runs. */
export interface JobContext {
  /** clock.now() when the job was claimed. */
  readonly now: Date;
  /** Aborted when the run timed out or its job was released at shutdown: stop working. */
  readonly signal: AbortSignal;
  /**
   * Completes the job in one durable transaction with `fn`: the job row goes, and whatever `fn`
   * writes (the state change, follow-up jobs via ctx.enqueue) commits with it or not at all.
   * Throws LeaseLostError (and `fn`'s writes roll back) when this run no longer holds the job:
   * it timed out or another node took it over after the lease expired.
   */
  complete<T = void>(fn?: WriteFn<T>): Promise<T>;
  /** Engine.enqueue, for follow-up jobs inside `complete`'s transaction. */
  enqueue(trx: Transaction<DB>, spec: JobSpec): Promise<string | undefined>;
  /** Makes an outbound call at most once per idempotency key (src/engine/deliveries.ts). */
  sendOnce<R extends { providerId?: string }>(key: string, send: () => Promise<R>): Promise<SendOutcome<R>>;
}

/** Thrown by a handler for a failure that retrying cannot fix: the job dies at once. */
export class PermanentJobError extends Error {
  readonly permanent = true;
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** This run no longer holds its job (timed out, released, or taken over): its completion is refused. */
export class LeaseLostError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} is no longer held by this run; its completion was refused`);
    this.name = 'LeaseLostError';
  }
}

/** The typed events of the engine (`noun:pastTenseVerb`), for metrics and tests. */
export interface EngineEvents {
  'job:started': [{ job: Job }];
  /** `lagMs`: from due time to completion. */
  'job:completed': [{ job: Job; durationMs: number; lagMs: number }];
  'job:retried': [{ job: Job; error: string; nextRunAt: Date }];
  /** The job died: max attempts used, a permanent error, or the node died during its last attempt. */
  'job:failed': [{ job: Job; error: string }];
  /** It failed while a newer waiting job with its dedupe key exists, which does the work instead. */
  'job:superseded': [{ job: Job; error: string }];
  /** Its completion or failure was refused: this run no longer held the job. */
  'job:leaseLost': [{ job: Job }];
  /** Given back at shutdown (it was still running after the grace period); it runs again soon. */
  'job:released': [{ job: Job }];
  'delivery:sent': [{ key: string; providerId?: string; jobId?: string }];
  'delivery:failed': [{ key: string; error: string; jobId?: string }];
  /** A 'sending' record left by a process that died: not called again, outcome unknown. */
  'delivery:unknown': [{ key: string; jobId?: string }];
  /** The loop itself failed (e.g. the database was unreachable); it goes on after a pause. */
  'engine:error': [{ error: string }];
}
