#!/usr/bin/env node
// `npm test`: unit and integration tests on SQLite, then the database-touching suites again on
// PostgreSQL (DATABASE_URL-style admin URL in TOCSIN_TEST_PG_URL, default the local server),
// then the aws CLI end-to-end script. Node's own test runner with tsx; files run 2 at a time.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const all = [...find(join(root, 'src')), ...find(join(root, 'test'))].sort();
const selected = only.length ? all.filter((f) => only.some((o) => f.includes(o))) : all;
// Suites that start a server or touch the database run on both backends.
const dbSuites = selected.filter((f) => f.startsWith('test/'));

function run(label, files, env) {
  if (files.length === 0) return 0;
  console.log(`\n== ${label}: ${files.length} files`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files], {
    cwd: root, stdio: 'inherit', env: { ...process.env, ...env },
  });
  return r.status ?? 1;
}

let failed = 0;
failed |= run('SQLite (and pure unit tests)', selected, { TOCSIN_TEST_DB: 'sqlite' });
if (process.env.TOCSIN_SKIP_POSTGRES !== '1') failed |= run('PostgreSQL', dbSuites, { TOCSIN_TEST_DB: 'postgres' });
if (!only.length && process.env.TOCSIN_SKIP_E2E !== '1') {
  console.log('\n== aws CLI end-to-end (test/e2e/founding-guide.sh)');
  const r = spawnSync('bash', ['test/e2e/founding-guide.sh'], { cwd: root, stdio: 'inherit' });
  failed |= r.status ?? 1;
}
process.exit(failed ? 1 : 0);
