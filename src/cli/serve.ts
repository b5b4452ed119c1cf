/** `tocsin serve`: start, print how to connect, stop gracefully on SIGINT/SIGTERM. */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, type App } from '../app-context.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { readEnv } from '../config/env.js';

/** Serves until a signal arrives; returns the exit code. */
export async function serve(): Promise<number> {
  // Everything Tocsin creates (database, WAL, credentials file) holds secrets: owner only.
  process.umask(0o077);
  let app: App;
  try {
    const config = loadConfig(readEnv());
    app = await createApp(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tocsin: ${err.message}\n`);
      return 2;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES') {
      process.stderr.write(`tocsin: could not listen: ${e.message} (${e.code}); choose another TOCSIN_PORT or TOCSIN_HOST\n`);
    } else if (e.code === 'ECONNREFUSED' || e.code === '3D000' || e.code === '28P01') {
      process.stderr.write(`tocsin: could not open the database: ${e.message}\n`);
    } else {
      process.stderr.write(`tocsin: could not start: ${e.stack ?? err}\n`);
    }
    return 1;
  }
  // Handlers first, banner second: whoever reads the banner may signal at once.
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`tocsin: ${signal} received, finishing in-flight requests...\n`);
      await app.close();
      process.stdout.write('tocsin: stopped\n');
      resolve(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
  printBanner(app);
  return stopped;
}

function printBanner(app: App): void {
  const { config, bootstrap, server } = app;
  const out = (line = '') => process.stdout.write(line + '\n');
  const db = config.databaseUrl ? `PostgreSQL ${redact(config.databaseUrl)}` : `SQLite ${join(config.dataDir, 'tocsin.db')}`;
  const file = writeCredentialsFile(config.dataDir, bootstrap, config.region);
  out(`tocsin: listening on ${server.url}`);
  out(`  database:   ${db}`);
  out(`  account:    ${bootstrap.accountId}   region: ${config.region}`);
  if (app.createdReplicationSet) out(`  replication set created: ${app.createdReplicationSet}`);
  if (bootstrap.generatedSecret) {
    out();
    out('  Root credentials were generated for this server (shown once; kept in the database):');
    out(`    access key id:     ${bootstrap.accessKeyId}`);
    out(`    secret access key: ${bootstrap.generatedSecret}`);
  }
  out();
  out('  Try it:');
  out(`    export AWS_SHARED_CREDENTIALS_FILE=${shellQuote(file)} AWS_PROFILE=tocsin AWS_DEFAULT_REGION=${config.region}`);
  out(`    aws --endpoint-url ${server.url} ssm-incidents list-response-plans`);
  out();
}

/** Writes an AWS CLI credentials file with a `tocsin` profile into the data directory. */
function writeCredentialsFile(dataDir: string, b: { accessKeyId: string; secretAccessKey: string }, region: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'credentials');
  // Created 0600 (never readable by others, not even briefly); an older file is made private first.
  if (existsSync(file)) chmodSync(file, 0o600);
  writeFileSync(file, `[tocsin]\naws_access_key_id = ${b.accessKeyId}\naws_secret_access_key = ${b.secretAccessKey}\nregion = ${region}\n`, { mode: 0o600 });
  return file;
}

/** Quotes a path for a POSIX shell when it needs it. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
