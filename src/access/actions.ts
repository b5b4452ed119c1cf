/**
 * What each operation asks of the authorizer: the IAM action, the resource ARN it acts on and
 * the request's own condition keys, after the AWS Service Authorization Reference
 * (ssm-incidents:StartIncident on the response plan, ssm-incidents:GetIncidentRecord on the
 * incident record, ssm-contacts:GetContact on the contact, List* on "*", iam:CreateUser on the
 * user, ...). One table per service;
 * an operation the table does not name acts on the first ARN in its input, else on "*".
 */
import { contactArn, parseArn, parseContactsArn, responsePlanArn } from '../arn/arn.js';
import type { Caller } from '../api/operation.js';

/** One permission an operation needs: all of an operation's targets must be allowed. */
export interface AuthzTarget {
  /** `service:Operation`, e.g. ssm-incidents:StartIncident. */
  action: string;
  /** The resource ARN, or "*" for actions without resource-level permissions. */
  resource: string;
  /** aws:RequestTag/KEY values and aws:TagKeys of the request (tagging and creating operations). */
  requestTags?: Record<string, string>;
  tagKeys?: string[];
  /** Further condition keys of this action (iam:PassedToService, iam:PolicyARN, ...). */
  context?: Record<string, string | string[]>;
}

/** Operations that need no permission at all (as in AWS: GetCallerIdentity works even under a deny-all policy). */
const unauthorized = new Set(['sts:GetCallerIdentity']);

type Input = Record<string, any>;
type Resolve = (input: Input, caller: Caller, region: string) => Omit<AuthzTarget, 'action'> | AuthzTarget[];

const any = (): Omit<AuthzTarget, 'action'> => ({ resource: '*' });
const member = (name: string) => (input: Input) => ({ resource: String(input[name] ?? '*') });

// ---------------------------------------------------------------- ssm-incidents

/** The roles a response plan's runbook actions name: creating or changing the plan passes them. */
function passedRoles(input: Input): AuthzTarget[] {
  const roles = new Set<string>();
  for (const a of (input.actions ?? []) as Input[]) if (a?.ssmAutomation?.roleArn) roles.add(a.ssmAutomation.roleArn);
  return [...roles].map((role) => ({ action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'ssm-incidents.amazonaws.com' } }));
}

const ssmIncidents: Record<string, Resolve> = {
  BatchGetIncidentFindings: member('incidentRecordArn'),
  CreateReplicationSet: (i) => ({ resource: '*', requestTags: i.tags, tagKeys: i.tags && Object.keys(i.tags) }),
  CreateResponsePlan: (i, c) => [
    { action: 'ssm-incidents:CreateResponsePlan', resource: responsePlanArn(c.accountId, i.name), requestTags: i.tags, tagKeys: i.tags && Object.keys(i.tags) },
    ...passedRoles(i),
  ],
  CreateTimelineEvent: member('incidentRecordArn'),
  DeleteIncidentRecord: member('arn'),
  DeleteReplicationSet: member('arn'),
  DeleteResourcePolicy: member('resourceArn'),
  DeleteResponsePlan: member('arn'),
  DeleteTimelineEvent: member('incidentRecordArn'),
  GetIncidentRecord: member('arn'),
  GetReplicationSet: member('arn'),
  GetResourcePolicies: member('resourceArn'),
  GetResponsePlan: member('arn'),
  GetTimelineEvent: member('incidentRecordArn'),
  ListIncidentFindings: member('incidentRecordArn'),
  ListIncidentRecords: any,
  ListRelatedItems: member('incidentRecordArn'),
  ListReplicationSets: any,
  ListResponsePlans: any,
  ListTagsForResource: member('resourceArn'),
  ListTimelineEvents: member('incidentRecordArn'),
  PutResourcePolicy: member('resourceArn'),
  StartIncident: member('responsePlanArn'),
  TagResource: (i) => ({ resource: i.resourceArn, requestTags: i.tags, tagKeys: Object.keys(i.tags ?? {}) }),
  UntagResource: (i) => ({ resource: i.resourceArn, tagKeys: i.tagKeys }),
  UpdateDeletionProtection: member('arn'),
  UpdateIncidentRecord: member('arn'),
  UpdateRelatedItems: member('incidentRecordArn'),
  UpdateReplicationSet: member('arn'),
  UpdateResponsePlan: (i) => [{ action: 'ssm-incidents:UpdateResponsePlan', resource: i.arn }, ...passedRoles(i)],
  UpdateTimelineEvent: member('incidentRecordArn'),
};

// ---------------------------------------------------------------- ssm-contacts

/** aws:RequestTag/KEY and aws:TagKeys of an ssm-contacts tag list ([{Key, Value}]; entries without a Key are the handler's to refuse). */
function contactTags(tags: Input[] | undefined): Pick<AuthzTarget, 'requestTags' | 'tagKeys'> {
  if (!tags) return {};
  const map = Object.fromEntries(tags.filter((t) => typeof t?.Key === 'string').map((t) => [t.Key, String(t.Value ?? '')]));
  return { requestTags: map, tagKeys: Object.keys(map) };
}

/**
 * ssm-contacts:AssociateContact ("use a contact in an escalation plan", a permission-only
 * action CreateContact and UpdateContact depend on) on each contact of `account` the plan's
 * stages engage. Contacts of other accounts are left to the plan's validation, which refuses
 * them with a ValidationException naming the field.
 */
function associatedContacts(plan: Input | undefined, account: string): AuthzTarget[] {
  const ids = new Set<string>();
  for (const stage of (plan?.Stages ?? []) as Input[]) {
    for (const t of (stage?.Targets ?? []) as Input[]) {
      const id = t?.ContactTargetInfo?.ContactId;
      if (typeof id === 'string' && parseContactsArn(id)?.account === account) ids.add(id);
    }
  }
  return [...ids].map((resource) => ({ action: 'ssm-contacts:AssociateContact', resource }));
}

/**
 * After the Service Authorization Reference: contact operations act on the contact, channel
 * operations (and SendActivationCode, Activate/DeactivateContactChannel) on the channel,
 * CreateContactChannel and ListContactChannels on the contact, ListContacts on "*".
 * CreateContact also needs ssm-contacts:TagResource when it tags the new contact.
 */
const ssmContacts: Record<string, Resolve> = {
  ActivateContactChannel: member('ContactChannelId'),
  CreateContact: (i, c, region) => {
    const resource = contactArn(region, c.accountId, i.Alias);
    const tags = contactTags(i.Tags);
    return [
      { action: 'ssm-contacts:CreateContact', resource, ...tags },
      ...(i.Tags?.length ? [{ action: 'ssm-contacts:TagResource', resource, ...tags }] : []),
      ...associatedContacts(i.Plan, c.accountId),
    ];
  },
  CreateContactChannel: member('ContactId'),
  DeactivateContactChannel: member('ContactChannelId'),
  DeleteContact: member('ContactId'),
  DeleteContactChannel: member('ContactChannelId'),
  GetContact: member('ContactId'),
  GetContactChannel: member('ContactChannelId'),
  GetContactPolicy: member('ContactArn'),
  ListContactChannels: member('ContactId'),
  ListContacts: any,
  ListTagsForResource: member('ResourceARN'),
  PutContactPolicy: member('ContactArn'),
  SendActivationCode: member('ContactChannelId'),
  TagResource: (i) => ({ resource: i.ResourceARN, ...contactTags(i.Tags) }),
  UntagResource: (i) => ({ resource: i.ResourceARN, tagKeys: i.TagKeys }),
  UpdateContact: (i) => [
    { action: 'ssm-contacts:UpdateContact', resource: i.ContactId },
    ...associatedContacts(i.Plan, parseArn(i.ContactId)?.account ?? ''),
  ],
  UpdateContactChannel: member('ContactChannelId'),
  // Engagements and pages: on the engaged contact, the engagement or the page (a contact's policy governs all three).
  StartEngagement: member('ContactId'),
  StopEngagement: member('EngagementId'),
  DescribeEngagement: member('EngagementId'),
  ListEngagements: any,
  DescribePage: member('PageId'),
  ListPagesByContact: member('ContactId'),
  ListPagesByEngagement: member('EngagementId'),
  ListPageReceipts: member('PageId'),
  ListPageResolutions: member('PageId'),
  AcceptPage: member('PageId'),
};

// ---------------------------------------------------------------- iam

const iamArn = (account: string, kind: string, name: string, path = '/') => `arn:aws:iam::${account}:${kind}${path}${name}`;

/** The user an access-key or user operation is about: the named one, else the caller itself. */
function userOf(i: Input, c: Caller): string {
  if (i.UserName) return iamArn(c.accountId, 'user', i.UserName);
  return c.kind === 'user' ? c.principalArn : iamArn(c.accountId, 'user', c.userName ?? '');
}
const user: Resolve = (i, c) => ({ resource: userOf(i, c) });
const taggedUser: Resolve = (i, c) => ({ resource: userOf(i, c), ...iamTags(i) });
const role: Resolve = (i, c) => ({ resource: iamArn(c.accountId, 'role', i.RoleName) });
const taggedRole: Resolve = (i, c) => ({ resource: iamArn(c.accountId, 'role', i.RoleName), ...iamTags(i) });
const policy: Resolve = (i) => ({ resource: i.PolicyArn });
const allOf = (kind: string): Resolve => (_i, c) => ({ resource: iamArn(c.accountId, kind, '*') });

function iamTags(i: Input): Pick<AuthzTarget, 'requestTags' | 'tagKeys'> {
  if (i.TagKeys) return { tagKeys: i.TagKeys };
  if (!i.Tags) return {};
  const tags = Object.fromEntries((i.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
  return { requestTags: tags, tagKeys: Object.keys(tags) };
}

const attach = (kind: 'user' | 'role'): Resolve => (i, c) => ({
  resource: kind === 'user' ? userOf(i, c) : iamArn(c.accountId, 'role', i.RoleName),
  context: { 'iam:PolicyARN': i.PolicyArn },
});

const iam: Record<string, Resolve> = {
  CreateUser: (i, c) => ({ resource: iamArn(c.accountId, 'user', i.UserName, i.Path ?? '/'), ...iamTags(i) }),
  GetUser: user, DeleteUser: user, TagUser: taggedUser, UntagUser: taggedUser, ListUserTags: user,
  ListUsers: allOf('user'),
  CreateAccessKey: user, ListAccessKeys: user, UpdateAccessKey: user, DeleteAccessKey: user,
  CreateRole: (i, c) => ({ resource: iamArn(c.accountId, 'role', i.RoleName, i.Path ?? '/'), ...iamTags(i) }),
  GetRole: role, DeleteRole: role, UpdateAssumeRolePolicy: role, TagRole: taggedRole, UntagRole: taggedRole, ListRoleTags: role,
  ListRoles: allOf('role'),
  CreatePolicy: (i, c) => ({ resource: iamArn(c.accountId, 'policy', i.PolicyName, i.Path ?? '/'), ...iamTags(i) }),
  GetPolicy: policy, GetPolicyVersion: policy, CreatePolicyVersion: policy, DeletePolicyVersion: policy,
  ListPolicyVersions: policy, SetDefaultPolicyVersion: policy, DeletePolicy: policy,
  ListPolicies: allOf('policy'),
  AttachUserPolicy: attach('user'), DetachUserPolicy: attach('user'), AttachRolePolicy: attach('role'), DetachRolePolicy: attach('role'),
  ListAttachedUserPolicies: user, ListAttachedRolePolicies: role,
  PutUserPolicy: user, GetUserPolicy: user, DeleteUserPolicy: user, ListUserPolicies: user,
  PutRolePolicy: role, GetRolePolicy: role, DeleteRolePolicy: role, ListRolePolicies: role,
};

// ---------------------------------------------------------------- sts

const sts: Record<string, Resolve> = {
  // (GetAccessKeyLastUsed: the key's owner is known only after a lookup; its handler asks
  // Authorizer.authorizeTarget with that user.)
  // AssumeRole is decided by the STS service itself: the role's trust policy and the caller's
  // identity policies together (Authorizer.mayAssumeRole), as AWS evaluates it.
  AssumeRole: (i) => ({ resource: i.RoleArn }),
  GetAccessKeyInfo: any,
};

const tables: Record<string, Record<string, Resolve>> = { 'ssm-incidents': ssmIncidents, 'ssm-contacts': ssmContacts, iam, sts };

/** Operations whose permission the handler checks itself (with more than one policy set). */
export const checkedByHandler = new Set(['sts:AssumeRole', 'iam:GetAccessKeyLastUsed']);

/**
 * The permissions one request needs. `service` is the IAM service prefix (the signing name:
 * ssm-incidents, ssm-contacts, iam, sts, ...). Empty for operations that need none.
 */
export function authorizationTargets(service: string, operation: string, input: Input, caller: Caller, region: string): AuthzTarget[] {
  const action = `${service}:${operation}`;
  if (unauthorized.has(action) || checkedByHandler.has(action)) return [];
  const resolve = tables[service]?.[operation];
  const found = resolve ? resolve(input, caller, region) : { resource: firstArnIn(input) ?? '*' };
  return Array.isArray(found) ? found : [{ action, ...found }];
}

/** The first top-level input member holding an ARN (the generic rule for unlisted operations). */
function firstArnIn(input: Input): string | undefined {
  for (const value of Object.values(input)) if (typeof value === 'string' && parseArn(value)) return value;
  return undefined;
}
