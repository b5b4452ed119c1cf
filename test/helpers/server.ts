/**
 * Starts a real Tocsin on an ephemeral port for a test, on the database the run selects:
 * TOCSIN_TEST_DB=postgres gives each server its own fresh PostgreSQL database (dropped on
 * close); anything else gives it a fresh SQLite file in a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSMContactsClient } from '@aws-sdk/client-ssm-contacts';
import { SSMIncidentsClient } from '@aws-sdk/client-ssm-incidents';
import { createApp, type App, type AppOptions } from '../../src/app-context.js';
import { loadConfig } from '../../src/config/config.js';
import type { TocsinEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logger.js';
import { createPostgresDatabase } from './postgres.js';

export { pgAdminUrl } from './postgres.js';

/** True when this run tests on PostgreSQL. */
export const onPostgres = process.env.TOCSIN_TEST_DB === 'postgres';

/** A running test server with clients signed by its root credentials. */
export interface TestServer {
  app: App;
  url: string;
  accountId: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  incidents: SSMIncidentsClient;
  contacts: SSMContactsClient;
  /** Stops the server and removes its database. */
  close(): Promise<void>;
  /** Stops the server but keeps its database, returning the env that reopens it. */
  stop(): Promise<Partial<TocsinEnv>>;
}

/** Creates an empty database for one server and returns the env that selects it. */
export async function freshDatabaseEnv(): Promise<{ env: Partial<TocsinEnv>; drop: () => Promise<void> }> {
  if (onPostgres) {
    const db = await createPostgresDatabase('tocsin_t');
    return { env: { DATABASE_URL: db.url }, drop: db.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-test-'));
  return { env: { TOCSIN_DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts a server. `env` overrides configuration; `keepDatabase` reuses an earlier one. */
export async function startTestServer(opts: { env?: Partial<TocsinEnv>; app?: AppOptions; reuse?: Partial<TocsinEnv> } = {}): Promise<TestServer> {
  const fresh = opts.reuse ? { env: opts.reuse, drop: async () => {} } : await freshDatabaseEnv();
  const dbEnv = fresh.env;
  const config = loadConfig({
    TOCSIN_HOST: '127.0.0.1', TOCSIN_PORT: '0', TOCSIN_ACCOUNT_ID: '111122223333', TOCSIN_LOG_LEVEL: 'error',
    ...dbEnv, ...opts.env,
  });
  const app = await createApp(config, { strictOutput: true, logger: createLogger(config.logLevel), ...opts.app });
  const credentials = { accessKeyId: app.bootstrap.accessKeyId, secretAccessKey: app.bootstrap.secretAccessKey };
  const clientConfig = { endpoint: app.server.url, region: config.region, credentials, maxAttempts: 1 };
  const incidents = new SSMIncidentsClient(clientConfig);
  const contacts = new SSMContactsClient(clientConfig);
  const closeClients = () => {
    incidents.destroy();
    contacts.destroy();
  };
  return {
    app, url: app.server.url, accountId: app.bootstrap.accountId, credentials, incidents, contacts,
    async close() {
      closeClients();
      await app.close();
      await fresh.drop();
    },
    async stop() {
      closeClients();
      await app.close();
      return { ...dbEnv, ...opts.env };
    },
  };
}
