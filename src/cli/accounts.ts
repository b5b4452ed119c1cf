/**
 * `tocsin accounts create [--account-id ID]` and `tocsin accounts list`: accounts are made by
 * the operator, on the server's own configuration (same environment variables as `serve`).
 * Each new account gets its own root key pair (printed once) and, unless
 * TOCSIN_AUTO_REPLICATION_SET=false, its replication set, so it can be used at once.
 */
import { parseArgs } from 'node:util';
import { createServices, masterKeyOf } from '../app-context.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { readEnv } from '../config/env.js';
import { openDatabase } from '../db/database.js';
import { DomainError } from '../errors.js';

const usage = `Usage: tocsin accounts <create|list> [options]

  create [--account-id ID]   Add an account (a random 12-digit id unless given) with its own root
                             credentials, printed once; creates its replication set unless
                             TOCSIN_AUTO_REPLICATION_SET=false
  list                       List the accounts

Uses the same configuration as 'tocsin serve' (DATABASE_URL, TOCSIN_DATA_DIR, TOCSIN_MASTER_KEY,
...). On SQLite stop the server first (one process owns the data directory); on PostgreSQL it
may run while servers do.
`;

/** Runs `tocsin accounts ...`; returns the exit code. */
export async function accounts(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create' && sub !== 'list') {
    process.stderr.write(sub && sub !== 'help' && sub !== '--help' ? `tocsin accounts: unknown command '${sub}'\n\n${usage}` : usage);
    return sub && sub !== 'help' && sub !== '--help' ? 2 : 0;
  }
  let flags: { 'account-id'?: string };
  try {
    flags = parseArgs({ args: rest, options: { 'account-id': { type: 'string' } }, strict: true }).values;
  } catch (err) {
    process.stderr.write(`tocsin accounts: ${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  process.umask(0o077);
  try {
    const config = loadConfig(readEnv());
    const box = masterKeyOf(config);
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
    try {
      const services = createServices(database, { now: () => new Date() }, box, config.region);
      await services.accounts.sealStoredSecrets();
      if (sub === 'list') {
        for (const a of await services.accounts.listAccounts()) process.stdout.write(`${a.accountId}\t${a.createdAt.toISOString()}\n`);
        return 0;
      }
      const created = await services.accounts.createAccount(flags['account-id']);
      const set = config.autoReplicationSet ? await services.replicationSets.bootstrap(created.accountId, config.region) : undefined;
      const out = (line = '') => process.stdout.write(line + '\n');
      out(`account ${created.accountId} created${set ? ` with replication set ${set}` : ''}`);
      out();
      out('  Root credentials (shown once; stored sealed with the master key):');
      out(`    access key id:     ${created.accessKeyId}`);
      out(`    secret access key: ${created.secretAccessKey}`);
      out();
      out('  Use them:');
      out(`    export AWS_ACCESS_KEY_ID=${created.accessKeyId} AWS_SECRET_ACCESS_KEY=${created.secretAccessKey} AWS_DEFAULT_REGION=${config.region}`);
      out(`    aws --endpoint-url http://${config.host}:${config.port} sts get-caller-identity`);
      return 0;
    } finally {
      await database.close();
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DomainError) {
      process.stderr.write(`tocsin accounts: ${err.message}\n`);
      return err instanceof ConfigError ? 2 : 1;
    }
    process.stderr.write(`tocsin accounts: ${(err as Error).stack ?? err}\n`);
    return 1;
  }
}
