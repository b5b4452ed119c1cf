/**
 * What authorization costs StartIncident: the same starts signed by the account's root (no
 * identity policies to evaluate) and by an IAM user holding 20 policies (10 attached managed
 * policies of 3 statements, the most IAM allows, and 10 inline ones of one statement, IAM's
 * 2,048-character inline quota; the one allowing ssm-incidents:StartIncident last), on one
 * server, in alternating rounds so drift hits both.
 *
 *   npx tsx bench/authorization.ts [--db sqlite|postgres] [--rate R] [--seconds S] [--rounds N]
 *
 * Each round: open loop at R req/s (default: half of root's closed-loop rate, measured first)
 * for S seconds per principal. Reports p50/mean/p99 per principal and the user/root ratio
 * (target: at most 1.10, i.e. authorization adds no more than 10% to the latency).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { closedLoop, keepAliveAgent, openLoop, send, signedFormPost, signedJsonPost, type Target } from './load.js';
import { startTocsin } from './server-process.js';

const { values: flags } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    rate: { type: 'string' },
    seconds: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '3' },
    'pg-url': { type: 'string', default: process.env.TOCSIN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const ACCOUNT = '111122223333';
const ROOT = { accessKeyId: 'AKIDBENCHROOT000', secretAccessKey: `bench-${randomUUID()}` };
const db = flags.db as 'sqlite' | 'postgres';
const seconds = Number(flags.seconds);
const rounds = Number(flags.rounds);

const server = await startTocsin({ db, pgAdminUrl: flags['pg-url']!, accountId: ACCOUNT, credentials: ROOT });
const target = (credentials: Target['credentials'], service = 'ssm-incidents'): Target => ({ host: server.host, port: server.port, credentials, region: 'us-east-1', service });

async function call(t: Target, req: ReturnType<typeof signedJsonPost>): Promise<string> {
  const agent = keepAliveAgent(1);
  try {
    const a = await send(agent, t, req, true);
    if (a.status < 200 || a.status >= 300) throw new Error(`${req.path} answered ${a.status}: ${a.body}`);
    return a.body ?? '';
  } finally {
    agent.destroy();
  }
}
const iam = (params: Record<string, string>) => call(target(ROOT, 'iam'), signedFormPost(target(ROOT, 'iam'), { Version: '2010-05-08', ...params }));

try {
  const plan = JSON.parse(await call(target(ROOT), signedJsonPost(target(ROOT), '/createResponsePlan', {
    name: 'bench-authz', incidentTemplate: { title: 'bench', impact: 3 },
  }))).arn as string;

  // The user and its 20 policies: 19 about other things, the last allowing the start.
  const statements = (i: number) => [
    { Effect: 'Allow', Action: [`ssm-contacts:Get*`, `ssm-contacts:List*`], Resource: `arn:aws:ssm-contacts:*:${ACCOUNT}:contact/team-${i}-*` },
    { Effect: 'Allow', Action: 'ssm-incidents:UpdateTimelineEvent', Resource: `arn:aws:ssm-incidents::${ACCOUNT}:incident-record/team-${i}/*`, Condition: { StringEquals: { 'aws:PrincipalTag/team': `t${i}` } } },
    { Effect: 'Deny', Action: 'ssm-incidents:DeleteResponsePlan', Resource: `arn:aws:ssm-incidents::${ACCOUNT}:response-plan/prod-${i}-*` },
  ];
  const doc = (i: number, extra: unknown[] = []) => JSON.stringify({ Version: '2012-10-17', Statement: [...statements(i), ...extra] });
  await iam({ Action: 'CreateUser', UserName: 'bench-user' });
  for (let i = 0; i < 10; i++) {
    const xml = await iam({ Action: 'CreatePolicy', PolicyName: `managed-${i}`, PolicyDocument: doc(i) });
    const arn = /<Arn>([^<]+)<\/Arn>/.exec(xml)![1]!;
    await iam({ Action: 'AttachUserPolicy', UserName: 'bench-user', PolicyArn: arn });
  }
  // Inline policies of a user share IAM's 2,048-character quota: one short statement each.
  for (let i = 10; i < 20; i++) {
    const statement = i === 19
      ? { Effect: 'Allow', Action: 'ssm-incidents:StartIncident', Resource: plan }
      : { Effect: 'Allow', Action: 'ssm-incidents:GetTimelineEvent', Resource: `arn:aws:ssm-incidents::${ACCOUNT}:incident-record/t${i}/*` };
    await iam({ Action: 'PutUserPolicy', UserName: 'bench-user', PolicyName: `inline-${i}`, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) });
  }
  const keyXml = await iam({ Action: 'CreateAccessKey', UserName: 'bench-user' });
  const USER = { accessKeyId: /<AccessKeyId>([^<]+)</.exec(keyXml)![1]!, secretAccessKey: /<SecretAccessKey>([^<]+)</.exec(keyXml)![1]! };

  const principals = { root: target(ROOT), 'user (20 policies)': target(USER) } as const;
  const request = (t: Target) => () => signedJsonPost(t, '/startIncident', { responsePlanArn: plan, clientToken: randomUUID() });
  for (const t of Object.values(principals)) await call(t, request(t)()); // both may start (and warm up)

  let rate = Number(flags.rate);
  if (!(rate > 0)) {
    const agent = keepAliveAgent(32);
    const closed = await closedLoop({ target: principals.root, makeRequest: request(principals.root), agent, concurrency: 32, warmupMs: 2000, durationMs: 5000, cpuMeter: () => ({}) });
    agent.destroy();
    rate = Math.round(closed.rps / 2);
    console.log(`root closed loop: ${Math.round(closed.rps)} req/s; open loop at ${rate} req/s`);
  }
  const runs: Record<string, { count: number; p50: number; mean: number; p99: number }[]> = { root: [], 'user (20 policies)': [] };
  let errors = 0;
  for (let r = 0; r < rounds; r++) {
    for (const [name, t] of Object.entries(principals)) {
      const agent = keepAliveAgent(32);
      const run = await openLoop({ target: t, makeRequest: request(t), agent, rate, warmupMs: 1000, durationMs: seconds * 1000, cpuMeter: () => ({}) });
      agent.destroy();
      errors += run.errors;
      runs[name]!.push({ count: run.latencyMs.count, p50: run.latencyMs.p50, mean: run.latencyMs.mean, p99: run.latencyMs.p99 });
      console.log(`round ${r + 1} ${name}: p50 ${run.latencyMs.p50.toFixed(2)} ms, p99 ${run.latencyMs.p99.toFixed(2)} ms${run.errors ? `, ${run.errors} errors: ${run.errorSamples[0]}` : ''}`);
    }
  }
  // Per principal: the median round's p50 and p99, and the mean over all requests.
  const pool = (rs: { count: number; p50: number; mean: number; p99: number }[]) => {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const count = rs.reduce((n, r) => n + r.count, 0);
    return { count, p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), mean: rs.reduce((m, r) => m + r.mean * r.count, 0) / count };
  };
  const root = pool(runs.root!);
  const user = pool(runs['user (20 policies)']!);
  const f = (v: number) => v.toFixed(2);
  console.log(`\nStartIncident on ${db}, open loop at ${rate} req/s, ${rounds} x ${seconds} s per principal, alternating:`);
  console.log('| principal | requests | p50 ms (median round) | mean ms | p99 ms (median round) |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| root (no policies) | ${root.count} | ${f(root.p50)} | ${f(root.mean)} | ${f(root.p99)} |`);
  console.log(`| IAM user, 20 policies | ${user.count} | ${f(user.p50)} | ${f(user.mean)} | ${f(user.p99)} |`);
  console.log(`| user / root | | ${f(user.p50 / root.p50)} | ${f(user.mean / root.mean)} | ${f(user.p99 / root.p99)} |`);
  // Throughput too: closed loop per principal, alternating (CPU per start is what it measures).
  const rps: Record<string, number[]> = { root: [], 'user (20 policies)': [] };
  for (let r = 0; r < rounds; r++) {
    for (const [name, t] of Object.entries(principals)) {
      const agent = keepAliveAgent(32);
      const closed = await closedLoop({ target: t, makeRequest: request(t), agent, concurrency: 32, warmupMs: 1000, durationMs: seconds * 1000, cpuMeter: () => ({}) });
      agent.destroy();
      rps[name]!.push(closed.rps);
    }
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`closed loop (C=32), median of ${rounds} rounds: root ${Math.round(mid(rps.root!))} req/s, user ${Math.round(mid(rps['user (20 policies)']!))} req/s (user / root ${(mid(rps['user (20 policies)']!) / mid(rps.root!)).toFixed(2)})`);
  console.log(`target: authorization adds at most 10% (ratio <= 1.10 on p50 and mean): ${user.p50 / root.p50 <= 1.1 && user.mean / root.mean <= 1.1 ? 'met' : 'MISSED'}; errors: ${errors}`);
} finally {
  await server.stop();
}
