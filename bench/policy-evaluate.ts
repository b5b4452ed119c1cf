/**
 * evaluate() micro-benchmark: one request against 1 and against 20 compiled identity policies of
 * 3 statements each (action wildcards, ARN resources, a condition), plus a resource policy.
 * Prints ops/s and the p50/p99 time per evaluate() call (measured over batches, since one call
 * is below the timer's resolution).
 *
 *   npx tsx bench/policy-evaluate.ts                     # 300k calls per scenario, batches of 100
 *   npx tsx bench/policy-evaluate.ts --iterations 50000 --batch 50
 */
import { parseArgs } from 'node:util';
import { compilePolicy, evaluate, type AuthzRequest, type CompiledPolicy } from '../src/access/policy/evaluate.js';

const { values: flags } = parseArgs({
  options: { iterations: { type: 'string', default: '300000' }, batch: { type: 'string', default: '100' } },
});
const iterations = Number(flags.iterations);
const batch = Number(flags.batch);

const ACCT = '111122223333';

/** Policy i: grants on one service's plans, denies deletes, and allows tagging under a condition. */
function policy(i: number): CompiledPolicy {
  return compilePolicy(JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: [`ssm-incidents:Get*`, `ssm-incidents:List*`, `ssm-incidents:Start${i}*`], Resource: `arn:aws:ssm-incidents::${ACCT}:response-plan/team-${i}-*` },
      { Effect: 'Deny', Action: 'ssm-incidents:Delete*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalTag/role': 'admin' } } },
      { Effect: 'Allow', Action: 'ssm-incidents:TagResource', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] }, Bool: { 'aws:SecureTransport': 'true' } } },
    ],
  }), 'identity', `policy-${i}`);
}

const allowAll = compilePolicy(JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'ssm-incidents:StartIncident', Resource: `arn:aws:ssm-incidents::${ACCT}:response-plan/*` }],
}), 'identity', 'start');

const resourcePolicy = compilePolicy(JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: ['ssm-incidents:GetResponsePlan', 'ssm-incidents:StartIncident'], Resource: '*' }],
}), 'resource', 'share');

const req: AuthzRequest = {
  principal: { kind: 'assumed-role', arn: `arn:aws:sts::${ACCT}:assumed-role/Responder/s`, accountId: ACCT, roleArn: `arn:aws:iam::${ACCT}:role/Responder` },
  action: 'ssm-incidents:StartIncident',
  resource: `arn:aws:ssm-incidents::${ACCT}:response-plan/checkout`,
  context: { 'aws:CurrentTime': '2026-03-01T12:00:00Z', 'aws:SecureTransport': 'true', 'aws:PrincipalTag/role': 'responder' },
};

/** Runs `iterations` calls in batches; returns ops/s and per-call p50/p99 in microseconds. */
function measure(policies: { identity: CompiledPolicy[]; resource?: CompiledPolicy[] }): { opsPerSec: number; p50: number; p99: number; allowed: boolean } {
  let allowed = false;
  for (let i = 0; i < 20_000; i++) allowed = evaluate(req, policies).allowed; // warm-up
  const perCall: number[] = [];
  const start = process.hrtime.bigint();
  for (let done = 0; done < iterations; done += batch) {
    const t0 = process.hrtime.bigint();
    for (let j = 0; j < batch; j++) allowed = evaluate(req, policies).allowed;
    perCall.push(Number(process.hrtime.bigint() - t0) / batch / 1000);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  perCall.sort((a, b) => a - b);
  const at = (q: number) => perCall[Math.min(perCall.length - 1, Math.floor(q * perCall.length))]!;
  return { opsPerSec: (perCall.length * batch) / seconds, p50: at(0.5), p99: at(0.99), allowed };
}

const scenarios: [string, { identity: CompiledPolicy[]; resource?: CompiledPolicy[] }][] = [
  ['1 policy', { identity: [allowAll] }],
  ['20 policies x 3 statements (allow in the last)', { identity: [...Array.from({ length: 19 }, (_, i) => policy(i)), allowAll] }],
  ['20 policies + resource policy', { identity: [...Array.from({ length: 19 }, (_, i) => policy(i)), allowAll], resource: [resourcePolicy] }],
];

console.log(`evaluate(): ${iterations} calls per scenario, batches of ${batch}`);
console.log('scenario'.padEnd(50), 'ops/s'.padStart(12), 'p50 µs'.padStart(9), 'p99 µs'.padStart(9), ' result');
for (const [name, policies] of scenarios) {
  const r = measure(policies);
  console.log(name.padEnd(50), Math.round(r.opsPerSec).toLocaleString('en-US').padStart(12), r.p50.toFixed(3).padStart(9), r.p99.toFixed(3).padStart(9), r.allowed ? ' allowed' : ' denied');
}
