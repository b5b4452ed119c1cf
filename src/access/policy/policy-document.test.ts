import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../errors.js';
import { parsePolicyDocument, type PolicyKind } from './policy-document.js';

const PLAN = 'arn:aws:ssm-incidents::111122223333:response-plan/checkout';
const allow = (more: Record<string, unknown> = {}) => ({ Effect: 'Allow', Action: 'ssm-incidents:StartIncident', Resource: PLAN, ...more });
const docOf = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const trustOf = (more: Record<string, unknown> = {}) =>
  docOf({ Effect: 'Allow', Principal: { Service: 'ssm-incidents.amazonaws.com' }, Action: 'sts:AssumeRole', ...more });

/** Asserts IAM's MalformedPolicyDocument error with exactly this message. */
function rejects(text: string, message: string, kind: PolicyKind = 'identity'): void {
  assert.throws(() => parsePolicyDocument(text, kind), (e: unknown) => {
    assert.ok(e instanceof ValidationError, `not a ValidationError: ${String(e)}`);
    assert.equal(e.shape, 'MalformedPolicyDocumentException');
    assert.equal(e.field, undefined);
    assert.equal(e.message, message);
    return true;
  });
}

const SYNTAX = 'Syntax errors in policy.';

test('a valid identity policy parses, keeping the original text', () => {
  const text = ` ${docOf(allow())}\n`;
  const doc = parsePolicyDocument(text, 'identity');
  assert.equal(doc.text, text);
  assert.equal(doc.version, '2012-10-17');
  assert.equal(doc.kind, 'identity');
  assert.deepEqual(doc.statements, [{ effect: 'Allow', action: ['ssm-incidents:StartIncident'], resource: [PLAN], conditions: [] }]);
});

test('Statement may be one object instead of an array', () => {
  const doc = parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Id: 'x', Statement: allow({ Sid: 'One' }) }), 'identity');
  assert.equal(doc.statements.length, 1);
  assert.equal(doc.statements[0]!.sid, 'One');
  assert.equal(doc.id, 'x');
});

test('a document without Version is 2008-10-17, and 2008-10-17 is accepted', () => {
  assert.equal(parsePolicyDocument(JSON.stringify({ Statement: [allow()] }), 'identity').version, '2008-10-17');
  assert.equal(parsePolicyDocument(JSON.stringify({ Version: '2008-10-17', Statement: [allow()] }), 'identity').version, '2008-10-17');
});

test('condition values become strings and single values become lists', () => {
  const doc = parsePolicyDocument(docOf(allow({ Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { 'aws:MultiFactorAuthAge': [3600, '60'] } } })), 'identity');
  assert.deepEqual(doc.statements[0]!.conditions, [
    { operator: 'Bool', key: 'aws:SecureTransport', values: ['true'] },
    { operator: 'NumericLessThan', key: 'aws:MultiFactorAuthAge', values: ['3600', '60'] },
  ]);
});

test('invalid JSON is "This policy contains invalid Json"', () => {
  rejects('{"Version": "2012-10-17", ', 'This policy contains invalid Json');
  rejects('', 'This policy contains invalid Json');
});

test('a document that is not a JSON object is a syntax error', () => {
  rejects('[]', SYNTAX);
  rejects('"policy"', SYNTAX);
});

test('an unknown top-level field is a syntax error', () => {
  rejects(JSON.stringify({ Version: '2012-10-17', Statement: [allow()], Statements: [] }), SYNTAX);
});

test('a missing, empty or non-object Statement is a syntax error', () => {
  rejects(JSON.stringify({ Version: '2012-10-17' }), SYNTAX);
  rejects(JSON.stringify({ Version: '2012-10-17', Statement: [] }), SYNTAX);
  rejects(JSON.stringify({ Version: '2012-10-17', Statement: 'allow all' }), SYNTAX);
  rejects(JSON.stringify({ Version: '2012-10-17', Statement: [allow(), 'x'] }), SYNTAX);
});

test('an unknown statement field is a syntax error', () => {
  rejects(docOf(allow({ Actions: ['ssm-incidents:*'] })), SYNTAX);
});

test('Action with NotAction, Resource with NotResource, or Principal with NotPrincipal is a syntax error', () => {
  rejects(docOf(allow({ NotAction: 'ssm-incidents:Get*' })), SYNTAX);
  rejects(docOf(allow({ NotResource: '*' })), SYNTAX);
  rejects(docOf(allow({ Principal: '*', NotPrincipal: { AWS: '111122223333' } })), SYNTAX, 'resource');
});

test('elements of the wrong type are syntax errors', () => {
  rejects(docOf(allow({ Action: 7 })), SYNTAX);
  rejects(docOf(allow({ Resource: [PLAN, null] })), SYNTAX);
  rejects(docOf(allow({ Sid: 1 })), SYNTAX);
  rejects(docOf(allow({ Condition: { StringEquals: 'x' } })), SYNTAX);
  rejects(docOf(allow({ Condition: { StringEquals: { 'aws:username': { a: 1 } } } })), SYNTAX);
  rejects(JSON.stringify({ Version: 20121017, Statement: [allow()] }), SYNTAX);
});

test('Effect must be Allow or Deny: another word is a syntax error, another case fails legacy parsing', () => {
  rejects(docOf(allow({ Effect: 'Permit' })), SYNTAX);
  rejects(docOf({ Action: '*', Resource: '*' }), SYNTAX);
  rejects(docOf(allow({ Effect: 'allow' })), 'The policy failed legacy parsing');
});

test('a Version other than 2008-10-17 or 2012-10-17 is refused', () => {
  rejects(JSON.stringify({ Version: '2012-10-18', Statement: [allow()] }), 'Policy document must be version 2012-10-17 or greater.');
  rejects(JSON.stringify({ Version: '2012-10-17 ', Statement: [allow()] }), 'Policy document must be version 2012-10-17 or greater.');
});

test('an identity policy statement needs actions', () => {
  rejects(docOf({ Effect: 'Allow', Resource: '*' }), 'Policy statement must contain actions.');
  rejects(docOf(allow({ Action: [] })), 'Policy statement must contain actions.');
});

test('an identity policy statement needs resources', () => {
  rejects(docOf({ Effect: 'Allow', Action: '*' }), 'Policy statement must contain resources.');
  rejects(docOf(allow({ Resource: [] })), 'Policy statement must contain resources.');
});

test('NotAction and NotResource satisfy the required elements', () => {
  parsePolicyDocument(docOf({ Effect: 'Deny', NotAction: 'ssm-incidents:Get*', NotResource: PLAN }), 'identity');
});

test('an identity policy may not name a principal', () => {
  rejects(docOf(allow({ Principal: { AWS: '111122223333' } })), 'Policy document should not specify a principal.');
  rejects(docOf(allow({ NotPrincipal: '*' })), 'Policy document should not specify a principal.');
});

test('a trust policy may not name resources', () => {
  rejects(trustOf({ Resource: '*' }), 'Has prohibited field Resource', 'trust');
  rejects(trustOf({ NotResource: '*' }), 'Has prohibited field NotResource', 'trust');
});

test('trust and resource policies need a principal', () => {
  rejects(docOf({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'Missing required field Principal', 'trust');
  rejects(docOf(allow()), 'Missing required field Principal', 'resource');
  parsePolicyDocument(trustOf(), 'trust');
  parsePolicyDocument(docOf(allow({ NotPrincipal: { AWS: '111122223333' }, Effect: 'Deny' })), 'resource');
});

test('a resource policy statement may leave Resource out', () => {
  const doc = parsePolicyDocument(docOf({ Effect: 'Allow', Principal: '*', Action: 'ssm-incidents:GetResponsePlan' }), 'resource');
  assert.equal(doc.statements[0]!.resource, undefined);
});

test('principals in each accepted form parse', () => {
  const forms: unknown[] = [
    '*',
    { AWS: '*' },
    { AWS: '111122223333' },
    { AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:user/ops/alice', 'arn:aws:iam::111122223333:role/Responder'] },
    { AWS: 'arn:aws:sts::111122223333:assumed-role/Responder/session-1' },
    { Service: 'ssm-incidents.amazonaws.com' },
    { Service: ['ssm-incidents.amazonaws.com', 'ssm.amazonaws.com'] },
    { Federated: 'cognito-identity.amazonaws.com' },
    { AWS: '444455556666', Service: 'ssm.amazonaws.com' },
  ];
  for (const Principal of forms) {
    const doc = parsePolicyDocument(docOf({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole' }), 'trust');
    assert.ok(doc.statements[0]!.principal, JSON.stringify(Principal));
  }
  const doc = parsePolicyDocument(docOf({ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' }), 'trust');
  assert.deepEqual(doc.statements[0]!.principal, { AWS: ['111122223333'] });
});

test('a malformed principal is refused with IAM\'s message', () => {
  rejects(trustOf({ Principal: { AWS: 'alice' } }), 'Invalid principal in policy: "AWS":"alice"', 'trust');
  rejects(trustOf({ Principal: { AWS: 'arn:aws:iam::1111:user/alice' } }), 'Invalid principal in policy: "AWS":"arn:aws:iam::1111:user/alice"', 'trust');
  rejects(trustOf({ Principal: { Service: 'ssm incidents' } }), 'Invalid principal in policy: "SERVICE":"ssm incidents"', 'trust');
});

test('a principal of an unknown type or shape is a syntax error', () => {
  rejects(trustOf({ Principal: { Group: 'admins' } }), SYNTAX, 'trust');
  rejects(trustOf({ Principal: 'ssm.amazonaws.com' }), SYNTAX, 'trust');
  rejects(trustOf({ Principal: {} }), SYNTAX, 'trust');
  rejects(trustOf({ Principal: { AWS: [] } }), SYNTAX, 'trust');
});

test('actions must be prefaced by a vendor', () => {
  rejects(docOf(allow({ Action: 'StartIncident' })), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  rejects(docOf(allow({ Action: ['ssm-incidents:Get*', ''] })), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
});

test('an action with two colons or a bad vendor is refused', () => {
  rejects(docOf(allow({ Action: 'ssm-incidents:Start:Incident' })), 'Actions/Condition can contain only one colon.');
  rejects(docOf(allow({ Action: 'ssm incidents:StartIncident' })), 'Vendor ssm incidents is not valid');
});

test('wildcard actions are accepted', () => {
  parsePolicyDocument(docOf(allow({ Action: ['*', 'ssm-incidents:*', 'ssm-contacts:Get?ontact', 'ssm-incidents:*Incident*'] })), 'identity');
});

test('condition keys must be prefaced by a vendor', () => {
  rejects(docOf(allow({ Condition: { StringEquals: { username: 'alice' } } })), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
});

test('an unknown condition operator is a syntax error', () => {
  rejects(docOf(allow({ Condition: { StringEqualz: { 'aws:username': 'alice' } } })), SYNTAX);
  rejects(docOf(allow({ Condition: { stringequals: { 'aws:username': 'alice' } } })), SYNTAX);
  rejects(docOf(allow({ Condition: { NullIfExists: { 'aws:username': 'true' } } })), SYNTAX);
  rejects(docOf(allow({ Condition: { 'ForSomeValues:StringEquals': { 'aws:TagKeys': 'a' } } })), SYNTAX);
});

test('every documented operator, qualifier and IfExists form is accepted', () => {
  const ops = ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
    'ArnEquals', 'ArnNotEquals', 'ArnLike', 'ArnNotLike', 'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress',
    'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'];
  const Condition: Record<string, Record<string, string>> = { Null: { 'aws:TokenIssueTime': 'true' } };
  for (const op of ops) {
    Condition[op] = { 'aws:k': '1' };
    Condition[`${op}IfExists`] = { 'aws:k': '1' };
    Condition[`ForAllValues:${op}`] = { 'aws:TagKeys': '1' };
    Condition[`ForAnyValue:${op}IfExists`] = { 'aws:TagKeys': '1' };
  }
  for (const op of ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals']) {
    Condition[op] = { 'aws:CurrentTime': '2026-01-01T00:00:00Z' };
    Condition[`${op}IfExists`] = { 'aws:CurrentTime': '1767225600' };
  }
  const doc = parsePolicyDocument(docOf(allow({ Condition })), 'identity');
  assert.equal(doc.statements[0]!.conditions.length, Object.keys(Condition).length);
});

test('a date condition value that is not a date fails legacy parsing', () => {
  rejects(docOf(allow({ Condition: { DateLessThan: { 'aws:CurrentTime': 'next tuesday' } } })), 'The policy failed legacy parsing');
  rejects(docOf(allow({ Condition: { DateLessThan: { 'aws:CurrentTime': '2026-13-45T00:00:00Z' } } })), 'The policy failed legacy parsing');
});

test('a Resource must be "*" or an ARN', () => {
  rejects(docOf(allow({ Resource: 'checkout' })), 'Resource checkout must be in ARN format or "*".');
  rejects(docOf(allow({ Resource: '' })), 'Resource  must be in ARN format or "*".');
  rejects(docOf({ Effect: 'Allow', Action: '*', NotResource: ['**'] }), 'Resource ** must be in ARN format or "*".');
});

test('a Resource must name its service without wildcards', () => {
  rejects(docOf(allow({ Resource: 'arn:aws:*:us-east-1:111122223333:x' })), 'Resource vendor must be fully qualified and cannot contain regexes.');
  rejects(docOf(allow({ Resource: 'arn:aws' })), 'Resource vendor must be fully qualified and cannot contain regexes.');
  parsePolicyDocument(docOf(allow({ Resource: ['arn:aws:ssm-incidents:*', 'arn:aws:ssm-incidents::*:response-plan/*'] })), 'identity');
});

test('statement ids must be unique', () => {
  rejects(docOf(allow({ Sid: 'A' }), allow({ Sid: 'A' })), 'Statement IDs (SID) in a single policy must be unique.');
});

test('statement ids of identity and trust policies must be alphanumeric; resource policies may use spaces', () => {
  const message = 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*';
  rejects(docOf(allow({ Sid: 'allow start' })), message);
  rejects(trustOf({ Sid: 'trust-ssm' }), message, 'trust');
  parsePolicyDocument(docOf(allow({ Sid: 'Share plan with account 4444', Principal: { AWS: '444455556666' } })), 'resource');
});

test('checks run in IAM\'s order: a syntax error is reported before a bad Version', () => {
  rejects(JSON.stringify({ Version: '2001-01-01', Statement: [allow({ Bogus: 1 })] }), SYNTAX);
  rejects(JSON.stringify({ Version: '2001-01-01', Statement: [allow({ Effect: 'allow' })] }), 'Policy document must be version 2012-10-17 or greater.');
});
