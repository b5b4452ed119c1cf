/**
 * The durable work queue. A job is a row (src/engine/job-store.ts) written by `enqueue` inside
 * the caller's transaction; after the commit the engine wakes (in process on SQLite, by
 * LISTEN/NOTIFY on PostgreSQL, on every node), claims due jobs in batches under a lease, runs
 * their kinds' handlers with a timeout, and completes each in one transaction with the state
 * change it makes, or retries it with backoff, or marks it dead. Due-ness is decided with the
 * injected clock only, so tests move a ManualClock and call `runDue()`.
 *
 * Guarantees: a committed job runs at least once (again after a crash, once its lease ends);
 * it completes at most once (every completion, retry or death is guarded by the claim: job id,
 * holder and attempt number, so a run that lost its job can change nothing).
 *
 * Using it, from a service that pages (kinds are registered where services are built):
 *   engine.register({ kind: 'page:send', async run(job, ctx) {
 *     const sent = await ctx.sendOnce(`page:${job.payload.pageId}`, () => deliverer.send(message));
 *     await ctx.complete((trx) => pageStore.recordSent(trx, job.payload.pageId, sent));
 *   } });
 *   await database.write(async (trx) => {
 *     await engagementStore.create(trx, engagement);
 *     await engine.enqueue(trx, { kind: 'page:send', payload: { pageId }, runAt: stageStart });
 *   });
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { isUniqueViolation } from '../db/constraint-errors.js';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { timeOrderedUuid } from '../ids/time-ordered-id.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../time/clock.js';
import { backoffMs } from './backoff.js';
import { errorText, sendOnce, type DeliveryEvent } from './deliveries.js';
import { LeaseLostError, type EngineEvents, type Job, type JobContext, type JobKind, type JobSpec } from './job.js';
import * as store from './job-store.js';
import { listen, type Listener } from './pg-listener.js';

/** Engine settings (config.ts gives them from the environment; these are the defaults). */
export interface EngineSettings {
  /** Longest idle sleep before looking for due jobs again (other nodes' jobs without a notification, clock changes). */
  pollMs: number;
  /** Jobs claimed at once, and the most running at once on this node. */
  batchSize: number;
  /** How long a claim holds a job; a job whose node died runs again after this. */
  leaseMs: number;
  /** Default longest run of a handler; must be shorter than the lease. */
  jobTimeoutMs: number;
  /** At stop, how long running jobs may still finish before they are given back. */
  stopGraceMs: number;
}

/** The defaults of EngineSettings. */
export const defaultEngineSettings: EngineSettings = { pollMs: 1000, batchSize: 32, leaseMs: 120_000, jobTimeoutMs: 30_000, stopGraceMs: 5000 };

/** What the engine is built from. */
export interface EngineOptions extends Partial<EngineSettings> {
  database: Database;
  clock: Clock;
  logger: Logger;
  /** PostgreSQL URL to LISTEN on (undefined on SQLite). */
  listenUrl?: string;
  /** Names this engine in leases (default host:pid:random). */
  nodeId?: string;
}

/** One run of a claimed job. */
interface Run {
  job: Job;
  claim: store.Claim;
  controller: AbortController;
  startedAt: number;
  /** Completed by this run (the row is gone). */
  completed: boolean;
  /** Timed out or given back: this run may no longer complete the job. */
  abandoned: boolean;
}

const defaultMaxAttempts = 10;
const defaultBackoff = { baseMs: 1000, capMs: 300_000 };

/** The work queue; see the file comment. */
export class Engine extends EventEmitter<EngineEvents> {
  readonly nodeId: string;
  private readonly settings: EngineSettings;
  private readonly kinds = new Map<string, JobKind<any>>();
  private readonly runs = new Map<Promise<void>, Run>();
  private state: 'idle' | 'started' | 'stopping' = 'idle';
  private loopDone: Promise<void> = Promise.resolve();
  private stopped?: Promise<void>;
  private listener?: Listener;
  /** A wake-up arrived since the last claim began: the next sleep returns at once. */
  private woken = false;
  /** The earliest run time announced since the last claim (a job enqueued for later). */
  private hintAt?: number;
  private sleeper?: { until: number; timer: NodeJS.Timeout; resolve: () => void };
  /** Set while the loop waits for a running job to finish (every slot taken). */
  private slotFreed?: () => void;
  private nextLeaseCheck = 0;
  /** The clock time the last claim used. */
  private lastClaimAt = 0;

  constructor(private readonly opts: EngineOptions) {
    super();
    this.settings = { ...defaultEngineSettings, ...Object.fromEntries(Object.entries(opts).filter(([k, v]) => k in defaultEngineSettings && v !== undefined)) };
    if (this.settings.jobTimeoutMs >= this.settings.leaseMs) throw new Error('the engine job timeout must be shorter than its lease');
    this.nodeId = opts.nodeId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  }

  /** Adds a kind of work; its jobs are claimed by this engine from now on. */
  register(kind: JobKind<any>): void {
    if (this.kinds.has(kind.kind)) throw new Error(`job kind '${kind.kind}' is already registered`);
    if ((kind.timeoutMs ?? 0) >= this.settings.leaseMs) throw new Error(`job kind '${kind.kind}': timeoutMs must be shorter than the lease (${this.settings.leaseMs} ms)`);
    this.kinds.set(kind.kind, kind);
  }

  /**
   * Writes a job in the caller's transaction: it exists if and only if the transaction commits.
   * Returns its id, or undefined when a waiting job with its dedupe key was kept.
   */
  async enqueue<P>(trx: Transaction<DB>, spec: JobSpec<P>): Promise<string | undefined> {
    const kind = this.kinds.get(spec.kind);
    if (!kind) throw new Error(`unknown job kind '${spec.kind}' (register it on the engine first)`);
    if (spec.replace && spec.dedupeKey === undefined) throw new Error('enqueue: replace needs a dedupeKey');
    const maxAttempts = spec.maxAttempts ?? kind.maxAttempts ?? defaultMaxAttempts;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`enqueue: maxAttempts must be a positive integer, got ${maxAttempts}`);
    const now = this.opts.clock.now();
    const runAt = spec.runAt?.getTime() ?? now.getTime();
    if (!Number.isFinite(runAt)) throw new Error('enqueue: runAt is not a valid date');
    const id = await store.insertJob(trx, {
      id: timeOrderedUuid(now), kind: spec.kind, dedupe_key: spec.dedupeKey ?? null, payload: JSON.stringify(spec.payload ?? null),
      state: 'waiting', run_at: runAt, attempts: 0, max_attempts: maxAttempts, created_at: now.getTime(), updated_at: now.getTime(),
    }, spec.replace === true);
    // SQLite: our claim goes through the same write queue, behind this transaction, so waking
    // now is waking after its commit. PostgreSQL: the NOTIFY written with the job does it.
    if (id && this.opts.database.dialect === 'sqlite') this.hint(runAt);
    return id;
  }

  /** Starts the background loop (and on PostgreSQL the LISTEN connection). */
  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    if (this.opts.database.dialect === 'sqlite') {
      // One process owns an SQLite data directory (src/db/sqlite.ts locks it), so a job still
      // marked running belongs to a process that died: run it again now, not after its lease.
      const released = await this.opts.database.write((trx) => store.releaseAllRunning(trx, this.nowMs()));
      if (released > 0) this.opts.logger.warn('engine: jobs left running by a stopped process will run again', { count: released });
    }
    this.state = 'started';
    if (this.opts.listenUrl) this.listener = listen(this.opts.listenUrl, store.notifyChannel, (p) => this.hint(p ? Number(p) : undefined), this.opts.logger);
    this.loopDone = this.loop();
  }

  /**
   * Graceful stop: claims nothing more, lets running jobs finish for up to stopGraceMs, then
   * gives back those still running (they run again at once, on another node or after the next
   * start). Nothing committed is lost; call it before closing the database.
   */
  stop(): Promise<void> {
    if (this.state !== 'started') return this.stopped ?? Promise.resolve();
    this.state = 'stopping';
    this.stopped = (async () => {
      this.wakeNow();
      this.freeSlot();
      await this.listener?.close();
      await this.loopDone;
      const finished = Promise.allSettled([...this.runs.keys()]).then(() => true);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), this.settings.stopGraceMs)));
      const allDone = await Promise.race([finished, grace]);
      clearTimeout(timer);
      if (!allDone) await Promise.all([...this.runs.values()].map((run) => this.release(run)));
    })();
    return this.stopped;
  }

  /**
   * Runs every job due at clock.now() (and those they make due), waiting for each, until none
   * is due; returns how many ran. For tests with a ManualClock and for maintenance commands.
   */
  async runDue(): Promise<number> {
    let count = 0;
    for (;;) {
      const rows = await this.claim(this.settings.batchSize, true);
      count += rows.length;
      const ours = rows.map((row) => this.launch(row));
      if (ours.length > 0) await Promise.allSettled(ours);
      else if (this.runs.size > 0) await Promise.allSettled([...this.runs.keys()]);
      else return count;
    }
  }

  /** How many jobs this engine is running now. */
  get running(): number {
    return this.runs.size;
  }

  // ------------------------------------------------------------------ the loop

  private async loop(): Promise<void> {
    while (this.state === 'started') {
      try {
        const free = this.settings.batchSize - this.runs.size;
        if (free <= 0) {
          // Not sleep(): a wake-up pending meanwhile would make it return at once, forever.
          await new Promise<void>((resolve) => (this.slotFreed = resolve));
          continue;
        }
        const checkLeases = this.nowMs() >= this.nextLeaseCheck;
        if (checkLeases) this.nextLeaseCheck = this.nowMs() + this.settings.pollMs;
        const rows = await this.claim(free, checkLeases);
        for (const row of rows) this.launch(row);
        if (rows.length === free) continue; // a full batch: more may be due
        await this.sleep(await store.nextDueAt(this.opts.database.db, [...this.kinds.keys()]));
      } catch (err) {
        if (this.state !== 'started') break;
        this.opts.logger.error('engine: claiming jobs failed; trying again', { error: String(err) });
        this.tell('engine:error', { error: errorText(err) });
        this.woken = false;
        await this.sleep(this.nowMs() + this.settings.pollMs);
      }
    }
  }

  /**
   * Claims due jobs (and, with `checkLeases`, jobs whose lease ended) under a new lease.
   *
   * Why two ways: on PostgreSQL several nodes claim at once, so each claim is one statement
   * with FOR UPDATE SKIP LOCKED (nodes never wait for each other or take the same row). On
   * SQLite one process owns the database and every write goes through its one queue
   * (src/db/sqlite.ts), so a claim is an ordinary write there: claims are serialized by the
   * queue, and committed (the attempt counted) before the handler runs, so a job that kills
   * the process uses up its attempts instead of crash-looping.
   */
  private async claim(limit: number, checkLeases: boolean): Promise<store.JobRow[]> {
    const kinds = [...this.kinds.keys()];
    if (kinds.length === 0 || limit <= 0) return [];
    this.woken = false;
    const now = this.nowMs();
    this.lastClaimAt = now;
    if (this.hintAt !== undefined && this.hintAt <= now) this.hintAt = undefined;
    const until = now + this.settings.leaseMs;
    const { database } = this.opts;
    if (database.dialect === 'sqlite') {
      return database.write(async (trx) => {
        const expired = checkLeases ? await store.claimJobs(trx, 'expired', kinds, now, limit, this.nodeId, until) : [];
        return [...expired, ...(limit > expired.length ? await store.claimJobs(trx, 'due', kinds, now, limit - expired.length, this.nodeId, until) : [])];
      });
    }
    const expired = checkLeases ? await database.writeSingle((db) => store.claimJobs(db, 'expired', kinds, now, limit, this.nodeId, until)) : [];
    if (limit <= expired.length) return expired;
    return [...expired, ...await database.writeSingle((db) => store.claimJobs(db, 'due', kinds, now, limit - expired.length, this.nodeId, until))];
  }

  /** Sleeps until `untilMs` (bounded by pollMs) or a wake-up. */
  private sleep(untilMs: number | undefined): Promise<void> {
    if (this.woken || this.state !== 'started') return Promise.resolve();
    const now = this.nowMs();
    const target = Math.min(untilMs ?? Infinity, this.hintAt ?? Infinity);
    // Due already when the last claim looked, yet not claimed: another node holds those rows
    // (SKIP LOCKED) and is about to take them; look again shortly rather than spin. A job that
    // became due since (a timer firing a little early) is claimed at once.
    const ms = Math.max(target <= this.lastClaimAt ? 5 : 0, Math.min(target - now, this.settings.pollMs));
    return new Promise((resolve) => this.setSleeper(now + ms, resolve));
  }

  private setSleeper(until: number, resolve: () => void): void {
    const timer = setTimeout(() => {
      this.sleeper = undefined;
      resolve();
    }, Math.max(0, until - this.nowMs()));
    // Not unref'd: a started engine keeps the process alive, as a listening server does, until stop().
    this.sleeper = { until, timer, resolve };
  }

  /** A job becomes due at `runAtMs` (undefined: look now). */
  private hint(runAtMs: number | undefined): void {
    if (this.state !== 'started') return;
    if (runAtMs === undefined || !Number.isFinite(runAtMs) || runAtMs <= this.nowMs()) return this.wakeNow();
    if (this.hintAt === undefined || runAtMs < this.hintAt) this.hintAt = runAtMs;
    const s = this.sleeper;
    if (s && runAtMs < s.until) {
      clearTimeout(s.timer);
      this.setSleeper(runAtMs, s.resolve);
    }
  }

  private freeSlot(): void {
    const resolve = this.slotFreed;
    this.slotFreed = undefined;
    resolve?.();
  }

  private wakeNow(): void {
    this.woken = true;
    const s = this.sleeper;
    this.sleeper = undefined;
    if (s) {
      clearTimeout(s.timer);
      s.resolve();
    }
  }

  // ------------------------------------------------------------------ one run

  private launch(row: store.JobRow): Promise<void> {
    const job: Job = {
      id: row.id, kind: row.kind, payload: JSON.parse(row.payload), dedupeKey: row.dedupe_key, runAt: new Date(Number(row.run_at)),
      attempt: row.attempts, maxAttempts: row.max_attempts, lastError: row.last_error,
    };
    const run: Run = { job, claim: { id: row.id, lockedBy: this.nodeId, attempt: row.attempts }, controller: new AbortController(), startedAt: performance.now(), completed: false, abandoned: false };
    const p: Promise<void> = this.execute(run)
      .catch((err) => this.opts.logger.error('engine: recording a job outcome failed', { job: job.id, kind: job.kind, error: String(err) }))
      .finally(() => {
        this.runs.delete(p);
        this.freeSlot();
      });
    this.runs.set(p, run);
    return p;
  }

  private async execute(run: Run): Promise<void> {
    const { job } = run;
    const kind = this.kinds.get(job.kind)!;
    if (job.attempt > job.maxAttempts) {
      // Claimed again after its lease ended in the last attempt: its process died running it.
      const error = job.lastError ?? `the process running attempt ${job.maxAttempts} stopped before it finished`;
      if (await this.opts.database.writeSingle((db) => store.killHeld(db, run.claim, error, this.nowMs()))) this.died(job, error);
      return;
    }
    this.tell('job:started', { job });
    const timeoutMs = kind.timeoutMs ?? this.settings.jobTimeoutMs;
    const ctx = this.contextOf(run);
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        timer.unref();
        Promise.resolve().then(() => kind.run(job, ctx)).then(resolve, reject);
      });
      if (!run.completed) await ctx.complete();
    } catch (err) {
      if (run.completed) {
        this.opts.logger.warn('engine: a handler threw after completing its job', { job: job.id, kind: job.kind, error: String(err) });
        return;
      }
      run.abandoned = true;
      run.controller.abort();
      if (err instanceof LeaseLostError) {
        this.tell('job:leaseLost', { job });
        return;
      }
      await this.failed(run, kind, err);
    } finally {
      clearTimeout(timer);
    }
  }

  private contextOf(run: Run): JobContext {
    const { job, claim } = run;
    return {
      now: new Date(this.nowMs()),
      signal: run.controller.signal,
      enqueue: (trx, spec) => this.enqueue(trx, spec),
      complete: async <T>(fn?: (trx: Transaction<DB>) => Promise<T>): Promise<T> => {
        if (run.completed) throw new Error(`job ${job.id} is already completed`);
        if (run.abandoned) throw new LeaseLostError(job.id);
        const held = (ok: boolean) => {
          if (!ok) throw new LeaseLostError(job.id);
        };
        const value = fn
          ? await this.opts.database.write(async (trx) => {
            held(await store.deleteHeld(trx, claim));
            return fn(trx);
          })
          : (held(await this.opts.database.writeSingle((db) => store.deleteHeld(db, claim))), undefined as T);
        run.completed = true;
        this.tell('job:completed', { job, durationMs: performance.now() - run.startedAt, lagMs: this.nowMs() - job.runAt.getTime() });
        return value;
      },
      sendOnce: (key, send) => sendOnce(this.opts.database, this.opts.clock, key, { jobId: job.id, attempt: job.attempt }, send, (e) => this.delivery(e)),
    };
  }

  /** Records a failed run: retried with backoff, or dead (permanent error, or attempts used up). */
  private async failed(run: Run, kind: JobKind<any>, err: unknown): Promise<void> {
    const { job, claim } = run;
    const error = errorText(err);
    const now = this.nowMs();
    if ((err as { permanent?: unknown })?.permanent === true || job.attempt >= job.maxAttempts) {
      if (await this.opts.database.writeSingle((db) => store.killHeld(db, claim, error, now))) this.died(job, error);
      else this.tell('job:leaseLost', { job });
      return;
    }
    const { baseMs, capMs } = kind.backoffMs ?? defaultBackoff;
    const nextRunAt = now + backoffMs(job.attempt, baseMs, capMs);
    for (let tries = 1; ; tries++) {
      try {
        const outcome = await this.opts.database.write((trx) => store.retryHeld(trx, claim, nextRunAt, error, now));
        if (outcome === 'retried') {
          this.opts.logger.warn('engine: job failed; will retry', { job: job.id, kind: job.kind, attempt: job.attempt, error });
          this.tell('job:retried', { job, error, nextRunAt: new Date(nextRunAt) });
        } else if (outcome === 'superseded') {
          this.tell('job:superseded', { job, error });
        } else if (!run.completed) {
          this.tell('job:leaseLost', { job });
        }
        return;
      } catch (e) {
        // PostgreSQL: a waiting job with its key was committed between our two statements.
        if (tries < 3 && isUniqueViolation(e, 'engine_jobs_dedupe_key', 'engine_jobs.kind, engine_jobs.dedupe_key')) continue;
        throw e;
      }
    }
  }

  private died(job: Job, error: string): void {
    this.opts.logger.error('engine: job failed for good', { job: job.id, kind: job.kind, attempts: job.attempt, error });
    this.tell('job:failed', { job, error });
  }

  /** Gives a still-running job back at shutdown (this attempt not counted). */
  private async release(run: Run): Promise<void> {
    if (run.completed || run.abandoned) return;
    run.abandoned = true;
    run.controller.abort();
    try {
      if (await this.opts.database.writeSingle((db) => store.releaseHeld(db, run.claim, this.nowMs()))) this.tell('job:released', { job: run.job });
    } catch (err) {
      this.opts.logger.warn('engine: could not give back a running job; it runs again when its lease ends', { job: run.job.id, error: String(err) });
    }
  }

  private delivery(e: DeliveryEvent): void {
    const { type, ...rest } = e;
    this.tell(type, rest as never);
  }

  /** Emits to each listener, none of whose exceptions reaches the engine or the other listeners. */
  private tell<K extends keyof EngineEvents>(event: K, ...args: EngineEvents[K]): void {
    for (const listener of this.rawListeners(event) as ((...a: EngineEvents[K]) => void)[]) {
      try {
        listener.apply(this, args);
      } catch (err) {
        this.opts.logger.error('engine: an event listener threw', { event, error: String(err) });
      }
    }
  }

  private nowMs(): number {
    return this.opts.clock.now().getTime();
  }
}
