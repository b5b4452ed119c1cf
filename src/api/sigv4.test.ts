import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  SSMIncidentsClient, ListTagsForResourceCommand, UntagResourceCommand, GetResponsePlanCommand, CreateResponsePlanCommand,
} from '@aws-sdk/client-ssm-incidents';
import { SSMContactsClient, ListContactsCommand } from '@aws-sdk/client-ssm-contacts';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { buildQueryString } from '@smithy/querystring-builder';
import { AuthenticationError } from '../errors.js';
import { verifySignature, signRequest, presign, signingServiceOf, type SignableRequest, type SecretLookup } from './sigv4.js';
import { startCaptureServer, run, available, type Captured } from '../../test/helpers/sigv4-capture.js';

const ARN = 'arn:aws:ssm-incidents::111122223333:response-plan/my plan+x';
const CRED = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const lookup: SecretLookup = (id) => (id === 'AKIDEXAMPLE' ? { secretAccessKey: 'secret' } : undefined);
const INC = ['ssm-incidents'] as const;
const HOST = '127.0.0.1:4599';
const T0 = new Date('2026-12-03T15:51:15Z');
const MISMATCH = 'The request signature we calculated does not match the signature you provided. '
  + 'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const EMPTY_SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function dateOf(s: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  assert.ok(m, `bad amz date ${s}`);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}
const amzNow = (r: Captured) => dateOf(String(r.headers['x-amz-date']));
const servicesFor = (r: Captured) => (r.headers['x-amz-target'] ? ['ssm-contacts'] : ['ssm-incidents']);

async function rejects(p: Promise<unknown>, code: string, status: number, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof AuthenticationError, `not an AuthenticationError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.status, status);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

/** A request signed by signRequest, as the server would receive it. */
function signed(over: Partial<SignableRequest> = {}, cred: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = CRED,
  opts: { service?: string; now?: Date; region?: string } = {}): SignableRequest {
  const base = {
    method: 'POST',
    path: '/tags/arn%3Aaws%3Assm-incidents%3A%3A111122223333%3Aresponse-plan%2Fmy%20plan%2Bx',
    query: 'tagKeys=a&tagKeys=b%20c&tagKeys=%C3%BC',
    headers: { host: '127.0.0.1:4599', 'content-type': 'application/json', 'user-agent': 'test' } as Record<string, string>,
    body: Buffer.from('{"tags":{"a":"b","ü":"☃"}}'),
    ...over,
  };
  const add = signRequest({ ...base, headers: base.headers as Record<string, string> }, cred,
    { region: opts.region ?? 'us-east-1', service: opts.service ?? 'ssm-incidents', now: opts.now ?? T0 });
  return { ...base, headers: { ...base.headers, ...add } };
}
const verify = (r: SignableRequest, now = T0, services: readonly string[] = INC, l: SecretLookup = lookup) =>
  verifySignature(r, l, { now, services });
const withAuth = (r: SignableRequest, f: (a: string) => string): SignableRequest =>
  ({ ...r, headers: { ...r.headers, authorization: f(String(r.headers['authorization'])) } });

test('round trip: signRequest then verifySignature; any tampering is rejected', async () => {
  const r = signed();
  const v = await verify(r);
  assert.deepEqual(v, { accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1', service: 'ssm-incidents', signedAt: T0, presigned: false });
  // canonicalization tolerates what proxies may do: unsigned headers, whitespace in values
  await verify({ ...r, headers: { ...r.headers, 'user-agent': 'other', 'content-type': '  application/json  ' } });
  // any region is accepted and returned
  assert.equal((await verify(signed({}, CRED, {}), T0)).region, 'us-east-1');
  const body = Buffer.from(r.body); body[3] ^= 1;
  await rejects(verify({ ...r, body }), 'InvalidSignatureException', 403, "The provided 'x-amz-content-sha256' header does not match what was computed.");
  await rejects(verify({ ...r, path: r.path.replace('my%20plan', 'my%20plan2') }), 'InvalidSignatureException', 403, MISMATCH);
  await rejects(verify({ ...r, path: r.path.replace('%3A', '%3a') }), 'InvalidSignatureException', 403, MISMATCH);
  await rejects(verify({ ...r, path: decodeURIComponent(r.path) }), 'InvalidSignatureException', 403, MISMATCH);
  await rejects(verify({ ...r, query: 'tagKeys=a&tagKeys=b%20d&tagKeys=%C3%BC' }), 'InvalidSignatureException', 403, MISMATCH);
  await rejects(verify({ ...r, method: 'DELETE' }), 'InvalidSignatureException', 403, MISMATCH);
  await rejects(verify({ ...r, headers: { ...r.headers, 'content-type': 'application/jsoN' } }), 'InvalidSignatureException', 403, MISMATCH);
  await rejects(verify({ ...r, headers: { ...r.headers, host: '127.0.0.1:4598' } }), 'InvalidSignatureException', 403, MISMATCH);
  await rejects(verify(r, T0, INC, () => ({ secretAccessKey: 'secreT' })), 'InvalidSignatureException', 403, MISMATCH);
  // body change without x-amz-content-sha256 on the wire (CLI style) is a plain signature mismatch
  const noSha: SignableRequest = { ...r, headers: { ...r.headers } };
  delete noSha.headers['x-amz-content-sha256'];
  await rejects(verify(noSha), 'InvalidSignatureException', 403, MISMATCH);
  // query order on the wire does not matter, '+' reads as a space like %20
  await verify({ ...r, query: 'tagKeys=%C3%BC&tagKeys=b+c&tagKeys=a' });
  // repeated header values (as node's req.headersDistinct gives them) are trimmed and joined with ','
  const multi = signed({ headers: { host: HOST, 'x-amz-meta': 'a,b  c' } });
  await verify({ ...multi, headers: { ...multi.headers, 'x-amz-meta': [' a', 'b c '] } });
  await rejects(verify({ ...multi, headers: { ...multi.headers, 'x-amz-meta': ['a', 'c b'] } }), 'InvalidSignatureException', 403, MISMATCH);
});

test('signRequest agrees byte for byte with @smithy/signature-v4', async () => {
  const path = '/tags/arn%3Aaws%3Assm-incidents%3A%3A111122223333%3Aresponse-plan%2Fmy%20plan';
  const body = '{"tags":{"ü":"☃"}}';
  const sha = createHash('sha256').update(body).digest('hex');
  const headers = { host: '127.0.0.1:4599', 'content-type': 'application/json', 'x-amz-content-sha256': sha };
  const smithy = await new SignatureV4({ credentials: { ...CRED, sessionToken: 'tok' }, region: 'eu-west-3', service: 'ssm-incidents', sha256: Sha256 })
    .sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4599, path, query: { tagKeys: ['b c', 'a'] }, headers, body },
      { signingDate: T0 });
  const ours = signRequest({ method: 'POST', path, query: 'tagKeys=b%20c&tagKeys=a', headers, body },
    { ...CRED, sessionToken: 'tok' }, { region: 'eu-west-3', service: 'ssm-incidents', now: T0 });
  assert.equal(ours['authorization'], smithy.headers['authorization']);
  assert.equal(ours['x-amz-security-token'], 'tok');
  assert.equal(ours['x-amz-date'], '20261203T155115Z');
  assert.equal(signRequest({ method: 'GET', path: '/', headers: { host: 'h' } }, CRED, { region: 'r', service: 's', now: T0 })['x-amz-content-sha256'], EMPTY_SHA);
});

test('real @aws-sdk clients (ssm-incidents, ssm-contacts) verify, including a session token', async () => {
  const srv = await startCaptureServer();
  const cfg = { endpoint: srv.endpoint, region: 'us-east-1', credentials: CRED, maxAttempts: 1 };
  const inc = new SSMIncidentsClient(cfg);
  const con = new SSMContactsClient(cfg);
  const tok = new SSMIncidentsClient({ ...cfg, credentials: { ...CRED, sessionToken: 'IQoJ/token+with=odd chars' } });
  try {
    await inc.send(new ListTagsForResourceCommand({ resourceArn: ARN }));
    await inc.send(new UntagResourceCommand({ resourceArn: ARN, tagKeys: ['a', 'b c', 'ü'] }));
    await inc.send(new GetResponsePlanCommand({ arn: ARN }));
    await inc.send(new CreateResponsePlanCommand({ name: 'p', displayName: 'Zürich ☃ 事件', incidentTemplate: { title: 'Störung — ☃', impact: 1 } }));
    await con.send(new ListContactsCommand({}));
    await tok.send(new GetResponsePlanCommand({ arn: ARN }));
  } finally {
    inc.destroy(); con.destroy(); tok.destroy();
    await srv.close();
  }
  const [list, untag, get, create, contacts, session] = srv.requests as [Captured, Captured, Captured, Captured, Captured, Captured];
  assert.equal(srv.requests.length, 6);
  assert.match(list.path, /^\/tags\/arn%3Aaws%3Assm-incidents%3A%3A111122223333%3Aresponse-plan%2Fmy%20plan%2Bx$/);
  assert.equal(untag.method, 'DELETE');
  assert.match(untag.query, /tagKeys=b%20c/);
  assert.match(get.query, /^arn=arn%3A/);
  assert.ok(create.body.includes(Buffer.from('Zürich ☃ 事件')));
  assert.equal(contacts.headers['x-amz-target'], 'SSMContacts.ListContacts');
  for (const r of srv.requests.slice(0, 5)) {
    const v = await verify(r, amzNow(r), servicesFor(r));
    assert.equal(v.service, servicesFor(r)[0]);
    assert.equal(signingServiceOf(r), v.service);
    await rejects(verify({ ...r, body: Buffer.concat([r.body, Buffer.from(' ')]) }, amzNow(r), servicesFor(r)), 'InvalidSignatureException', 403);
  }
  // the path really is signed double-encoded: verifying the decoded path fails
  await rejects(verify({ ...list, path: decodeURIComponent(list.path) }, amzNow(list)), 'InvalidSignatureException', 403, MISMATCH);
  await rejects(verify(contacts, amzNow(contacts), INC), 'InvalidSignatureException', 403, "Credential should be scoped to correct service: 'ssm-incidents'.");

  assert.equal(session.headers['x-amz-security-token'], 'IQoJ/token+with=odd chars');
  const v = await verify(session, amzNow(session), INC, () => ({ secretAccessKey: 'secret', sessionToken: 'IQoJ/token+with=odd chars' }));
  assert.equal(v.sessionToken, 'IQoJ/token+with=odd chars');
  await rejects(verify(session, amzNow(session), INC, () => ({ secretAccessKey: 'secret', sessionToken: 'other' })),
    'UnrecognizedClientException', 403, 'The security token included in the request is invalid.');
  await rejects(verify(session, amzNow(session), INC), 'UnrecognizedClientException', 403);
  await rejects(verify(get, amzNow(get), INC, () => ({ secretAccessKey: 'secret', sessionToken: 'tok' })), 'UnrecognizedClientException', 403);
});

test('pip aws CLI requests verify', async (t) => {
  if (!(await available('aws', ['--version']))) return t.skip('aws CLI not installed');
  const srv = await startCaptureServer();
  const ep = ['--endpoint-url', srv.endpoint];
  try {
    await run('aws', [...ep, 'ssm-incidents', 'list-tags-for-resource', '--resource-arn', ARN]);
    await run('aws', [...ep, 'ssm-incidents', 'untag-resource', '--resource-arn', ARN, '--tag-keys', 'a', 'b c', 'ü']);
    await run('aws', [...ep, 'ssm-incidents', 'get-response-plan', '--arn', ARN]);
    await run('aws', [...ep, 'ssm-incidents', 'create-response-plan', '--name', 'p', '--display-name', 'Zürich ☃',
      '--incident-template', '{"title":"Störung ☃","impact":1}']);
    await run('aws', [...ep, 'ssm-contacts', 'list-contacts']);
  } finally {
    await srv.close();
  }
  assert.equal(srv.requests.length, 5);
  assert.match(srv.requests[0]!.path, /%3A.*%2F/);
  for (const r of srv.requests) {
    assert.equal(r.headers['x-amz-content-sha256'], undefined); // the CLI does not send it: body hash is computed
    await verify(r, amzNow(r), servicesFor(r));
    await rejects(verify({ ...r, body: Buffer.concat([r.body, Buffer.from(' ')]) }, amzNow(r), servicesFor(r)), 'InvalidSignatureException', 403, MISMATCH);
  }
});

const BOTO3 = `
import sys, boto3
ep, arn = sys.argv[1], sys.argv[2]
kw = dict(endpoint_url=ep, region_name='us-east-1', aws_access_key_id='AKIDEXAMPLE', aws_secret_access_key='secret')
inc = boto3.client('ssm-incidents', **kw)
inc.list_tags_for_resource(resourceArn=arn)
inc.untag_resource(resourceArn=arn, tagKeys=['a', 'b c', '\\u00fc'])
inc.get_response_plan(arn=arn)
inc.create_response_plan(name='p', displayName='Z\\u00fcrich \\u2603', incidentTemplate={'title': 'St\\u00f6rung', 'impact': 1})
boto3.client('ssm-contacts', **kw).list_contacts()
`;

test('python boto3 requests verify', async (t) => {
  if (!(await available('python3', ['-c', 'import boto3']))) return t.skip('python3 with boto3 not installed');
  const srv = await startCaptureServer();
  try {
    await run('python3', ['-c', BOTO3, srv.endpoint, ARN]);
  } finally {
    await srv.close();
  }
  assert.equal(srv.requests.length, 5);
  assert.match(srv.requests[1]!.query, /tagKeys=b%20c/);
  for (const r of srv.requests) await verify(r, amzNow(r), servicesFor(r));
});

const GET_PATH = '/getResponsePlan';
const asReq = (pathAndQuery: string, extra: Record<string, string> = {}, body = Buffer.alloc(0), method = 'GET'): SignableRequest => {
  const i = pathAndQuery.indexOf('?');
  return { method, path: pathAndQuery.slice(0, i), query: pathAndQuery.slice(i + 1), headers: { host: HOST, ...extra }, body };
};

test('presigned URLs from @smithy/signature-v4, botocore and presign() verify; expired ones do not', async (t) => {
  const signer = (sessionToken?: string) =>
    new SignatureV4({ credentials: { ...CRED, sessionToken }, region: 'us-east-1', service: 'ssm-incidents', sha256: Sha256 });
  const base = { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 4599, path: GET_PATH, query: { arn: ARN }, headers: { host: HOST } };
  const s1 = await signer().presign(base, { signingDate: T0, expiresIn: 300 });
  const r1 = asReq(`${s1.path}?${buildQueryString(s1.query ?? {})}`);
  const v1 = await verify(r1, new Date(T0.getTime() + 60_000));
  assert.equal(v1.presigned, true);
  assert.equal(signingServiceOf(r1), 'ssm-incidents');
  await verify(r1, new Date(T0.getTime() + 300_000));
  await rejects(verify(r1, new Date(T0.getTime() + 301_000)), 'InvalidSignatureException', 403,
    'Signature expired: 20261203T155615Z is now earlier than 20261203T155616Z (20261203T155115Z + 300 sec.)');
  await rejects(verify({ ...r1, query: r1.query.replace('my%20plan', 'my%20plan2') }), 'InvalidSignatureException', 403, MISMATCH);
  await rejects(verify(r1, new Date(T0.getTime() - 16 * 60_000)), 'InvalidSignatureException', 403, /^Signature not yet current/);

  // session token travels as X-Amz-Security-Token in the query
  const s2 = await signer('tok').presign(base, { signingDate: T0, expiresIn: 300 });
  const r2 = asReq(`${s2.path}?${buildQueryString(s2.query ?? {})}`);
  assert.equal((await verify(r2, T0, INC, () => ({ secretAccessKey: 'secret', sessionToken: 'tok' }))).sessionToken, 'tok');
  await rejects(verify(r2, T0), 'UnrecognizedClientException', 403);

  // smithy hoists an x-amz-content-sha256 header into the query under the same (lower-case) name and signs with it
  const s3 = await signer().presign({ ...base, headers: { host: HOST, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, { signingDate: T0, expiresIn: 60 });
  assert.equal(s3.query?.['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');
  await verify(asReq(`${s3.path}?${buildQueryString(s3.query ?? {})}`), T0);

  // for a non-S3 service the presigned payload hash is the body's SHA-256 (not UNSIGNED-PAYLOAD)
  const body = Buffer.from('{"name":"ü"}');
  const s4 = await signer().presign({ ...base, method: 'POST', path: '/createResponsePlan', query: {}, body,
    headers: { host: HOST, 'content-type': 'application/json' } }, { signingDate: T0, expiresIn: 60 });
  const r4 = asReq(`${s4.path}?${buildQueryString(s4.query ?? {})}`, { 'content-type': 'application/json' }, body, 'POST');
  await verify(r4, T0);
  await rejects(verify({ ...r4, body: Buffer.from('{"name":"u"}') }, T0), 'InvalidSignatureException', 403, MISMATCH);

  // ours
  const mine = presign({ method: 'GET', path: '/getResponsePlan', query: 'arn=' + encodeURIComponent(ARN), headers: { host: HOST } }, CRED,
    { region: 'ap-south-1', service: 'ssm-incidents', now: T0, expiresSeconds: 900 });
  assert.match(mine, /^\/getResponsePlan\?X-Amz-Algorithm=AWS4-HMAC-SHA256&.*&X-Amz-Signature=[0-9a-f]{64}$/);
  assert.equal((await verify(asReq(mine), new Date(T0.getTime() + 899_000))).region, 'ap-south-1');
  await rejects(verify(asReq(mine), new Date(T0.getTime() + 901_000)), 'InvalidSignatureException', 403, /^Signature expired/);
  await rejects(verify(asReq(mine, { host: 'evil:1' })), 'InvalidSignatureException', 403, MISMATCH);
  const tokUrl = presign({ method: 'GET', path: '/getResponsePlan', headers: { host: HOST } }, { ...CRED, sessionToken: 't/k' },
    { region: 'us-east-1', service: 'ssm-incidents', now: T0, expiresSeconds: 60 });
  await verify(asReq(tokUrl), T0, INC, () => ({ secretAccessKey: 'secret', sessionToken: 't/k' }));

  if (!(await available('python3', ['-c', 'import botocore']))) return t.skip('python3 with botocore not installed');
  const py = `
import sys
from botocore.awsrequest import AWSRequest
from botocore.auth import SigV4QueryAuth
from botocore.credentials import Credentials
req = AWSRequest(method='GET', url=sys.argv[1])
SigV4QueryAuth(Credentials('AKIDEXAMPLE', 'secret'), 'ssm-incidents', 'us-east-1', expires=120).add_auth(req)
print(req.url)
`;
  const url = (await run('python3', ['-c', py, `http://${HOST}${GET_PATH}?arn=${encodeURIComponent(ARN)}`])).trim();
  const rb = asReq(url.slice(`http://${HOST}`.length));
  const signedAt = dateOf(/X-Amz-Date=(\w+)/.exec(url)![1]!);
  assert.equal((await verify(rb, new Date(signedAt.getTime() + 5_000))).presigned, true);
  await rejects(verify(rb, new Date(signedAt.getTime() + 121_000)), 'InvalidSignatureException', 403, /^Signature expired/);
});

test('every error case has its AWS code and status', async () => {
  const r = signed();
  await rejects(verify({ ...r, headers: { host: HOST } }), 'MissingAuthenticationTokenException', 403, 'Request is missing Authentication Token');
  await rejects(verify(withAuth(r, () => 'Bearer abc')), 'IncompleteSignatureException', 400, /AWS4-HMAC-SHA256.*Authorization=Bearer abc/);
  await rejects(verify(withAuth(r, (a) => a.replace(/, Signature=\w+/, ''))), 'IncompleteSignatureException', 400,
    /^Authorization header requires 'Signature' parameter\. Authorization=AWS4-HMAC-SHA256 Credential=/);
  await rejects(verify(withAuth(r, (a) => a.replace(/Credential=[^,]+, /, ''))), 'IncompleteSignatureException', 400, /requires 'Credential' parameter/);
  await rejects(verify(withAuth(r, (a) => a.replace(/SignedHeaders=[^,]+, /, ''))), 'IncompleteSignatureException', 400, /requires 'SignedHeaders' parameter/);
  const noDate: SignableRequest = { ...r, headers: { ...r.headers } };
  delete noDate.headers['x-amz-date'];
  await rejects(verify(noDate), 'IncompleteSignatureException', 400, /existence of either a 'X-Amz-Date' or a 'Date' header/);
  await rejects(verify({ ...r, headers: { ...r.headers, 'x-amz-date': '2026-12-03T15:51:15Z' } }), 'IncompleteSignatureException', 400, /ISO-8601 'basic format'/);
  await rejects(verify({ ...r, headers: { ...r.headers, 'x-amz-date': '20261303T155115Z' } }), 'IncompleteSignatureException', 400);
  const noHost = signed({ headers: { 'content-type': 'application/json' } });
  await rejects(verify({ ...noHost, headers: { ...noHost.headers, host: HOST } }), 'IncompleteSignatureException', 400,
    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  await rejects(verify(withAuth(r, (a) => a.replace('/ssm-incidents/aws4_request', '/ssm-incidents'))), 'IncompleteSignatureException', 400,
    /^Credential must have exactly 5 slash-delimited elements/);
  await rejects(verify(withAuth(r, (a) => a.replace('aws4_request', 'aws5_request'))), 'IncompleteSignatureException', 400, /valid terminator/);
  await rejects(verify(signed({}, { accessKeyId: 'AKIDOTHER', secretAccessKey: 'secret' })), 'UnrecognizedClientException', 403,
    'The security token included in the request is invalid.');
  await rejects(verify(withAuth(r, (a) => a.replace(/Signature=\w/, 'Signature=0'))), 'InvalidSignatureException', 403, MISMATCH);
  await rejects(verify(withAuth(r, (a) => a.replace(/Signature=\w+/, 'Signature=abc'))), 'InvalidSignatureException', 403, MISMATCH);
  await rejects(verify(signed({}, CRED, { service: 'ssm-contacts' }), T0, ['ssm-incidents', 'iam']), 'InvalidSignatureException', 403,
    "Credential should be scoped to correct service: 'ssm-incidents'.");
  await rejects(verify(withAuth(r, (a) => a.replace('/20261203/', '/20261202/'))), 'InvalidSignatureException', 403,
    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261202' != '20261203', from '20261203T155115Z'.");
  await rejects(verify(signed({}, CRED, { now: new Date('2026-12-03T12:00:00Z') }), new Date('2026-12-03T16:00:00Z')), 'InvalidSignatureException', 403,
    'Signature expired: 20261203T120000Z is now earlier than 20261203T154500Z (20261203T160000Z - 15 min.)');
  await rejects(verify(signed({}, CRED, { now: new Date('2026-12-03T16:00:00Z') }), new Date('2026-12-03T12:00:00Z')), 'InvalidSignatureException', 403,
    'Signature not yet current: 20261203T160000Z is still later than 20261203T121500Z (20261203T120000Z + 15 min.)');
  await rejects(verify({ ...r, body: Buffer.from('{}') }), 'InvalidSignatureException', 403,
    "The provided 'x-amz-content-sha256' header does not match what was computed.");
  await rejects(verify(signed({ headers: { host: HOST, 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' } })), 'InvalidSignatureException', 403,
    "The provided 'x-amz-content-sha256' header does not match what was computed.");
  // UNSIGNED-PAYLOAD is taken as is
  await verify({ ...signed({ headers: { host: HOST, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }), body: Buffer.from('anything') });
  // session token required by the secret
  const tokLookup: SecretLookup = () => ({ secretAccessKey: 'secret', sessionToken: 'tok' });
  await verify(signed({}, { ...CRED, sessionToken: 'tok' }), T0, INC, tokLookup);
  await rejects(verify(r, T0, INC, tokLookup), 'UnrecognizedClientException', 403);
  await rejects(verify(signed({}, { ...CRED, sessionToken: 'tok2' }), T0, INC, tokLookup), 'UnrecognizedClientException', 403);

  // presigned form
  const url = presign({ method: 'GET', path: GET_PATH, query: 'arn=x', headers: { host: HOST } }, CRED,
    { region: 'us-east-1', service: 'ssm-incidents', now: T0, expiresSeconds: 60 });
  const p = asReq(url);
  await verify(p);
  const q = (f: (s: string) => string) => ({ ...p, query: f(p.query) });
  await rejects(verify(q((s) => s.replace(/&X-Amz-Expires=\d+/, ''))), 'IncompleteSignatureException', 400, /must include 'X-Amz-Expires'/);
  await rejects(verify(q((s) => s.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=abc'))), 'IncompleteSignatureException', 400, /number/);
  await rejects(verify(asReq(presign({ method: 'GET', path: GET_PATH, headers: { host: HOST } }, CRED,
    { region: 'us-east-1', service: 'ssm-incidents', now: T0, expiresSeconds: 604801 }))), 'IncompleteSignatureException', 400, /604800/);
  await verify(asReq(presign({ method: 'GET', path: GET_PATH, headers: { host: HOST } }, CRED,
    { region: 'us-east-1', service: 'ssm-incidents', now: T0, expiresSeconds: 604800 })), new Date(T0.getTime() + 604_800_000));
  await rejects(verify(q((s) => s.replace(/&X-Amz-Credential=[^&]+/, ''))), 'IncompleteSignatureException', 400, /must include 'X-Amz-Credential'/);
  await rejects(verify(q((s) => s.replace('X-Amz-Algorithm=AWS4-HMAC-SHA256', 'X-Amz-Algorithm=AWS4-HMAC-SHA1'))), 'IncompleteSignatureException', 400);
  await rejects(verify(q((s) => s.replace(/X-Amz-Date=\w+/, 'X-Amz-Date=now'))), 'IncompleteSignatureException', 400);
  await rejects(verify(q((s) => s.replace('X-Amz-SignedHeaders=host', 'X-Amz-SignedHeaders=x-foo'))), 'IncompleteSignatureException', 400, /'Host'/);
  await rejects(verify(p, new Date(T0.getTime() + 61_000)), 'InvalidSignatureException', 403, /^Signature expired: /);
  await rejects(verify(q((s) => s.replace(/Signature=\w/, 'Signature=0'))), 'InvalidSignatureException', 403, MISMATCH);
  await rejects(verify(p, T0, ['ssm-contacts']), 'InvalidSignatureException', 403, "Credential should be scoped to correct service: 'ssm-contacts'.");
  await rejects(verify({ ...p, headers: { ...p.headers, authorization: String(r.headers['authorization']) } }), 'IncompleteSignatureException', 400);
  await rejects(verify(q((s) => s.replace('AKIDEXAMPLE', 'AKIDOTHER'))), 'UnrecognizedClientException', 403);
});

test('regions: when given, a credential scoped to any other region is refused (header and presigned forms)', async () => {
  const REGION_TEXT = 'Credential should be scoped to a valid region.';
  const inRegions = (r: SignableRequest, regions: readonly string[], l: SecretLookup = lookup) =>
    verifySignature(r, l, { now: T0, services: INC, regions });
  const eu = signed({}, CRED, { region: 'eu-west-1' });
  // without `regions` any region is accepted and returned
  assert.equal((await verify(eu)).region, 'eu-west-1');
  assert.equal((await inRegions(signed(), ['us-east-1'])).region, 'us-east-1');
  assert.equal((await inRegions(eu, ['us-east-1', 'eu-west-1'])).region, 'eu-west-1');
  await rejects(inRegions(eu, ['us-east-1']), 'InvalidSignatureException', 403, REGION_TEXT);
  await rejects(inRegions(signed(), ['eu-west-1']), 'InvalidSignatureException', 403, REGION_TEXT);
  await rejects(inRegions(signed(), []), 'InvalidSignatureException', 403, REGION_TEXT);
  // checked on the scope, before the secret is looked up
  await rejects(inRegions(eu, ['us-east-1'], () => undefined), 'InvalidSignatureException', 403, REGION_TEXT);
  // an empty region stays an incomplete signature
  await rejects(inRegions(withAuth(signed(), (a) => a.replace('/us-east-1/', '//')), ['us-east-1']), 'IncompleteSignatureException', 400, REGION_TEXT);
  const url = (region: string) => asReq(presign({ method: 'GET', path: GET_PATH, query: 'arn=x', headers: { host: HOST } }, CRED,
    { region, service: 'ssm-incidents', now: T0, expiresSeconds: 60 }));
  await inRegions(url('us-east-1'), ['us-east-1']);
  await rejects(inRegions(url('ap-south-1'), ['us-east-1']), 'InvalidSignatureException', 403, REGION_TEXT);
});

test('clock skew: 14 minutes is accepted, 16 is not, both directions', async () => {
  const min = 60_000;
  const r = signed();
  await verify(r, new Date(T0.getTime() + 14 * min));
  await verify(r, new Date(T0.getTime() - 14 * min));
  await rejects(verify(r, new Date(T0.getTime() + 16 * min)), 'InvalidSignatureException', 403,
    'Signature expired: 20261203T155115Z is now earlier than 20261203T155215Z (20261203T160715Z - 15 min.)');
  await rejects(verify(r, new Date(T0.getTime() - 16 * min)), 'InvalidSignatureException', 403,
    'Signature not yet current: 20261203T155115Z is still later than 20261203T155015Z (20261203T153515Z + 15 min.)');
  // the allowance is configurable
  await rejects(verifySignature(r, lookup, { now: new Date(T0.getTime() + 6 * min), services: INC, maxSkewMs: 5 * min }),
    'InvalidSignatureException', 403, /\(20261203T155715Z - 5 min\.\)$/);
});

test('signingServiceOf reads the scope without verifying', () => {
  const r = signed({}, CRED, { service: 'ssm-contacts' });
  assert.equal(signingServiceOf(r), 'ssm-contacts');
  assert.equal(signingServiceOf({ ...r, headers: { authorization: 'Bearer x' } }), undefined);
  assert.equal(signingServiceOf({ ...r, headers: { authorization: 'AWS4-HMAC-SHA256 Credential=a/b/c, Signature=x' } }), undefined);
  assert.equal(signingServiceOf({ ...r, headers: {} }), undefined);
  const url = presign({ method: 'GET', path: '/', headers: { host: HOST } }, CRED, { region: 'us-east-1', service: 'sts', now: T0, expiresSeconds: 60 });
  assert.equal(signingServiceOf(asReq(url, {})), 'sts');
});
