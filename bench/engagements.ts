/**
 * Engagements under load, against a real SMTP server (issue 4): "10,000 concurrent engagements
 * of three-stage plans against a local SMTP sink: every stage fires within 1 s of its due
 * time, and the first email of an incident reaches the SMTP server within p99 200 ms of
 * StartIncident's response."
 *
 *   npx tsx bench/engagements.ts                          # SQLite
 *   npx tsx bench/engagements.ts --db postgres            # PostgreSQL (fresh database, dropped afterwards)
 *   npx tsx bench/engagements.ts --db both --profile      # both; CPU-profile the server, summarize per phase
 *   npx tsx bench/engagements.ts --engagements 2000 --incidents 400   # a shorter smoke run
 *
 * Flags: --db sqlite|postgres|both (sqlite), --engagements N (10000, phase 2), --incidents N
 * (2000, phase 1), --rate R (200 StartIncident/s, phase 1), --concurrency C (32 connections,
 * phase 2), --plans P (100 escalation plans, each with a response plan), --per-stage K (1
 * personal contact per stage; P x 3 x K contacts in all), --max-late S (120: how long past a
 * stage's last due time the run waits for stragglers), --pg-url URL (admin URL;
 * postgres://postgres@127.0.0.1:5432/postgres), --profile, --wait-quiet S, --out DIR
 * (.bench-out), --phases 1,2 (which phases run), --instant-greeting (the sink greets a new SMTP
 * connection at once instead of after smtp-server's 100 ms early-talker wait).
 *
 * One run per database, about 3.5 minutes: a lean SMTP sink in this process
 * (bench/smtp-counter.ts); a child `node bin/tocsin.js serve` (bench/server-process.ts: fresh
 * data dir, fresh PostgreSQL database) with TOCSIN_SMTP_URL pointing at it; everything on
 * 127.0.0.1.
 *  - Setup (AWS SDK clients, not timed): P x 3 x K personal contacts, each with one EMAIL
 *    channel activated with the code read from the activation mail the sink received and a
 *    one-stage plan paging that channel once; P escalation plans of three stages (1 min, 1 min,
 *    1 min; K essential contacts each, no contact in two places); P response plans, each
 *    engaging one escalation plan, no dedupe string.
 *  - Phase 1, incident start -> first email: N StartIncident calls (SigV4-signed, open loop at
 *    R/s, plans round-robin, a distinct `title` per incident so its email's subject names it).
 *    Latency = arrival of the incident's first stage-1 email at the sink (end of DATA) minus
 *    the arrival of StartIncident's response here (both on this process's monotonic clock).
 *    Then every phase-1 incident is resolved (UpdateIncidentRecord), which stops its
 *    engagement: its stages 2 and 3 must send nothing (counted).
 *  - Phase 2, stage timeliness: E StartEngagement calls on the escalation plans, closed loop on
 *    C connections (as fast as the server takes them), nobody acknowledges. Every email is
 *    then matched to its engagement (subject) and stage (recipient); lateness = arrival (wall
 *    clock) minus due time = the engagement's StartTime (ListEngagements, after the run) + 0,
 *    60 or 120 s. Target: every stage-2 and stage-3 email within 1 s.
 * Output: a markdown table per database, CPU of the server / PostgreSQL / this process / the
 * rest of the machine per window, a JSON file and a markdown block in --out; with --profile a
 * .cpuprofile per database and its summary per window.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ActivateContactChannelCommand, CreateContactChannelCommand, CreateContactCommand, SSMContactsClient, UpdateContactCommand,
} from '@aws-sdk/client-ssm-contacts';
import { CreateResponsePlanCommand, SSMIncidentsClient } from '@aws-sdk/client-ssm-incidents';
import { signRequest } from '../src/api/sigv4.js';
import { formatSummary, summarizeProfile, type ProfileSummary } from './cpuprofile-top.js';
import { keepAliveAgent, send, signedJsonPost, summarize, type LatencySummary, type OutgoingRequest, type Target } from './load.js';
import { adminQuery, machineBusySeconds, postgresCpuMeter, processCpuSeconds, root, startTocsin, type TocsinProcess } from './server-process.js';
import { startSmtpCounter, type Arrival, type SmtpCounter } from './smtp-counter.js';

const { values: flags } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    engagements: { type: 'string', default: '10000' },
    incidents: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '32' },
    plans: { type: 'string', default: '100' },
    'per-stage': { type: 'string', default: '1' },
    'max-late': { type: 'string', default: '120' },
    phases: { type: 'string', default: '1,2' },
    'pg-url': { type: 'string', default: process.env.TOCSIN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    profile: { type: 'boolean', default: false },
    'instant-greeting': { type: 'boolean', default: false },
    'wait-quiet': { type: 'string', default: '0' },
    out: { type: 'string', default: join(root, '.bench-out') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (flags.help) {
  const src = readFileSync(new URL(import.meta.url), 'utf8');
  process.stdout.write(src.slice(0, src.indexOf('*/') + 2) + '\n');
  process.exit(0);
}

const int = (name: string, min: number): number => {
  const v = (flags as unknown as Record<string, string>)[name]!;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got '${v}'`);
  return n;
};
const ENGAGEMENTS = int('engagements', 0);
const INCIDENTS = int('incidents', 0);
const RATE = Number(flags.rate);
if (!(RATE > 0)) throw new Error(`--rate must be a positive number, got '${flags.rate}'`);
const CONCURRENCY = int('concurrency', 1);
const PLANS = int('plans', 1);
const PER_STAGE = int('per-stage', 1);
const MAX_LATE_S = int('max-late', 1);
const PHASES = new Set(flags.phases!.split(',').map((s) => s.trim()));
if (!['sqlite', 'postgres', 'both'].includes(flags.db!)) throw new Error(`--db must be sqlite, postgres or both, got '${flags.db}'`);
const databases = (flags.db === 'both' ? ['sqlite', 'postgres'] : [flags.db]) as ('sqlite' | 'postgres')[];
const pgUrl = flags['pg-url']!;
const outDir = flags.out!;

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIDBENCH0000000', secretAccessKey: `bench-${randomUUID()}` };
const STAGES = 3;
const STAGE_MINUTES = [1, 1, 1];
const STAGE_OFFSET_MS = [0, 60_000, 120_000];
const CONTACTS = PLANS * STAGES * PER_STAGE;
/** Targets from the issue. */
const TARGETS = { firstEmailP99Ms: 200, stageLateMs: 1000 };
/** Hard limit of one database's run (setup, both phases, the waits, teardown). */
const RUN_LIMIT_MS = 15 * 60_000;

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (v: number, d = 1) => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : NaN);
const pad = (n: number, w = 5) => String(n).padStart(w, '0');
const address = (c: number) => `c${pad(c)}@bench.example`;
/** Contact c pages for plan floor(c / 3K), stage floor((c mod 3K) / K). */
const stageOfContact = (c: number) => Math.floor((c % (STAGES * PER_STAGE)) / PER_STAGE);
const planOfContact = (c: number) => Math.floor(c / (STAGES * PER_STAGE));
const contactsOf = (plan: number, stage: number) => Array.from({ length: PER_STAGE }, (_, j) => plan * STAGES * PER_STAGE + stage * PER_STAGE + j);
const contactOfAddress = (a: string): number => {
  const m = /^c(\d+)@/.exec(a);
  return m ? Number(m[1]) : -1;
};

// ---------------------------------------------------------------- requests

const SDK_UA = 'aws-sdk-js/3.1019.0';

/** A JSON 1.1 call (ssm-contacts: POST / with X-Amz-Target), with the SDK's headers, signed as the SDK signs it. */
function signedTargetPost(target: Target, operation: string, input: unknown): OutgoingRequest {
  const body = Buffer.from(JSON.stringify(input));
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': String(body.length),
    host: `${target.host}:${target.port}`,
    'x-amz-target': `SSMContacts.${operation}`,
    'x-amz-user-agent': SDK_UA,
    'user-agent': `${SDK_UA} ua/2.1 lang/js md/nodejs#${process.versions.node} api/ssm-contacts#bench`,
    'amz-sdk-invocation-id': randomUUID(),
    'amz-sdk-request': 'attempt=1; max=1',
  };
  Object.assign(headers, signRequest({ method: 'POST', path: '/', headers, body }, target.credentials, { region: target.region, service: target.service }));
  return { method: 'POST', path: '/', headers, body };
}

/** Runs `fn(i)` for i in [0, n) on `width` workers; resolves when all are done. */
async function pool(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) await fn(next++);
  }));
}

/** Rejects after `ms` with `what` in the message (a hard bound on a step). */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms))),
  ]);
}

// ---------------------------------------------------------------- CPU over time

interface CpuSample { mono: number; server: number; postgres?: number; bench: number; machine: number }

/** Samples CPU seconds every 500 ms, so any window can be reported afterwards. */
function cpuSampler(server: TocsinProcess) {
  const pgCpu = server.database ? postgresCpuMeter(server.database) : undefined;
  const samples: CpuSample[] = [];
  const take = () => {
    const u = process.cpuUsage();
    samples.push({
      mono: nowMs(), server: processCpuSeconds(server.pid), ...(pgCpu ? { postgres: pgCpu() } : {}),
      bench: (u.user + u.system) / 1e6, machine: machineBusySeconds(),
    });
  };
  take();
  const timer = setInterval(take, 500);
  return {
    stop() {
      clearInterval(timer);
      take();
    },
    /** Percent of one core each used during [from, to] (nearest samples). */
    window(from: number, to: number): Record<string, number> | undefined {
      const at = (t: number) => samples.reduce((best, s) => (Math.abs(s.mono - t) < Math.abs(best.mono - t) ? s : best), samples[0]!);
      const a = at(from);
      const b = at(to);
      const wall = (b.mono - a.mono) / 1000;
      if (!(wall > 0.2)) return undefined;
      const pct = (x: number, y: number) => Math.round(((y - x) / wall) * 100);
      const out: Record<string, number> = { server: pct(a.server, b.server), bench: pct(a.bench, b.bench) };
      if (a.postgres !== undefined && b.postgres !== undefined) out.postgres = pct(a.postgres, b.postgres);
      const machine = pct(a.machine, b.machine);
      out.other = Math.max(0, machine - out.server! - out.bench! - (out.postgres ?? 0));
      return out;
    },
  };
}

// ---------------------------------------------------------------- results

/** One row of the results table. */
interface Row {
  name: string;
  /** What count counts ("received / expected", "ok / sent"). */
  count: string;
  /** Per second, with its unit. */
  rate?: string;
  latency?: LatencySummary;
  /** How many exceeded the target (stage rows). */
  over?: number;
  target?: string;
  met?: boolean;
  note?: string;
}

interface Window { name: string; from: number; to: number; cpu?: Record<string, number>; profile?: ProfileSummary }

interface DbResult {
  database: 'sqlite' | 'postgres';
  rows: Row[];
  windows: Window[];
  checks: Record<string, number | string>;
  failed?: string;
  profileFile?: string;
  /** The server's spawn time on this process's hrtime clock (ms): a profile's time 0, to cut windows out of it again. */
  serverSpawnedAtMs?: number;
  /** Per-second histogram of stage-2/3 arrivals and dues, to see a backlog build. */
  timelines?: Record<string, { second: number; due: number; arrived: number; maxLateMs: number }[]>;
}

// ---------------------------------------------------------------- one database

async function runDatabase(database: 'sqlite' | 'postgres', runId: string): Promise<DbResult> {
  const result: DbResult = { database, rows: [], windows: [], checks: {} };
  const profileDir = flags.profile ? join(outDir, 'profiles', runId, `engagements-${database}`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const sink = await startSmtpCounter({ instantGreeting: flags['instant-greeting'] });
  let server: TocsinProcess | undefined;
  let cpu: ReturnType<typeof cpuSampler> | undefined;
  const log = (s: string) => process.stdout.write(`  [${database} ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
  try {
    // startTocsin passes this process's environment on; TOCSIN_SMTP_URL points the server at the sink.
    process.env.TOCSIN_SMTP_URL = sink.url;
    try {
      server = await startTocsin({
        db: database, pgAdminUrl: pgUrl, accountId: ACCOUNT, credentials: CREDENTIALS,
        nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      });
    } finally {
      delete process.env.TOCSIN_SMTP_URL;
    }
    cpu = cpuSampler(server);
    result.serverSpawnedAtMs = server.spawnedAtMs;
    const s = server;
    await within(RUN_LIMIT_MS, `the ${database} run`, body(s, sink, result, log));
    const gone = s.exited();
    if (gone) throw new Error(`the server exited during the run (${JSON.stringify(gone)}); its last output:\n${s.log().split('\n').slice(-30).join('\n')}`);
  } catch (err) {
    result.failed = (err as Error).message;
    log(`FAILED: ${result.failed}`);
    if (server) log(`server output (last lines):\n${server.log().split('\n').slice(-20).join('\n')}`);
  } finally {
    cpu?.stop();
    for (const w of result.windows) w.cpu = cpu?.window(w.from, w.to);
    await server?.stop();
    await sink.close();
  }
  if (profileDir && server) {
    const file = readdirSync(profileDir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f)).map((f) => join(profileDir, f))[0];
    if (file) {
      result.profileFile = relative(root, file);
      const texts: string[] = [];
      for (const w of result.windows) {
        w.profile = summarizeProfile(file, { fromMs: w.from - server.spawnedAtMs, toMs: w.to - server.spawnedAtMs, top: 30 });
        texts.push(`== ${w.name}\n${formatSummary(w.profile)}\n`);
      }
      writeFileSync(file.replace(/\.cpuprofile$/, '.summary.txt'), texts.join('\n'));
    }
  }
  return result;
}

async function body(server: TocsinProcess, sink: SmtpCounter, result: DbResult, log: (s: string) => void): Promise<void> {
  const clientOpts = { endpoint: server.url, region: REGION, credentials: CREDENTIALS, maxAttempts: 3 };
  const contactsClient = new SSMContactsClient(clientOpts);
  const incidentsClient = new SSMIncidentsClient(clientOpts);
  const inc: Target = { host: server.host, port: server.port, credentials: CREDENTIALS, region: REGION, service: 'ssm-incidents' };
  const con: Target = { ...inc, service: 'ssm-contacts' };

  // Arrivals are sorted into phase 1 (subject "Incident: p1-<i>") and phase 2 ("p2-<i>") as they come.
  const p1First = new Float64Array(INCIDENTS).fill(NaN);
  const p1Later: Arrival[] = [];
  const p2: { i: number; stage: number; a: Arrival }[] = [];
  const p2Count = [0, 0, 0];
  let strays = 0;
  sink.onArrival = (a) => {
    const c = contactOfAddress(a.to);
    const stage = c >= 0 ? stageOfContact(c) : -1;
    let m = /^Incident: p1-(\d+)$/.exec(a.subject);
    if (m) {
      const i = Number(m[1]);
      if (stage === 0) {
        if (!(p1First[i]! <= a.monoMs)) p1First[i] = a.monoMs;
      } else p1Later.push(a);
      return;
    }
    m = /^p2-(\d+)$/.exec(a.subject);
    if (m && stage >= 0) {
      const i = Number(m[1]);
      if (planOfContact(c) !== i % PLANS) strays++;
      p2.push({ i, stage, a });
      p2Count[stage]!++;
      return;
    }
    strays++;
  };

  // ---- setup
  const t0 = nowMs();
  log(`setup: ${CONTACTS} personal contacts with an activated email channel, ${PLANS} escalation plans (3 stages x ${PER_STAGE}), ${PLANS} response plans`);
  const contactArns: string[] = new Array(CONTACTS);
  await within(300_000, 'setup', pool(CONTACTS, 8, async (c) => {
    const alias = `bench-c${pad(c)}`;
    const arn = (await contactsClient.send(new CreateContactCommand({ Alias: alias, DisplayName: alias, Type: 'PERSONAL', Plan: { Stages: [] } }))).ContactArn!;
    const channel = (await contactsClient.send(new CreateContactChannelCommand({
      ContactId: arn, Name: 'mail', Type: 'EMAIL', DeliveryAddress: { SimpleAddress: address(c) },
    }))).ContactChannelArn!;
    const code = await sink.activationCode(address(c));
    await contactsClient.send(new ActivateContactChannelCommand({ ContactChannelId: channel, ActivationCode: code }));
    await contactsClient.send(new UpdateContactCommand({
      ContactId: arn, Plan: { Stages: [{ DurationInMinutes: 0, Targets: [{ ChannelTargetInfo: { ContactChannelId: channel } }] }] },
    }));
    contactArns[c] = arn;
  }));
  const escalations: string[] = new Array(PLANS);
  const responsePlans: string[] = new Array(PLANS);
  await within(120_000, 'setup of the plans', pool(PLANS, 8, async (p) => {
    escalations[p] = (await contactsClient.send(new CreateContactCommand({
      Alias: `bench-esc-${pad(p, 4)}`, Type: 'ESCALATION',
      Plan: {
        Stages: STAGE_MINUTES.map((minutes, k) => ({
          DurationInMinutes: minutes,
          Targets: contactsOf(p, k).map((c) => ({ ContactTargetInfo: { ContactId: contactArns[c]!, IsEssential: true } })),
        })),
      },
    }))).ContactArn!;
    responsePlans[p] = (await incidentsClient.send(new CreateResponsePlanCommand({
      name: `bench-plan-${pad(p, 4)}`, engagements: [escalations[p]!], incidentTemplate: { title: 'bench incident', impact: 3 },
    }))).arn!;
  }));
  contactsClient.destroy();
  incidentsClient.destroy();
  result.windows.push({ name: 'setup', from: t0, to: nowMs() });
  log(`setup done in ${round((nowMs() - t0) / 1000)} s (${sink.connections()} SMTP connections so far)`);

  // ---- phase 1: StartIncident at a fixed rate -> first stage-1 email
  if (PHASES.has('1') && INCIDENTS > 0) {
    log(`phase 1: ${INCIDENTS} StartIncident at ${RATE}/s (open loop)`);
    const agent = keepAliveAgent(64);
    const due = new Float64Array(INCIDENTS);
    const answered = new Float64Array(INCIDENTS).fill(NaN);
    const arns: (string | undefined)[] = new Array(INCIDENTS);
    const errors: string[] = [];
    let errorCount = 0;
    const start = nowMs() + 5;
    const inFlight = new Set<Promise<void>>();
    await new Promise<void>((resolve) => {
      let i = 0;
      const tick = () => {
        const t = nowMs();
        while (i < INCIDENTS && start + (i * 1000) / RATE <= t) {
          const k = i++;
          due[k] = start + (k * 1000) / RATE;
          const req = signedJsonPost(inc, '/startIncident', { responsePlanArn: responsePlans[k % PLANS], clientToken: randomUUID(), title: `p1-${k}` });
          const p = send(agent, inc, req, true).then((a) => {
            const at = nowMs();
            if (a.status === 200) {
              answered[k] = at;
              arns[k] = JSON.parse(a.body!).incidentRecordArn;
            } else {
              errorCount++;
              if (errors.length < 5) errors.push(`${a.status}: ${(a.body ?? '').slice(0, 300)}`);
            }
            inFlight.delete(p);
          });
          inFlight.add(p);
        }
        if (i >= INCIDENTS) return resolve();
        setTimeout(tick, Math.max(0, Math.floor(start + (i * 1000) / RATE - nowMs())));
      };
      setTimeout(tick, 5);
    });
    while (inFlight.size) await Promise.race(inFlight);
    const lastAnswer = nowMs();
    const ok = [...answered].filter((v) => !Number.isNaN(v)).length;
    // Every answered incident's first email, or 30 s past the last answer.
    const have = () => { let n = 0; for (let k = 0; k < INCIDENTS; k++) if (!Number.isNaN(answered[k]!) && !Number.isNaN(p1First[k]!)) n++; return n; };
    while (have() < ok && nowMs() - lastAnswer < 30_000) await sleep(50);
    const p1End = nowMs();
    result.windows.push({ name: 'phase 1 (StartIncident at a fixed rate, first emails)', from: start, to: p1End });
    const resp: number[] = [];
    const first: number[] = [];
    let lastFirst = 0;
    for (let k = 0; k < INCIDENTS; k++) {
      if (Number.isNaN(answered[k]!)) continue;
      resp.push(answered[k]! - due[k]!);
      if (!Number.isNaN(p1First[k]!)) {
        first.push(p1First[k]! - answered[k]!);
        lastFirst = Math.max(lastFirst, p1First[k]!);
      }
    }
    const respS = summarize(resp);
    const firstS = summarize(first);
    const firstMet = first.length === ok && firstS.p99 < TARGETS.firstEmailP99Ms;
    result.rows.push({
      name: `StartIncident, open loop at ${RATE}/s (latency from the scheduled send)`, count: `${ok} ok / ${INCIDENTS}`,
      rate: `${round(ok / ((lastAnswer - start) / 1000), 0)} incidents/s`, latency: respS,
      note: errorCount ? `${errorCount} errors, first: ${errors[0]}` : undefined,
    });
    result.rows.push({
      name: 'first stage-1 email after StartIncident\'s response', count: `${first.length} / ${ok}`,
      rate: `${round(first.length / ((lastFirst - start) / 1000), 0)} emails/s`, latency: firstS,
      over: first.filter((v) => v >= TARGETS.firstEmailP99Ms).length, target: `p99 < ${TARGETS.firstEmailP99Ms} ms`, met: firstMet,
      note: first.some((v) => v < 0) ? `${first.filter((v) => v < 0).length} arrived before the response` : undefined,
    });
    log(`phase 1: StartIncident p50 ${round(respS.p50, 2)} / p99 ${round(respS.p99, 2)} ms; first email after the response p50 ${round(firstS.p50, 1)} / p99 ${round(firstS.p99, 1)} / max ${round(firstS.max, 1)} ms (${first.length}/${ok})`);
    // Resolve them all: their engagements stop, so stages 2 and 3 of phase 1 must send nothing.
    const r0 = nowMs();
    let resolveErrors = 0;
    await within(120_000, 'resolving the phase-1 incidents', pool(INCIDENTS, 16, async (k) => {
      if (!arns[k]) return;
      const a = await send(agent, inc, signedJsonPost(inc, '/updateIncidentRecord', { arn: arns[k], status: 'RESOLVED', clientToken: randomUUID() }), true);
      if (a.status < 200 || a.status >= 300) resolveErrors++;
    }));
    agent.destroy();
    result.checks['phase-1 incidents resolved'] = ok - resolveErrors;
    result.checks['phase-1 resolve errors'] = resolveErrors;
    result.windows.push({ name: 'resolving phase 1', from: r0, to: nowMs() });
    log(`phase 1: resolved ${ok - resolveErrors} incidents in ${round((nowMs() - r0) / 1000)} s`);
  }

  // ---- phase 2: E StartEngagement as fast as they are taken; then every stage's emails against their due times
  if (PHASES.has('2') && ENGAGEMENTS > 0) {
    log(`phase 2: ${ENGAGEMENTS} StartEngagement, closed loop on ${CONCURRENCY} connections`);
    const agent = keepAliveAgent(CONCURRENCY);
    const arns: (string | undefined)[] = new Array(ENGAGEMENTS);
    const lat: number[] = [];
    const errors: string[] = [];
    let errorCount = 0;
    const i0 = nowMs();
    const firstWall = Date.now();
    await within(300_000, 'issuing the engagements', pool(ENGAGEMENTS, CONCURRENCY, async (k) => {
      const req = signedTargetPost(con, 'StartEngagement', { ContactId: escalations[k % PLANS], Sender: 'bench', Subject: `p2-${k}`, Content: 'bench engagement' });
      const t = nowMs();
      const a = await send(agent, con, req, true);
      if (a.status === 200) {
        lat.push(nowMs() - t);
        arns[k] = JSON.parse(a.body!).EngagementArn;
      } else {
        errorCount++;
        if (errors.length < 5) errors.push(`${a.status}: ${(a.body ?? '').slice(0, 300)}`);
      }
    }));
    const i1 = nowMs();
    const lastWall = Date.now();
    const ok = lat.length;
    const issueS = (i1 - i0) / 1000;
    result.windows.push({ name: 'phase 2: issuing StartEngagement', from: i0, to: i1 });
    result.rows.push({
      name: `StartEngagement, closed loop, ${CONCURRENCY} connections`, count: `${ok} ok / ${ENGAGEMENTS}`,
      rate: `${round(ok / issueS, 0)} engagements/s`, latency: summarize(lat),
      note: errorCount ? `${errorCount} errors, first: ${errors[0]}` : undefined,
    });
    log(`phase 2: ${ok} engagements in ${round(issueS, 2)} s (${round(ok / issueS, 0)}/s); waiting for stages 2 (+60 s) and 3 (+120 s)`);

    // Wait for every expected email, or until max-late past the last stage-3 due time.
    const expected = ok * PER_STAGE;
    const deadline = lastWall + STAGE_OFFSET_MS[2]! + MAX_LATE_S * 1000;
    let lastReport = 0;
    while (p2Count.some((n) => n < expected) && Date.now() < deadline) {
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        log(`  +${round((Date.now() - firstWall) / 1000, 0)} s: stage 1 ${p2Count[0]}/${expected}, stage 2 ${p2Count[1]}/${expected}, stage 3 ${p2Count[2]}/${expected}`);
      }
      await sleep(200);
    }
    log(`  stage 1 ${p2Count[0]}/${expected}, stage 2 ${p2Count[1]}/${expected}, stage 3 ${p2Count[2]}/${expected}`);
    const endMono = nowMs();
    const wallToMono = (w: number) => endMono - (Date.now() - w);

    // The engagements' StartTime (server clock), for every engagement of the account.
    const startOf = new Map<string, number>();
    const lagent = keepAliveAgent(1);
    for (let token: string | undefined, pages = 0; pages < 1000; pages++) {
      const a = await send(lagent, con, signedTargetPost(con, 'ListEngagements', { MaxResults: 1024, ...(token ? { NextToken: token } : {}) }), true);
      if (a.status !== 200) throw new Error(`ListEngagements answered ${a.status}: ${a.body}`);
      const page = JSON.parse(a.body!) as { Engagements: { EngagementArn: string; StartTime: number }[]; NextToken?: string };
      for (const e of page.Engagements) startOf.set(e.EngagementArn, e.StartTime * 1000);
      token = page.NextToken;
      if (!token) break;
    }
    lagent.destroy();
    agent.destroy();

    const dueOf = (i: number, stage: number) => {
      const arn = arns[i];
      const st = arn ? startOf.get(arn) : undefined;
      return st === undefined ? NaN : st + STAGE_OFFSET_MS[stage]!;
    };
    const perStage: number[][] = [[], [], []];
    const arrivalsOf: Arrival[][] = [[], [], []];
    const seen = new Set<string>();
    let duplicates = 0;
    for (const { i, stage, a } of p2) {
      const key = `${i}|${a.to}`;
      if (seen.has(key)) duplicates++;
      seen.add(key);
      const d = dueOf(i, stage);
      if (Number.isNaN(d)) continue;
      perStage[stage]!.push(a.wallMs - d);
      arrivalsOf[stage]!.push(a);
    }
    result.timelines = {};
    for (let k = 0; k < STAGES; k++) {
      const late = perStage[k]!;
      const s = summarize(late);
      const over = late.filter((v) => v > TARGETS.stageLateMs).length;
      const arr = arrivalsOf[k]!;
      const firstA = Math.min(...arr.map((a) => a.wallMs));
      const lastA = Math.max(...arr.map((a) => a.wallMs));
      const dues = arns.map((_, i) => dueOf(i, k)).filter((v) => !Number.isNaN(v));
      const firstDue = Math.min(...dues);
      const lastDue = Math.max(...dues);
      const missing = expected - late.length;
      result.rows.push({
        name: `stage ${k + 1} emails: arrival - due (StartTime${k ? ` + ${STAGE_OFFSET_MS[k]! / 1000} s` : ''})`, count: `${late.length} / ${expected}`,
        rate: arr.length > 1 ? `${round(arr.length / Math.max(0.001, (lastA - firstA) / 1000), 0)} emails/s (due at ${round(dues.length / Math.max(0.001, (lastDue - firstDue) / 1000), 0)}/s)` : undefined,
        latency: s, over, target: k === 0 ? 'info' : `all <= ${TARGETS.stageLateMs} ms`,
        met: k === 0 ? undefined : missing === 0 && over === 0,
        note: missing ? `${missing} not received` : undefined,
      });
      if (arr.length) result.windows.push({ name: `stage ${k + 1} (first due -> last email)`, from: wallToMono(firstDue), to: wallToMono(Math.max(lastA, lastDue)) });
      // Per second from the first due time: how many fell due, how many arrived, the worst lateness of those arriving.
      const buckets = new Map<number, { second: number; due: number; arrived: number; maxLateMs: number }>();
      const bucket = (sec: number) => {
        let b = buckets.get(sec);
        if (!b) buckets.set(sec, (b = { second: sec, due: 0, arrived: 0, maxLateMs: 0 }));
        return b;
      };
      for (const d of dues) bucket(Math.floor((d - firstDue) / 1000)).due++;
      arr.forEach((a, j) => {
        const b = bucket(Math.floor((a.wallMs - firstDue) / 1000));
        b.arrived++;
        b.maxLateMs = Math.max(b.maxLateMs, Math.round(late[j]!));
      });
      result.timelines[`stage ${k + 1}`] = [...buckets.values()].sort((x, y) => x.second - y.second);
    }
    result.checks['phase-2 duplicate emails'] = duplicates;
    result.checks['phase-2 emails not matching their plan'] = strays;
  }
  // Phase 1's later stages must never have run: those incidents were resolved.
  if (PHASES.has('1') && INCIDENTS > 0) result.checks['phase-1 stage-2/3 emails after resolving'] = p1Later.length;
  result.checks['SMTP connections accepted'] = sink.connections();
}

// ---------------------------------------------------------------- report

const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : Math.abs(v) < 10 ? v.toFixed(2) : Math.abs(v) < 1000 ? v.toFixed(1) : v.toFixed(0));

function table(r: DbResult): string[] {
  const out = [
    '| measurement | count | throughput | p50 ms | p99 ms | max ms | over target | target | met |',
    '|---|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const row of r.rows) {
    const l = row.latency;
    out.push(`| ${row.name}${row.note ? ` (${row.note})` : ''} | ${row.count} | ${row.rate ?? ''} | ${ms(l?.p50)} | ${ms(l?.p99)} | ${ms(l?.max)} | ${row.over ?? ''} | ${row.target ?? ''} | ${row.met === undefined ? '' : row.met ? 'met' : '**missed**'} |`);
  }
  if (r.failed) out.push(`| failed: ${r.failed.split('\n')[0]!.slice(0, 200)} | | | | | | | | |`);
  return out;
}

function cpuLines(r: DbResult): string[] {
  return r.windows.filter((w) => w.cpu).map((w) => `  ${w.name}, ${round((w.to - w.from) / 1000)} s: CPU (% of one core) `
    + Object.entries(w.cpu!).map(([k, v]) => `${k} ${v}%`).join(', '));
}

function markdown(results: DbResult[], info: Record<string, unknown>, command: string): string {
  const out = [
    `Command: \`${command}\`. ${CONTACTS} personal contacts (one activated EMAIL channel each), ${PLANS} escalation plans of 3 stages`
      + ` (1 min each, ${PER_STAGE} essential contact${PER_STAGE > 1 ? 's' : ''} per stage), ${PLANS} response plans`
      + (PHASES.has('1') ? `; phase 1: ${INCIDENTS} StartIncident at ${RATE}/s` : '')
      + (PHASES.has('2') ? `; phase 2: ${ENGAGEMENTS} StartEngagement on ${CONCURRENCY} connections` : '')
      + `. Machine: ${info.cores} cores, ${info.cpuModel}, Node ${info.node}; other processes used ${info.busyBeforeRunPct}% of a core in the second before the run.`,
    '',
  ];
  for (const r of results) {
    out.push(`**${r.database === 'sqlite' ? 'SQLite' : `PostgreSQL ${(info.postgres as string | undefined) ?? ''}`}**`, '', ...table(r), '');
    const checks = Object.entries(r.checks).map(([k, v]) => `${k}: ${v}`).join('; ');
    if (checks) out.push(`Checks: ${checks}.`, '');
    const cpu = cpuLines(r);
    if (cpu.length) out.push('CPU per window:', '', ...cpu.map((l) => `- ${l.trim()}`), '');
  }
  return out.join('\n');
}

/** Waits (up to `maxS` seconds) for 5 consecutive seconds in which the machine uses under 15% of a core. */
async function waitQuiet(maxS: number): Promise<void> {
  if (maxS <= 0) return;
  const until = Date.now() + maxS * 1000;
  let quiet = 0;
  process.stdout.write('waiting for the machine to be quiet ');
  while (Date.now() < until && quiet < 5) {
    const b0 = machineBusySeconds();
    await sleep(1000);
    quiet = machineBusySeconds() - b0 < 0.15 ? quiet + 1 : 0;
    process.stdout.write(quiet ? '.' : '*');
  }
  process.stdout.write(quiet >= 5 ? ' quiet\n' : ' gave up, running anyway\n');
}

async function main(): Promise<void> {
  await waitQuiet(Number(flags['wait-quiet']));
  const runId = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(outDir, { recursive: true });
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const b0 = machineBusySeconds();
  await sleep(1000);
  const info: Record<string, unknown> = {
    cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version,
    kernel: release(), busyBeforeRunPct: Math.round((machineBusySeconds() - b0) * 100),
  };
  if (databases.includes('postgres')) info.postgres = (await adminQuery(pgUrl, 'SHOW server_version')).rows[0]?.server_version;
  const command = `npx tsx bench/engagements.ts ${process.argv.slice(2).join(' ')}`.trim();
  console.log(`engagements bench: ${info.cores} cores (${info.cpuModel}), Node ${info.node}; machine ${info.busyBeforeRunPct}% busy (of one core) before the run`);
  const results: DbResult[] = [];
  for (const db of databases) results.push(await runDatabase(db, runId));

  for (const r of results) {
    console.log(`\n== ${r.database}`);
    console.log(table(r).join('\n'));
    for (const [k, v] of Object.entries(r.checks)) console.log(`  ${k}: ${v}`);
    console.log(cpuLines(r).join('\n'));
    for (const [name, rows] of Object.entries(r.timelines ?? {})) {
      if (name === 'stage 1') continue;
      console.log(`  ${name}, per second from its first due time: ` + rows.slice(0, 40).map((b) => `${b.second}s due ${b.due} sent ${b.arrived} worst ${b.maxLateMs} ms`).join('; '));
    }
    for (const w of r.windows) if (w.profile) console.log(`\n== server CPU profile, ${r.database}, ${w.name} (${r.profileFile})\n${formatSummary(w.profile)}`);
  }
  const md = markdown(results, info, command);
  const jsonFile = join(outDir, `engagements-${runId}.json`);
  const mdFile = join(outDir, `engagements-${runId}.md`);
  writeFileSync(jsonFile, JSON.stringify({
    runId, command,
    settings: { engagements: ENGAGEMENTS, incidents: INCIDENTS, rate: RATE, concurrency: CONCURRENCY, plans: PLANS, perStage: PER_STAGE, contacts: CONTACTS, stageMinutes: STAGE_MINUTES, targets: TARGETS },
    machine: info, results,
  }, null, 2) + '\n');
  writeFileSync(mdFile, md + '\n');
  console.log(`\n--- markdown for BENCHMARKS.md (also in ${relative(root, mdFile)}) ---\n${md}\n---`);
  console.log(`results: ${relative(root, jsonFile)}`);
  const missed = results.flatMap((r) => [...(r.failed ? [`${r.database}: failed`] : []), ...r.rows.filter((x) => x.met === false).map((x) => `${r.database}: ${x.name}`)]);
  if (missed.length) console.log(`targets missed or runs failed:\n  ${missed.join('\n  ')}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
