/** README.md stays true: its configuration and API coverage tables match the code. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadModel } from '../src/api/model.js';
import { ssmIncidentsHandlers } from '../src/api/ssm-incidents/index.js';
import { configDocs } from '../src/config/config.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

test('every configuration variable is documented in README with its default', () => {
  for (const [name, def] of configDocs) {
    assert.ok(readme.includes(`| \`${name}\` | ${def} |`), `README lacks the row for ${name}`);
  }
});

test('the ssm-incidents coverage table lists every operation of the model as served, and each has a handler', () => {
  const model = loadModel('ssm-incidents');
  for (const op of Object.keys(model.operations)) {
    const row = readme.split('\n').find((l) => l.startsWith(`| ${op} |`));
    assert.ok(row, `README lacks ${op}`);
    assert.match(row!, /\| served \|$/, `${op} is not marked served`);
    assert.equal(typeof ssmIncidentsHandlers[op], 'function', `${op} has no handler`);
  }
});
