/** boto3, the Python SDK, drives Tocsin unchanged (test/e2e/boto3_smoke.py does the calls). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

test('boto3 creates a plan, starts and dedupes incidents, paginates the timeline, and reads errors', async (t) => {
  const probe = await run('python3', ['-c', 'import boto3']).then(() => true, () => false);
  if (!probe) return t.skip('python3 with boto3 is not installed');
  const { stdout } = await run('python3', [new URL('../e2e/boto3_smoke.py', import.meta.url).pathname], {
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, TOCSIN_URL: s.url,
      AWS_ACCESS_KEY_ID: s.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
      AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
  });
  const seen = JSON.parse(stdout);
  assert.equal(seen.planArn, `arn:aws:ssm-incidents::${s.accountId}:response-plan/boto3-plan`);
  assert.deepEqual(seen.template, { title: 'Disk full', impact: 2, dedupeString: 'disk-full', incidentTags: { team: 'storage' } });
  assert.equal(seen.deduped, true);
  assert.equal(seen.status, 'OPEN');
  assert.equal(seen.source, 'boto3');
  assert.equal(seen.creationTimeIsDatetime, true);
  assert.ok(seen.eventTypes.includes('SSM Incident Trigger'));
  assert.deepEqual(seen.relatedItems, ['Runbook']);
  assert.equal(seen.badImpact, 'ValidationException');
  assert.equal(seen.badImpactStatus, 400);
});
