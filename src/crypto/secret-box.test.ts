import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodeMasterKey, loadOrCreateKeyFile, MASTER_KEY_FILE, SecretBox } from './secret-box.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tocsin-box-'));
  dirs.push(d);
  return d;
}

test('a sealed secret opens with the same key and context, and shows nothing of the plaintext', () => {
  const box = new SecretBox(randomBytes(32));
  const sealed = box.seal('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'access-key:AKIA1');
  assert.match(sealed, /^tsb1\.[A-Za-z0-9_-]+$/);
  assert.ok(!sealed.includes('EXAMPLEKEY'));
  assert.equal(box.open(sealed, 'access-key:AKIA1'), 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  assert.notEqual(box.seal('same', 'c'), box.seal('same', 'c'), 'a fresh nonce each time');
  assert.equal(box.open(box.seal('', 'c'), 'c'), '', 'the empty string round-trips');
  assert.equal(box.open(box.seal('ü ✓ 🔑')), 'ü ✓ 🔑');
});

test('another key, another context, a flipped bit or a foreign format do not open', () => {
  const box = new SecretBox(randomBytes(32));
  const sealed = box.seal('secret', 'access-key:AKIA1');
  assert.equal(new SecretBox(randomBytes(32)).open(sealed, 'access-key:AKIA1'), undefined);
  assert.equal(box.open(sealed, 'access-key:AKIA2'), undefined);
  const raw = Buffer.from(sealed.slice(5), 'base64url');
  for (const i of [0, 12, 28, raw.length - 1]) {
    const bad = Buffer.from(raw);
    bad[i] ^= 1;
    assert.equal(box.open('tsb1.' + bad.toString('base64url'), 'access-key:AKIA1'), undefined, `byte ${i}`);
  }
  assert.equal(box.open('secret'), undefined);
  assert.equal(box.open('tsb1.'), undefined);
  assert.equal(box.open('tsb1.AAAA'), undefined);
  assert.equal(SecretBox.isSealed(sealed), true);
  assert.equal(SecretBox.isSealed('plain'), false);
  assert.throws(() => new SecretBox(randomBytes(16)));
});

test('master keys are read as hex or base64 of exactly 32 bytes', () => {
  const key = randomBytes(32);
  assert.deepEqual(decodeMasterKey(key.toString('hex')), key);
  assert.deepEqual(decodeMasterKey(key.toString('hex').toUpperCase()), key);
  assert.deepEqual(decodeMasterKey(key.toString('base64')), key);
  assert.deepEqual(decodeMasterKey(key.toString('base64url')), key);
  assert.deepEqual(decodeMasterKey(` ${key.toString('base64')}\n`), key);
  for (const bad of ['', 'abc', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), randomBytes(33).toString('base64'), 'z'.repeat(64)]) {
    assert.equal(decodeMasterKey(bad), undefined, bad);
  }
});

test('the key file is generated once with mode 0600, and every later load reads the same key', () => {
  const dir = join(dataDir(), 'nested');
  const first = loadOrCreateKeyFile(dir);
  const file = join(dir, MASTER_KEY_FILE);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(loadOrCreateKeyFile(dir), first);
  const loads = Array.from({ length: 20 }, () => loadOrCreateKeyFile(dir));
  assert.ok(loads.every((k) => k.equals(first)));
  assert.deepEqual(decodeMasterKey(readFileSync(file, 'utf8')), first);
});

test('a key file holding no valid key is refused with its path', () => {
  const dir = dataDir();
  writeFileSync(join(dir, MASTER_KEY_FILE), 'not a key\n', { mode: 0o644 });
  assert.throws(() => loadOrCreateKeyFile(dir), new RegExp(`${MASTER_KEY_FILE} does not hold a master key`));
  assert.equal(statSync(join(dir, MASTER_KEY_FILE)).mode & 0o777, 0o600, 'made private even so');
});

test('TOCSIN_MASTER_KEY is read as a 32-byte key, and a bad value stops the start without being echoed', async () => {
  const { ConfigError, loadConfig } = await import('../config/config.js');
  const key = randomBytes(32);
  assert.deepEqual(loadConfig({ TOCSIN_MASTER_KEY: key.toString('base64') }).masterKey, key);
  assert.deepEqual(loadConfig({ TOCSIN_MASTER_KEY: key.toString('hex') }).masterKey, key);
  assert.equal(loadConfig({}).masterKey, undefined);
  const bad = 'short-but-secret-value';
  assert.throws(() => loadConfig({ TOCSIN_MASTER_KEY: bad }), (e: unknown) => e instanceof ConfigError
    && /TOCSIN_MASTER_KEY must be 32 bytes/.test(e.message) && !e.message.includes(bad));
});
