/**
 * A Tocsin server with two test job kinds, run as a child process by test/engine/restart.test.ts
 * (`node --import tsx test/engine/job-server.ts`; configuration from the usual variables). Test
 * code only: production never loads it. TEST_ENQUEUE (JSON [{kind, key, delayMs}]) names jobs
 * to enqueue once started. It prints one JSON line per event on stdout:
 *  {"event":"ready","at":ms} then {"event":"started"|"completed", key, attempt, at, runAt}.
 * - test:record completes at once, writing settings row `test:ran:<key>` with its completion;
 * - test:hang hangs in its first attempt (so a kill finds it claimed) and completes after.
 */
import { createApp } from '../../src/app-context.js';
import { loadConfig } from '../../src/config/config.js';
import { readEnv } from '../../src/config/env.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Job, JobContext } from '../../src/engine/job.js';

const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function record(job: Job, ctx: JobContext): Promise<void> {
  await ctx.complete((trx) => trx.insertInto('settings')
    .values({ key: `test:ran:${job.dedupeKey}`, value: JSON.stringify({ attempt: job.attempt, pid: process.pid }) }).execute().then(() => undefined));
}

function registerTestJobs(engine: Engine): void {
  engine.register({ kind: 'test:record', run: record });
  engine.register({ kind: 'test:hang', async run(job, ctx) {
    if (job.attempt === 1) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
    else await record(job, ctx);
  } });
  const report = (event: string) => ({ job }: { job: Job }) => print({ event, kind: job.kind, key: job.dedupeKey, attempt: job.attempt, at: Date.now(), runAt: job.runAt.getTime() });
  engine.on('job:started', report('started'));
  engine.on('job:completed', report('completed'));
}

const app = await createApp(loadConfig(readEnv()), { jobs: registerTestJobs });
const plan = JSON.parse(process.env.TEST_ENQUEUE ?? '[]') as { kind: string; key: string; delayMs: number }[];
const base = Date.now();
await app.database.write(async (trx) => {
  for (const j of plan) await app.engine.enqueue(trx, { kind: j.kind, dedupeKey: j.key, runAt: new Date(base + j.delayMs) });
});
print({ event: 'ready', at: Date.now(), base });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
