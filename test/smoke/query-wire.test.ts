/**
 * The AWS query protocol end to end: an AwsApi serving the iam and sts models with fake
 * handlers defined here (the real ones live in src/api/iam, src/api/sts), behind the real HTTP
 * listener, driven by @aws-sdk/client-iam, @aws-sdk/client-sts, the aws CLI and boto3, and by
 * raw signed requests for what the clients would not send.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  CreateUserCommand, DeleteUserCommand, GetUserCommand, IAMClient, ListPoliciesCommand, ListUsersCommand, ListUserTagsCommand,
  TagUserCommand, UntagUserCommand,
} from '@aws-sdk/client-iam';
import { ListResponsePlansCommand, SSMIncidentsClient } from '@aws-sdk/client-ssm-incidents';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsApi, type ServiceDefinition } from '../../src/api/aws-api.js';
import { startHttpServer, type RunningServer } from '../../src/api/http-server.js';
import { loadModel } from '../../src/api/model.js';
import type { CreateUserRequest, CreateUserResponse, ListUsersResponse, ListUserTagsResponse, User } from '../../src/api/models/iam.types.js';
import type { AssumeRoleRequest, AssumeRoleResponse, GetCallerIdentityResponse } from '../../src/api/models/sts.types.js';
import { handler, type Caller } from '../../src/api/operation.js';
import { presign } from '../../src/api/sigv4.js';
import type { AppServices } from '../../src/app-context.js';
import { ConflictError, NotFoundError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { systemClock } from '../../src/time/clock.js';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { rawRequest } from '../helpers/raw-client.js';

const run = promisify(execFile);
const ACCOUNT = '111122223333';
const KEY = { accessKeyId: 'AKIAQUERYWIRETEST000', secretAccessKey: 'query-wire-secret' };
const ROOT: Caller = { accountId: ACCOUNT, principalArn: `arn:aws:iam::${ACCOUNT}:root`, accessKeyId: KEY.accessKeyId, kind: 'root', userId: ACCOUNT };
const CREATED = new Date('2026-12-03T19:29:13Z');
const TRICKY = 'line1\r\nline2 & <x> "q" \'a\'';
/** Server region: not us-east-1, so that the global-service rule is exercised. */
const REGION = 'eu-west-1';

/** The last validated input each fake handler received. */
const seen: Record<string, any> = {};

function user(name: string, path = '/', tags?: { Key: string; Value: string }[]): User {
  return { Path: path, UserName: name, UserId: `AIDA${name.toUpperCase().padEnd(17, 'X')}`, Arn: `arn:aws:iam::${ACCOUNT}:user${path}${name}`, CreateDate: CREATED, Tags: tags };
}

const iamService: ServiceDefinition = {
  model: loadModel('iam'),
  namespace: 'com.amazonaws.iam',
  handlers: {
    CreateUser: handler<CreateUserRequest, CreateUserResponse>(async (input) => {
      seen.CreateUser = input;
      if (input.UserName === 'taken') throw new ConflictError('User with name taken already exists.');
      return { User: user(input.UserName, input.Path, input.Tags) };
    }),
    ListUsers: handler<any, ListUsersResponse>(async (input) => {
      seen.ListUsers = input;
      const all = [user('alice', '/ops/', [{ Key: 'team', Value: 'ops' }]), { ...user('bob'), PasswordLastUsed: new Date('2026-12-04T08:00:00.5Z') }];
      return input.MaxItems === 1 ? { Users: all.slice(0, 1), IsTruncated: true, Marker: 'next-bob' } : { Users: all, IsTruncated: false };
    }),
    GetUser: handler<any>(async (input) => {
      throw new NotFoundError('USER', input.UserName, `The user with name ${input.UserName} cannot be found.`);
    }),
    DeleteUser: handler<any>(async () => {
      throw new ConflictError('Cannot delete entity, must delete login profile first.').as('DeleteConflictException');
    }),
    UntagUser: handler<any>(async (input) => {
      seen.UntagUser = input;
    }),
    TagUser: handler<any>(async () => {
      throw new Error('connection to the database lost');
    }),
    ListUserTags: handler<any, ListUserTagsResponse>(async () => ({ Tags: [{ Key: 'note', Value: TRICKY }], IsTruncated: false })),
    ListPolicies: handler<any, any>(async (input) => {
      seen.ListPolicies = input;
      return { Policies: [], IsTruncated: false };
    }),
  },
};

const stsService: ServiceDefinition = {
  model: loadModel('sts'),
  namespace: 'com.amazonaws.sts',
  handlers: {
    GetCallerIdentity: handler<unknown, GetCallerIdentityResponse>(async (_input, ctx) => ({
      UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.principalArn,
    })),
    AssumeRole: handler<AssumeRoleRequest, AssumeRoleResponse>(async (input) => {
      seen.AssumeRole = input;
      return {
        Credentials: { AccessKeyId: 'ASIAQUERYWIRETEST000', SecretAccessKey: 'tmp-secret', SessionToken: 'token/+=', Expiration: new Date('2026-12-03T20:29:13Z') },
        AssumedRoleUser: { AssumedRoleId: `AROAQUERYWIRETEST0:${input.RoleSessionName}`, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/r/${input.RoleSessionName}` },
        PackedPolicySize: 6,
      };
    }),
  },
};

describe('the AWS query protocol (iam, sts)', () => {
  let server: RunningServer;
  let url: string;
  const clients: { destroy(): void }[] = [];
  const iamClient = (region = 'us-east-1', credentials = KEY) => {
    const c = new IAMClient({ endpoint: url, region, credentials, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const stsClient = (region = REGION) => {
    const c = new STSClient({ endpoint: url, region, credentials: KEY, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const form = (body: string, opts: { service?: string; unsigned?: boolean; region?: string } = {}) => rawRequest(url, {
    path: '/', body, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, cred: KEY,
    service: opts.service ?? 'iam', unsigned: opts.unsigned, region: opts.region,
  });

  before(async () => {
    const logger = createLogger('silent');
    const api = new AwsApi({
      services: [
        { model: loadModel('ssm-incidents'), namespace: 'com.amazonaws.ssmincidents', handlers: {} },
        iamService, stsService,
      ],
      appServices: {} as AppServices,
      secrets: (id) => (id === KEY.accessKeyId ? { secretAccessKey: KEY.secretAccessKey } : undefined),
      callers: async (id) => (id === KEY.accessKeyId ? ROOT : undefined),
      // The wire alone: every request is allowed (authorization has its own tests).
      authorize: async (caller) => ({ account: caller.accountId }),
      clock: systemClock,
      region: REGION,
      logger,
      strictOutput: true,
    });
    server = await startHttpServer({ api, maxBodyBytes: 16_384, logger, isReady: () => true }, '127.0.0.1', 0);
    url = server.url;
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await server.close();
  });

  test('client-iam CreateUser sends tags and reads back every field of the User', async () => {
    const out = await iamClient().send(new CreateUserCommand({ UserName: 'carol', Path: '/eng/', Tags: [{ Key: 'team', Value: 'a b+c' }] }));
    assert.deepEqual(seen.CreateUser, { UserName: 'carol', Path: '/eng/', Tags: [{ Key: 'team', Value: 'a b+c' }] });
    assert.equal(out.User?.UserName, 'carol');
    assert.equal(out.User?.Path, '/eng/');
    assert.equal(out.User?.UserId, 'AIDACAROLXXXXXXXXXXXX');
    assert.equal(out.User?.Arn, `arn:aws:iam::${ACCOUNT}:user/eng/carol`);
    assert.ok(out.User?.CreateDate instanceof Date);
    assert.equal(out.User?.CreateDate?.toISOString(), '2026-12-03T19:29:13.000Z');
    assert.deepEqual(out.User?.Tags, [{ Key: 'team', Value: 'a b+c' }]);
    assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
  });

  test('client-iam ListUsers reads two users with tags and dates, and MaxItems arrives as an integer', async () => {
    const out = await iamClient().send(new ListUsersCommand({}));
    assert.equal(out.IsTruncated, false);
    assert.equal(out.Marker, undefined);
    assert.equal(out.Users?.length, 2);
    const [alice, bob] = out.Users!;
    assert.deepEqual([alice!.UserName, alice!.Path, alice!.Arn], ['alice', '/ops/', `arn:aws:iam::${ACCOUNT}:user/ops/alice`]);
    assert.deepEqual(alice!.Tags, [{ Key: 'team', Value: 'ops' }]);
    assert.equal(alice!.CreateDate?.getTime(), CREATED.getTime());
    assert.equal(bob!.Tags, undefined);
    assert.equal(bob!.PasswordLastUsed?.toISOString(), '2026-12-04T08:00:00.500Z');
    const page = await iamClient().send(new ListUsersCommand({ MaxItems: 1, PathPrefix: '/' }));
    assert.deepEqual(seen.ListUsers, { MaxItems: 1, PathPrefix: '/' });
    assert.deepEqual([page.Users?.length, page.IsTruncated, page.Marker], [1, true, 'next-bob']);
  });

  test('booleans and empty lists arrive typed: OnlyAttached=true, TagKeys=[]', async () => {
    const policies = await iamClient().send(new ListPoliciesCommand({ OnlyAttached: true, Scope: 'Local' }));
    assert.deepEqual(seen.ListPolicies, { OnlyAttached: true, Scope: 'Local' });
    assert.deepEqual(policies.Policies, []);
    await iamClient().send(new UntagUserCommand({ UserName: 'bob', TagKeys: [] }));
    assert.deepEqual(seen.UntagUser, { UserName: 'bob', TagKeys: [] });
  });

  test('XML-special characters and a carriage return survive the round trip', async () => {
    const out = await iamClient().send(new ListUserTagsCommand({ UserName: 'bob' }));
    assert.deepEqual(out.Tags, [{ Key: 'note', Value: TRICKY }]);
  });

  test('modeled errors reach the SDK by their code: NoSuchEntity, EntityAlreadyExists, DeleteConflict', async () => {
    const missing = await expectAwsError(iamClient().send(new GetUserCommand({ UserName: 'ghost' })), 'NoSuchEntityException', 404);
    assert.equal(missing.message, 'The user with name ghost cannot be found.');
    assert.equal(missing.$fault, 'client');
    assert.equal(missing.Error?.Code, 'NoSuchEntity');
    assert.equal(missing.Error?.Type, 'Sender');
    await expectAwsError(iamClient().send(new CreateUserCommand({ UserName: 'taken' })), 'EntityAlreadyExistsException', 409, 'User with name taken already exists.');
    await expectAwsError(iamClient().send(new DeleteUserCommand({ UserName: 'bob' })), 'DeleteConflictException', 409, 'must delete login profile first');
  });

  test('a too-long UserName is IAM\'s ValidationError with the Coral message', async () => {
    const long = 'u'.repeat(65);
    seen.CreateUser = undefined;
    const err = await expectAwsError(iamClient().send(new CreateUserCommand({ UserName: long })), 'ValidationError', 400);
    assert.equal(err.message, `1 validation error detected: Value '${long}' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64`);
    assert.equal(seen.CreateUser, undefined, 'the handler did not run');
  });

  test('an error echoing control characters is still XML the SDK can parse', async () => {
    const err = await expectAwsError(iamClient().send(new CreateUserCommand({ UserName: 'a\u0001b' })), 'ValidationError', 400);
    assert.match(err.message, /Value 'a\ufffdb' at 'userName' failed to satisfy constraint/);
  });

  test('an unexpected failure is ServiceFailure 500 with a generic message', async () => {
    const err = await expectAwsError(iamClient().send(new TagUserCommand({ UserName: 'bob', Tags: [{ Key: 'k', Value: 'v' }] })), 'ServiceFailureException', 500);
    assert.equal(err.$fault, 'server');
    assert.equal(err.message, 'The server encountered an internal error. Please retry the request.');
  });

  test('client-sts GetCallerIdentity and AssumeRole, signed for the server region or for us-east-1', async () => {
    for (const region of [REGION, 'us-east-1']) {
      const me = await stsClient(region).send(new GetCallerIdentityCommand({}));
      assert.deepEqual([me.UserId, me.Account, me.Arn], [ACCOUNT, ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`]);
    }
    const assumed = await stsClient().send(new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/r`, RoleSessionName: 'sess', DurationSeconds: 900, PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    }));
    assert.deepEqual(seen.AssumeRole, {
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/r`, RoleSessionName: 'sess', DurationSeconds: 900, PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    });
    assert.equal(assumed.Credentials?.AccessKeyId, 'ASIAQUERYWIRETEST000');
    assert.equal(assumed.Credentials?.SessionToken, 'token/+=');
    assert.equal(assumed.Credentials?.Expiration?.toISOString(), '2026-12-03T20:29:13.000Z');
    assert.equal(assumed.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/r/sess`);
    assert.equal(assumed.PackedPolicySize, 6);
  });

  test('signatures: another region, a wrong secret and an unknown key are refused in the query error shape', async () => {
    const region = await expectAwsError(iamClient('ap-south-1').send(new ListUsersCommand({})), 'SignatureDoesNotMatch', 403, 'Credential should be scoped to a valid region');
    assert.equal(region.Error?.Type, 'Sender');
    await expectAwsError(iamClient('us-east-1', { ...KEY, secretAccessKey: 'wrong' }).send(new ListUsersCommand({})), 'SignatureDoesNotMatch', 403, 'does not match');
    await expectAwsError(iamClient('us-east-1', { ...KEY, accessKeyId: 'AKIAUNKNOWNKEY000000' }).send(new ListUsersCommand({})),
      'InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
  });

  test('an unsigned request gets MissingAuthenticationToken in the XML of the service its Action belongs to', async () => {
    const res = await form('Action=ListUsers&Version=2010-05-08', { unsigned: true });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('content-type'), 'text/xml');
    assert.match(res.text, /^<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code><Message>Request is missing Authentication Token<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
    assert.equal(res.text.match(/<RequestId>(.*)<\/RequestId>/)![1], res.headers.get('x-amzn-requestid'));
    const sts = await rawRequest(url, { method: 'GET', path: '/', query: 'Action=GetCallerIdentity&Version=2011-06-15', unsigned: true });
    assert.equal(sts.status, 403);
    assert.match(sts.text, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">.*<Code>MissingAuthenticationToken<\/Code>/);
  });

  test('malformed requests get a clean 4xx XML error: unknown Action, other Version, no Action, bad integer, bad boolean', async () => {
    const cases: [string, number, string, string][] = [
      ['Action=LaunchRockets&Version=2010-05-08', 400, 'InvalidAction', 'Could not find operation LaunchRockets for version 2010-05-08'],
      ['Action=ListUsers&Version=2011-06-15', 400, 'InvalidAction', 'Could not find operation ListUsers for version 2011-06-15'],
      ['Version=2010-05-08&UserName=bob', 400, 'MissingAction', 'Missing Action'],
      ['Action=ListUsers&Version=2010-05-08&MaxItems=ten', 400, 'ValidationError',
        "1 validation error detected: Value 'ten' at 'maxItems' failed to satisfy constraint: Member must be an integer"],
      ['Action=ListUsers&Version=2010-05-08&MaxItems=0', 400, 'ValidationError',
        "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"],
      ['Action=ListPolicies&Version=2010-05-08&OnlyAttached=maybe', 400, 'ValidationError',
        "1 validation error detected: Value 'maybe' at 'onlyAttached' failed to satisfy constraint: Member must be a boolean"],
      ['Action=CreateUser&Version=2010-05-08&UserName=bob&Tags.member.1.Key=k', 400, 'ValidationError',
        "1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null"],
      ['Action=GetUser&Version=2010-05-08&UserName=%ZZ', 400, 'ValidationError', // a malformed escape is kept as it is
        "1 validation error detected: Value '%ZZ' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await form(body);
      assert.equal(res.status, status, body);
      assert.equal(res.headers.get('content-type'), 'text/xml', body);
      assert.ok(res.text.includes(`<Type>Sender</Type><Code>${code}</Code><Message>${message}</Message>`), `${body}: ${res.text}`);
    }
    const big = await form(`Action=ListUsers&Version=2010-05-08&PathPrefix=${'x'.repeat(20_000)}`);
    assert.equal(big.status, 413);
    assert.match(big.text, /<Code>RequestEntityTooLarge<\/Code>/);
  });

  test('GET with the parameters in the query string works, header-signed or presigned', async () => {
    const signed = await rawRequest(url, { method: 'GET', path: '/', query: 'Action=ListUsers&Version=2010-05-08&MaxItems=1', cred: KEY, service: 'iam' });
    assert.equal(signed.status, 200);
    assert.match(signed.text, /^<ListUsersResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><ListUsersResult><Users><member><Path>\/ops\/<\/Path><UserName>alice<\/UserName>/);
    const host = new URL(url).host;
    const target = presign({ method: 'GET', path: '/', query: 'Action=GetCallerIdentity&Version=2011-06-15', headers: { host } }, KEY,
      { region: REGION, service: 'sts', expiresSeconds: 60 });
    const res = await fetch(`${url}${target}`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), new RegExp(`<GetCallerIdentityResult><UserId>${ACCOUNT}</UserId><Account>${ACCOUNT}</Account><Arn>arn:aws:iam::${ACCOUNT}:root</Arn></GetCallerIdentityResult>`));
  });

  test('restJson routing is unchanged beside query services', async () => {
    const incidents = new SSMIncidentsClient({ endpoint: url, region: REGION, credentials: KEY, maxAttempts: 1 });
    clients.push(incidents);
    await expectAwsError(incidents.send(new ListResponsePlansCommand({})), 'UnknownOperationException', 400, 'not implemented by Tocsin');
    const json = await rawRequest(url, { path: '/', body: 'Action=ListUsers', headers: { 'content-type': 'application/x-www-form-urlencoded' }, cred: KEY, service: 'ssm-incidents' });
    assert.equal(json.status, 404);
    assert.equal(json.json.__type, 'UnknownOperationException');
  });

  test('the aws CLI and boto3 list users, read the caller and report errors', async (t) => {
    const env = {
      PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    const cli = await run('aws', ['--version'], { env }).then(() => true, () => false);
    if (!cli) return t.skip('the aws CLI is not installed');
    const aws = (...args: string[]) => run('aws', ['--endpoint-url', url, '--output', 'json', ...args], { env });
    const users = JSON.parse((await aws('iam', 'list-users')).stdout);
    assert.deepEqual(users.Users.map((u: any) => [u.UserName, u.Path, u.Tags?.[0]?.Value ?? null]), [['alice', '/ops/', 'ops'], ['bob', '/', null]]);
    assert.match(users.Users[0].CreateDate, /^2026-12-03T19:29:13(\+00:00|Z)$/);
    const me = JSON.parse((await aws('sts', 'get-caller-identity')).stdout);
    assert.deepEqual(me, { UserId: ACCOUNT, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` });
    const regional = JSON.parse((await aws('sts', 'get-caller-identity', '--region', REGION)).stdout);
    assert.equal(regional.Account, ACCOUNT);
    const failed = await aws('iam', 'get-user', '--user-name', 'ghost').then(() => undefined, (err) => err);
    assert.ok(failed, 'get-user of a missing user must fail');
    assert.ok(failed.code === 254 || failed.code === 255, `exit code ${failed.code}`);
    assert.match(failed.stderr, /An error occurred \(NoSuchEntity\) when calling the GetUser operation: The user with name ghost cannot be found\./);
    await aws('iam', 'untag-user', '--user-name', 'bob', '--tag-keys', '[]');
    assert.deepEqual(seen.UntagUser, { UserName: 'bob', TagKeys: [] });

    const boto3 = await run('python3', ['-c', 'import boto3']).then(() => true, () => false);
    if (!boto3) return t.skip('python3 with boto3 is not installed');
    const script = `
import boto3, json, sys
from botocore.config import Config
from botocore.exceptions import ClientError
cfg = Config(retries={"max_attempts": 1})
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1", config=cfg)
out = {}
u = iam.create_user(UserName="dave", Tags=[{"Key": "k", "Value": "v"}])["User"]
out["created"] = [u["UserName"], u["Arn"], u["CreateDate"].isoformat(), u["Tags"]]
out["tags"] = iam.list_user_tags(UserName="dave")["Tags"]
try:
    iam.delete_user(UserName="dave")
except ClientError as e:
    out["error"] = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
out["caller"] = boto3.client("sts", endpoint_url=sys.argv[1], region_name="${REGION}", config=cfg).get_caller_identity()["Arn"]
print(json.dumps(out))
`;
    const seenByBoto3 = JSON.parse((await run('python3', ['-c', script, url], { env })).stdout);
    assert.deepEqual(seenByBoto3, {
      created: ['dave', `arn:aws:iam::${ACCOUNT}:user/dave`, '2026-12-03T19:29:13+00:00', [{ Key: 'k', Value: 'v' }]],
      tags: [{ Key: 'note', Value: TRICKY }],
      error: ['DeleteConflict', 'Cannot delete entity, must delete login profile first.', 409],
      caller: `arn:aws:iam::${ACCOUNT}:root`,
    });
  });
});
