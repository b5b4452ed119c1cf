import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../errors.js';
import { loadModel } from './model.js';
import { coerceScalar, compileInput, compileOutput } from './shape-codec.js';

const inc = loadModel('ssm-incidents');
const con = loadModel('ssm-contacts');
const createPlan = compileInput(inc, 'CreateResponsePlanInput');
const startIncident = compileInput(inc, 'StartIncidentInput');
const createContact = compileInput(con, 'CreateContactRequest');

/** The CreateResponsePlan body @aws-sdk sent (WIRE.md). */
const wireBody = () => ({
  name: 'myplan',
  incidentTemplate: {
    title: 'Site down',
    impact: 1,
    summary: 's',
    dedupeString: 'dd',
    notificationTargets: [{ snsTopicArn: 'arn:aws:sns:us-east-1:111122223333:t' }],
    incidentTags: { team: 'a' },
  },
  clientToken: '1020f1df-28fe-4cf3-9a90-9b19d3b530a4',
  displayName: 'My plan',
  chatChannel: { empty: {} },
  engagements: ['arn:aws:ssm-contacts:us-east-1:111122223333:contact/alice'],
  actions: [
    {
      ssmAutomation: {
        roleArn: 'arn:aws:iam::111122223333:role/r',
        documentName: 'doc',
        documentVersion: '$DEFAULT',
        targetAccount: 'RESPONSE_PLAN_OWNER_ACCOUNT',
        parameters: { p: ['v'] },
        dynamicParameters: { inc: { variable: 'INCIDENT_RECORD_ARN' } },
      },
    },
  ],
  tags: { env: 'test' },
});

/** Runs `fn` expecting a ValidationError and returns it. */
function rejects(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ValidationError, `expected ValidationError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ValidationError');
}

/** Asserts the single Coral message and field for one bad CreateResponsePlan body. */
function onePlanError(patch: Record<string, unknown>, field: string, text: string): void {
  const err = rejects(() => createPlan({ ...wireBody(), ...patch }));
  assert.equal(err.message, `1 validation error detected: ${text}`);
  assert.equal(err.field, field);
}

test('the CreateResponsePlan body the SDK sends passes and comes back as a cleaned copy', () => {
  const body = wireBody();
  assert.deepEqual(createPlan(body), body);
  const cleaned = createPlan({ ...body, bogus: 1, incidentTemplate: { ...body.incidentTemplate, extra: 'x' } });
  assert.equal('bogus' in cleaned, false);
  assert.equal('extra' in cleaned.incidentTemplate, false);
  assert.notEqual(cleaned.incidentTemplate, body.incidentTemplate);
});

test('JSON null for an optional member is treated as absent and dropped', () => {
  const out = createPlan({ ...wireBody(), displayName: null, tags: null });
  assert.equal('displayName' in out, false);
  assert.equal('tags' in out, false);
});

test('a missing or null required member is reported as must not be null', () => {
  onePlanError({ name: null }, 'name', "Value null at 'name' failed to satisfy constraint: Member must not be null");
  const err = rejects(() => createPlan({}));
  assert.equal(
    err.message,
    "2 validation errors detected: Value null at 'incidentTemplate' failed to satisfy constraint: Member must not be null; " +
      "Value null at 'name' failed to satisfy constraint: Member must not be null",
  );
  assert.equal(err.field, 'incidentTemplate');
});

test('string length counts Unicode code points, so 200 emoji fit a 200-character title and 201 do not', () => {
  const body = wireBody();
  const ok = '🚨'.repeat(200);
  assert.equal(createPlan({ ...body, incidentTemplate: { ...body.incidentTemplate, title: ok } }).incidentTemplate.title, ok);
  const long = '🚨'.repeat(201);
  onePlanError(
    { incidentTemplate: { ...body.incidentTemplate, title: long } },
    'incidentTemplate.title',
    `Value '${long}' at 'incidentTemplate.title' failed to satisfy constraint: Member must have length less than or equal to 200`,
  );
  onePlanError({ name: '' }, 'name', "Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1");
});

test('very long values are truncated in the message', () => {
  const err = rejects(() => createPlan({ ...wireBody(), displayName: 'x'.repeat(5000) }));
  assert.ok(err.message.length < 1200);
  assert.match(err.message, /^1 validation error detected: Value 'x+\.\.\.' at 'displayName'/);
});

test('a ResponsePlanName that breaks its pattern fails with the Coral message', () => {
  onePlanError(
    { name: 'bad name!' },
    'name',
    "Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9-_]*$",
  );
});

test('an IncidentRecordStatus outside the enum lists the allowed values', () => {
  const err = rejects(() => compileInput(inc, 'UpdateIncidentRecordInput')({ arn: 'arn:aws:x:::y', status: 'CLOSED' }));
  assert.equal(
    err.message,
    "1 validation error detected: Value 'CLOSED' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [OPEN, RESOLVED]",
  );
  assert.equal(err.field, 'status');
});

test('Impact must lie in 1..5', () => {
  const arn = 'arn:aws:ssm-incidents::111122223333:response-plan/p';
  for (const [impact, bound] of [[9, 'less than or equal to 5'], [0, 'greater than or equal to 1']] as const) {
    const err = rejects(() => startIncident({ responsePlanArn: arn, impact }));
    assert.equal(
      err.message,
      `1 validation error detected: Value '${impact}' at 'impact' failed to satisfy constraint: Member must have value ${bound}`,
    );
  }
  assert.equal(startIncident({ responsePlanArn: arn, impact: 5 }).impact, 5);
});

test('an EngagementSet of 6 contacts exceeds its maximum of 5 entries', () => {
  const engagements = Array.from({ length: 6 }, (_, i) => `arn:aws:ssm-contacts:us-east-1:111122223333:contact/c${i}`);
  onePlanError(
    { engagements },
    'engagements',
    `Value ${JSON.stringify(engagements)} at 'engagements' failed to satisfy constraint: Member must have length less than or equal to 5`,
  );
});

test('a TagMap with 51 entries exceeds its maximum of 50', () => {
  const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
  onePlanError(
    { tags },
    'tags',
    `Value ${JSON.stringify(tags)} at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50`,
  );
});

test('a map key is checked against the key shape and reported at the map path', () => {
  onePlanError(
    { tags: { 'aws:x': 'b' } },
    'tags',
    "Value 'aws:x' at 'tags' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?!aws:)[A-Za-z0-9 _=@:.+-/]+$",
  );
});

test('a map value is reported at map.key', () => {
  onePlanError(
    { tags: { env: 'bad!' } },
    'tags.env',
    "Value 'bad!' at 'tags.env' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[A-Za-z0-9 _=@:.+-/]*$",
  );
});

test('a union must have exactly one member set', () => {
  const two = { empty: {}, chatbotSns: ['arn:aws:sns:us-east-1:111122223333:t'] };
  onePlanError(
    { chatChannel: two },
    'chatChannel',
    `Value ${JSON.stringify(two)} at 'chatChannel' failed to satisfy constraint: Member must have exactly one member set`,
  );
  onePlanError({ chatChannel: {} }, 'chatChannel', "Value {} at 'chatChannel' failed to satisfy constraint: Member must have exactly one member set");
  assert.deepEqual(createPlan({ ...wireBody(), chatChannel: { empty: {}, chatbotSns: null } }).chatChannel, { empty: {} });
});

test('each primitive type rejects a value of the wrong JSON type', () => {
  const body = wireBody();
  const at = (path: string, value: string, what: string) =>
    `Value ${value} at '${path}' failed to satisfy constraint: Member must be ${what}`;
  onePlanError({ name: 5 }, 'name', at('name', "'5'", 'a string'));
  onePlanError({ engagements: 'x' }, 'engagements', at('engagements', "'x'", 'a list'));
  onePlanError({ tags: ['a'] }, 'tags', at('tags', '["a"]', 'a map'));
  onePlanError({ incidentTemplate: 'x' }, 'incidentTemplate', at('incidentTemplate', "'x'", 'a structure'));
  onePlanError({ incidentTemplate: [] }, 'incidentTemplate', at('incidentTemplate', '[]', 'a structure'));
  for (const [impact, shown] of [[1.5, "'1.5'"], ['1', "'1'"], [2 ** 31, "'2147483648'"]] as const) {
    onePlanError(
      { incidentTemplate: { ...body.incidentTemplate, impact } },
      'incidentTemplate.impact',
      at('incidentTemplate.impact', shown, 'an integer'),
    );
  }
  const err = rejects(() => compileInput(inc, 'UpdateDeletionProtectionInput')({ arn: 'arn:aws:x:::y', deletionProtected: 'yes' }));
  assert.equal(err.message, `1 validation error detected: ${at('deletionProtected', "'yes'", 'a boolean')}`);
  const ts = rejects(() =>
    startIncident({ responsePlanArn: 'arn:aws:x:::y', triggerDetails: { source: 's', timestamp: 'yesterday' } }),
  );
  assert.equal(ts.message, `1 validation error detected: ${at('triggerDetails.timestamp', "'yesterday'", 'a timestamp')}`);
});

test('timestamps arrive as epoch seconds with or without a fraction, or as ISO-8601, and become Dates', () => {
  const start = (timestamp: unknown) =>
    startIncident({ responsePlanArn: 'arn:aws:x:::y', triggerDetails: { source: 'aws.cloudwatch', timestamp } }).triggerDetails
      .timestamp as Date;
  assert.equal(start(1704164645.678).getTime(), 1704164645678);
  assert.equal(start(1704164645).getTime(), 1704164645000);
  assert.equal(start('2024-01-02T03:04:05.678Z').getTime(), 1704164645678);
  assert.equal(start('2024-01-02T04:04:05+01:00').getTime(), 1704164645000);
  assert.equal(start('2024-01-02T03:04:05.678').getTime(), 1704164645678, 'no zone means UTC');
  const after = compileInput(inc, 'ListIncidentRecordsInput')({
    filters: [{ key: 'creationTime', condition: { after: 1704067200 } }],
    maxResults: 10,
  });
  assert.ok(after.filters[0].condition.after instanceof Date);
});

test('timestamps must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z inclusive', () => {
  const start = (timestamp: unknown) =>
    startIncident({ responsePlanArn: 'arn:aws:x:::y', triggerDetails: { source: 's', timestamp } }).triggerDetails.timestamp as Date;
  const range = 'Member must be a timestamp between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z';
  assert.equal(start(0).getTime(), 0);
  assert.equal(start('1970-01-01T00:00:00Z').getTime(), 0);
  assert.equal(start(253402300799.999).getTime(), 253402300799999);
  assert.equal(start('9999-12-31T23:59:59.999Z').getTime(), 253402300799999);
  assert.equal(start(new Date(253402300799999)).getTime(), 253402300799999);
  for (const [timestamp, shown] of [
    [253402300800, "'253402300800'"],
    [-1, "'-1'"],
    [-0.0001, "'-0.0001'"],
    ['1969-12-31T23:59:59Z', "'1969-12-31T23:59:59Z'"],
    [new Date(253402300800000), '253402300800'],
  ] as const) {
    const err = rejects(() => start(timestamp));
    assert.equal(err.field, 'triggerDetails.timestamp');
    assert.equal(err.message, `1 validation error detected: Value ${shown} at 'triggerDetails.timestamp' failed to satisfy constraint: ${range}`);
  }
  // collected with the others, e.g. on a list filter condition
  const err = rejects(() => compileInput(inc, 'ListIncidentRecordsInput')({
    filters: [{ key: 'creationTime', condition: { before: 253402300800 } }], maxResults: 0,
  }));
  assert.match(err.message, /^2 validation errors detected: /);
  assert.ok(err.message.includes(`Value '253402300800' at 'filters.1.member.condition.before' failed to satisfy constraint: ${range}`), err.message);
});

test('no input string may contain U+0000: members, list elements and map keys and values', () => {
  const nul = 'Member must not contain the NUL character (U+0000)';
  const body = wireBody();
  onePlanError(
    { incidentTemplate: { ...body.incidentTemplate, title: 'a\u0000b' } },
    'incidentTemplate.title',
    `Value 'a\u0000b' at 'incidentTemplate.title' failed to satisfy constraint: ${nul}`,
  );
  onePlanError({ displayName: '\u0000' }, 'displayName', `Value '\u0000' at 'displayName' failed to satisfy constraint: ${nul}`);
  const elem = rejects(() => createPlan({
    ...body, actions: [{ ssmAutomation: { ...body.actions[0]!.ssmAutomation, parameters: { p: ['ok', 'v\u0000'] } } }],
  }));
  assert.equal(elem.field, 'actions.1.member.ssmAutomation.parameters.p.2.member');
  assert.ok(elem.message.endsWith(`at 'actions.1.member.ssmAutomation.parameters.p.2.member' failed to satisfy constraint: ${nul}`), elem.message);
  const key = rejects(() => createPlan({ ...body, incidentTemplate: { ...body.incidentTemplate, incidentTags: { 'k\u0000': 'v' } } }));
  assert.equal(key.field, 'incidentTemplate.incidentTags');
  assert.ok(key.message.includes(`at 'incidentTemplate.incidentTags' failed to satisfy constraint: ${nul}`), key.message);
  // collected with other violations of the same value and of other members
  const many = rejects(() => createPlan({ ...body, name: 'x\u0000', incidentTemplate: { ...body.incidentTemplate, summary: '\u0000' } }));
  assert.match(many.message, /^3 validation errors detected: /);
  assert.equal(many.message.split(nul).length - 1, 2);
  // other control characters are still allowed where the pattern allows them
  assert.equal(createPlan({ ...body, displayName: 'a\u0001b' }).displayName, 'a\u0001b');
});

test('no input string may hold an unpaired UTF-16 surrogate: members, list elements and map keys', () => {
  const bad = 'Member must be well-formed Unicode (no unpaired surrogates)';
  const body = wireBody();
  onePlanError(
    { incidentTemplate: { ...body.incidentTemplate, title: 't\udc00' } },
    'incidentTemplate.title',
    `Value 't\udc00' at 'incidentTemplate.title' failed to satisfy constraint: ${bad}`,
  );
  onePlanError({ displayName: '\ud800x' }, 'displayName', `Value '\ud800x' at 'displayName' failed to satisfy constraint: ${bad}`);
  const elem = rejects(() => createPlan({
    ...body, actions: [{ ssmAutomation: { ...body.actions[0]!.ssmAutomation, parameters: { p: ['ok', 'v\ud83d'] } } }],
  }));
  assert.equal(elem.field, 'actions.1.member.ssmAutomation.parameters.p.2.member');
  const key = rejects(() => createPlan({ ...body, incidentTemplate: { ...body.incidentTemplate, incidentTags: { 'k\udfff': 'v' } } }));
  assert.equal(key.field, 'incidentTemplate.incidentTags');
  assert.ok(key.message.includes(bad), key.message);
  // a surrogate pair (an astral character) is well-formed
  assert.equal(createPlan({ ...body, displayName: 'fire \ud83d\udd25' }).displayName, 'fire \ud83d\udd25');
});

test('list elements are addressed 1-based as list.N.member, nested members dotted', () => {
  const arn = 'arn:aws:ssm-incidents::111122223333:response-plan/p';
  const good = { identifier: { type: 'METRIC', value: { url: 'https://x' } }, title: 't' };
  const err = rejects(() =>
    startIncident({ responsePlanArn: arn, relatedItems: [good, { identifier: { type: 'NOPE', value: { url: 'u' } } }] }),
  );
  assert.equal(err.field, 'relatedItems.2.member.identifier.type');
  assert.match(err.message, /^1 validation error detected: Value 'NOPE' at 'relatedItems\.2\.member\.identifier\.type' failed to satisfy constraint: Member must satisfy enum value set: \[ANALYSIS, INCIDENT,/);
  const missing = rejects(() => startIncident({ responsePlanArn: arn, relatedItems: [{}] }));
  assert.equal(missing.message, "1 validation error detected: Value null at 'relatedItems.1.member.identifier' failed to satisfy constraint: Member must not be null");
  const elem = rejects(() => createPlan({ ...wireBody(), engagements: ['nope'] }));
  assert.equal(elem.field, 'engagements.1.member');
});

test('several violations are all collected, counted and joined with "; "', () => {
  const body = wireBody();
  const err = rejects(() =>
    createPlan({ ...body, name: 'bad name!', incidentTemplate: { ...body.incidentTemplate, impact: 9 }, tags: { 'aws:x': 'v' } }),
  );
  assert.match(err.message, /^3 validation errors detected: Value '9' at 'incidentTemplate\.impact' .*; Value 'bad name!' at 'name' .*; Value 'aws:x' at 'tags' /);
  assert.equal(err.message.split('; Value ').length, 3);
  assert.equal(err.field, 'incidentTemplate.impact');
  const both = rejects(() => createPlan({ ...body, name: '!'.repeat(201) }));
  assert.match(both.message, /^2 validation errors detected: .*length less than or equal to 200; .*regular expression pattern/);
});

test('ssm-contacts members are PascalCase and ContactName accepts any Unicode letter via \\p{L}', () => {
  const body = {
    Alias: 'alice',
    DisplayName: 'Zoë Ünal 名前 2',
    Type: 'PERSONAL',
    Plan: { Stages: [{ DurationInMinutes: 5, Targets: [{ ChannelTargetInfo: { ContactChannelId: 'arn:aws:ssm-contacts:us-east-1:111122223333:contact-channel/alice/c1', RetryIntervalInMinutes: 1 } }] }] },
    Tags: [{ Key: 'env', Value: 'test' }],
    IdempotencyToken: '02e32bbb-47a5-42f1-919a-9ba2e0c2428d',
  };
  assert.deepEqual(createContact(body), body);
  const err = rejects(() => createContact({ ...body, DisplayName: 'Alice!' }));
  assert.equal(
    err.message,
    "1 validation error detected: Value 'Alice!' at 'DisplayName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\p{L}\\p{Z}\\p{N}_.\\-]*$",
  );
  const nested = rejects(() =>
    createContact({ ...body, Alias: undefined, Plan: { Stages: [{ DurationInMinutes: 5, Targets: [{ ChannelTargetInfo: { ContactChannelId: 'arn:aws:ssm-contacts:us-east-1:1:x', RetryIntervalInMinutes: 61 } }] }] } }),
  );
  assert.equal(
    nested.message,
    "2 validation errors detected: Value null at 'Alias' failed to satisfy constraint: Member must not be null; " +
      "Value '61' at 'Plan.Stages.1.member.Targets.1.member.ChannelTargetInfo.RetryIntervalInMinutes' failed to satisfy constraint: Member must have value less than or equal to 60",
  );
});

test('compileOutput turns Dates into epoch seconds, drops nulls and unknown members', () => {
  const out = compileOutput(inc, 'GetIncidentRecordOutput')({
    incidentRecord: {
      arn: 'arn:aws:ssm-incidents::111122223333:incident-record/p/1',
      creationTime: new Date(1704164645678),
      lastModifiedTime: new Date(1704164645000),
      resolvedTime: null,
      summary: undefined,
      dedupeString: 'd',
      impact: 1,
      status: 'OPEN',
      title: 't',
      lastModifiedBy: 'arn:aws:iam::111122223333:user/u',
      incidentRecordSource: { createdBy: 'me', source: 'aws.cloudwatch', internalId: 42 },
      notificationTargets: [{ snsTopicArn: 'arn:aws:sns:us-east-1:111122223333:t' }],
      internalRow: 7,
    },
  });
  assert.deepEqual(out, {
    incidentRecord: {
      arn: 'arn:aws:ssm-incidents::111122223333:incident-record/p/1',
      creationTime: 1704164645.678,
      lastModifiedTime: 1704164645,
      dedupeString: 'd',
      impact: 1,
      status: 'OPEN',
      title: 't',
      lastModifiedBy: 'arn:aws:iam::111122223333:user/u',
      incidentRecordSource: { createdBy: 'me', source: 'aws.cloudwatch' },
      notificationTargets: [{ snsTopicArn: 'arn:aws:sns:us-east-1:111122223333:t' }],
    },
  });
  assert.equal(JSON.stringify(out).includes('"creationTime":1704164645.678'), true);
});

test('strict compileOutput names the path of a missing required member', () => {
  const strict = compileOutput(inc, 'GetIncidentRecordOutput', { strict: true });
  assert.throws(
    () => strict({ incidentRecord: { arn: 'a', creationTime: new Date(0) } }),
    (e: unknown) => e instanceof Error && !(e instanceof ValidationError) && e.message.includes("'incidentRecord.dedupeString'"),
  );
  assert.doesNotThrow(() => compileOutput(inc, 'GetIncidentRecordOutput')({ incidentRecord: { arn: 'a' } }));
});

test('coerceScalar turns repeated query values into a list of tag keys and digits into an integer', () => {
  assert.deepEqual(coerceScalar(inc, 'TagKeyList', ['a', 'b c']), ['a', 'b c']);
  assert.deepEqual(coerceScalar(inc, 'TagKeyList', 'a'), ['a']);
  assert.equal(coerceScalar(inc, 'MaxResults', '25'), 25);
  assert.equal(coerceScalar(inc, 'MaxResults', 'lots'), 'lots');
  assert.equal(coerceScalar(inc, 'Boolean', 'true'), true);
  assert.equal(coerceScalar(inc, 'Timestamp', '1704164645'), 1704164645);
  const untag = compileInput(inc, 'UntagResourceRequest')({ resourceArn: 'arn', tagKeys: coerceScalar(inc, 'TagKeyList', ['a', 'b c']) });
  assert.deepEqual(untag.tagKeys, ['a', 'b c']);
  const err = rejects(() => compileInput(inc, 'GetResourcePoliciesInput')({ resourceArn: 'arn:aws:x:::y', maxResults: coerceScalar(inc, 'MaxResults', 'lots') }));
  assert.equal(err.message, "1 validation error detected: Value 'lots' at 'maxResults' failed to satisfy constraint: Member must be an integer");
});

test('compiled functions are memoized per model and shape', () => {
  assert.equal(compileInput(inc, 'StartIncidentInput'), startIncident);
  assert.equal(compileOutput(inc, 'GetIncidentRecordOutput'), compileOutput(inc, 'GetIncidentRecordOutput'));
  assert.notEqual(compileOutput(inc, 'GetIncidentRecordOutput'), compileOutput(inc, 'GetIncidentRecordOutput', { strict: true }));
});
