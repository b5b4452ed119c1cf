/**
 * The authorization decision alone, in process: Authorizer.authorize() for StartIncident by the
 * account root and by an IAM user holding 20 policies (caches warm, as on a busy server), to
 * set against a StartIncident's latency (bench/authorization.ts, bench/start-incident.ts).
 *
 *   npx tsx bench/authorize-call.ts [--calls N]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServices } from '../src/app-context.js';
import type { Caller } from '../src/api/operation.js';
import { SecretBox } from '../src/crypto/secret-box.js';
import { openDatabase } from '../src/db/database.js';
import { systemClock } from '../src/time/clock.js';
import { summarize } from './load.js';

const { values: flags } = parseArgs({ options: { calls: { type: 'string', default: '200000' } } });
const calls = Number(flags.calls);
const A = '111122223333';
const dir = mkdtempSync(join(tmpdir(), 'tocsin-authz-'));
const database = await openDatabase({ dataDir: dir });
try {
  const s = createServices(database, systemClock, new SecretBox(randomBytes(32)), 'us-east-1');
  const boot = await s.accounts.bootstrap({ accountId: A });
  const plan = `arn:aws:ssm-incidents::${A}:response-plan/web`;
  const stmt = (i: number) => [
    { Effect: 'Allow', Action: ['ssm-contacts:Get*', 'ssm-contacts:List*'], Resource: `arn:aws:ssm-contacts:*:${A}:contact/team-${i}-*` },
    { Effect: 'Allow', Action: 'ssm-incidents:UpdateTimelineEvent', Resource: `arn:aws:ssm-incidents::${A}:incident-record/team-${i}/*`, Condition: { StringEquals: { 'aws:PrincipalTag/team': `t${i}` } } },
    { Effect: 'Deny', Action: 'ssm-incidents:DeleteResponsePlan', Resource: `arn:aws:ssm-incidents::${A}:response-plan/prod-${i}-*` },
  ];
  await s.iam.users.create(A, { userName: 'u' });
  for (let i = 0; i < 10; i++) {
    const p = await s.iam.policies.create(A, { policyName: `m${i}`, document: JSON.stringify({ Version: '2012-10-17', Statement: stmt(i) }) });
    await s.iam.permissions.attachPolicy(A, { type: 'user', name: 'u' }, p.arn);
  }
  for (let i = 10; i < 20; i++) {
    const statement = i === 19 ? { Effect: 'Allow', Action: 'ssm-incidents:StartIncident', Resource: plan } : { Effect: 'Allow', Action: 'ssm-incidents:GetTimelineEvent', Resource: `arn:aws:ssm-incidents::${A}:incident-record/t${i}/*` };
    await s.iam.permissions.putInlinePolicy(A, { type: 'user', name: 'u' }, `i${i}`, JSON.stringify({ Version: '2012-10-17', Statement: [statement] }));
  }
  const key = await s.iam.accessKeys.create(A, 'u');
  const user = (await s.sts.credentials.callerFor(key.accessKeyId))!;
  const root = (await s.sts.credentials.callerFor(boot.accessKeyId))!;
  const input = { responsePlanArn: plan };
  const measure = async (name: string, caller: Caller) => {
    for (let i = 0; i < 2000; i++) await s.access.authorize(caller, 'ssm-incidents', 'StartIncident', input, { secureTransport: false });
    const lat: number[] = [];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) {
      const a = process.hrtime.bigint();
      await s.access.authorize(caller, 'ssm-incidents', 'StartIncident', input, { secureTransport: false });
      lat.push(Number(process.hrtime.bigint() - a) / 1e3);
    }
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const sum = summarize(lat);
    console.log(`| ${name} | ${Math.round(calls / wall).toLocaleString('en')} | ${sum.p50.toFixed(1)} | ${sum.p99.toFixed(1)} |`);
  };
  console.log('| caller | authorize() calls/s | p50 µs | p99 µs |');
  console.log('|---|---:|---:|---:|');
  await measure('root', root);
  await measure('IAM user, 20 policies', user);
} finally {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}
