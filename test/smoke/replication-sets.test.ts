/** Replication sets through @aws-sdk/client-ssm-incidents: setup, regions, protection, deletion, bootstrap. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  CreateReplicationSetCommand, CreateResponsePlanCommand, DeleteReplicationSetCommand, GetReplicationSetCommand,
  GetResponsePlanCommand, ListReplicationSetsCommand, ListResponsePlansCommand, ListTagsForResourceCommand,
  PutResourcePolicyCommand, StartIncidentCommand, TagResourceCommand, UpdateDeletionProtectionCommand, UpdateReplicationSetCommand,
  CreateTimelineEventCommand, UpdateRelatedItemsCommand,
} from '@aws-sdk/client-ssm-incidents';
import pg from 'pg';
import type { TocsinEnv } from '../../src/config/env.js';
import { ManualClock } from '../../src/time/clock.js';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { pgAdminUrl, startTestServer, type TestServer } from '../helpers/server.js';

const template = { title: 'Site down', impact: 1 };
const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: 'ssm-incidents:GetResponsePlan', Resource: '*' }] });

async function setArn(s: TestServer): Promise<string> {
  const out = await s.incidents.send(new ListReplicationSetsCommand({}));
  assert.equal(out.replicationSetArns?.length, 1);
  return out.replicationSetArns![0]!;
}

describe('a server started with the default configuration', () => {
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  before(async () => (s = await startTestServer({ app: { clock } })));
  after(() => s.close());

  test('has created an ACTIVE replication set in its region, owned by the account root', async () => {
    const arn = await setArn(s);
    assert.equal(s.app.createdReplicationSet, arn);
    assert.match(arn, new RegExp(`^arn:aws:ssm-incidents::${s.accountId}:replication-set/[0-9a-f-]{36}$`));
    const { replicationSet: set } = await s.incidents.send(new GetReplicationSetCommand({ arn }));
    assert.equal(set?.arn, arn);
    assert.equal(set?.status, 'ACTIVE');
    assert.equal(set?.deletionProtected, false);
    assert.equal(set?.createdBy, `arn:aws:iam::${s.accountId}:root`);
    assert.equal(set?.lastModifiedBy, `arn:aws:iam::${s.accountId}:root`);
    assert.ok(set?.createdTime instanceof Date && set.lastModifiedTime instanceof Date);
    assert.deepEqual(Object.keys(set!.regionMap!), ['us-east-1']);
    assert.equal(set!.regionMap!['us-east-1']!.status, 'ACTIVE');
    assert.equal(set!.regionMap!['us-east-1']!.sseKmsKeyId, 'DefaultKey'); // an AWS owned key, as AWS reports it
    assert.ok(set!.regionMap!['us-east-1']!.statusUpdateDateTime instanceof Date);
  });

  test('refuses a second replication set with ConflictException', async () => {
    const err = await expectAwsError(s.incidents.send(new CreateReplicationSetCommand({ regions: { 'us-west-2': {} } })), 'ConflictException', 409, 'already exists');
    assert.equal(err.resourceType, 'REPLICATION_SET');
  });

  test('adds a region as ACTIVE and records who changed the set and when', async () => {
    const arn = await setArn(s);
    clock.advance(60_000);
    await s.incidents.send(new UpdateReplicationSetCommand({ arn, actions: [{ addRegionAction: { regionName: 'eu-west-1', sseKmsKeyId: 'alias/incidents' } }] }));
    const { replicationSet: set } = await s.incidents.send(new GetReplicationSetCommand({ arn }));
    assert.deepEqual(Object.keys(set!.regionMap!).sort(), ['eu-west-1', 'us-east-1']);
    assert.equal(set!.regionMap!['eu-west-1']!.status, 'ACTIVE');
    assert.equal(set!.regionMap!['eu-west-1']!.sseKmsKeyId, 'alias/incidents');
    assert.equal(set!.lastModifiedTime!.getTime(), clock.now().getTime());
    assert.ok(set!.lastModifiedTime!.getTime() > set!.createdTime!.getTime());
  });

  test('refuses to add a region the set already has with ConflictException', async () => {
    const arn = await setArn(s);
    await expectAwsError(s.incidents.send(new UpdateReplicationSetCommand({ arn, actions: [{ addRegionAction: { regionName: 'us-east-1' } }] })), 'ConflictException', 409, 'us-east-1');
  });

  test('refuses a fourth region with ValidationException naming regions', async () => {
    const arn = await setArn(s);
    await s.incidents.send(new UpdateReplicationSetCommand({ arn, actions: [{ addRegionAction: { regionName: 'ap-southeast-2' } }] }));
    await expectAwsError(s.incidents.send(new UpdateReplicationSetCommand({ arn, actions: [{ addRegionAction: { regionName: 'eu-central-1' } }] })), 'ValidationException', 400, 'regions');
    await s.incidents.send(new UpdateReplicationSetCommand({ arn, actions: [{ deleteRegionAction: { regionName: 'ap-southeast-2' } }] }));
  });

  test('refuses to add a region name that is not an AWS region', async () => {
    const arn = await setArn(s);
    await expectAwsError(s.incidents.send(new UpdateReplicationSetCommand({ arn, actions: [{ addRegionAction: { regionName: 'mars-1' } }] })), 'ValidationException', 400, 'regionName');
  });

  test('answers ResourceNotFoundException when deleting a region the set does not have', async () => {
    const arn = await setArn(s);
    await expectAwsError(s.incidents.send(new UpdateReplicationSetCommand({ arn, actions: [{ deleteRegionAction: { regionName: 'sa-east-1' } }] })), 'ResourceNotFoundException', 404, 'sa-east-1');
  });

  test('deletes a region, and refuses to delete the last one, pointing to DeleteReplicationSet', async () => {
    const arn = await setArn(s);
    await s.incidents.send(new UpdateReplicationSetCommand({ arn, actions: [{ deleteRegionAction: { regionName: 'eu-west-1' } }] }));
    const { replicationSet: set } = await s.incidents.send(new GetReplicationSetCommand({ arn }));
    assert.deepEqual(Object.keys(set!.regionMap!), ['us-east-1']);
    await expectAwsError(s.incidents.send(new UpdateReplicationSetCommand({ arn, actions: [{ deleteRegionAction: { regionName: 'us-east-1' } }] })), 'ValidationException', 400, 'DeleteReplicationSet');
  });

  test('refuses an update with two actions, or one action with both members, as the model says', async () => {
    const arn = await setArn(s);
    await expectAwsError(s.incidents.send(new UpdateReplicationSetCommand({
      arn, actions: [{ addRegionAction: { regionName: 'eu-west-2' } }, { addRegionAction: { regionName: 'eu-west-3' } }],
    })), 'ValidationException', 400, 'actions');
    await expectAwsError(s.incidents.send(new UpdateReplicationSetCommand({
      arn, actions: [{ addRegionAction: { regionName: 'eu-west-2' }, deleteRegionAction: { regionName: 'us-east-1' } } as any],
    })), 'ValidationException', 400, 'actions');
    await expectAwsError(s.incidents.send(new UpdateReplicationSetCommand({ arn } as any)), 'ValidationException', 400, 'actions');
  });

  test('answers ResourceNotFoundException for an unknown set and AccessDeniedException for another account\'s set', async () => {
    const unknown = `arn:aws:ssm-incidents::${s.accountId}:replication-set/00000000-0000-4000-8000-000000000000`;
    const foreign = (await setArn(s)).replace(s.accountId, '444455556666');
    for (const [arn, code, status] of [[unknown, 'ResourceNotFoundException', 404], [foreign, 'AccessDeniedException', 403]] as const) {
      await expectAwsError(s.incidents.send(new GetReplicationSetCommand({ arn })), code, status, arn);
      await expectAwsError(s.incidents.send(new UpdateDeletionProtectionCommand({ arn, deletionProtected: true })), code, status);
      await expectAwsError(s.incidents.send(new UpdateReplicationSetCommand({ arn, actions: [{ addRegionAction: { regionName: 'eu-west-1' } }] })), code, status);
      await expectAwsError(s.incidents.send(new DeleteReplicationSetCommand({ arn })), code, status);
    }
  });

  test('pages ListReplicationSets and refuses a nextToken it did not make', async () => {
    const page = await s.incidents.send(new ListReplicationSetsCommand({ maxResults: 1 }));
    assert.equal(page.replicationSetArns?.length, 1);
    assert.equal(page.nextToken, undefined);
    await expectAwsError(s.incidents.send(new ListReplicationSetsCommand({ nextToken: 'garbage!' })), 'ValidationException', 400, 'nextToken');
    await expectAwsError(s.incidents.send(new ListReplicationSetsCommand({ maxResults: 0 })), 'ValidationException', 400, 'maxResults');
  });

  test('refuses to delete a protected set until protection is turned off', async () => {
    const arn = await setArn(s);
    await s.incidents.send(new UpdateDeletionProtectionCommand({ arn, deletionProtected: true }));
    assert.equal((await s.incidents.send(new GetReplicationSetCommand({ arn }))).replicationSet?.deletionProtected, true);
    await expectAwsError(s.incidents.send(new DeleteReplicationSetCommand({ arn })), 'ValidationException', 400, 'deletion protection');
    await s.incidents.send(new UpdateDeletionProtectionCommand({ arn, deletionProtected: false }));
    assert.equal((await s.incidents.send(new GetReplicationSetCommand({ arn }))).replicationSet?.deletionProtected, false);
  });

  test('deleting the set deletes all Incident Manager data of the account', async () => {
    const arn = await setArn(s);
    const plan = await s.incidents.send(new CreateResponsePlanCommand({ name: 'wiped', incidentTemplate: template, tags: { a: 'b' } }));
    await s.incidents.send(new PutResourcePolicyCommand({ resourceArn: plan.arn!, policy }));
    await s.incidents.send(new TagResourceCommand({ resourceArn: arn, tags: { team: 'ops' } }));
    const incidentArn = await insertIncident(s, plan.arn!);
    const db = s.app.database.db;
    for (const table of ['timeline_events', 'related_items', 'findings'] as const) {
      assert.ok((await db.selectFrom(table).selectAll().where('incident_arn', '=', incidentArn).execute()).length > 0, `${table} has rows`);
    }
    await s.incidents.send(new DeleteReplicationSetCommand({ arn }));

    await expectAwsError(s.incidents.send(new GetReplicationSetCommand({ arn })), 'ResourceNotFoundException', 404);
    assert.deepEqual((await s.incidents.send(new ListReplicationSetsCommand({}))).replicationSetArns, []);
    assert.deepEqual((await s.incidents.send(new ListResponsePlansCommand({}))).responsePlanSummaries, []);
    await expectAwsError(s.incidents.send(new GetResponsePlanCommand({ arn: plan.arn! })), 'ResourceNotFoundException', 404);
    for (const table of ['response_plans', 'incidents', 'resource_policies', 'replication_sets', 'replication_regions'] as const) {
      assert.equal((await db.selectFrom(table).selectAll().execute()).length, 0, `${table} is empty`);
    }
    assert.equal((await db.selectFrom('timeline_events').selectAll().where('incident_arn', '=', incidentArn).execute()).length, 0);
    assert.equal((await db.selectFrom('related_items').selectAll().where('incident_arn', '=', incidentArn).execute()).length, 0);
    assert.equal((await db.selectFrom('findings').selectAll().where('incident_arn', '=', incidentArn).execute()).length, 0);
    assert.equal((await db.selectFrom('tags').selectAll().execute()).length, 0);
    await expectAwsError(s.incidents.send(new CreateResponsePlanCommand({ name: 'after', incidentTemplate: template })), 'ValidationException', 400, 'replication set');
  });
});

/** An incident with a tag, a timeline event, a related item and a finding (written to its table: no API adds findings). */
async function insertIncident(s: TestServer, planArn: string): Promise<string> {
  const { incidentRecordArn: arn } = await s.incidents.send(new StartIncidentCommand({ responsePlanArn: planArn }));
  await s.incidents.send(new TagResourceCommand({ resourceArn: arn!, tags: { k: 'v' } }));
  await s.incidents.send(new CreateTimelineEventCommand({ incidentRecordArn: arn!, eventTime: new Date(), eventType: 'Custom Event', eventData: '"x"' }));
  await s.incidents.send(new UpdateRelatedItemsCommand({
    incidentRecordArn: arn!, relatedItemsUpdate: { itemToAdd: { identifier: { type: 'OTHER', value: { url: 'https://example.com/x' } } } },
  }));
  const now = Date.now();
  await s.app.database.write((trx) => trx.insertInto('findings').values({ incident_arn: arn!, finding_id: 'f1', details: null, created_at: now, last_modified_at: now }).execute());
  return arn!;
}

describe('a server started with TOCSIN_AUTO_REPLICATION_SET=false', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ env: { TOCSIN_AUTO_REPLICATION_SET: 'false' } })));
  after(() => s.close());

  test('has no replication set and refuses CreateResponsePlan with ValidationException', async () => {
    assert.equal(s.app.createdReplicationSet, undefined);
    assert.deepEqual((await s.incidents.send(new ListReplicationSetsCommand({}))).replicationSetArns, []);
    await expectAwsError(s.incidents.send(new CreateResponsePlanCommand({ name: 'p', incidentTemplate: template })), 'ValidationException', 400, 'CreateReplicationSet');
  });

  test('refuses region maps that are empty, too large or not made of AWS region names', async () => {
    await expectAwsError(s.incidents.send(new CreateReplicationSetCommand({ regions: {} })), 'ValidationException', 400, 'regions');
    const four = { 'us-east-1': {}, 'us-east-2': {}, 'us-west-1': {}, 'us-west-2': {} };
    await expectAwsError(s.incidents.send(new CreateReplicationSetCommand({ regions: four })), 'ValidationException', 400, 'regions');
    await expectAwsError(s.incidents.send(new CreateReplicationSetCommand({ regions: { 'not a region': {} } })), 'ValidationException', 400, 'regions');
    await expectAwsError(s.incidents.send(new CreateReplicationSetCommand({} as any)), 'ValidationException', 400, 'regions');
  });

  test('creates the set with its regions, KMS keys and tags, once per clientToken, then accepts response plans', async () => {
    const input = { regions: { 'us-east-1': { sseKmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k' }, 'us-gov-west-1': {} }, tags: { team: 'ops' }, clientToken: 'set-token-1' };
    const first = await s.incidents.send(new CreateReplicationSetCommand(input));
    const again = await s.incidents.send(new CreateReplicationSetCommand(input));
    assert.equal(again.arn, first.arn);
    await expectAwsError(s.incidents.send(new CreateReplicationSetCommand({ ...input, regions: { 'us-east-1': {} } })), 'ConflictException', 409, 'clientToken');
    assert.deepEqual((await s.incidents.send(new ListReplicationSetsCommand({}))).replicationSetArns, [first.arn]);
    const { replicationSet: set } = await s.incidents.send(new GetReplicationSetCommand({ arn: first.arn! }));
    assert.equal(set!.regionMap!['us-east-1']!.sseKmsKeyId, input.regions['us-east-1'].sseKmsKeyId);
    assert.equal(set!.regionMap!['us-gov-west-1']!.sseKmsKeyId, 'DefaultKey');
    assert.equal(set!.regionMap!['us-gov-west-1']!.status, 'ACTIVE');
    assert.deepEqual((await s.incidents.send(new ListTagsForResourceCommand({ resourceArn: first.arn! }))).tags, { team: 'ops' });
    const plan = await s.incidents.send(new CreateResponsePlanCommand({ name: 'p', incidentTemplate: template }));
    assert.match(plan.arn!, /response-plan\/p$/);
  });

  test('applies an UpdateDeletionProtection or UpdateReplicationSet retry once', async () => {
    const arn = await setArn(s);
    const update = { arn, actions: [{ addRegionAction: { regionName: 'eu-north-1' } }], clientToken: 'upd-1' };
    await s.incidents.send(new UpdateReplicationSetCommand(update));
    await s.incidents.send(new UpdateReplicationSetCommand(update)); // a retry, not a second add (which would conflict)
    await expectAwsError(s.incidents.send(new UpdateReplicationSetCommand({ ...update, actions: [{ deleteRegionAction: { regionName: 'eu-north-1' } }] })), 'ConflictException', 409, 'clientToken');
    await s.incidents.send(new UpdateDeletionProtectionCommand({ arn, deletionProtected: true, clientToken: 'dp-1' }));
    await s.incidents.send(new UpdateDeletionProtectionCommand({ arn, deletionProtected: true, clientToken: 'dp-1' }));
    // UpdateDeletionProtection models no ConflictException, so the reuse is a ValidationException.
    await expectAwsError(s.incidents.send(new UpdateDeletionProtectionCommand({ arn, deletionProtected: false, clientToken: 'dp-1' })), 'ValidationException', 400, 'clientToken');
    assert.equal((await s.incidents.send(new GetReplicationSetCommand({ arn }))).replicationSet?.deletionProtected, true);
  });
});

describe('the first-start bootstrap', () => {
  test('does not recreate a replication set the user deleted, after a restart', async () => {
    const first = await startTestServer();
    const arn = first.app.createdReplicationSet!;
    assert.ok(arn);
    await first.incidents.send(new DeleteReplicationSetCommand({ arn }));
    const env = await first.stop();
    const second = await startTestServer({ reuse: env });
    try {
      assert.equal(second.app.createdReplicationSet, undefined);
      assert.deepEqual((await second.incidents.send(new ListReplicationSetsCommand({}))).replicationSetArns, []);
    } finally {
      await second.close();
      await dropDatabase(env);
    }
  });

  test('keeps the set it made at the first start through later starts', async () => {
    const first = await startTestServer();
    const arn = first.app.createdReplicationSet!;
    const env = await first.stop();
    const second = await startTestServer({ reuse: env });
    try {
      assert.equal(second.app.createdReplicationSet, undefined);
      assert.deepEqual((await second.incidents.send(new ListReplicationSetsCommand({}))).replicationSetArns, [arn]);
    } finally {
      await second.close();
      await dropDatabase(env);
    }
  });
});

/** Removes the database a restarted server reused (startTestServer leaves it to the caller). */
async function dropDatabase(env: Partial<TocsinEnv>): Promise<void> {
  if (env.TOCSIN_DATA_DIR) rmSync(env.TOCSIN_DATA_DIR, { recursive: true, force: true });
  if (env.DATABASE_URL) {
    const admin = new pg.Client({ connectionString: pgAdminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${new URL(env.DATABASE_URL).pathname.slice(1)} WITH (FORCE)`);
    await admin.end();
  }
}
