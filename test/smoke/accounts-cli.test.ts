/**
 * `tocsin accounts create|list`, the real command: a new account gets its own root credentials
 * and replication set, sees none of the default account's plans, and the command refuses what
 * it must (a bad id, an existing account, a SQLite data directory a server holds).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateResponsePlanCommand, GetResponsePlanCommand, ListReplicationSetsCommand, ListResponsePlansCommand, SSMIncidentsClient } from '@aws-sdk/client-ssm-incidents';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { root, startServerProcess, stopServerProcess } from '../helpers/server-process.js';
import { freshDatabaseEnv, onPostgres } from '../helpers/server.js';

const run = promisify(execFile);

describe('tocsin accounts', () => {
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-accounts-'));
  before(async () => {
    const fresh = await freshDatabaseEnv();
    drop = fresh.drop;
    env = {
      PATH: process.env.PATH!, HOME: process.env.HOME!, TOCSIN_LOG_LEVEL: 'warn', TOCSIN_ACCOUNT_ID: '111122223333',
      ...(fresh.env as Record<string, string>), TOCSIN_DATA_DIR: dataDir,
    };
  });
  after(async () => {
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const tocsin = (...args: string[]) => run(process.execPath, [join(root, 'bin/tocsin.js'), ...args], { env });
  const fails = async (args: string[], code: number, stderr: RegExp) => {
    await assert.rejects(tocsin(...args), (err: any) => {
      assert.equal(err.code, code, err.stderr);
      assert.match(err.stderr, stderr);
      return true;
    });
  };

  test('creates an account whose root credentials work and which sees nothing of the default account', async () => {
    // The default account exists once a server has started on this database.
    const first = await startServerProcess(env);
    const creds = /access key id:\s+(\S+)[\s\S]*secret access key:\s+(\S+)/.exec(first.output())!;
    const a = new SSMIncidentsClient({ endpoint: first.url, region: 'us-east-1', credentials: { accessKeyId: creds[1]!, secretAccessKey: creds[2]! } });
    const plan = (await a.send(new CreateResponsePlanCommand({ name: 'a-plan', incidentTemplate: { title: 't', impact: 3 } }))).arn!;
    a.destroy();
    if (!onPostgres) {
      // One process owns a SQLite data directory: the command says to stop the server.
      await fails(['accounts', 'create'], 2, /another Tocsin \(pid \d+\) is using/);
      await stopServerProcess(first);
    }

    const { stdout } = await tocsin('accounts', 'create', '--account-id', '444455556666');
    assert.match(stdout, /^account 444455556666 created with replication set arn:aws:ssm-incidents::444455556666:replication-set\//);
    const [, keyId, secret] = /access key id:\s+(\S+)\s+secret access key:\s+(\S+)/.exec(stdout)!;
    assert.match(keyId!, /^AKIA[A-Z2-7]{16}$/);
    assert.match(stdout, new RegExp(`export AWS_ACCESS_KEY_ID=${keyId} AWS_SECRET_ACCESS_KEY=`));

    const server = onPostgres ? first : await startServerProcess(env);
    const credentials = { accessKeyId: keyId!, secretAccessKey: secret! };
    const sts = new STSClient({ endpoint: server.url, region: 'us-east-1', credentials });
    const b = new SSMIncidentsClient({ endpoint: server.url, region: 'us-east-1', credentials });
    try {
      const me = await sts.send(new GetCallerIdentityCommand({}));
      assert.deepEqual([me.Account, me.Arn], ['444455556666', 'arn:aws:iam::444455556666:root']);
      assert.equal((await b.send(new ListReplicationSetsCommand({}))).replicationSetArns!.length, 1);
      assert.deepEqual((await b.send(new ListResponsePlansCommand({}))).responsePlanSummaries, []);
      await expectAwsError(b.send(new GetResponsePlanCommand({ arn: plan })), 'AccessDeniedException', 403);
    } finally {
      sts.destroy();
      b.destroy();
      await stopServerProcess(server);
    }

    const listed = (await tocsin('accounts', 'list')).stdout.trim().split('\n').map((l) => l.split('\t')[0]);
    assert.deepEqual(listed.sort(), ['111122223333', '444455556666']);
    const random = (await tocsin('accounts', 'create')).stdout;
    assert.match(random, /^account \d{12} created/);
  });

  test('refuses an existing account, a malformed id and unknown arguments', async () => {
    await fails(['accounts', 'create', '--account-id', '444455556666'], 1, /444455556666 already exists/);
    await fails(['accounts', 'create', '--account-id', '12ab'], 1, /12 digits/);
    await fails(['accounts', 'create', '--account-id', '000000000000'], 1, /is reserved/);
    await fails(['accounts', 'create', '--region', 'x'], 2, /Unknown option '--region'/);
    await fails(['accounts', 'delete'], 2, /unknown command 'delete'/);
  });
});
