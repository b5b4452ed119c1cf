import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../logger.js';
import type { AwsApi } from './aws-api.js';
import { startHttpServer } from './http-server.js';

/** An API stand-in whose answers wait until released, to hold requests in flight. */
function slowApi() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const inFlight = new Promise<void>((r) => (started = r));
  const api = {
    handle: async (req: { body: Buffer }) => {
      started();
      await gate;
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ size: req.body.length }) };
    },
  } as unknown as AwsApi;
  return { api, release, inFlight };
}

const logger = createLogger('silent');

test('close waits for an in-flight request to finish before resolving', async () => {
  const { api, release, inFlight } = slowApi();
  const server = await startHttpServer({ api, maxBodyBytes: 1024, logger, isReady: () => true }, '127.0.0.1', 0);
  const pending = fetch(`${server.url}/x`, { method: 'POST', body: 'abc' });
  await inFlight;
  let closed = false;
  const closing = server.close().then(() => (closed = true));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(closed, false, 'close resolved while a request was still in flight');
  release();
  const res = await pending;
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { size: 3 });
  await closing;
  assert.equal(closed, true);
});

test('health answers 503 until the app says it is ready', async () => {
  let ready = false;
  const { api } = slowApi();
  const server = await startHttpServer({ api, maxBodyBytes: 1024, logger, isReady: () => ready }, '127.0.0.1', 0);
  assert.equal((await fetch(`${server.url}/health`)).status, 503);
  ready = true;
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
  await server.close();
});

test('until the app is ready, API requests get a 503 in the service error shape', async () => {
  let ready = false;
  const api = {
    handle: async (_req: unknown, early?: Error & { status?: number; code?: string }) => ({
      status: early?.status ?? 200, headers: { 'x-amzn-errortype': early?.code ?? '' }, body: '{}',
    }),
  } as unknown as AwsApi;
  const server = await startHttpServer({ api, maxBodyBytes: 1024, logger, isReady: () => ready }, '127.0.0.1', 0);
  const early = await fetch(`${server.url}/listResponsePlans`, { method: 'POST', body: '{}' });
  assert.equal(early.status, 503);
  assert.equal(early.headers.get('x-amzn-errortype'), 'ServiceUnavailableException');
  assert.equal(early.headers.get('retry-after'), '1');
  ready = true;
  assert.equal((await fetch(`${server.url}/listResponsePlans`, { method: 'POST', body: '{}' })).status, 200);
  await server.close();
});

test('a client that stalls mid-body cannot hold close past its grace period', async () => {
  const { api } = slowApi();
  const server = await startHttpServer({ api, maxBodyBytes: 1024, logger, isReady: () => true }, '127.0.0.1', 0);
  const { connect } = await import('node:net');
  const socket = connect(server.port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise((r) => socket.once('connect', r));
  socket.write('POST /x HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\na');
  await new Promise((r) => setTimeout(r, 50));
  const started = Date.now();
  await server.close(200);
  assert.ok(Date.now() - started < 2000, 'close finished soon after the grace period');
  socket.destroy();
});
