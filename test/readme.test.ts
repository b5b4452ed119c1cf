/** README.md stays true: its configuration and API coverage tables match the code. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadModel } from '../src/api/model.js';
import { iamHandlers } from '../src/api/iam/index.js';
import { ssmContactsHandlers } from '../src/api/ssm-contacts/index.js';
import { ssmIncidentsHandlers } from '../src/api/ssm-incidents/index.js';
import { stsHandlers } from '../src/api/sts/index.js';
import { configDocs } from '../src/config/config.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The lines of the README section whose heading starts with `### <service>`, up to the next heading. */
function section(service: string): string[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`### ${service}`));
  assert.ok(start >= 0, `README lacks the ${service} table`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('#'));
  return lines.slice(start, end < 0 ? undefined : end);
}

test('every configuration variable is documented in README with its default', () => {
  for (const [name, def] of configDocs) {
    assert.ok(readme.includes(`| \`${name}\` | ${def} |`), `README lacks the row for ${name}`);
  }
});

test('the ssm-incidents coverage table lists every operation of the model as served, and each has a handler', () => {
  const model = loadModel('ssm-incidents');
  const table = section('ssm-incidents');
  for (const op of Object.keys(model.operations)) {
    const row = table.find((l) => l.startsWith(`| ${op} |`));
    assert.ok(row, `README lacks ${op}`);
    assert.match(row!, /\| served \|$/, `${op} is not marked served`);
    assert.equal(typeof ssmIncidentsHandlers[op], 'function', `${op} has no handler`);
  }
});

test('the ssm-contacts coverage table lists every operation of the model: served exactly when it has a handler, else the issue it awaits', () => {
  const model = loadModel('ssm-contacts');
  const rows = section('ssm-contacts').filter((l) => /^\| [A-Z]\w+ \| /.test(l) && !l.startsWith('| Operation |'));
  const status = new Map(rows.map((l) => [l.split(' ')[1]!, l.slice(l.indexOf(' | ') + 3, -2)]));
  assert.deepEqual([...status.keys()].sort(), Object.keys(model.operations).sort());
  for (const [op, st] of status) {
    if (typeof ssmContactsHandlers[op] === 'function') assert.equal(st, 'served', op);
    else assert.ok(['not yet (issue 4: engagements)', 'not yet (issue 5: rotations)'].includes(st), `${op}: ${st}`);
    if (st === 'not yet (issue 5: rotations)') assert.match(op, /Rotation/);
  }
  for (const op of Object.keys(ssmContactsHandlers)) assert.ok(status.has(op), `${op} has a handler but no README row`);
});

test('the iam and sts coverage tables list every operation Tocsin serves of them, each with a handler', () => {
  for (const [service, handlers] of [['iam', iamHandlers], ['sts', stsHandlers]] as const) {
    const table = section(service);
    const listed = table.filter((l) => /^\| [A-Z]\w+ \| served \|$/.test(l)).map((l) => l.split(' ')[1]);
    assert.deepEqual(listed.sort(), Object.keys(loadModel(service).operations).sort(), service);
    for (const op of listed) assert.equal(typeof handlers[op!], 'function', `${service} ${op} has no handler`);
  }
});
