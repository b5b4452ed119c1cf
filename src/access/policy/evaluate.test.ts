/**
 * The evaluator against a table of cases written from the AWS IAM documentation ("Policy
 * evaluation logic", "Cross-account policy evaluation logic", "Condition operators", "Conditions
 * with multiple context keys or values", "Variables and tags"). Each row: policies, a request,
 * and the expected outcome (allow, implicit deny, or explicit deny).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, evaluate, type AuthzRequest, type Principal } from './evaluate.js';
import { parsePolicyDocument } from './policy-document.js';
import { parseTemplate, resolveString, type ContextLookup } from './variables.js';
import { matchesGlob } from './wildcard.js';

const ACCT = '111122223333';
const OTHER = '444455556666';
const alice: Principal = { kind: 'user', arn: `arn:aws:iam::${ACCT}:user/alice`, accountId: ACCT };
const carol: Principal = { kind: 'user', arn: `arn:aws:iam::${ACCT}:user/ops/carol`, accountId: ACCT };
const bob: Principal = { kind: 'user', arn: `arn:aws:iam::${OTHER}:user/bob`, accountId: OTHER };
const RESPONDER_ROLE = `arn:aws:iam::${ACCT}:role/Responder`;
const responder: Principal = {
  kind: 'assumed-role', arn: `arn:aws:sts::${ACCT}:assumed-role/Responder/pager-duty`, accountId: ACCT, roleArn: RESPONDER_ROLE,
};
const AUDITOR_ROLE = `arn:aws:iam::${OTHER}:role/path/Auditor`;
const auditor: Principal = {
  kind: 'assumed-role', arn: `arn:aws:sts::${OTHER}:assumed-role/Auditor/audit-1`, accountId: OTHER, roleArn: AUDITOR_ROLE,
};
const runbookRole: Principal = {
  kind: 'assumed-role', arn: `arn:aws:sts::${ACCT}:assumed-role/RunbookRole/incident-42`, accountId: ACCT,
  roleArn: `arn:aws:iam::${ACCT}:role/RunbookRole`,
};
const root: Principal = { kind: 'root', arn: `arn:aws:iam::${ACCT}:root`, accountId: ACCT };
const otherRoot: Principal = { kind: 'root', arn: `arn:aws:iam::${OTHER}:root`, accountId: OTHER };
const incidentsService: Principal = { kind: 'service', arn: 'ssm-incidents.amazonaws.com', service: 'ssm-incidents.amazonaws.com' };
const ssmService: Principal = { kind: 'service', arn: 'ssm.amazonaws.com', service: 'ssm.amazonaws.com' };

const START = 'ssm-incidents:StartIncident';
const PLAN = `arn:aws:ssm-incidents::${ACCT}:response-plan/checkout`;
const PLANS = `arn:aws:ssm-incidents::${ACCT}:response-plan/*`;
const OTHER_PLAN = `arn:aws:ssm-incidents::${ACCT}:response-plan/payments`;
const CONTACT = (alias: string) => `arn:aws:ssm-contacts:us-east-1:${ACCT}:contact/${alias}`;
const RUNBOOK = (name: string, region = 'us-east-1') => `arn:aws:ssm:${region}:${ACCT}:automation-definition/${name}`;
const EXEC_ROLE = `arn:aws:iam::${ACCT}:role/AutomationExecutionRole`;

type Statement = Record<string, unknown>;
const doc = (...Statement: Statement[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const doc2008 = (...Statement: Statement[]) => JSON.stringify({ Version: '2008-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[] = '*', more: Statement = {}): Statement => ({ Effect: 'Allow', Action, Resource, ...more });
const deny = (Action: string | string[], Resource: string | string[] = '*', more: Statement = {}): Statement => ({ Effect: 'Deny', Action, Resource, ...more });
/** An identity policy allowing StartIncident on PLAN when the condition holds. */
const when = (Condition: Record<string, Record<string, unknown>>) => doc(allow(START, PLAN, { Condition }));
const to = (Principal: unknown, Effect = 'Allow', Action: string | string[] = START, more: Statement = {}): Statement => ({ Effect, Principal, Action, Resource: PLAN, ...more });

const RUNBOOK_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'ssm:StartAutomationExecution', Resource: `arn:aws:ssm:us-east-1:${ACCT}:automation-definition/Checkout-Runbook:*` },
    { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: EXEC_ROLE },
    { Effect: 'Allow', Action: ['ssm-incidents:*', 'ssm-contacts:*'], Resource: '*' },
  ],
});

type Outcome = 'allow' | 'implicit' | 'explicit';
interface Case {
  name: string;
  identity?: string[];
  resource?: string[];
  trust?: string[];
  principal?: Principal;
  action?: string;
  on?: string;
  resourceAccount?: string;
  context?: AuthzRequest['context'];
  expect: Outcome;
  reason?: string;
}

const NOW = '2026-03-01T12:00:00Z';
const tag = (team: string) => ({ 'aws:RequestTag/team': team });

const CASES: Case[] = [
  // Basic allow, implicit deny, explicit deny precedence.
  { name: 'an identity Allow for the action and resource allows', identity: [doc(allow(START, PLAN))], expect: 'allow' },
  { name: 'no policy at all is an implicit deny', expect: 'implicit', reason: 'no identity-based policy allows the action' },
  { name: 'an Allow for another action is an implicit deny', identity: [doc(allow('ssm-incidents:GetIncidentRecord', PLAN))], expect: 'implicit' },
  { name: 'an Allow for another resource is an implicit deny', identity: [doc(allow(START, OTHER_PLAN))], expect: 'implicit' },
  { name: 'an identity Deny overrides an Allow in the same policy', identity: [doc(allow('*'), deny(START, PLAN))], expect: 'explicit', reason: 'explicit deny in an identity-based policy' },
  { name: 'an identity Deny in a later policy overrides an Allow in an earlier one', identity: [doc(allow(START)), doc(deny('ssm-incidents:*'))], expect: 'explicit' },
  { name: 'a Deny for another action leaves the Allow in force', identity: [doc(allow(START), deny('ssm-incidents:DeleteResponsePlan'))], expect: 'allow' },
  { name: 'an identity Deny overrides a resource-policy Allow naming the user', identity: [doc(deny(START))], resource: [doc(to({ AWS: alice.arn }))], expect: 'explicit', reason: 'explicit deny in an identity-based policy' },
  { name: 'a resource-policy Deny overrides an identity Allow', identity: [doc(allow('*'))], resource: [doc(to({ AWS: alice.arn }, 'Deny'))], expect: 'explicit', reason: 'explicit deny in a resource-based policy' },
  { name: 'a resource-policy Deny naming the account denies each of its users', identity: [doc(allow('*'))], resource: [doc(to({ AWS: ACCT }, 'Deny'))], principal: carol, expect: 'explicit' },
  { name: 'a resource-policy Deny applies to the root user of the resource account', resource: [doc(to('*', 'Deny'))], principal: root, expect: 'explicit', reason: 'explicit deny in a resource-based policy' },

  // Actions: wildcards and case.
  { name: 'Action "*" covers every action', identity: [doc(allow('*', PLAN))], expect: 'allow' },
  { name: 'a service wildcard covers the service\'s actions', identity: [doc(allow('ssm-incidents:*', PLAN))], expect: 'allow' },
  { name: 'a service wildcard does not cover another service', identity: [doc(allow('ssm-incidents:*'))], action: 'ssm-contacts:StartEngagement', on: CONTACT('alice'), expect: 'implicit' },
  { name: 'a prefix wildcard covers matching actions', identity: [doc(allow('ssm-incidents:Start*'))], expect: 'allow' },
  { name: 'a prefix wildcard does not cover other actions', identity: [doc(allow('ssm-incidents:Get*'))], expect: 'implicit' },
  { name: 'a wildcard may sit in the middle of an action', identity: [doc(allow('ssm-incidents:*Incident'))], expect: 'allow' },
  { name: '"?" in an action matches exactly one character', identity: [doc(allow('ssm-incidents:Start?ncident'))], expect: 'allow' },
  { name: '"?" in an action does not match zero characters', identity: [doc(allow('ssm-incidents:StartIncident?'))], expect: 'implicit' },
  { name: 'policy actions match case-insensitively', identity: [doc(allow('SSM-INCIDENTS:startincident'))], expect: 'allow' },
  { name: 'request actions match case-insensitively', identity: [doc(allow(START))], action: 'SSM-Incidents:STARTINCIDENT', expect: 'allow' },

  // NotAction.
  { name: 'NotAction with Allow allows every other action', identity: [doc({ Effect: 'Allow', NotAction: 'ssm-incidents:DeleteResponsePlan', Resource: '*' })], expect: 'allow' },
  { name: 'NotAction with Allow does not allow the listed action', identity: [doc({ Effect: 'Allow', NotAction: 'ssm-incidents:Start*', Resource: '*' })], expect: 'implicit' },
  { name: 'NotAction with Deny denies everything but the listed actions', identity: [doc(allow('*'), { Effect: 'Deny', NotAction: ['ssm-incidents:Get*', 'ssm-incidents:List*'], Resource: '*' })], expect: 'explicit' },
  { name: 'NotAction with Deny leaves the listed actions to the Allow', identity: [doc(allow('*'), { Effect: 'Deny', NotAction: ['ssm-incidents:Get*', 'ssm-incidents:List*'], Resource: '*' })], action: 'ssm-incidents:GetIncidentRecord', expect: 'allow' },

  // Resources: wildcards, segments, case, NotResource.
  { name: 'Resource "*" covers a request on "*"', identity: [doc(allow('ssm-incidents:ListResponsePlans'))], action: 'ssm-incidents:ListResponsePlans', on: '*', expect: 'allow' },
  { name: 'an ARN Resource does not cover a request on "*"', identity: [doc(allow('ssm-incidents:ListResponsePlans', PLANS))], action: 'ssm-incidents:ListResponsePlans', on: '*', expect: 'implicit' },
  { name: 'a trailing resource wildcard covers every plan', identity: [doc(allow(START, PLANS))], expect: 'allow' },
  { name: 'resource matching is case-sensitive', identity: [doc(allow(START, `arn:aws:ssm-incidents::${ACCT}:response-plan/Checkout`))], expect: 'implicit' },
  { name: '"?" in a resource matches one character', identity: [doc(allow(START, `arn:aws:ssm-incidents::${ACCT}:response-plan/checkou?`))], expect: 'allow' },
  { name: 'a wildcard account segment matches any account', identity: [doc(allow(START, 'arn:aws:ssm-incidents::*:response-plan/checkout'))], expect: 'allow' },
  { name: 'a wildcard in one ARN segment does not swallow the next', identity: [doc(allow(START, 'arn:aws:ssm-incidents:*:response-plan/checkout'))], expect: 'implicit' },
  { name: 'NotResource with Allow covers every other resource', identity: [doc({ Effect: 'Allow', Action: START, NotResource: OTHER_PLAN })], expect: 'allow' },
  { name: 'NotResource with Allow excludes the listed resource', identity: [doc({ Effect: 'Allow', Action: START, NotResource: [OTHER_PLAN, PLAN] })], expect: 'implicit' },
  { name: 'NotResource with Deny denies everything outside the listed resources', identity: [doc(allow('*'), { Effect: 'Deny', Action: '*', NotResource: `arn:aws:ssm-incidents::${ACCT}:response-plan/sandbox-*` })], expect: 'explicit' },

  // The founding guide's runbook role policy.
  { name: 'the runbook role may start Checkout-Runbook version 3', identity: [RUNBOOK_POLICY], principal: runbookRole, action: 'ssm:StartAutomationExecution', on: RUNBOOK('Checkout-Runbook:3'), expect: 'allow' },
  { name: 'the runbook role may not start Other-Runbook', identity: [RUNBOOK_POLICY], principal: runbookRole, action: 'ssm:StartAutomationExecution', on: RUNBOOK('Other-Runbook:3'), expect: 'implicit' },
  { name: 'the runbook role may not start Checkout-Runbook in another region', identity: [RUNBOOK_POLICY], principal: runbookRole, action: 'ssm:StartAutomationExecution', on: RUNBOOK('Checkout-Runbook:3', 'eu-west-1'), expect: 'implicit' },
  { name: 'the runbook role may assume the automation execution role', identity: [RUNBOOK_POLICY], principal: runbookRole, action: 'sts:AssumeRole', on: EXEC_ROLE, expect: 'allow' },
  { name: 'the runbook role may not assume another role', identity: [RUNBOOK_POLICY], principal: runbookRole, action: 'sts:AssumeRole', on: RESPONDER_ROLE, expect: 'implicit' },
  { name: 'the runbook role may call any ssm-contacts action', identity: [RUNBOOK_POLICY], principal: runbookRole, action: 'ssm-contacts:StartEngagement', on: CONTACT('oncall'), expect: 'allow' },

  // String operators.
  { name: 'StringEquals holds for an equal value', identity: [when({ StringEquals: { 'aws:RequestTag/team': 'payments' } })], context: tag('payments'), expect: 'allow' },
  { name: 'StringEquals fails for another value', identity: [when({ StringEquals: { 'aws:RequestTag/team': 'payments' } })], context: tag('ops'), expect: 'implicit' },
  { name: 'StringEquals compares values case-sensitively', identity: [when({ StringEquals: { 'aws:RequestTag/team': 'payments' } })], context: tag('Payments'), expect: 'implicit' },
  { name: 'StringEquals ORs the values of one key', identity: [when({ StringEquals: { 'aws:RequestTag/team': ['ops', 'payments'] } })], context: tag('payments'), expect: 'allow' },
  { name: 'StringEquals fails when the key is missing', identity: [when({ StringEquals: { 'aws:RequestTag/team': 'payments' } })], expect: 'implicit' },
  { name: 'StringNotEquals holds for another value', identity: [when({ StringNotEquals: { 'aws:RequestTag/team': 'payments' } })], context: tag('ops'), expect: 'allow' },
  { name: 'StringNotEquals fails for the value', identity: [when({ StringNotEquals: { 'aws:RequestTag/team': 'payments' } })], context: tag('payments'), expect: 'implicit' },
  { name: 'StringNotEquals holds when the key is missing (negated operator)', identity: [when({ StringNotEquals: { 'aws:RequestTag/team': 'payments' } })], expect: 'allow' },
  { name: 'StringNotEquals NORs the values of one key', identity: [when({ StringNotEquals: { 'aws:RequestTag/team': ['ops', 'payments'] } })], context: tag('payments'), expect: 'implicit' },
  { name: 'StringEqualsIgnoreCase ignores case', identity: [when({ StringEqualsIgnoreCase: { 'aws:RequestTag/team': 'payments' } })], context: tag('PAYMENTS'), expect: 'allow' },
  { name: 'StringEqualsIgnoreCase fails for another value', identity: [when({ StringEqualsIgnoreCase: { 'aws:RequestTag/team': 'payments' } })], context: tag('ops'), expect: 'implicit' },
  { name: 'StringNotEqualsIgnoreCase fails for the value in another case', identity: [when({ StringNotEqualsIgnoreCase: { 'aws:RequestTag/team': 'payments' } })], context: tag('PAYMENTS'), expect: 'implicit' },
  { name: 'StringNotEqualsIgnoreCase holds for another value', identity: [when({ StringNotEqualsIgnoreCase: { 'aws:RequestTag/team': 'payments' } })], context: tag('ops'), expect: 'allow' },
  { name: 'StringLike matches a wildcard', identity: [when({ StringLike: { 'aws:RequestTag/team': 'pay*' } })], context: tag('payments'), expect: 'allow' },
  { name: 'StringLike fails without a match', identity: [when({ StringLike: { 'aws:RequestTag/team': 'pay*' } })], context: tag('ops'), expect: 'implicit' },
  { name: 'StringLike "?" matches one character', identity: [when({ StringLike: { 'aws:RequestTag/team': 'o?s' } })], context: tag('ops'), expect: 'allow' },
  { name: 'a StringLike wildcard crosses colons (only ARN matching is per segment)', identity: [when({ StringLike: { 'aws:RequestTag/team': 'eu*payments' } })], context: tag('eu:west:payments'), expect: 'allow' },
  { name: 'StringNotLike holds without a match', identity: [when({ StringNotLike: { 'aws:RequestTag/team': 'pay*' } })], context: tag('ops'), expect: 'allow' },
  { name: 'StringNotLike fails on a match', identity: [when({ StringNotLike: { 'aws:RequestTag/team': 'pay*' } })], context: tag('payments'), expect: 'implicit' },

  // ARN operators (aws:PrincipalArn of a session is its role's ARN).
  { name: 'ArnLike matches per segment with wildcards', identity: [when({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Resp*' } })], principal: responder, expect: 'allow' },
  { name: 'ArnLike fails for another role', identity: [when({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Admin*' } })], principal: responder, expect: 'implicit' },
  { name: 'ArnEquals matches the exact role ARN', identity: [when({ ArnEquals: { 'aws:PrincipalArn': RESPONDER_ROLE } })], principal: responder, expect: 'allow' },
  { name: 'ArnEquals does not match the session ARN against the role', identity: [when({ ArnEquals: { 'aws:PrincipalArn': responder.arn } })], principal: responder, expect: 'implicit' },
  { name: 'ArnNotEquals holds for another ARN', identity: [when({ ArnNotEquals: { 'aws:SourceArn': PLAN } })], context: { 'aws:SourceArn': OTHER_PLAN }, expect: 'allow' },
  { name: 'ArnNotLike fails on a match', identity: [when({ ArnNotLike: { 'aws:SourceArn': PLANS } })], context: { 'aws:SourceArn': OTHER_PLAN }, expect: 'implicit' },

  // Bool.
  { name: 'Bool aws:SecureTransport true holds over TLS', identity: [when({ Bool: { 'aws:SecureTransport': 'true' } })], context: { 'aws:SecureTransport': 'true' }, expect: 'allow' },
  { name: 'Bool aws:SecureTransport true fails over plain HTTP', identity: [when({ Bool: { 'aws:SecureTransport': 'true' } })], context: { 'aws:SecureTransport': 'false' }, expect: 'implicit' },
  { name: 'a Deny on Bool aws:SecureTransport false (a JSON boolean) denies plain HTTP', identity: [doc(allow('*'), deny('*', '*', { Condition: { Bool: { 'aws:SecureTransport': false } } }))], context: { 'aws:SecureTransport': 'false' }, expect: 'explicit' },

  // Numeric.
  { name: 'NumericLessThan holds below the bound', identity: [when({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })], context: { 'aws:MultiFactorAuthAge': '120' }, expect: 'allow' },
  { name: 'NumericLessThan fails above the bound', identity: [when({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })], context: { 'aws:MultiFactorAuthAge': '7200' }, expect: 'implicit' },
  { name: 'NumericGreaterThan in a Deny denies above the bound', identity: [doc(allow('*'), deny('*', '*', { Condition: { NumericGreaterThan: { 'aws:MultiFactorAuthAge': 3600 } } }))], context: { 'aws:MultiFactorAuthAge': '7200' }, expect: 'explicit' },
  { name: 'NumericGreaterThan fails at the bound', identity: [when({ NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } })], context: { 'aws:MultiFactorAuthAge': '3600' }, expect: 'implicit' },
  { name: 'NumericLessThanEquals holds at the bound', identity: [when({ NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '3600' } })], context: { 'aws:MultiFactorAuthAge': '3600' }, expect: 'allow' },
  { name: 'NumericGreaterThanEquals fails below the bound', identity: [when({ NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': '3600' } })], context: { 'aws:MultiFactorAuthAge': '3599.5' }, expect: 'implicit' },
  { name: 'NumericEquals compares numbers, not text', identity: [when({ NumericEquals: { 'ssm-incidents:Impact': '2' } })], context: { 'ssm-incidents:Impact': '2.0' }, expect: 'allow' },
  { name: 'NumericNotEquals fails for the value', identity: [when({ NumericNotEquals: { 'ssm-incidents:Impact': ['1', '2'] } })], context: { 'ssm-incidents:Impact': '2' }, expect: 'implicit' },
  { name: 'a numeric operator fails on a non-numeric value', identity: [when({ NumericLessThan: { 'ssm-incidents:Impact': '3' } })], context: { 'ssm-incidents:Impact': 'high' }, expect: 'implicit' },

  // Dates against aws:CurrentTime / aws:EpochTime.
  { name: 'DateLessThan holds before the date', identity: [when({ DateLessThan: { 'aws:CurrentTime': '2026-12-31T23:59:59Z' } })], context: { 'aws:CurrentTime': NOW }, expect: 'allow' },
  { name: 'DateLessThan fails after the date', identity: [when({ DateLessThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } })], context: { 'aws:CurrentTime': NOW }, expect: 'implicit' },
  { name: 'DateGreaterThan holds after the date', identity: [when({ DateGreaterThan: { 'aws:CurrentTime': '2026-01-01' } })], context: { 'aws:CurrentTime': NOW }, expect: 'allow' },
  { name: 'DateGreaterThan reads epoch seconds in the policy', identity: [when({ DateGreaterThan: { 'aws:CurrentTime': '1798761600' } })], context: { 'aws:CurrentTime': NOW }, expect: 'implicit' },
  { name: 'DateEquals compares instants across time zones', identity: [when({ DateEquals: { 'aws:CurrentTime': '2026-03-01T13:00:00+01:00' } })], context: { 'aws:CurrentTime': NOW }, expect: 'allow' },
  { name: 'DateNotEquals fails at the same instant', identity: [when({ DateNotEquals: { 'aws:CurrentTime': NOW } })], context: { 'aws:CurrentTime': NOW }, expect: 'implicit' },
  { name: 'DateLessThanEquals holds at the instant', identity: [when({ DateLessThanEquals: { 'aws:CurrentTime': NOW } })], context: { 'aws:CurrentTime': NOW }, expect: 'allow' },
  { name: 'DateGreaterThanEquals reads aws:EpochTime in seconds', identity: [when({ DateGreaterThanEquals: { 'aws:EpochTime': '2026-03-01T12:00:00Z' } })], context: { 'aws:EpochTime': '1772366400' }, expect: 'allow' },

  // IP addresses.
  { name: 'IpAddress holds inside the range', identity: [when({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })], context: { 'aws:SourceIp': '203.0.113.7' }, expect: 'allow' },
  { name: 'IpAddress fails outside the range', identity: [when({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } })], context: { 'aws:SourceIp': '198.51.100.7' }, expect: 'implicit' },
  { name: 'IpAddress holds for an IPv6 range', identity: [when({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } })], context: { 'aws:SourceIp': '2001:db8:1::5' }, expect: 'allow' },
  { name: 'NotIpAddress in a Deny denies outside the range', identity: [doc(allow('*'), deny('*', '*', { Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }))], context: { 'aws:SourceIp': '198.51.100.7' }, expect: 'explicit' },

  // Null.
  { name: 'Null true holds when the key is absent', identity: [when({ Null: { 'aws:TokenIssueTime': 'true' } })], expect: 'allow' },
  { name: 'Null true fails when the key is present', identity: [when({ Null: { 'aws:TokenIssueTime': 'true' } })], context: { 'aws:TokenIssueTime': NOW }, expect: 'implicit' },
  { name: 'Null false holds when the key is present', identity: [when({ Null: { 'aws:TokenIssueTime': false } })], context: { 'aws:TokenIssueTime': NOW }, expect: 'allow' },
  { name: 'Null false fails when the key is absent', identity: [when({ Null: { 'aws:TokenIssueTime': 'false' } })], expect: 'implicit' },

  // ...IfExists.
  { name: 'StringEqualsIfExists holds when the key is absent', identity: [when({ StringEqualsIfExists: { 'aws:RequestTag/team': 'payments' } })], expect: 'allow' },
  { name: 'StringEqualsIfExists fails for another value', identity: [when({ StringEqualsIfExists: { 'aws:RequestTag/team': 'payments' } })], context: tag('ops'), expect: 'implicit' },
  { name: 'StringEqualsIfExists holds for the value', identity: [when({ StringEqualsIfExists: { 'aws:RequestTag/team': 'payments' } })], context: tag('payments'), expect: 'allow' },
  { name: 'StringNotEqualsIfExists in a Deny denies another present value', identity: [doc(allow('*'), deny('*', '*', { Condition: { StringNotEqualsIfExists: { 'aws:RequestTag/team': 'payments' } } }))], context: tag('ops'), expect: 'explicit' },
  { name: 'StringLikeIfExists holds when the key is absent', identity: [when({ StringLikeIfExists: { 'aws:RequestTag/team': 'pay*' } })], expect: 'allow' },
  { name: 'ArnLikeIfExists holds when the key is absent', identity: [when({ ArnLikeIfExists: { 'aws:SourceArn': PLANS } })], expect: 'allow' },
  { name: 'BoolIfExists holds when the key is absent', identity: [when({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } })], expect: 'allow' },
  { name: 'BoolIfExists fails for a present false', identity: [when({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } })], context: { 'aws:MultiFactorAuthPresent': 'false' }, expect: 'implicit' },
  { name: 'NumericLessThanIfExists fails for a present value out of range', identity: [when({ NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': '60' } })], context: { 'aws:MultiFactorAuthAge': '61' }, expect: 'implicit' },
  { name: 'DateLessThanIfExists holds when the key is absent', identity: [when({ DateLessThanIfExists: { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' } })], expect: 'allow' },
  { name: 'IpAddressIfExists holds when the key is absent', identity: [when({ IpAddressIfExists: { 'aws:SourceIp': '203.0.113.0/24' } })], expect: 'allow' },

  // Multivalued keys: ForAllValues / ForAnyValue with aws:TagKeys.
  { name: 'ForAllValues holds when every tag key is allowed', identity: [when({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } })], context: { 'aws:TagKeys': ['team'] }, expect: 'allow' },
  { name: 'ForAllValues fails when one tag key is not allowed', identity: [when({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } })], context: { 'aws:TagKeys': ['team', 'owner'] }, expect: 'implicit' },
  { name: 'ForAllValues holds when the key is absent', identity: [when({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } })], expect: 'allow' },
  { name: 'ForAllValues holds for an empty list', identity: [when({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } })], context: { 'aws:TagKeys': [] }, expect: 'allow' },
  { name: 'ForAnyValue holds when one tag key matches', identity: [when({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } })], context: { 'aws:TagKeys': ['owner', 'team'] }, expect: 'allow' },
  { name: 'ForAnyValue fails when no tag key matches', identity: [when({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } })], context: { 'aws:TagKeys': ['owner'] }, expect: 'implicit' },
  { name: 'ForAnyValue fails when the key is absent', identity: [when({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } })], expect: 'implicit' },
  { name: 'ForAnyValue:StringLike matches a wildcard', identity: [when({ 'ForAnyValue:StringLike': { 'aws:TagKeys': 'cost-*' } })], context: { 'aws:TagKeys': ['team', 'cost-center'] }, expect: 'allow' },
  { name: 'Deny ForAllValues:StringNotLike spares requests whose keys all match', identity: [doc(allow('*'), deny('*', '*', { Condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } } }))], context: { 'aws:TagKeys': ['key1:hr', 'key1:personnel'] }, expect: 'allow' },
  { name: 'Deny ForAllValues:StringNotLike denies when no key matches', identity: [doc(allow('*'), deny('*', '*', { Condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } } }))], context: { 'aws:TagKeys': ['key2:audit'] }, expect: 'explicit' },
  { name: 'Deny ForAllValues:StringNotLike denies when the key is absent', identity: [doc(allow('*'), deny('*', '*', { Condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } } }))], expect: 'explicit' },

  // Several keys and operators are AND-ed; key names ignore case; tags.
  { name: 'two keys under one operator must both match', identity: [when({ StringEquals: { 'aws:RequestTag/team': 'payments', 'aws:RequestTag/env': 'prod' } })], context: { 'aws:RequestTag/team': 'payments', 'aws:RequestTag/env': 'dev' }, expect: 'implicit' },
  { name: 'two operators must both hold', identity: [when({ StringEquals: { 'aws:RequestTag/team': 'payments' }, Bool: { 'aws:SecureTransport': 'true' } })], context: { 'aws:RequestTag/team': 'payments', 'aws:SecureTransport': 'true' }, expect: 'allow' },
  { name: 'condition key names are case-insensitive', identity: [when({ StringEquals: { 'AWS:REQUESTTAG/Team': 'payments' } })], context: { 'aws:requesttag/team': 'payments' }, expect: 'allow' },
  { name: 'aws:ResourceTag compared with the caller\'s name through a variable', identity: [when({ StringEquals: { 'aws:ResourceTag/owner': '${aws:username}' } })], context: { 'aws:ResourceTag/owner': 'alice' }, expect: 'allow' },
  { name: 'aws:ResourceTag of someone else fails', identity: [when({ StringEquals: { 'aws:ResourceTag/owner': '${aws:username}' } })], context: { 'aws:ResourceTag/owner': 'bob' }, expect: 'implicit' },

  // Policy variables in Resource and conditions.
  { name: '${aws:username} in a Resource lets a user reach their own contact', identity: [doc(allow('ssm-contacts:*', CONTACT('${aws:username}')))], action: 'ssm-contacts:GetContact', on: CONTACT('alice'), expect: 'allow' },
  { name: '${aws:username} in a Resource does not reach another user\'s contact', identity: [doc(allow('ssm-contacts:*', CONTACT('${aws:username}')))], action: 'ssm-contacts:GetContact', on: CONTACT('bob'), expect: 'implicit' },
  { name: '${aws:username} is the last part of a user ARN with a path', identity: [doc(allow('ssm-contacts:*', CONTACT('${aws:username}-*')))], principal: carol, action: 'ssm-contacts:GetContact', on: CONTACT('carol-phone'), expect: 'allow' },
  { name: 'a variable with a default uses it when the key is missing', identity: [doc(allow(START, `arn:aws:ssm-incidents::${ACCT}:response-plan/\${aws:PrincipalTag/team, 'shared'}-*`))], on: `arn:aws:ssm-incidents::${ACCT}:response-plan/shared-checkout`, expect: 'allow' },
  { name: 'a variable with a default uses the context value when present', identity: [doc(allow(START, `arn:aws:ssm-incidents::${ACCT}:response-plan/\${aws:PrincipalTag/team, 'shared'}-*`))], context: { 'aws:PrincipalTag/team': 'payments' }, on: `arn:aws:ssm-incidents::${ACCT}:response-plan/shared-checkout`, expect: 'implicit' },
  { name: 'a variable whose key is missing matches nothing', identity: [doc(allow(START, `arn:aws:ssm-incidents::${ACCT}:response-plan/\${aws:PrincipalTag/team}*`))], on: PLAN, expect: 'implicit' },
  { name: 'a role session has no aws:username, so the Resource matches nothing', identity: [doc(allow('ssm-contacts:*', CONTACT('${aws:username}')))], principal: responder, action: 'ssm-contacts:GetContact', on: CONTACT('pager-duty'), expect: 'implicit' },
  { name: 'a Version 2008-10-17 document takes ${...} literally', identity: [doc2008(allow('ssm-contacts:*', CONTACT('${aws:username}')))], action: 'ssm-contacts:GetContact', on: CONTACT('alice'), expect: 'implicit' },
  { name: 'a Version 2008-10-17 document matches the literal text', identity: [doc2008(allow('ssm-contacts:*', CONTACT('${aws:username}')))], action: 'ssm-contacts:GetContact', on: CONTACT('${aws:username}'), expect: 'allow' },
  { name: '${*} stands for a literal asterisk, not a wildcard', identity: [doc(allow(START, `arn:aws:ssm-incidents::${ACCT}:response-plan/check\${*}`))], expect: 'implicit' },
  { name: '${*} matches an asterisk in the resource name', identity: [doc(allow(START, `arn:aws:ssm-incidents::${ACCT}:response-plan/check\${*}`))], on: `arn:aws:ssm-incidents::${ACCT}:response-plan/check*`, expect: 'allow' },
  { name: 'a variable in a StringLike value keeps the policy\'s wildcard', identity: [when({ StringLike: { 'aws:RequestTag/owner': '${aws:username}*' } })], context: { 'aws:RequestTag/owner': 'alice-team' }, expect: 'allow' },
  { name: 'aws:PrincipalAccount comes from the principal', identity: [when({ StringEquals: { 'aws:PrincipalAccount': ACCT } })], expect: 'allow' },

  // Cross-account access.
  { name: 'cross-account with an identity Allow but no resource policy is denied', identity: [doc(allow('*'))], principal: bob, resourceAccount: ACCT, expect: 'implicit', reason: 'no resource-based policy allows cross-account access' },
  { name: 'cross-account with a resource policy naming the account and an identity Allow is allowed', identity: [doc(allow(START, PLANS))], resource: [doc(to({ AWS: OTHER }))], principal: bob, resourceAccount: ACCT, expect: 'allow' },
  { name: 'cross-account with a resource policy naming the account root ARN is allowed', identity: [doc(allow(START, PLANS))], resource: [doc(to({ AWS: `arn:aws:iam::${OTHER}:root` }))], principal: bob, resourceAccount: ACCT, expect: 'allow' },
  { name: 'cross-account with a resource policy naming the user is allowed', identity: [doc(allow('*'))], resource: [doc(to({ AWS: [bob.arn] }))], principal: bob, resourceAccount: ACCT, expect: 'allow' },
  { name: 'cross-account with a resource policy but no identity Allow is denied', resource: [doc(to({ AWS: bob.arn }))], principal: bob, resourceAccount: ACCT, expect: 'implicit', reason: 'no identity-based policy allows the action' },
  { name: 'cross-account with a resource policy naming another account is denied', identity: [doc(allow('*'))], resource: [doc(to({ AWS: '999988887777' }))], principal: bob, resourceAccount: ACCT, expect: 'implicit' },
  { name: 'cross-account with Principal "*" is allowed', identity: [doc(allow('*'))], resource: [doc(to('*'))], principal: bob, resourceAccount: ACCT, expect: 'allow' },
  { name: 'cross-account with {"AWS": "*"} is allowed', identity: [doc(allow('*'))], resource: [doc(to({ AWS: '*' }))], principal: bob, resourceAccount: ACCT, expect: 'allow' },
  { name: 'cross-account: a resource policy naming a role admits its sessions', identity: [doc(allow('ssm-incidents:*'))], resource: [doc(to({ AWS: AUDITOR_ROLE }))], principal: auditor, resourceAccount: ACCT, expect: 'allow' },
  { name: 'cross-account: a resource-policy Allow for another action does not help', identity: [doc(allow('*'))], resource: [doc(to({ AWS: OTHER }, 'Allow', 'ssm-incidents:GetResponsePlan'))], principal: bob, resourceAccount: ACCT, expect: 'implicit' },
  { name: 'the root user of another account needs the resource policy', principal: otherRoot, resourceAccount: ACCT, expect: 'implicit', reason: 'no resource-based policy allows cross-account access' },
  { name: 'the root user of another account is allowed when the resource policy names its account', resource: [doc(to({ AWS: OTHER }))], principal: otherRoot, resourceAccount: ACCT, expect: 'allow' },

  // Same-account resource policies.
  { name: 'same account: a resource policy naming the user grants without an identity policy', resource: [doc(to({ AWS: alice.arn }))], expect: 'allow' },
  { name: 'same account: a resource policy naming only the account delegates to identity policies', resource: [doc(to({ AWS: ACCT }))], expect: 'implicit' },
  { name: 'same account: an account-only resource policy plus an identity Allow allows', identity: [doc(allow(START))], resource: [doc(to({ AWS: `arn:aws:iam::${ACCT}:root` }))], resourceAccount: ACCT, expect: 'allow' },
  { name: 'same account: a resource policy naming the role grants to its sessions', resource: [doc(to({ AWS: RESPONDER_ROLE }))], principal: responder, expect: 'allow' },
  { name: 'same account: a resource policy naming the session ARN grants', resource: [doc(to({ AWS: responder.arn }))], principal: responder, expect: 'allow' },
  { name: 'same account: a resource policy naming another role does not grant', resource: [doc(to({ AWS: `arn:aws:iam::${ACCT}:role/Admin` }))], principal: responder, expect: 'implicit' },
  { name: 'same account: Principal "*" grants', resource: [doc(to('*'))], principal: carol, expect: 'allow' },
  { name: 'same account: a resource-policy condition must hold too', resource: [doc(to('*', 'Allow', START, { Condition: { StringEquals: { 'aws:PrincipalAccount': OTHER } } }))], expect: 'implicit' },

  // The account root user.
  { name: 'the root user of the resource account is allowed without any policy', principal: root, expect: 'allow' },
  { name: 'the root user is not limited by identity policies', identity: [doc(deny('*'))], principal: root, resourceAccount: ACCT, expect: 'allow' },

  // Service principals and trust policies.
  { name: 'a trust policy lets ssm-incidents.amazonaws.com assume the role', trust: [doc({ Effect: 'Allow', Principal: { Service: 'ssm-incidents.amazonaws.com' }, Action: 'sts:AssumeRole' })], principal: incidentsService, action: 'sts:AssumeRole', on: RESPONDER_ROLE, resourceAccount: ACCT, expect: 'allow' },
  { name: 'a trust policy for ssm-incidents does not admit ssm.amazonaws.com', trust: [doc({ Effect: 'Allow', Principal: { Service: 'ssm-incidents.amazonaws.com' }, Action: 'sts:AssumeRole' })], principal: ssmService, action: 'sts:AssumeRole', on: EXEC_ROLE, expect: 'implicit', reason: 'no resource-based policy allows the service principal' },
  { name: 'a trust policy listing both services admits ssm.amazonaws.com', trust: [doc({ Effect: 'Allow', Principal: { Service: ['ssm-incidents.amazonaws.com', 'ssm.amazonaws.com'] }, Action: 'sts:AssumeRole' })], principal: ssmService, action: 'sts:AssumeRole', on: EXEC_ROLE, expect: 'allow' },
  { name: 'a trust policy for sts:AssumeRole does not cover other actions', trust: [doc({ Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' })], principal: ssmService, action: 'sts:TagSession', on: EXEC_ROLE, expect: 'implicit' },
  { name: 'a service principal is not governed by identity policies', identity: [doc(allow('*'))], principal: incidentsService, action: 'sts:AssumeRole', on: RESPONDER_ROLE, expect: 'implicit' },
  { name: 'a trust-policy Deny with a condition stops a service', trust: [doc({ Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:SourceAccount': ACCT } } })], principal: ssmService, action: 'sts:AssumeRole', on: EXEC_ROLE, context: { 'aws:SourceAccount': OTHER }, expect: 'explicit' },
  { name: 'a trust policy naming a role of another account admits its sessions with an identity Allow', identity: [doc(allow('sts:AssumeRole', RESPONDER_ROLE))], trust: [doc({ Effect: 'Allow', Principal: { AWS: AUDITOR_ROLE }, Action: 'sts:AssumeRole' })], principal: auditor, action: 'sts:AssumeRole', on: RESPONDER_ROLE, resourceAccount: ACCT, expect: 'allow' },
  { name: 'a trust policy naming a role of another account is not enough without an identity Allow', trust: [doc({ Effect: 'Allow', Principal: { AWS: AUDITOR_ROLE }, Action: 'sts:AssumeRole' })], principal: auditor, action: 'sts:AssumeRole', on: RESPONDER_ROLE, resourceAccount: ACCT, expect: 'implicit' },

  // NotPrincipal.
  { name: 'Deny with NotPrincipal denies principals not listed', resource: [doc(to('*'), { Effect: 'Deny', NotPrincipal: { AWS: [alice.arn, `arn:aws:iam::${ACCT}:root`] }, Action: '*', Resource: '*' })], principal: carol, expect: 'explicit' },
  { name: 'Deny with NotPrincipal spares a listed user whose account is listed', resource: [doc(to('*'), { Effect: 'Deny', NotPrincipal: { AWS: [alice.arn, ACCT] }, Action: '*', Resource: '*' })], expect: 'allow' },
  { name: 'Deny with NotPrincipal listing the user but not the account still denies the user', resource: [doc(to('*'), { Effect: 'Deny', NotPrincipal: { AWS: alice.arn }, Action: '*', Resource: '*' })], expect: 'explicit' },
  { name: 'Deny with NotPrincipal listing a role and its account spares its sessions', resource: [doc(to('*'), { Effect: 'Deny', NotPrincipal: { AWS: [RESPONDER_ROLE, ACCT] }, Action: '*', Resource: '*' })], principal: responder, expect: 'allow' },
  { name: 'Deny with NotPrincipal listing a service spares it', trust: [doc({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }, { Effect: 'Deny', NotPrincipal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' })], principal: ssmService, action: 'sts:AssumeRole', on: EXEC_ROLE, expect: 'allow' },
];

function decide(c: Case) {
  const identity = (c.identity ?? []).map((t, i) => compilePolicy(t, 'identity', `identity-${i}`));
  const resource = [
    ...(c.resource ?? []).map((t) => compilePolicy(t, 'resource')),
    ...(c.trust ?? []).map((t) => compilePolicy(t, 'trust')),
  ];
  const req: AuthzRequest = {
    principal: c.principal ?? alice,
    action: c.action ?? START,
    resource: c.on ?? PLAN,
    context: c.context ?? {},
    ...(c.resourceAccount !== undefined ? { resourceAccount: c.resourceAccount } : {}),
  };
  return evaluate(req, { identity, resource });
}

for (const c of CASES) {
  test(c.name, () => {
    const d = decide(c);
    const outcome: Outcome = d.allowed ? 'allow' : d.explicitDeny ? 'explicit' : 'implicit';
    assert.equal(outcome, c.expect, d.allowed ? 'allowed' : d.reason);
    if (c.reason !== undefined) assert.equal(d.allowed ? undefined : d.reason, c.reason);
  });
}

test('the table holds at least 80 hand-written cases with unique names', () => {
  assert.ok(CASES.length >= 80, `${CASES.length} cases`);
  assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
});

test('compilePolicy accepts a parsed document and keeps the given id', () => {
  const parsed = parsePolicyDocument(doc(allow(START)), 'identity');
  const p = compilePolicy(parsed, 'identity', 'p-1');
  assert.equal(p.id, 'p-1');
  assert.equal(p.document, parsed);
  assert.deepEqual(evaluate({ principal: alice, action: START, resource: PLAN, context: {} }, { identity: [p] }), { allowed: true });
});

test('compilePolicy takes the id from the document when none is given', () => {
  const p = compilePolicy(JSON.stringify({ Version: '2012-10-17', Id: 'plan-sharing', Statement: allow(START) }), 'identity');
  assert.equal(p.id, 'plan-sharing');
});

test('a context value wins over the value derived from the principal', () => {
  const p = compilePolicy(when({ StringEquals: { 'aws:PrincipalAccount': OTHER } }), 'identity');
  const d = evaluate({ principal: alice, action: START, resource: PLAN, context: { 'aws:PrincipalAccount': OTHER } }, { identity: [p] });
  assert.equal(d.allowed, true);
});

test('one compiled policy gives the same answer to many principals (variables resolved per request)', () => {
  const p = compilePolicy(doc(allow('ssm-contacts:*', CONTACT('${aws:username}/*'))), 'identity');
  for (const name of ['alice', 'bob', 'carol', 'alice']) {
    const who: Principal = { kind: 'user', arn: `arn:aws:iam::${ACCT}:user/${name}`, accountId: ACCT };
    assert.equal(evaluate({ principal: who, action: 'ssm-contacts:GetContact', resource: CONTACT(`${name}/x`), context: {} }, { identity: [p] }).allowed, true);
    assert.equal(evaluate({ principal: who, action: 'ssm-contacts:GetContact', resource: CONTACT('dave/x'), context: {} }, { identity: [p] }).allowed, false);
  }
});

test('ARN wildcards stay inside their colon-separated segment; the resource part takes the rest', () => {
  assert.equal(matchesGlob('arn:aws:ssm:*:111122223333:automation-definition/*', RUNBOOK('Checkout-Runbook:3'), { arn: true }), true);
  assert.equal(matchesGlob('arn:aws:ssm:us-east-?:*:*', RUNBOOK('x'), { arn: true }), true);
  assert.equal(matchesGlob('arn:aws:ssm:*:automation-definition/x', RUNBOOK('x'), { arn: true }), false);
  assert.equal(matchesGlob('arn:aws:ssm:??-east-1:*:*', RUNBOOK('x'), { arn: true }), true);
  assert.equal(matchesGlob('arn:aws:ssm:?:*:*', RUNBOOK('x'), { arn: true }), false);
  assert.equal(matchesGlob('a*b', 'a:x:b'), true);
  assert.equal(matchesGlob('A*', 'abc', { ignoreCase: true }), true);
  assert.equal(matchesGlob('A*', 'abc'), false);
});

test('policy variable syntax: defaults with quotes, special characters, and text IAM does not read as a variable', () => {
  const ctx: ContextLookup = { get: (k) => ({ 'aws:username': 'alice', 'aws:tagkeys': ['a', 'b'] } as Record<string, string | string[]>)[k] };
  assert.equal(resolveString(parseTemplate("${aws:UserName}/${aws:PrincipalTag/x, 'it''s'}"), ctx), "alice/it's");
  assert.equal(resolveString(parseTemplate('${ aws:username }${*}${?}${$}'), ctx), 'alice*?$');
  assert.equal(resolveString(parseTemplate('${aws:TagKeys}'), ctx), undefined, 'multivalued keys are not substituted');
  assert.equal(resolveString(parseTemplate("${aws:TagKeys, 'none'}"), ctx), 'none');
  assert.equal(resolveString(parseTemplate('cost-${unterminated'), ctx), 'cost-${unterminated');
  assert.equal(resolveString(parseTemplate('${two words}'), ctx), '${two words}');
  assert.equal(parseTemplate('plain').dynamic, false);
});
