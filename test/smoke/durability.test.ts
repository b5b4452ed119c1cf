/**
 * No acknowledged write is lost when the process dies: every StartIncident answered before a
 * SIGKILL is there after the restart. (A process kill keeps the OS page cache; the fsync
 * discipline that also survives power loss is described in src/db/sqlite.ts and BENCHMARKS.md.)
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CreateResponsePlanCommand, GetIncidentRecordCommand, SSMIncidentsClient, StartIncidentCommand } from '@aws-sdk/client-ssm-incidents';
import { freshDatabaseEnv } from '../helpers/server.js';

const root = new URL('../..', import.meta.url).pathname;
const credentials = { accessKeyId: 'AKIADURABILITYTEST01', secretAccessKey: 'durability-secret' };
const children: ChildProcess[] = [];
const dirs: string[] = [];
after(() => {
  children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(root, 'bin/tocsin.js'), 'serve'], {
    env: {
      PATH: process.env.PATH, TOCSIN_PORT: '0', TOCSIN_LOG_LEVEL: 'warn', TOCSIN_ACCOUNT_ID: '111122223333',
      TOCSIN_ACCESS_KEY_ID: credentials.accessKeyId, TOCSIN_SECRET_ACCESS_KEY: credentials.secretAccessKey, ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start:\n${out}`)), 30_000);
    child.stderr!.on('data', (d) => (out += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
  });
}

test('every incident acknowledged before a SIGKILL is there after the restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-durable-'));
  dirs.push(dataDir);
  const { env: dbEnv, drop } = await freshDatabaseEnv();
  const env: Record<string, string> = { TOCSIN_DATA_DIR: dataDir, ...(dbEnv.DATABASE_URL ? { DATABASE_URL: dbEnv.DATABASE_URL } : {}) };
  const first = await serve(env);
  const client = new SSMIncidentsClient({ endpoint: first.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const plan = await client.send(new CreateResponsePlanCommand({ name: 'durable', incidentTemplate: { title: 't', impact: 3 } }));
  const acknowledged: string[] = [];
  let stop = false;
  const workers = Array.from({ length: 16 }, async () => {
    while (!stop) {
      try {
        const out = await client.send(new StartIncidentCommand({ responsePlanArn: plan.arn! }));
        acknowledged.push(out.incidentRecordArn!);
      } catch {
        return; // the server is gone
      }
    }
  });
  while (acknowledged.length < 300) await new Promise((r) => setTimeout(r, 5));
  first.child.kill('SIGKILL');
  stop = true;
  await Promise.all(workers);
  client.destroy();
  const second = await serve(env);
  const again = new SSMIncidentsClient({ endpoint: second.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  for (const arn of acknowledged) {
    const got = await again.send(new GetIncidentRecordCommand({ arn }));
    assert.equal(got.incidentRecord?.arn, arn);
  }
  again.destroy();
  second.child.kill('SIGTERM');
  await new Promise((r) => second.child.once('exit', r));
  await drop();
});
