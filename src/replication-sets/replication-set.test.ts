import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { checkRegionChange, normalizeRegionName, normalizeRegions, type ReplicationSet } from './replication-set.js';

const at = new Date(0);
const setWith = (...names: string[]): ReplicationSet => ({
  arn: 'arn:aws:ssm-incidents::111122223333:replication-set/x', accountId: '111122223333', status: 'ACTIVE',
  deletionProtected: false, createdBy: 'a', createdAt: at, lastModifiedBy: 'a', lastModifiedAt: at,
  regions: Object.fromEntries(names.map((n) => [n, { sseKmsKeyId: 'DefaultKey', status: 'ACTIVE' as const, statusUpdatedAt: at }])),
});

test('region names must look like AWS regions, in every partition', () => {
  for (const ok of ['us-east-1', 'eu-central-2', 'ap-southeast-4', 'us-gov-west-1', 'cn-northwest-1', 'il-central-1']) {
    assert.equal(normalizeRegionName(ok, 'regions'), ok);
  }
  for (const bad of ['', 'mars-1', 'US-EAST-1', 'us-east', 'us_east_1', 'useast1', 'us-east-1a']) {
    assert.throws(() => normalizeRegionName(bad, 'regions'), (e: unknown) => e instanceof ValidationError && e.field === 'regions');
  }
});

test('a new set has 1 to 3 regions, and a region without a key gets the AWS owned key', () => {
  assert.deepEqual(normalizeRegions({ 'us-east-1': {}, 'eu-west-1': { sseKmsKeyId: 'k' } }), {
    'us-east-1': { sseKmsKeyId: 'DefaultKey' }, 'eu-west-1': { sseKmsKeyId: 'k' },
  });
  assert.throws(() => normalizeRegions({}), ValidationError);
  assert.throws(() => normalizeRegions({ 'us-east-1': {}, 'us-east-2': {}, 'us-west-1': {}, 'us-west-2': {} }), /1 to 3/);
});

test('adding a region conflicts when present and is refused past three', () => {
  assert.throws(() => checkRegionChange(setWith('us-east-1'), { add: { regionName: 'us-east-1' } }), ConflictError);
  assert.throws(() => checkRegionChange(setWith('us-east-1', 'us-east-2', 'us-west-1'), { add: { regionName: 'us-west-2' } }), ValidationError);
  assert.doesNotThrow(() => checkRegionChange(setWith('us-east-1', 'us-east-2'), { add: { regionName: 'us-west-2' } }));
});

test('deleting a region needs it present and never removes the last one', () => {
  assert.throws(() => checkRegionChange(setWith('us-east-1', 'us-east-2'), { remove: { regionName: 'eu-west-1' } }), NotFoundError);
  assert.throws(() => checkRegionChange(setWith('us-east-1'), { remove: { regionName: 'us-east-1' } }), /DeleteReplicationSet/);
  assert.doesNotThrow(() => checkRegionChange(setWith('us-east-1', 'us-east-2'), { remove: { regionName: 'us-east-1' } }));
});
