/**
 * StartIncident throughput and latency, on SQLite and on PostgreSQL, each figure also as a
 * ratio to a bare Node.js HTTP server measured by the same generator in the same run.
 *
 *   npm run bench                                  # both databases, C=32, 8 s after 2 s warm-up
 *   npm run bench -- --db sqlite --concurrency 64 --seconds 15
 *   npm run bench -- --baseline-only               # just the generator against the bare server
 *   npm run bench -- --db sqlite --profile         # also `node --cpu-prof` the server, summarize hot spots
 *
 * Flags: --db sqlite|postgres|both (both), --concurrency N (32), --seconds S (8, measured
 * window of each run), --warmup S (2), --title TEXT (sent as StartIncident's title), --pg-url
 * URL (admin URL where a fresh database is created and dropped; postgres://postgres@127.0.0.1:5432/postgres),
 * --profile, --baseline-only, --wait-quiet S (first wait up to S seconds for 5 quiet seconds on
 * a shared machine), --out DIR (.bench-out).
 *
 * Processes (the machine has 2 cores): this one generates load; the server under test is a
 * child `node bin/tocsin.js serve` on a fresh temp data dir (and, on PostgreSQL, a fresh
 * database); the baseline is a child `node bench/baseline-server.ts`. Per scenario: a fresh
 * server, setup (the replication set is auto-created; two plans are created by signed
 * POST /createResponsePlan), then a closed-loop run with C connections, then an open-loop
 * run at half the closed-loop rate. Results: tables on stdout, a JSON file and a markdown
 * block (for BENCHMARKS.md) in --out.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, summarizeProfile, type ProfileSummary } from './cpuprofile-top.js';
import { closedLoop, keepAliveAgent, openLoop, send, signedJsonPost, summarize, type RunResult, type Target } from './load.js';
import { adminQuery, machineBusySeconds, postgresCpuMeter, processCpuSplit, root, startBaseline, startTocsin, type ServerProcess, type TocsinProcess } from './server-process.js';

const { values: flags } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    concurrency: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    title: { type: 'string' },
    'pg-url': { type: 'string', default: process.env.TOCSIN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    profile: { type: 'boolean', default: false },
    'baseline-only': { type: 'boolean', default: false },
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

const positive = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got '${v}'`);
  return n;
};
const concurrency = Math.round(positive('concurrency', flags.concurrency!));
const seconds = positive('seconds', flags.seconds!);
const warmup = Number(flags.warmup);
if (!(warmup >= 0)) throw new Error(`--warmup must be a number >= 0, got '${flags.warmup}'`);
if (!['sqlite', 'postgres', 'both'].includes(flags.db!)) throw new Error(`--db must be sqlite, postgres or both, got '${flags.db}'`);
const databases = (flags['baseline-only'] ? [] : flags.db === 'both' ? ['sqlite', 'postgres'] : [flags.db]) as ('sqlite' | 'postgres')[];
const pgUrl = flags['pg-url']!;
const outDir = flags.out!;

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIDBENCH0000000', secretAccessKey: `bench-${randomUUID()}` };
const DEDUPE = 'bench-dedupe';
/** Targets from the issue: share of the baseline rate (closed loop) and p99 at half rate. */
const TARGETS = { new: 0.35, dedupe: 0.6, p99HalfRateMs: 25 };

type ScenarioId = 'new' | 'dedupe';
const SCENARIOS: Record<ScenarioId, string> = { new: 'new incidents', dedupe: 'deduped starts' };

/** One measured scenario. */
interface ScenarioResult {
  database: 'baseline' | 'sqlite' | 'postgres';
  scenario: ScenarioId | 'baseline';
  closed?: RunResult;
  open?: RunResult;
  ratio?: number;
  targetRatio?: number;
  met?: { rate: boolean; p99: boolean };
  failed?: string;
  /** Server CPU profile (--profile), summarized over the closed-loop and the open-loop window. */
  profile?: { file: string; closed: ProfileSummary; open?: ProfileSummary };
}

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const round = (v: number, d = 1) => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : NaN);

// ---------------------------------------------------------------- machine facts

function fsyncProbe(dir: string, n = 200): { p50Ms: number; p99Ms: number } {
  const d = mkdtempSync(join(dir, 'tocsin-fsync-'));
  const fd = openSync(join(d, 'probe'), 'w');
  const buf = Buffer.alloc(4096, 7);
  const lat: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = nowMs();
      writeSync(fd, buf, 0, buf.length, i * 4096);
      fdatasyncSync(fd);
      lat.push(nowMs() - t0);
    }
  } finally {
    closeSync(fd);
    rmSync(d, { recursive: true, force: true });
  }
  const s = summarize(lat);
  return { p50Ms: round(s.p50, 3), p99Ms: round(s.p99, 3) };
}

async function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  const busy0 = machineBusySeconds();
  await new Promise((r) => setTimeout(r, 1000));
  const info: Record<string, unknown> = {
    cpuModel: model, cores: cpus().length, node: process.version, kernel: release(),
    /** Percent of one core the machine was busy during the second before the run (others' work). */
    busyBeforeRunPct: Math.round((machineBusySeconds() - busy0) * 100),
    fsync4kInTmp: fsyncProbe(tmpdir()),
  };
  if (databases.includes('postgres')) {
    const names = ['server_version', 'synchronous_commit', 'fsync', 'wal_sync_method', 'commit_delay', 'full_page_writes', 'shared_buffers'];
    const r = await adminQuery(pgUrl, 'SELECT name, setting FROM pg_settings WHERE name = ANY($1)', [names]);
    info.postgres = Object.fromEntries(r.rows.map((row: { name: string; setting: string }) => [row.name, row.setting]));
  }
  return info;
}

// ---------------------------------------------------------------- runs

const startInput = (responsePlanArn: string) => ({
  responsePlanArn, clientToken: randomUUID(), ...(flags.title !== undefined ? { title: flags.title } : {}),
});

function targetOf(s: ServerProcess): Target {
  return { host: s.host, port: s.port, credentials: CREDENTIALS, region: REGION, service: 'ssm-incidents' };
}

/** Closed loop, then open loop at half the closed-loop rate, on fresh connections each. */
async function measure(target: Target, planArn: string, cpuMeter: () => Record<string, number>, label: string) {
  const makeRequest = () => signedJsonPost(target, '/startIncident', startInput(planArn));
  const common = { target, makeRequest, cpuMeter, warmupMs: warmup * 1000, durationMs: seconds * 1000 };
  process.stdout.write(`  ${label}: closed loop, C=${concurrency}, ${warmup}+${seconds} s ... `);
  const agent = keepAliveAgent(concurrency);
  const c0 = nowMs();
  const closed = await closedLoop({ ...common, agent, concurrency });
  const windows: Windows = { closed: [c0, nowMs()] };
  agent.destroy();
  process.stdout.write(`${round(closed.rps, 0)} req/s, p99 ${round(closed.latencyMs.p99, 2)} ms\n`);
  const rate = closed.rps / 2;
  if (!(rate > 0)) return { closed, windows };
  process.stdout.write(`  ${label}: open loop at ${round(rate, 0)} req/s, ${Math.min(warmup, 1)}+${seconds} s ... `);
  const agent2 = keepAliveAgent(concurrency);
  const o0 = nowMs();
  const open = await openLoop({ ...common, agent: agent2, rate, warmupMs: Math.min(warmup, 1) * 1000 });
  windows.open = [o0, nowMs()];
  agent2.destroy();
  process.stdout.write(`p50 ${round(open.latencyMs.p50, 2)} ms, p99 ${round(open.latencyMs.p99, 2)} ms, max ${round(open.latencyMs.max, 1)} ms\n`);
  for (const r of [closed, open]) {
    if (r.errors) process.stdout.write(`  ${label} ${r.mode} loop: ${r.errors} errors (status ${JSON.stringify(r.statusCounts)}); first:\n    ${r.errorSamples.join('\n    ')}\n`);
  }
  return { closed, open, windows };
}

/** When each run happened (nowMs clock), to cut a server profile into the same windows. */
interface Windows { closed: [number, number]; open?: [number, number] }

async function runBaseline(): Promise<ScenarioResult> {
  const server = await startBaseline();
  try {
    const target = targetOf(server);
    const arn = `arn:aws:ssm-incidents::${ACCOUNT}:response-plan/bench-new`;
    const meter = () => {
      const cpu = processCpuSplit(server.pid);
      return { server: cpu.user + cpu.sys, 'server.sys': cpu.sys, machine: machineBusySeconds() };
    };
    const { closed, open } = await measure(target, arn, meter, 'baseline');
    return { database: 'baseline', scenario: 'baseline', closed, open };
  } finally {
    await server.stop();
  }
}

/** A signed call during setup; throws with the body on a non-2xx answer. */
async function call(target: Target, path: string, input: unknown): Promise<Record<string, any>> {
  const agent = keepAliveAgent(1);
  try {
    const a = await send(agent, target, signedJsonPost(target, path, input), true);
    if (a.status < 200 || a.status >= 300) throw new Error(`POST ${path} answered ${a.status}: ${a.body}`);
    return a.body ? JSON.parse(a.body) : {};
  } finally {
    agent.destroy();
  }
}

/** Creates both plans and checks that StartIncident behaves as the scenario assumes. */
async function setup(target: Target, scenario: ScenarioId): Promise<string> {
  const plan = async (name: string, dedupeString?: string) => (await call(target, '/createResponsePlan', {
    name, clientToken: randomUUID(),
    incidentTemplate: { title: `bench ${name}`, impact: 3, ...(dedupeString ? { dedupeString } : {}) },
  })).arn as string;
  const arns = { new: await plan('bench-new'), dedupe: await plan('bench-dedupe', DEDUPE) };
  const arn = arns[scenario];
  const first = (await call(target, '/startIncident', startInput(arn))).incidentRecordArn;
  const second = (await call(target, '/startIncident', startInput(arn))).incidentRecordArn;
  if (scenario === 'new' && first === second) throw new Error(`two starts of a plan without dedupe string returned one incident (${first})`);
  if (scenario === 'dedupe' && first !== second) throw new Error(`two starts with dedupe string '${DEDUPE}' returned two incidents (${first}, ${second})`);
  return arn;
}

async function runScenario(database: 'sqlite' | 'postgres', scenario: ScenarioId, runId: string): Promise<ScenarioResult> {
  const profileDir = flags.profile ? join(outDir, 'profiles', runId, `${database}-${scenario}`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const result: ScenarioResult = { database, scenario };
  let server: TocsinProcess;
  try {
    server = await startTocsin({
      db: database, pgAdminUrl: pgUrl, accountId: ACCOUNT, credentials: CREDENTIALS,
      nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
  } catch (err) {
    result.failed = `server did not start: ${(err as Error).message}`;
    process.stdout.write(`  ${database} ${SCENARIOS[scenario]}: FAILED: ${result.failed}\n`);
    return result;
  }
  let windows: Windows | undefined;
  try {
    const target = targetOf(server);
    const arn = await setup(target, scenario);
    const pgCpu = server.database ? postgresCpuMeter(server.database) : undefined;
    // 'server.sys' is the kernel-mode part of 'server' (sockets, fsync), not counted twice.
    const meter = () => {
      const cpu = processCpuSplit(server.pid);
      return { server: cpu.user + cpu.sys, 'server.sys': cpu.sys, ...(pgCpu ? { postgres: pgCpu() } : {}), machine: machineBusySeconds() };
    };
    const m = await measure(target, arn, meter, `${database} ${SCENARIOS[scenario]}`);
    result.closed = m.closed;
    result.open = m.open;
    windows = m.windows;
    const gone = server.exited();
    if (gone) throw new Error(`the server exited during the run (${JSON.stringify(gone)}); its last output:\n${server.log().split('\n').slice(-30).join('\n')}`);
  } catch (err) {
    result.failed = (err as Error).message;
    process.stdout.write(`\n  ${database} ${SCENARIOS[scenario]}: FAILED: ${result.failed}\n`);
  } finally {
    await server.stop();
  }
  if (profileDir && windows) {
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's loader hooks run in another).
    const file = readdirSync(profileDir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f)).map((f) => join(profileDir, f))[0];
    if (file) {
      const at = server.spawnedAtMs;
      const cut = (w: [number, number]) => summarizeProfile(file, { fromMs: w[0] - at, toMs: w[1] - at, top: 30 });
      result.profile = { file: relative(root, file), closed: cut(windows.closed), open: windows.open && cut(windows.open) };
      writeFileSync(file.replace(/\.cpuprofile$/, '.summary.txt'), `== closed loop\n${formatSummary(result.profile.closed)}\n`
        + (result.profile.open ? `\n== open loop at half rate\n${formatSummary(result.profile.open)}\n` : ''));
    }
  }
  return result;
}

// ---------------------------------------------------------------- report

function judge(r: ScenarioResult, baseline: ScenarioResult): void {
  if (!r.closed || r.failed || r.scenario === 'baseline') return;
  r.ratio = r.closed.rps / baseline.closed!.rps;
  r.targetRatio = TARGETS[r.scenario];
  r.met = { rate: r.ratio >= r.targetRatio, p99: (r.open?.latencyMs.p99 ?? Infinity) < TARGETS.p99HalfRateMs };
}

const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(1));

function tableRows(rows: ScenarioResult[]): string[] {
  const lines = [
    '| scenario | req/s | × baseline | p50 ms | p99 ms | p50 ms @ ½ rate | p99 ms @ ½ rate | errors | target (rate / p99 @ ½) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const name = r.scenario === 'baseline' ? 'bare Node.js server (baseline)' : SCENARIOS[r.scenario];
    if (!r.closed || r.failed) {
      lines.push(`| ${name} | failed: ${(r.failed ?? '').split('\n')[0]!.slice(0, 120)} | | | | | | | |`);
      continue;
    }
    const c = r.closed.latencyMs;
    const o = r.open?.latencyMs;
    const errors = r.closed.errors + (r.open?.errors ?? 0);
    const ratio = r.ratio === undefined ? '1.00' : r.ratio.toFixed(2);
    const target = r.met
      ? `≥ ${r.targetRatio!.toFixed(2)}: ${r.met.rate ? 'met' : '**missed**'} / < ${TARGETS.p99HalfRateMs} ms: ${r.met.p99 ? 'met' : '**missed**'}`
      : '';
    lines.push(`| ${name} | ${Math.round(r.closed.rps)} | ${ratio} | ${ms(c.p50)} | ${ms(c.p99)} | ${ms(o?.p50)} | ${ms(o?.p99)} | ${errors} | ${target} |`);
  }
  return lines;
}

/** CPU (percent of one core) used during a window by processes other than the generator, server and PostgreSQL. */
function otherCpuPct(x: RunResult): number | undefined {
  const { machine, ...procs } = x.meteredCpuPct ?? {};
  const ours = Object.entries(procs).filter(([k]) => !k.includes('.')).reduce((a, [, v]) => a + v, 0);
  return machine === undefined ? undefined : Math.max(0, machine - x.generatorCpuPct - ours);
}

function cpuLine(r: ScenarioResult): string {
  const f = (x?: RunResult) => {
    if (!x) return '-';
    const { machine: _machine, 'server.sys': sys, ...procs } = x.meteredCpuPct ?? {};
    const other = otherCpuPct(x);
    return `gen ${Math.round(x.generatorCpuPct)}%` + Object.entries(procs)
      .map(([k, v]) => `, ${k} ${Math.round(v)}%` + (k === 'server' && sys !== undefined ? ` (kernel ${Math.round(sys)}%)` : '')).join('')
      + (other === undefined ? '' : `, other processes ${Math.round(other)}%`);
  };
  return `  ${r.database} ${r.scenario}: CPU (of one core) closed loop: ${f(r.closed)}; open loop: ${f(r.open)}`
    + (r.open ? `; open-loop max ${ms(r.open.latencyMs.max)} ms, p99.9 ${ms(r.open.latencyMs.p999)} ms;`
      + ` slowest at ${r.open.slowest.map((x) => `${(x.atMs / 1000).toFixed(2)} s (${ms(x.latencyMs)} ms)`).join(', ')}` : '');
}

function markdown(results: ScenarioResult[], info: Record<string, unknown>, command: string): string {
  const baseline = results.find((r) => r.scenario === 'baseline')!;
  const out = [
    `Command: \`${command}\` (concurrency ${concurrency}, closed loop ${warmup} s warm-up + ${seconds} s measured,`
      + ` open loop at half the closed-loop rate for ${seconds} s). Machine: ${info.cores} cores, ${info.cpuModel}, Node ${info.node}.`,
    '',
  ];
  const others = results.flatMap((r) => [r.closed, r.open]).filter((x): x is RunResult => !!x).map(otherCpuPct);
  const worst = Math.max(0, ...others.filter((v): v is number => v !== undefined));
  if (worst > 15) out.push(`Note: other processes used up to ${Math.round(worst)}% of a core during a measured window; figures are skewed.`, '');
  const dbs = databases.length ? databases : [];
  if (!dbs.length) out.push(...tableRows([baseline]), '');
  for (const db of dbs) {
    out.push(`**${db === 'sqlite' ? 'SQLite (WAL, group commit, fdatasync before answering)' : `PostgreSQL ${(info.postgres as Record<string, string> | undefined)?.server_version ?? ''} (synchronous_commit=on)`}**`, '');
    out.push(...tableRows([baseline, ...results.filter((r) => r.database === db)]), '');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- main

/** Waits (up to `maxS` seconds) for 5 consecutive seconds in which other processes use under 15% of a core. */
async function waitQuiet(maxS: number): Promise<void> {
  if (maxS <= 0) return;
  const until = Date.now() + maxS * 1000;
  let quiet = 0;
  process.stdout.write('waiting for the machine to be quiet ');
  while (Date.now() < until && quiet < 5) {
    const b0 = machineBusySeconds();
    await new Promise((r) => setTimeout(r, 1000));
    quiet = machineBusySeconds() - b0 < 0.15 ? quiet + 1 : 0;
    process.stdout.write(quiet ? '.' : '*');
  }
  process.stdout.write(quiet >= 5 ? ' quiet\n' : ' gave up, running anyway\n');
}

async function main(): Promise<void> {
  await waitQuiet(Number(flags['wait-quiet']));
  const runId = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(outDir, { recursive: true });
  const info = await machine();
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.replace(/ -- $/, '');
  console.log(`StartIncident bench: ${info.cores} cores (${info.cpuModel}), Node ${info.node}; fsync(4 KiB) p50 ${(info.fsync4kInTmp as { p50Ms: number }).p50Ms} ms`);
  if ((info.busyBeforeRunPct as number) > 15) {
    console.log(`  warning: the machine was ${info.busyBeforeRunPct}% (of one core) busy before the run: other processes will skew the figures`);
  }
  const results: ScenarioResult[] = [];
  const baseline = await runBaseline();
  results.push(baseline);
  if (!baseline.closed || baseline.closed.ok === 0) throw new Error('the baseline answered nothing');
  for (const db of databases) {
    for (const scenario of ['new', 'dedupe'] as ScenarioId[]) {
      const r = await runScenario(db, scenario, runId);
      judge(r, baseline);
      results.push(r);
    }
  }

  console.log('');
  for (const db of databases.length ? databases : ['baseline']) {
    console.log(`== ${db}`);
    console.log(tableRows([baseline, ...results.filter((r) => r.database === db && r !== baseline)]).join('\n'));
    console.log('');
  }
  for (const r of results) console.log(cpuLine(r));
  for (const r of results) {
    if (!r.profile) continue;
    console.log(`\n== server CPU profile, ${r.database} ${r.scenario}, closed loop (${r.profile.file})\n${formatSummary(r.profile.closed)}`);
    if (r.profile.open) console.log(`\n== server CPU profile, ${r.database} ${r.scenario}, open loop at half rate\n${formatSummary(r.profile.open)}`);
  }
  const md = markdown(results, info, command);
  const jsonFile = join(outDir, `start-incident-${runId}.json`);
  const mdFile = join(outDir, `start-incident-${runId}.md`);
  writeFileSync(jsonFile, JSON.stringify({
    runId, command, settings: { concurrency, seconds, warmup, title: flags.title ?? null, databases, targets: TARGETS },
    machine: info, results,
  }, null, 2) + '\n');
  writeFileSync(mdFile, md + '\n');
  console.log(`\n--- markdown for BENCHMARKS.md (also in ${relative(root, mdFile)}) ---\n${md}\n---`);
  console.log(`results: ${relative(root, jsonFile)}`);
  const missed = results.filter((r) => r.failed || (r.met && !(r.met.rate && r.met.p99)));
  if (missed.length) console.log(`targets missed or runs failed: ${missed.map((r) => `${r.database} ${r.scenario}`).join(', ')}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
