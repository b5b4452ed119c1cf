/**
 * The load generator: SigV4-signed JSON requests over keep-alive connections, a closed-loop
 * run (C workers, each sends its next request when the previous answer arrives) and an
 * open-loop run (requests leave on a fixed schedule whatever the answers do, and latency is
 * measured from the scheduled send time, so queueing counts: no coordinated omission).
 * Every request is built and signed fresh (new clientToken, new invocation id, SHA-256 of
 * the body, HMAC), exactly the work the AWS SDK does per call, whichever server answers.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { signRequest } from '../src/api/sigv4.js';

/** Where requests go and how they are signed. */
export interface Target {
  host: string;
  port: number;
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  service: string;
}

/** A ready-to-send request. */
export interface OutgoingRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** A response, with its body kept only when asked for (or when it is an error). */
export interface Answer {
  status: number;
  body?: string;
}

const SDK_UA = 'aws-sdk-js/3.1019.0';

/** Builds a POST with a JSON body carrying the headers the AWS SDK sends, signed as the SDK signs it. */
export function signedJsonPost(target: Target, path: string, input: unknown, now?: Date): OutgoingRequest {
  const body = Buffer.from(JSON.stringify(input));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(body.length),
    host: `${target.host}:${target.port}`,
    'x-amz-user-agent': SDK_UA,
    'user-agent': `${SDK_UA} ua/2.1 lang/js md/nodejs#${process.versions.node} api/${target.service}#bench`,
    'amz-sdk-invocation-id': randomUUID(),
    'amz-sdk-request': 'attempt=1; max=1',
  };
  Object.assign(headers, signRequest({ method: 'POST', path, headers, body }, target.credentials,
    { region: target.region, service: target.service, now }));
  return { method: 'POST', path, headers, body };
}

/** Builds a query-protocol POST (IAM, STS: form-encoded Action and parameters), signed as the SDKs sign it. */
export function signedFormPost(target: Target, params: Record<string, string>, now?: Date): OutgoingRequest {
  const body = Buffer.from(new URLSearchParams(params).toString());
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    'content-length': String(body.length),
    host: `${target.host}:${target.port}`,
  };
  Object.assign(headers, signRequest({ method: 'POST', path: '/', headers, body }, target.credentials,
    { region: target.region, service: target.service, now }));
  return { method: 'POST', path: '/', headers, body };
}

/** A keep-alive agent with at most `sockets` connections (one per closed-loop worker). */
export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** Sends one request; resolves with the status (and body when non-2xx or `keepBody`). Never rejects. */
export function send(agent: http.Agent, target: Target, req: OutgoingRequest, keepBody = false, timeoutMs = 30_000): Promise<Answer> {
  return new Promise((resolve) => {
    const r = http.request({ agent, host: target.host, port: target.port, method: req.method, path: req.path, headers: req.headers }, (res) => {
      const status = res.statusCode ?? 0;
      if (!keepBody && status >= 200 && status < 300) {
        res.on('end', () => resolve({ status }));
        res.on('error', (e) => resolve({ status: 0, body: `response error: ${e.message}` }));
        res.resume();
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ status: 0, body: `response error: ${e.message}` }));
    });
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', (e) => resolve({ status: 0, body: `request error: ${e.message}` }));
    r.end(req.body);
  });
}

// ---------------------------------------------------------------- percentiles

/** Latency summary in milliseconds. */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array (q in 0..1). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Summarizes latencies given in milliseconds. */
export function summarize(latenciesMs: readonly number[]): LatencySummary {
  const s = Float64Array.from(latenciesMs).sort();
  let sum = 0;
  for (const v of s) sum += v;
  return {
    count: s.length,
    mean: s.length ? sum / s.length : NaN,
    p50: percentile(s, 0.5),
    p90: percentile(s, 0.9),
    p99: percentile(s, 0.99),
    p999: percentile(s, 0.999),
    max: s.length ? s[s.length - 1]! : NaN,
  };
}

// ---------------------------------------------------------------- runs

/** What a run measured (only requests completed inside the measured window count). */
export interface RunResult {
  mode: 'closed' | 'open';
  concurrency?: number;
  /** Open loop: the scheduled arrival rate. */
  offeredRps?: number;
  seconds: number;
  completed: number;
  ok: number;
  errors: number;
  /** Successful requests per second over the measured window. */
  rps: number;
  /** Latency of successful requests (open loop: from scheduled send time). */
  latencyMs: LatencySummary;
  statusCounts: Record<string, number>;
  /** The first few non-2xx bodies / transport errors. */
  errorSamples: string[];
  /** Generator process CPU use over the window, in percent of one core. */
  generatorCpuPct: number;
  /** What the caller's `cpuMeter` reported over the window, in percent of one core (server, postgres, machine = all cores busy). */
  meteredCpuPct?: Record<string, number>;
  /** Open loop: requests still unanswered when the schedule ended (they were awaited). */
  backlogAtEnd?: number;
  /** The slowest successful requests: when they were sent (ms into the window) and how long they took. */
  slowest: { atMs: number; latencyMs: number }[];
}

/** Options common to both runs. */
export interface RunOptions {
  agent: http.Agent;
  target: Target;
  /** Builds and signs the next request (called once per request, timed). */
  makeRequest: () => OutgoingRequest;
  warmupMs: number;
  durationMs: number;
  /** CPU seconds consumed so far by processes of interest, by name; sampled at window start and end. */
  cpuMeter?: () => Record<string, number>;
  maxErrorSamples?: number;
}

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

class Recorder {
  latencies: number[] = [];
  sentAt: number[] = [];
  completed = 0;
  errors = 0;
  statusCounts: Record<string, number> = {};
  errorSamples: string[] = [];
  constructor(private readonly maxSamples: number) {}
  record(a: Answer, latencyMs: number, sentAtMs: number): void {
    this.completed++;
    this.statusCounts[a.status] = (this.statusCounts[a.status] ?? 0) + 1;
    if (a.status >= 200 && a.status < 300) {
      this.latencies.push(latencyMs);
      this.sentAt.push(sentAtMs);
    }
    else {
      this.errors++;
      if (this.errorSamples.length < this.maxSamples) this.errorSamples.push(`${a.status || 'transport'}: ${(a.body ?? '').slice(0, 400)}`);
    }
  }
  slowest(n = 5): { atMs: number; latencyMs: number }[] {
    return this.latencies.map((l, i) => i).sort((a, b) => this.latencies[b]! - this.latencies[a]!).slice(0, n)
      .map((i) => ({ atMs: Math.round(this.sentAt[i]!), latencyMs: Math.round(this.latencies[i]! * 10) / 10 }));
  }
}

/** Samples generator and server CPU at the window's start and turns the difference into percentages. */
function cpuWindow(meter: RunOptions['cpuMeter']) {
  let t0 = 0;
  let self0 = process.cpuUsage();
  let other0: Record<string, number> = {};
  return {
    start() {
      t0 = nowMs();
      self0 = process.cpuUsage();
      other0 = meter?.() ?? {};
    },
    stop(): { generatorCpuPct: number; meteredCpuPct?: Record<string, number> } {
      const wall = (nowMs() - t0) / 1000;
      const self = process.cpuUsage(self0);
      const generatorCpuPct = ((self.user + self.system) / 1e6 / wall) * 100;
      if (!meter) return { generatorCpuPct };
      const other1 = meter();
      const meteredCpuPct: Record<string, number> = {};
      for (const k of Object.keys(other1)) meteredCpuPct[k] = ((other1[k]! - (other0[k] ?? 0)) / wall) * 100;
      return { generatorCpuPct, meteredCpuPct };
    },
  };
}

/**
 * Closed loop: `concurrency` workers, each with one request in flight at a time. Requests
 * completed during the warm-up are not recorded; the window is the `durationMs` after it.
 */
export async function closedLoop(opts: RunOptions & { concurrency: number }): Promise<RunResult> {
  const rec = new Recorder(opts.maxErrorSamples ?? 5);
  const cpu = cpuWindow(opts.cpuMeter);
  const start = nowMs();
  const from = start + opts.warmupMs;
  const end = from + opts.durationMs;
  const startTimer = setTimeout(() => cpu.start(), opts.warmupMs);
  let usage: ReturnType<typeof cpu.stop> | undefined;
  const stopTimer = setTimeout(() => (usage = cpu.stop()), opts.warmupMs + opts.durationMs);
  const worker = async () => {
    for (;;) {
      const t0 = nowMs();
      if (t0 >= end) return;
      const answer = await send(opts.agent, opts.target, opts.makeRequest());
      const t1 = nowMs();
      if (t1 >= from && t1 < end) rec.record(answer, t1 - t0, t0 - from);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  clearTimeout(startTimer);
  clearTimeout(stopTimer);
  usage ??= cpu.stop();
  const seconds = opts.durationMs / 1000;
  return {
    mode: 'closed', concurrency: opts.concurrency, seconds, completed: rec.completed, ok: rec.latencies.length,
    errors: rec.errors, rps: rec.latencies.length / seconds, latencyMs: summarize(rec.latencies),
    statusCounts: rec.statusCounts, errorSamples: rec.errorSamples, slowest: rec.slowest(), ...usage,
  };
}

/**
 * Open loop: request i is due at start + i/rate whatever happened to earlier ones; its
 * latency runs from that due time to the answer, so time spent waiting to be sent (timer
 * slack, a busy generator, all connections taken) counts. Recorded: requests due after the
 * warm-up and before the end of the window; the run waits for all of them to be answered.
 */
export async function openLoop(opts: RunOptions & { rate: number }): Promise<RunResult> {
  const rec = new Recorder(opts.maxErrorSamples ?? 5);
  const cpu = cpuWindow(opts.cpuMeter);
  const interval = 1000 / opts.rate;
  const start = nowMs() + 5;
  const from = start + opts.warmupMs;
  const end = from + opts.durationMs;
  const total = Math.floor((opts.warmupMs + opts.durationMs) / interval);
  const inFlight = new Set<Promise<void>>();
  let backlogAtEnd = 0;
  let cpuStarted = false;
  let usage: ReturnType<typeof cpu.stop> | undefined;

  const fire = (due: number) => {
    const p = send(opts.agent, opts.target, opts.makeRequest()).then((answer) => {
      const t1 = nowMs();
      if (due >= from && due < end) rec.record(answer, t1 - due, due - from);
      inFlight.delete(p);
    });
    inFlight.add(p);
  };

  await new Promise<void>((resolve) => {
    let i = 0;
    const tick = () => {
      const t = nowMs();
      if (!cpuStarted && t >= from) {
        cpuStarted = true;
        cpu.start();
      }
      while (i < total && start + i * interval <= t) fire(start + i++ * interval);
      if (i >= total) {
        backlogAtEnd = inFlight.size;
        resolve();
        return;
      }
      setTimeout(tick, Math.max(0, Math.floor(start + i * interval - nowMs())));
    };
    setTimeout(tick, 5);
  });
  while (inFlight.size > 0) await Promise.race(inFlight);
  usage = cpu.stop();
  const seconds = opts.durationMs / 1000;
  return {
    mode: 'open', offeredRps: opts.rate, seconds, completed: rec.completed, ok: rec.latencies.length,
    errors: rec.errors, rps: rec.latencies.length / seconds, latencyMs: summarize(rec.latencies),
    statusCounts: rec.statusCounts, errorSamples: rec.errorSamples, backlogAtEnd, slowest: rec.slowest(), ...usage,
  };
}
