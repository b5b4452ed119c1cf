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
  TOCSIN_PUBLIC_URL?: string;
  TOCSIN_SMTP_URL?: string;
  TOCSIN_EMAIL_FROM?: string;
  TOCSIN_TWILIO_ACCOUNT_SID?: string;
  TOCSIN_TWILIO_AUTH_TOKEN?: string;
  TOCSIN_TWILIO_FROM_NUMBER?: string;
  TOCSIN_TWILIO_BASE_URL?: string;
  TOCSIN_WEBHOOK_URL?: string;
  TOCSIN_WEBHOOK_SECRET?: string;
  TOCSIN_EMAIL_PROVIDER?: string;
  TOCSIN_SMS_PROVIDER?: string;
  TOCSIN_VOICE_PROVIDER?: string;
  TOCSIN_DELIVERY_TIMEOUT_MS?: string;
  TOCSIN_ENGINE_POLL_MS?: string;
  TOCSIN_ENGINE_BATCH_SIZE?: string;
  TOCSIN_ENGINE_LEASE_MS?: string;
  TOCSIN_ENGINE_JOB_TIMEOUT_MS?: string;
}

const names: (keyof TocsinEnv)[] = [
  'TOCSIN_HOST', 'TOCSIN_PORT', 'TOCSIN_DATA_DIR', 'DATABASE_URL', 'TOCSIN_ACCOUNT_ID', 'TOCSIN_REGION',
  'TOCSIN_ACCESS_KEY_ID', 'TOCSIN_SECRET_ACCESS_KEY', 'TOCSIN_AUTO_REPLICATION_SET', 'TOCSIN_MAX_BODY_BYTES',
  'TOCSIN_DB_POOL_SIZE', 'TOCSIN_LOG_LEVEL', 'TOCSIN_MASTER_KEY',
  // delivery (src/config/delivery-config.ts)
  'TOCSIN_PUBLIC_URL', 'TOCSIN_SMTP_URL', 'TOCSIN_EMAIL_FROM', 'TOCSIN_TWILIO_ACCOUNT_SID', 'TOCSIN_TWILIO_AUTH_TOKEN',
  'TOCSIN_TWILIO_FROM_NUMBER', 'TOCSIN_TWILIO_BASE_URL', 'TOCSIN_WEBHOOK_URL', 'TOCSIN_WEBHOOK_SECRET',
  'TOCSIN_EMAIL_PROVIDER', 'TOCSIN_SMS_PROVIDER', 'TOCSIN_VOICE_PROVIDER', 'TOCSIN_DELIVERY_TIMEOUT_MS',
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
