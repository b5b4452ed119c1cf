import { resolve } from 'node:path';
import { decodeMasterKey } from '../crypto/secret-box.js';
import { loadDeliveryConfig, deliveryConfigDocs, type DeliveryConfig } from './delivery-config.js';
import type { TocsinEnv } from './env.js';
import { bool, ConfigError, int } from './values.js';

export { ConfigError } from './values.js';
export type { DeliveryConfig } from './delivery-config.js';

/** Tocsin's typed configuration, defaults applied and values checked. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** postgres://... selects PostgreSQL; undefined means embedded SQLite under dataDir. */
  databaseUrl?: string;
  /** Account of the root credentials; undefined means "the one chosen at first start". */
  accountId?: string;
  region: string;
  rootCredentials?: { accessKeyId: string; secretAccessKey: string };
  autoReplicationSet: boolean;
  maxBodyBytes: number;
  dbPoolSize: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Key sealing stored secrets (32 bytes); undefined means the data directory's generated master.key. */
  masterKey?: Buffer;
  /**
   * Base URL people and providers reach this server at (TOCSIN_PUBLIC_URL, else
   * http://host:port), without a trailing slash: acknowledgement links are built on it.
   */
  publicUrl: string;
  /** Email, SMS and voice providers (src/delivery). */
  delivery: DeliveryConfig;
  /** The work queue (src/engine). */
  engine: { pollMs: number; batchSize: number; leaseMs: number; jobTimeoutMs: number };
}

/** Every variable, its default and meaning; README's configuration table mirrors it. */
export const configDocs: [string, string, string][] = [
  ['TOCSIN_HOST', '127.0.0.1', 'Address to listen on.'],
  ['TOCSIN_PORT', '4747', 'Port to listen on (0 picks a free one).'],
  ['TOCSIN_DATA_DIR', './data', 'Embedded database, generated credentials file.'],
  ['DATABASE_URL', '(unset: SQLite in the data dir)', 'postgres://user@host:5432/db selects PostgreSQL.'],
  ['TOCSIN_ACCOUNT_ID', '(generated at first start, printed)', '12-digit account of the root credentials.'],
  ['TOCSIN_REGION', 'us-east-1', 'Region this server acts as.'],
  ['TOCSIN_ACCESS_KEY_ID', '(generated at first start)', 'Root access key id; give both or neither.'],
  ['TOCSIN_SECRET_ACCESS_KEY', '(generated at first start)', 'Root secret access key.'],
  ['TOCSIN_AUTO_REPLICATION_SET', 'true', 'Create the replication set at first start.'],
  ['TOCSIN_MAX_BODY_BYTES', '1048576', 'Largest request body accepted (413 beyond).'],
  ['TOCSIN_DB_POOL_SIZE', '16', 'PostgreSQL connections.'],
  ['TOCSIN_LOG_LEVEL', 'info', 'debug, info, warn, error or silent.'],
  ['TOCSIN_MASTER_KEY', '(generated: master.key in the data dir)',
    'Key that encrypts stored secrets: 32 bytes as base64 or hex (openssl rand -base64 32). '
    + 'Keep a copy: the secrets cannot be read without it. Several nodes on one PostgreSQL database must all set the same value.'],
  ...deliveryConfigDocs,
  ['TOCSIN_ENGINE_POLL_MS', '1000', 'Longest the job engine sleeps before looking for due jobs (jobs enqueued here, or on PostgreSQL by any node, wake it at once).'],
  ['TOCSIN_ENGINE_BATCH_SIZE', '32', 'Jobs a node claims at once, and the most it runs at once.'],
  ['TOCSIN_ENGINE_LEASE_MS', '120000', 'How long a claimed job is held; a job whose node died runs again after this (PostgreSQL; on SQLite at the next start).'],
  ['TOCSIN_ENGINE_JOB_TIMEOUT_MS', '30000', 'Longest a job may run before it counts as failed and is retried; shorter than the lease.'],
];

/** Builds the Config from the environment, or throws ConfigError naming the variable. */
export function loadConfig(env: TocsinEnv, cwd = process.cwd()): Config {
  if (env.TOCSIN_ACCOUNT_ID !== undefined && !/^\d{12}$/.test(env.TOCSIN_ACCOUNT_ID)) {
    throw new ConfigError(`TOCSIN_ACCOUNT_ID must be 12 digits, got '${env.TOCSIN_ACCOUNT_ID}'`);
  }
  if ((env.TOCSIN_ACCESS_KEY_ID === undefined) !== (env.TOCSIN_SECRET_ACCESS_KEY === undefined)) {
    throw new ConfigError('TOCSIN_ACCESS_KEY_ID and TOCSIN_SECRET_ACCESS_KEY must be given together');
  }
  if (env.TOCSIN_ACCESS_KEY_ID !== undefined && !/^[A-Z0-9]{16,128}$/.test(env.TOCSIN_ACCESS_KEY_ID)) {
    throw new ConfigError('TOCSIN_ACCESS_KEY_ID must be 16 to 128 upper-case letters and digits');
  }
  const region = env.TOCSIN_REGION ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new ConfigError(`TOCSIN_REGION is not a region name: '${region}'`);
  if (env.DATABASE_URL !== undefined && !/^postgres(ql)?:\/\//.test(env.DATABASE_URL)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// (leave it unset for the embedded SQLite database)');
  }
  const logLevel = (env.TOCSIN_LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) {
    throw new ConfigError(`TOCSIN_LOG_LEVEL must be debug, info, warn, error or silent, got '${logLevel}'`);
  }
  const engine = {
    pollMs: int('TOCSIN_ENGINE_POLL_MS', env.TOCSIN_ENGINE_POLL_MS, 1000, 10, 60_000),
    batchSize: int('TOCSIN_ENGINE_BATCH_SIZE', env.TOCSIN_ENGINE_BATCH_SIZE, 32, 1, 1000),
    leaseMs: int('TOCSIN_ENGINE_LEASE_MS', env.TOCSIN_ENGINE_LEASE_MS, 120_000, 1000, 86_400_000),
    jobTimeoutMs: int('TOCSIN_ENGINE_JOB_TIMEOUT_MS', env.TOCSIN_ENGINE_JOB_TIMEOUT_MS, 30_000, 100, 86_400_000),
  };
  if (engine.jobTimeoutMs >= engine.leaseMs) {
    throw new ConfigError(`TOCSIN_ENGINE_JOB_TIMEOUT_MS (${engine.jobTimeoutMs}) must be shorter than TOCSIN_ENGINE_LEASE_MS (${engine.leaseMs})`);
  }
  const masterKey = env.TOCSIN_MASTER_KEY === undefined ? undefined : decodeMasterKey(env.TOCSIN_MASTER_KEY);
  if (env.TOCSIN_MASTER_KEY !== undefined && !masterKey) {
    // The value is a secret: never echoed.
    throw new ConfigError('TOCSIN_MASTER_KEY must be 32 bytes written as base64 or hex (e.g. openssl rand -base64 32)');
  }
  const host = env.TOCSIN_HOST ?? '127.0.0.1';
  const port = int('TOCSIN_PORT', env.TOCSIN_PORT, 4747, 0, 65535);
  return {
    host,
    port,
    dataDir: resolve(cwd, env.TOCSIN_DATA_DIR ?? 'data'),
    databaseUrl: env.DATABASE_URL,
    accountId: env.TOCSIN_ACCOUNT_ID,
    region,
    rootCredentials: env.TOCSIN_ACCESS_KEY_ID
      ? { accessKeyId: env.TOCSIN_ACCESS_KEY_ID, secretAccessKey: env.TOCSIN_SECRET_ACCESS_KEY! }
      : undefined,
    autoReplicationSet: bool('TOCSIN_AUTO_REPLICATION_SET', env.TOCSIN_AUTO_REPLICATION_SET, true),
    maxBodyBytes: int('TOCSIN_MAX_BODY_BYTES', env.TOCSIN_MAX_BODY_BYTES, 1024 * 1024, 1024, 64 * 1024 * 1024),
    dbPoolSize: int('TOCSIN_DB_POOL_SIZE', env.TOCSIN_DB_POOL_SIZE, 16, 1, 1000),
    logLevel,
    masterKey,
    ...loadDeliveryConfig(env, { host, port }),
    engine,
  };
}
