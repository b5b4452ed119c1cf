/**
 * The only reader of process.env. Everything else receives its settings through
 * src/config/config.ts and constructor arguments.
 */

/** The raw environment variables Tocsin reads, by name. */
export interface TocsinEnv {
  TOCSIN_HOST?: string;
  TOCSIN_PORT?: string;
  TOCSIN_DATA_DIR?: string;
  DATABASE_URL?: string;
  TOCSIN_ACCOUNT_ID?: string;
  TOCSIN_REGION?: string;
  TOCSIN_ACCESS_KEY_ID?: string;
  TOCSIN_SECRET_ACCESS_KEY?: string;
  TOCSIN_AUTO_REPLICATION_SET?: string;
  TOCSIN_MAX_BODY_BYTES?: string;
  TOCSIN_DB_POOL_SIZE?: string;
  TOCSIN_LOG_LEVEL?: string;
  TOCSIN_MASTER_KEY?: string;
  TOCSIN_ENGINE_POLL_MS?: string;
  TOCSIN_ENGINE_BATCH_SIZE?: string;
  TOCSIN_ENGINE_LEASE_MS?: string;
  TOCSIN_ENGINE_JOB_TIMEOUT_MS?: string;
}

const names: (keyof TocsinEnv)[] = [
  'TOCSIN_HOST', 'TOCSIN_PORT', 'TOCSIN_DATA_DIR', 'DATABASE_URL', 'TOCSIN_ACCOUNT_ID', 'TOCSIN_REGION',
  'TOCSIN_ACCESS_KEY_ID', 'TOCSIN_SECRET_ACCESS_KEY', 'TOCSIN_AUTO_REPLICATION_SET', 'TOCSIN_MAX_BODY_BYTES',
  'TOCSIN_DB_POOL_SIZE', 'TOCSIN_LOG_LEVEL', 'TOCSIN_MASTER_KEY',
  'TOCSIN_ENGINE_POLL_MS', 'TOCSIN_ENGINE_BATCH_SIZE', 'TOCSIN_ENGINE_LEASE_MS', 'TOCSIN_ENGINE_JOB_TIMEOUT_MS',
];

/** Reads the Tocsin variables from the process environment (empty strings count as unset). */
export function readEnv(source: NodeJS.ProcessEnv = process.env): TocsinEnv {
  const env: TocsinEnv = {};
  for (const name of names) {
    const value = source[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  return env;
}
