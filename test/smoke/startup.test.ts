/**
 * A newcomer's first minutes: `tocsin serve` on an empty data directory generates root
 * credentials, prints them once, writes an AWS CLI credentials file, creates the replication
 * set, keeps all of it across restarts, and stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { ListReplicationSetsCommand, SSMIncidentsClient } from '@aws-sdk/client-ssm-incidents';
import { root, startServerProcess, stopServerProcess } from '../helpers/server-process.js';
import { freshDatabaseEnv } from '../helpers/server.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const serve = startServerProcess;
const stop = stopServerProcess;

function credentialsFrom(file: string) {
  const text = readFileSync(file, 'utf8');
  return {
    accessKeyId: /aws_access_key_id = (\S+)/.exec(text)![1],
    secretAccessKey: /aws_secret_access_key = (\S+)/.exec(text)![1],
  };
}

test('first start generates credentials, prints them once, and a restart keeps them', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-start-'));
  dirs.push(dataDir);
  const { env: dbEnv, drop } = await freshDatabaseEnv();
  // The data dir holds the credentials file on either database; PostgreSQL runs add DATABASE_URL.
  const env: Record<string, string> = { TOCSIN_DATA_DIR: dataDir, ...(dbEnv.DATABASE_URL ? { DATABASE_URL: dbEnv.DATABASE_URL } : {}) };
  const first = await serve(env);
  const banner = first.output();
  assert.match(banner, /secret access key: \S{40}/);
  assert.match(banner, /account: {4}\d{12}/);
  assert.match(banner, /replication set created: arn:aws:ssm-incidents::\d{12}:replication-set\//);
  const file = join(dataDir, 'credentials');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  if (!dbEnv.DATABASE_URL) {
    assert.equal(statSync(join(dataDir, 'tocsin.db')).mode & 0o777, 0o600, 'the database holds secrets: owner only');
  }
  const cred = credentialsFrom(file);
  assert.ok(banner.includes(cred.secretAccessKey));
  assert.ok(banner.includes(`AWS_SHARED_CREDENTIALS_FILE=${file} AWS_PROFILE=tocsin`));

  const client = new SSMIncidentsClient({ endpoint: first.url, region: 'us-east-1', credentials: cred, maxAttempts: 1 });
  const sets = await client.send(new ListReplicationSetsCommand({}));
  assert.equal(sets.replicationSetArns?.length, 1);
  client.destroy();
  assert.equal(await stop(first), 0);
  assert.match(first.output(), /stopped/);

  const second = await serve(env);
  assert.doesNotMatch(second.output(), /secret access key:/);
  assert.doesNotMatch(second.output(), /replication set created/);
  assert.equal(credentialsFrom(file).accessKeyId, cred.accessKeyId);
  assert.match(second.output(), new RegExp(`account: {4}${/account: {4}(\d{12})/.exec(banner)![1]}`));
  const again = new SSMIncidentsClient({ endpoint: second.url, region: 'us-east-1', credentials: cred, maxAttempts: 1 });
  assert.equal((await again.send(new ListReplicationSetsCommand({}))).replicationSetArns?.length, 1);
  again.destroy();
  assert.equal(await stop(second), 0);
  await drop();
});

test('configured root credentials are used as given and nothing is generated', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-start-'));
  dirs.push(dataDir);
  const s = await serve({
    TOCSIN_DATA_DIR: dataDir, TOCSIN_ACCOUNT_ID: '444455556666',
    TOCSIN_ACCESS_KEY_ID: 'AKIAEXAMPLEROOT00001', TOCSIN_SECRET_ACCESS_KEY: 'configured-secret',
  });
  assert.doesNotMatch(s.output(), /secret access key:/);
  assert.match(s.output(), /account: {4}444455556666/);
  const client = new SSMIncidentsClient({
    endpoint: s.url, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: 'AKIAEXAMPLEROOT00001', secretAccessKey: 'configured-secret' },
  });
  const sets = await client.send(new ListReplicationSetsCommand({}));
  assert.match(sets.replicationSetArns![0], /::444455556666:replication-set\//);
  client.destroy();
  assert.equal(await stop(s), 0);
});

test('a start whose port is taken fails before generating anything, so the next start still shows the credentials', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = String((blocker.address() as AddressInfo).port);
  const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-start-'));
  dirs.push(dataDir);
  const failed = spawn(process.execPath, [join(root, 'bin/tocsin.js'), 'serve'], {
    env: { PATH: process.env.PATH, TOCSIN_PORT: port, TOCSIN_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  failed.stderr!.on('data', (d) => (err += d));
  assert.equal(await new Promise((r) => failed.on('exit', r)), 1);
  assert.match(err, /EADDRINUSE/);
  blocker.close();
  const s = await serve({ TOCSIN_DATA_DIR: dataDir });
  assert.match(s.output(), /secret access key: \S{40}/);
  assert.equal(await stop(s), 0);
});

test('a second server on the same SQLite data directory refuses to start, naming the first', async (t) => {
  if (process.env.TOCSIN_TEST_DB === 'postgres') return t.skip('the data directory lock guards the embedded database');
  const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-start-'));
  dirs.push(dataDir);
  const first = await serve({ TOCSIN_DATA_DIR: dataDir });
  const second = spawn(process.execPath, [join(root, 'bin/tocsin.js'), 'serve'], {
    env: { PATH: process.env.PATH, TOCSIN_PORT: '0', TOCSIN_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  second.stderr!.on('data', (d) => (err += d));
  assert.equal(await new Promise((r) => second.on('exit', r)), 2);
  assert.doesNotMatch(err, /at .*\.ts:\d+/, 'a plain message, no stack trace');
  assert.match(err, new RegExp(`another Tocsin \\(pid ${first.child.pid}\\) is using`));
  assert.equal(await stop(first), 0);
  const again = await serve({ TOCSIN_DATA_DIR: dataDir });
  assert.equal(await stop(again), 0, 'the lock is released on a clean stop');
});

test('npm start serves on the configured port', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-start-'));
  dirs.push(dataDir);
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TOCSIN_PORT: '0', TOCSIN_DATA_DIR: dataDir, TOCSIN_LOG_LEVEL: 'warn' },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no address:\n${out}`)), 30_000);
      child.stdout!.on('data', () => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${out}`)));
    });
    assert.equal((await fetch(`${url}/health`)).status, 200);
  } finally {
    child.removeAllListeners('exit');
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});

test('a bad configuration value stops the start with a message naming the variable', async () => {
  const child = spawn(process.execPath, [join(root, 'bin/tocsin.js'), 'serve'], {
    env: { PATH: process.env.PATH, TOCSIN_PORT: 'abc' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const code = await new Promise((r) => child.on('exit', r));
  assert.equal(code, 2);
  assert.match(err, /TOCSIN_PORT must be an integer/);
});
