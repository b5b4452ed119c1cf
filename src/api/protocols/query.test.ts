import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, NotFoundError, ProtocolError, ValidationError } from '../../errors.js';
import { toAwsError } from '../aws-errors.js';
import { loadModel, type ServiceModel } from '../model.js';
import { compileInput, compileOutput } from '../shape-codec.js';
import type { RawRequest } from './http-request.js';
import { escapeXml, QueryProtocol, readQueryParams } from './query.js';

const iamModel = loadModel('iam');
const stsModel = loadModel('sts');
const iam = new QueryProtocol(iamModel);
const sts = new QueryProtocol(stsModel);
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const RID = '4a4b7c5e-0000-4000-8000-000000000001';

function post(body: string, contentType = 'application/x-www-form-urlencoded; charset=utf-8', query = ''): RawRequest {
  return { method: 'POST', path: '/', query, headers: { 'content-type': contentType }, body: Buffer.from(body) };
}

/** Decodes a form body as the dispatcher does: route, read, validate. */
function decode(protocol: QueryProtocol, body: string): { operation: string; input: any } {
  const params = readQueryParams(post(body));
  const operation = protocol.route(params);
  const raw = protocol.readInput(operation, params);
  const shape = protocol.model.operations[operation]!.input!.shape;
  return { operation, input: compileInput(protocol.model, shape)(raw) };
}

function validationMessage(protocol: QueryProtocol, body: string): string {
  try {
    decode(protocol, body);
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.message;
  }
  assert.fail('expected a ValidationError');
}

test('a CreateUser body as the aws CLI sends it decodes to the model members, tags in order', () => {
  // captured from aws CLI 1.45.11: create-user --user-name bob --tags Key=a,Value=b Key=c,Value='x y+z='
  const body = 'Action=CreateUser&Version=2010-05-08&UserName=bob&Tags.member.1.Key=a&Tags.member.1.Value=b'
    + '&Tags.member.2.Key=c&Tags.member.2.Value=x+y%2Bz%3D';
  const { operation, input } = decode(iam, body);
  assert.equal(operation, 'CreateUser');
  assert.deepEqual(input, { UserName: 'bob', Tags: [{ Key: 'a', Value: 'b' }, { Key: 'c', Value: 'x y+z=' }] });
});

test('list elements are ordered by their 1-based index, numerically, whatever the parameter order', () => {
  const tags = Array.from({ length: 11 }, (_, i) => `TagKeys.member.${11 - i}=k${11 - i}`).join('&');
  const { input } = decode(iam, `Action=UntagUser&Version=2010-05-08&UserName=bob&${tags}`);
  assert.deepEqual(input.TagKeys, ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'k10', 'k11']);
});

test('an empty list sent as `Name=` (botocore and the SDK do) decodes to []', () => {
  const { input } = decode(iam, 'Action=UntagUser&Version=2010-05-08&UserName=bob&TagKeys=');
  assert.deepEqual(input, { UserName: 'bob', TagKeys: [] });
  // elements without `.member` are not this list's: the member is absent, not empty
  assert.match(validationMessage(iam, 'Action=UntagUser&Version=2010-05-08&UserName=bob&TagKeys.1=a'), /Value null at 'tagKeys' failed to satisfy constraint: Member must not be null/);
  assert.match(validationMessage(iam, 'Action=UntagUser&Version=2010-05-08&UserName=bob&TagKeys=a'), /Value 'a' at 'tagKeys' failed to satisfy constraint: Member must be a list/);
});

test('booleans and integers are typed; a non-integer is a validation error naming the camelCase member', () => {
  assert.deepEqual(decode(iam, 'Action=ListPolicies&Version=2010-05-08&OnlyAttached=true&MaxItems=5').input, { OnlyAttached: true, MaxItems: 5 });
  assert.deepEqual(decode(iam, 'Action=ListPolicies&Version=2010-05-08&OnlyAttached=false').input, { OnlyAttached: false });
  assert.equal(validationMessage(iam, 'Action=ListUsers&Version=2010-05-08&MaxItems=abc'),
    "1 validation error detected: Value 'abc' at 'maxItems' failed to satisfy constraint: Member must be an integer");
  assert.match(validationMessage(iam, 'Action=ListPolicies&Version=2010-05-08&OnlyAttached=yes'), /at 'onlyAttached' failed to satisfy constraint: Member must be a boolean/);
});

test('constraint failures read as IAM words them: userName, tags.N.member.value', () => {
  const long = 'u'.repeat(65);
  assert.equal(validationMessage(iam, `Action=CreateUser&Version=2010-05-08&UserName=${long}`),
    `1 validation error detected: Value '${long}' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64`);
  assert.match(validationMessage(iam, 'Action=CreateUser&Version=2010-05-08&UserName=bob&Tags.member.1.Key=k&Tags.member.1.Value=%28x%29'),
    /Value '\(x\)' at 'tags\.1\.member\.value' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  assert.equal(validationMessage(iam, 'Action=CreateUser&Version=2010-05-08'),
    "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null");
});

test('STS AssumeRole: nested structures in lists, integers and string lists', () => {
  const body = 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fr&RoleSessionName=s1'
    + '&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FA&DurationSeconds=900'
    + '&Tags.member.1.Key=team&Tags.member.1.Value=ops&TransitiveTagKeys.member.1=team';
  const { operation, input } = decode(sts, body);
  assert.equal(operation, 'AssumeRole');
  assert.deepEqual(input, {
    RoleArn: 'arn:aws:iam::111122223333:role/r', RoleSessionName: 's1', PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/A' }],
    DurationSeconds: 900, Tags: [{ Key: 'team', Value: 'ops' }], TransitiveTagKeys: ['team'],
  });
});

test('parameters come from a form body or the query string; the body wins; other bodies are not read', () => {
  const get: RawRequest = { method: 'GET', path: '/', query: 'Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256', headers: {}, body: Buffer.alloc(0) };
  assert.equal(sts.route(readQueryParams(get)), 'GetCallerIdentity');
  assert.deepEqual(sts.readInput('GetCallerIdentity', readQueryParams(get)), {});
  const both = readQueryParams(post('Action=ListUsers&PathPrefix=%2Fbody%2F', 'application/x-www-form-urlencoded', 'PathPrefix=/query/&Version=2010-05-08'));
  assert.deepEqual(Object.fromEntries(both), { Action: 'ListUsers', PathPrefix: '/body/', Version: '2010-05-08' });
  assert.equal(readQueryParams(post('Action=ListUsers', 'application/json')).get('Action'), undefined);
  // repeated names keep the first value; pieces without '=' are empty values
  assert.deepEqual(Object.fromEntries(readQueryParams(post('Action=ListUsers&Action=GetUser&&Marker'))), { Action: 'ListUsers', Marker: '' });
});

test('a missing Action, an unknown one or another Version is refused as AWS does', () => {
  const refuse = (body: string) => {
    try {
      iam.route(readQueryParams(post(body)));
    } catch (err) {
      assert.ok(err instanceof ProtocolError);
      return [err.code, err.status, err.message];
    }
    assert.fail('expected a ProtocolError');
  };
  assert.deepEqual(refuse('Version=2010-05-08'), ['MissingAction', 400, 'Missing Action']);
  assert.deepEqual(refuse('Action=LaunchRockets&Version=2010-05-08'), ['InvalidAction', 400, 'Could not find operation LaunchRockets for version 2010-05-08']);
  assert.deepEqual(refuse('Action=CreateUser&Version=2011-06-15'), ['InvalidAction', 400, 'Could not find operation CreateUser for version 2011-06-15']);
  assert.deepEqual(refuse('Action=GetCallerIdentity&Version=2010-05-08'), ['InvalidAction', 400, 'Could not find operation GetCallerIdentity for version 2010-05-08']);
  assert.deepEqual(refuse('Action=toString&Version=2010-05-08')[0], 'InvalidAction');
  assert.equal(iam.route(readQueryParams(post('Action=ListUsers'))), 'ListUsers'); // no Version: accepted
});

test('CreateUser output is the XML AWS sends: wrapper, members in model order, ISO timestamps, request id', () => {
  const out = compileOutput(iamModel, 'CreateUserResponse', { strict: true })({
    User: {
      UserName: 'bob', Path: '/', UserId: 'AIDAEXAMPLE', Arn: 'arn:aws:iam::111122223333:user/bob',
      CreateDate: new Date('2026-12-03T19:29:13Z'), Tags: [{ Key: 'a', Value: 'b' }], Ignored: 'x',
    },
  });
  const res = iam.writeOutput('CreateUser', out, RID);
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/xml');
  assert.equal(res.body, `<CreateUserResponse xmlns="${IAM_NS}"><CreateUserResult><User><Path>/</Path><UserName>bob</UserName>`
    + '<UserId>AIDAEXAMPLE</UserId><Arn>arn:aws:iam::111122223333:user/bob</Arn><CreateDate>2026-12-03T19:29:13Z</CreateDate>'
    + '<Tags><member><Key>a</Key><Value>b</Value></member></Tags></User></CreateUserResult>'
    + `<ResponseMetadata><RequestId>${RID}</RequestId></ResponseMetadata></CreateUserResponse>`);
});

test('empty lists, false booleans, integers and milliseconds are written; null members are not', () => {
  const res = iam.writeOutput('ListUsers', { Users: [], IsTruncated: false, Marker: null }, RID);
  assert.match(res.body!, /<ListUsersResult><Users\/><IsTruncated>false<\/IsTruncated><\/ListUsersResult>/);
  const keys = iam.writeOutput('ListAccessKeys', {
    AccessKeyMetadata: [{ UserName: 'bob', AccessKeyId: 'AKIA1', Status: 'Active', CreateDate: 1796326153.25 }], IsTruncated: true, Marker: 'm2',
  }, RID);
  assert.match(keys.body!, /<AccessKeyMetadata><member><UserName>bob<\/UserName><AccessKeyId>AKIA1<\/AccessKeyId><Status>Active<\/Status><CreateDate>2026-12-03T19:29:13.250Z<\/CreateDate><\/member><\/AccessKeyMetadata><IsTruncated>true<\/IsTruncated><Marker>m2<\/Marker>/);
  const assumed = sts.writeOutput('AssumeRole', { PackedPolicySize: 0 }, RID);
  assert.match(assumed.body!, /^<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><AssumeRoleResult><PackedPolicySize>0<\/PackedPolicySize><\/AssumeRoleResult>/);
});

test('an operation without output answers with ResponseMetadata only', () => {
  assert.equal(iam.writeOutput('DeleteUser', {}, RID).body,
    `<DeleteUserResponse xmlns="${IAM_NS}"><ResponseMetadata><RequestId>${RID}</RequestId></ResponseMetadata></DeleteUserResponse>`);
});

test('text is XML-escaped, carriage returns and other controls as character references', () => {
  assert.equal(escapeXml(`a<b>&"c'\r\n\t\u0001`), 'a&lt;b&gt;&amp;"c\'&#xD;\n\t\ufffd');
  assert.equal(escapeXml('x\ud800y\udc00z\ud83d\ude00'), 'x\ufffdy\ufffdz\ud83d\ude00');
  const res = iam.writeOutput('GetUserPolicy', { UserName: 'bob', PolicyName: 'p&<q>', PolicyDocument: '%7B%22a%22%7D' }, RID);
  assert.match(res.body!, /<PolicyName>p&amp;&lt;q&gt;<\/PolicyName><PolicyDocument>%7B%22a%22%7D<\/PolicyDocument>/);
});

test('errors are <ErrorResponse> with the shape\'s code, Sender or Receiver, and the request id', () => {
  const notFound = iam.writeError(toAwsError(new NotFoundError('USER', 'bob', 'The user with name bob cannot be found.'), iamModel, 'GetUser'), RID);
  assert.equal(notFound.status, 404);
  assert.equal(notFound.headers['content-type'], 'text/xml');
  assert.equal(notFound.body, `<ErrorResponse xmlns="${IAM_NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>`
    + `<Message>The user with name bob cannot be found.</Message></Error><RequestId>${RID}</RequestId></ErrorResponse>`);
  const conflict = iam.writeError(toAwsError(new ConflictError('Cannot delete <entity>').as('DeleteConflictException'), iamModel, 'DeleteUser'), RID);
  assert.equal(conflict.status, 409);
  assert.match(conflict.body!, /<Code>DeleteConflict<\/Code><Message>Cannot delete &lt;entity&gt;<\/Message>/);
  const internal = iam.writeError(toAwsError(new Error('db down'), iamModel, 'GetUser'), RID);
  assert.equal(internal.status, 500);
  assert.match(internal.body!, /<Type>Receiver<\/Type><Code>ServiceFailure<\/Code>/);
  const stsInternal = sts.writeError(toAwsError(new Error('db down'), stsModel, 'GetCallerIdentity'), RID);
  assert.match(stsInternal.body!, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Receiver<\/Type><Code>InternalFailure<\/Code>/);
});

/** A made-up query service with what IAM and STS lack: maps, flattened lists and maps, locationName. */
const shapesModel: ServiceModel = {
  metadata: { apiVersion: '2020-01-01', endpointPrefix: 'demo', protocol: 'query', xmlNamespace: 'https://demo.example/doc/' },
  operations: {
    Put: { name: 'Put', http: { method: 'POST', requestUri: '/' }, input: { shape: 'PutInput' }, output: { shape: 'PutOutput', resultWrapper: 'PutResult' } } as any,
  },
  shapes: {
    PutInput: {
      type: 'structure',
      members: {
        Attributes: { shape: 'StringMap' },
        Named: { shape: 'NamedMap' },
        Flat: { shape: 'FlatList' },
        FlatNamed: { shape: 'FlatNamedList' },
        FlatMap: { shape: 'FlatMap' },
        Renamed: { shape: 'S', locationName: 'OtherName' },
        Items: { shape: 'ItemList' },
        When: { shape: 'T' },
        Data: { shape: 'B' },
        Ratio: { shape: 'D' },
      },
    },
    PutOutput: {
      type: 'structure',
      members: {
        Attributes: { shape: 'StringMap' }, Named: { shape: 'NamedMap' }, FlatNamed: { shape: 'FlatNamedList' },
        FlatMap: { shape: 'FlatMap' }, Renamed: { shape: 'S', locationName: 'OtherName' }, Items: { shape: 'ItemList' },
        When: { shape: 'T' }, Epoch: { shape: 'EpochT' }, Data: { shape: 'B' },
      },
    },
    StringMap: { type: 'map', key: { shape: 'S' }, value: { shape: 'S' } },
    NamedMap: { type: 'map', key: { shape: 'S', locationName: 'Name' }, value: { shape: 'Value', locationName: 'Value' } },
    Value: { type: 'structure', required: ['DataType'], members: { DataType: { shape: 'S' }, StringValue: { shape: 'S' } } },
    FlatList: { type: 'list', member: { shape: 'S' }, flattened: true } as any,
    FlatNamedList: { type: 'list', member: { shape: 'S', locationName: 'Entry' }, flattened: true } as any,
    FlatMap: { type: 'map', key: { shape: 'S', locationName: 'K' }, value: { shape: 'S', locationName: 'V' }, flattened: true } as any,
    ItemList: { type: 'list', member: { shape: 'S', locationName: 'Item' } },
    S: { type: 'string' },
    T: { type: 'timestamp' },
    EpochT: { type: 'timestamp', timestampFormat: 'epoch-seconds' },
    B: { type: 'blob' },
    D: { type: 'double' },
  },
};
const demo = new QueryProtocol(shapesModel);

test('maps (entry.N.key/value, renamed key and value), flattened lists and maps, and locationName decode', () => {
  const body = [
    'Action=Put', 'Version=2020-01-01',
    'Attributes.entry.1.key=Policy', 'Attributes.entry.1.value=%7B%7D', 'Attributes.entry.2.key=DisplayName', 'Attributes.entry.2.value=d',
    'Named.entry.1.Name=color', 'Named.entry.1.Value.DataType=String', 'Named.entry.1.Value.StringValue=red',
    'Flat.1=a', 'Flat.2=b', 'Entry.1=x', 'Entry.2=y', 'FlatMap.1.K=k', 'FlatMap.1.V=v',
    'OtherName=renamed', 'Renamed=ignored', 'Items.Item.1=i1', 'Items.Item.2=i2',
    'When=2026-12-03T19%3A29%3A13Z', 'Data=aGk%3D', 'Ratio=0.5',
  ].join('&');
  const { input } = decode(demo, body);
  assert.deepEqual(input, {
    Attributes: { Policy: '{}', DisplayName: 'd' },
    Named: { color: { DataType: 'String', StringValue: 'red' } },
    Flat: ['a', 'b'], FlatNamed: ['x', 'y'], FlatMap: { k: 'v' }, Renamed: 'renamed', Items: ['i1', 'i2'],
    When: new Date('2026-12-03T19:29:13Z'), Data: Buffer.from('hi'), Ratio: 0.5,
  });
  assert.deepEqual(decode(demo, 'Action=Put&Attributes=&Named.entry.1.Name=__proto__&Named.entry.1.Value.DataType=S').input,
    JSON.parse('{"Attributes":{},"Named":{"__proto__":{"DataType":"S"}}}'));
  assert.match(validationMessage(demo, 'Action=Put&When=yesterday'), /Value 'yesterday' at 'when' failed to satisfy constraint: Member must be a timestamp/);
  assert.match(validationMessage(demo, 'Action=Put&Named.entry.1.Name=c&Named.entry.1.Value.StringValue=x'), /at 'named\.c\.dataType' failed to satisfy constraint: Member must not be null/);
});

test('maps, flattened members, locationName, blobs and timestamp formats encode as botocore parses them', () => {
  const output = compileOutput(shapesModel, 'PutOutput')({
    Attributes: { a: '1' }, Named: { c: { DataType: 'String' } }, FlatNamed: ['x', 'y'], FlatMap: { k: 'v' },
    Renamed: 'r', Items: ['i1'], When: new Date('2026-12-03T19:29:13Z'), Epoch: new Date(1500), Data: Buffer.from('hi'),
  });
  assert.equal(demo.writeOutput('Put', output, RID).body, '<PutResponse xmlns="https://demo.example/doc/"><PutResult>'
    + '<Attributes><entry><key>a</key><value>1</value></entry></Attributes>'
    + '<Named><entry><Name>c</Name><Value><DataType>String</DataType></Value></entry></Named>'
    + '<Entry>x</Entry><Entry>y</Entry><FlatMap><K>k</K><V>v</V></FlatMap><OtherName>r</OtherName>'
    + '<Items><Item>i1</Item></Items><When>2026-12-03T19:29:13Z</When><Epoch>1.5</Epoch><Data>aGk=</Data>'
    + `</PutResult><ResponseMetadata><RequestId>${RID}</RequestId></ResponseMetadata></PutResponse>`);
});
