/**
 * The wire itself: routing, signatures, malformed and oversized requests, error shapes, and
 * health — through raw signed HTTP where the SDK would not send such requests, and through
 * the SDK where it would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateResponsePlanCommand, CreateTimelineEventCommand, ListResponsePlansCommand, GetResponsePlanCommand, ListTimelineEventsCommand,
  StartIncidentCommand,
} from '@aws-sdk/client-ssm-incidents';
import { SSMIncidentsClient } from '@aws-sdk/client-ssm-incidents';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { createPlan, startIncident } from '../helpers/incident-fixtures.js';
import { rawRequest } from '../helpers/raw-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('the AWS wire', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ env: { TOCSIN_MAX_BODY_BYTES: '4096' } });
  });
  after(() => s.close());

  test('GET /health answers 200 once the server is ready', async () => {
    const res = await fetch(`${s.url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  test('a signed call through the SDK succeeds and carries a request id', async () => {
    const out = await s.incidents.send(new ListResponsePlansCommand({}));
    assert.deepEqual(out.responsePlanSummaries, []);
    assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
  });

  test('an unsigned request is refused with MissingAuthenticationTokenException', async () => {
    const res = await rawRequest(s.url, { path: '/listResponsePlans', body: '{}', headers: { 'content-type': 'application/json' }, unsigned: true });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.match(res.json.message, /missing Authentication Token/);
  });

  test('an unknown access key is refused with UnrecognizedClientException', async () => {
    const res = await rawRequest(s.url, {
      path: '/listResponsePlans', body: '{}', headers: { 'content-type': 'application/json' },
      cred: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' },
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'UnrecognizedClientException');
  });

  test('a wrong secret is refused with InvalidSignatureException through the SDK', async () => {
    const bad = new SSMIncidentsClient({
      endpoint: s.url, region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: s.credentials.accessKeyId, secretAccessKey: 'wrong' },
    });
    await assert.rejects(bad.send(new ListResponsePlansCommand({})), (err: any) => {
      assert.equal(err.name, 'InvalidSignatureException');
      assert.equal(err.$metadata.httpStatusCode, 403);
      return true;
    });
    bad.destroy();
  });

  test('a request signed more than 15 minutes ago is refused as expired', async () => {
    const res = await rawRequest(s.url, {
      path: '/listResponsePlans', body: '{}', headers: { 'content-type': 'application/json' },
      cred: s.credentials, now: new Date(Date.now() - 16 * 60_000),
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
    assert.match(res.json.message, /Signature expired/);
  });

  test('a request signed for another service is refused', async () => {
    const res = await rawRequest(s.url, {
      path: '/listResponsePlans', body: '{}', headers: { 'content-type': 'application/json' }, cred: s.credentials, service: 'ssm',
    });
    assert.equal(res.status, 403);
    assert.match(res.json.message, /Credential should be scoped to correct service: 'ssm-incidents'/);
  });

  test('a request signed for another region than the server\'s is refused; its own region is served', async () => {
    const res = await rawRequest(s.url, {
      path: '/listResponsePlans', body: '{}', headers: { 'content-type': 'application/json' }, cred: s.credentials, region: 'eu-west-1',
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
    assert.equal(res.json.message, 'Credential should be scoped to a valid region.');
    const eu = new SSMIncidentsClient({ endpoint: s.url, region: 'eu-west-1', maxAttempts: 1, credentials: s.credentials });
    await expectAwsError(eu.send(new ListResponsePlansCommand({})), 'InvalidSignatureException', 403, 'Credential should be scoped to a valid region.');
    eu.destroy();
    const us = new SSMIncidentsClient({ endpoint: s.url, region: 'us-east-1', maxAttempts: 1, credentials: s.credentials });
    assert.equal((await us.send(new ListResponsePlansCommand({}))).$metadata.httpStatusCode, 200);
    us.destroy();
    const ok = await rawRequest(s.url, {
      path: '/listResponsePlans', body: '{}', headers: { 'content-type': 'application/json' }, cred: s.credentials, region: 'us-east-1',
    });
    assert.equal(ok.status, 200);
  });

  test('a string containing U+0000 is a ValidationException naming the member, and nothing is written', async () => {
    const nul = 'Member must not contain the NUL character (U+0000)';
    const name = `nul-${process.pid}`;
    await expectAwsError(s.incidents.send(new CreateResponsePlanCommand({
      name, incidentTemplate: { title: 'a\u0000b', impact: 1 },
    })), 'ValidationException', 400, `at 'incidentTemplate.title' failed to satisfy constraint: ${nul}`);
    const list = await s.incidents.send(new ListResponsePlansCommand({}));
    assert.equal(list.responsePlanSummaries?.some((p) => p.name === name), false);
    const plan = await createPlan(s);
    await expectAwsError(s.incidents.send(new StartIncidentCommand({ responsePlanArn: plan, title: 'a\u0000b' })),
      'ValidationException', 400, `at 'title' failed to satisfy constraint: ${nul}`);
    await expectAwsError(s.incidents.send(new StartIncidentCommand({
      responsePlanArn: plan, relatedItems: [{ identifier: { type: 'OTHER', value: { url: 'https://x' } }, title: 'r\u0000' }],
    })), 'ValidationException', 400, `at 'relatedItems.1.member.title' failed to satisfy constraint: ${nul}`);
    await expectAwsError(s.incidents.send(new CreateResponsePlanCommand({
      name, incidentTemplate: { title: 't', impact: 1, incidentTags: { 'k\u0000': 'v' } },
    })), 'ValidationException', 400, `at 'incidentTemplate.incidentTags' failed to satisfy constraint: ${nul}`);
  });

  test('a string with an unpaired UTF-16 surrogate is a ValidationException naming the member, and nothing is written', async () => {
    const name = `surrogate-${process.pid}`;
    const body = JSON.stringify({ name, incidentTemplate: { title: 't\udc00', impact: 1 } });
    assert.ok(body.includes('"t\\udc00"')); // escaped in the JSON text, as clients send it
    const res = await rawRequest(s.url, { path: '/createResponsePlan', body, headers: { 'content-type': 'application/json' }, cred: s.credentials });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.headers.get('x-amzn-errortype')?.split(':')[0], 'ValidationException');
    assert.ok(res.json.message.includes("at 'incidentTemplate.title' failed to satisfy constraint: Member must be well-formed Unicode (no unpaired surrogates)"), res.json.message);
    const list = await s.incidents.send(new ListResponsePlansCommand({}));
    assert.equal(list.responsePlanSummaries?.some((p) => p.name === name), false);
  });

  test('a timestamp before 1970 or after 9999-12-31T23:59:59.999Z is a ValidationException', async () => {
    const range = 'Member must be a timestamp between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z';
    const plan = await createPlan(s);
    const arn = await startIncident(s, plan);
    const event = (eventTime: Date) =>
      s.incidents.send(new CreateTimelineEventCommand({ incidentRecordArn: arn, eventType: 'Custom Event', eventTime, eventData: '"x"' }));
    await expectAwsError(event(new Date(253402300800_000)), 'ValidationException', 400,
      `Value '253402300800' at 'eventTime' failed to satisfy constraint: ${range}`);
    await expectAwsError(event(new Date(-1000)), 'ValidationException', 400, `at 'eventTime' failed to satisfy constraint: ${range}`);
    await expectAwsError(s.incidents.send(new StartIncidentCommand({
      responsePlanArn: plan, triggerDetails: { source: 's', timestamp: new Date(253402300800_000) },
    })), 'ValidationException', 400, `at 'triggerDetails.timestamp' failed to satisfy constraint: ${range}`);
    // the bounds themselves are accepted and read back
    await event(new Date(0));
    await event(new Date(253402300799_000));
    const times = (await s.incidents.send(new ListTimelineEventsCommand({ incidentRecordArn: arn }))).eventSummaries!
      .map((e) => e.eventTime!.getTime());
    assert.ok(times.includes(0) && times.includes(253402300799_000), String(times));
  });

  test('malformed JSON gets a 400 SerializationException and the server keeps serving', async () => {
    const res = await rawRequest(s.url, { path: '/createResponsePlan', body: '{"name": "x",', headers: { 'content-type': 'application/json' }, cred: s.credentials });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'SerializationException');
    const again = await s.incidents.send(new ListResponsePlansCommand({}));
    assert.equal(again.$metadata.httpStatusCode, 200);
  });

  test('a JSON body that is not an object is refused', async () => {
    const res = await rawRequest(s.url, { path: '/listResponsePlans', body: '[1,2]', headers: { 'content-type': 'application/json' }, cred: s.credentials });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'SerializationException');
  });

  test('wrong member types get a ValidationException naming the member', async () => {
    const res = await rawRequest(s.url, {
      path: '/createResponsePlan', headers: { 'content-type': 'application/json' }, cred: s.credentials,
      body: JSON.stringify({ name: 42, incidentTemplate: { title: 't', impact: 'high' } }),
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'ValidationException');
    assert.match(res.json.message, /^2 validation errors detected: /);
    assert.match(res.json.message, /Value '42' at 'name' failed to satisfy constraint: Member must be a string/);
    assert.match(res.json.message, /at 'incidentTemplate.impact' failed to satisfy constraint: Member must be an integer/);
  });

  test('an unknown operation gets UnknownOperationException', async () => {
    const res = await rawRequest(s.url, { path: '/doSomethingElse', body: '{}', headers: { 'content-type': 'application/json' }, cred: s.credentials });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    const json = await rawRequest(s.url, {
      path: '/', body: '{}', cred: s.credentials, service: 'ssm-incidents',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'NoSuchService.DoIt' },
    });
    assert.equal(json.status, 400);
    assert.equal(json.json.__type, 'UnknownOperationException');
  });

  test('a body over TOCSIN_MAX_BODY_BYTES gets 413 naming the limit, and nothing is written', async () => {
    const res = await rawRequest(s.url, {
      path: '/createResponsePlan', headers: { 'content-type': 'application/json' }, cred: s.credentials,
      body: JSON.stringify({ name: 'big', incidentTemplate: { title: 't', impact: 1, summary: 'x'.repeat(5000) } }),
    });
    assert.equal(res.status, 413);
    assert.equal(res.headers.get('x-amzn-errortype'), 'RequestEntityTooLargeException');
    assert.match(res.json.message, /limit of 4096 bytes/);
    const list = await s.incidents.send(new ListResponsePlansCommand({}));
    assert.equal(list.responsePlanSummaries?.some((p) => p.name === 'big'), false);
  });

  test('a missing required query member is a ValidationException through the SDK error path', async () => {
    const res = await rawRequest(s.url, { method: 'GET', path: '/getResponsePlan', cred: s.credentials });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'ValidationException');
    assert.match(res.json.message, /Value null at 'arn' failed to satisfy constraint: Member must not be null/);
  });

  test('a not-found error reaches the SDK as ResourceNotFoundException with its fields', async () => {
    const arn = `arn:aws:ssm-incidents::${s.accountId}:response-plan/nope`;
    await assert.rejects(s.incidents.send(new GetResponsePlanCommand({ arn })), (err: any) => {
      assert.equal(err.name, 'ResourceNotFoundException');
      assert.equal(err.$metadata.httpStatusCode, 404);
      assert.equal(err.resourceType, 'RESPONSE_PLAN');
      assert.equal(err.message, `Response plan ${arn} not found.`);
      return true;
    });
    // the default NotFoundError message reads the same way
    const err = await expectAwsError(s.incidents.send(new StartIncidentCommand({ responsePlanArn: arn })), 'ResourceNotFoundException', 404);
    assert.equal(err.message, `Response plan ${arn} not found.`);
  });
});

describe('a server configured for another region', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ env: { TOCSIN_REGION: 'eu-west-1' } });
  });
  after(() => s.close());

  test('serves requests signed for TOCSIN_REGION and refuses us-east-1', async () => {
    assert.equal((await s.incidents.send(new ListResponsePlansCommand({}))).$metadata.httpStatusCode, 200);
    const res = await rawRequest(s.url, {
      path: '/listResponsePlans', body: '{}', headers: { 'content-type': 'application/json' }, cred: s.credentials,
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
    assert.equal(res.json.message, 'Credential should be scoped to a valid region.');
  });
});
