/**
 * No acknowledged write is lost when the process dies: every StartIncident answered before a
 * SIGKILL is there after the restart. (A process kill keeps the OS page cache; the fsync
 * discipline that also survives power loss is described in src/db/sqlite.ts and BENCHMARKS.md.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CreateResponsePlanCommand, GetIncidentRecordCommand, SSMIncidentsClient, StartIncidentCommand } from '@aws-sdk/client-ssm-incidents';
import { startServerProcess, stopServerProcess } from '../helpers/server-process.js';
import { freshDatabaseEnv } from '../helpers/server.js';

const credentials = { accessKeyId: 'AKIADURABILITYTEST01', secretAccessKey: 'durability-secret' };
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A server with fixed root credentials, so the restarted one accepts the same client. */
const serve = (env: Record<string, string>) => startServerProcess({
  TOCSIN_ACCOUNT_ID: '111122223333', TOCSIN_ACCESS_KEY_ID: credentials.accessKeyId, TOCSIN_SECRET_ACCESS_KEY: credentials.secretAccessKey, ...env,
});

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
  assert.equal(await stopServerProcess(second), 0);
  await drop();
});
