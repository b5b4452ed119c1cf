/**
 * The one place ARNs are built and parsed. Formats follow the real services:
 *   arn:aws:ssm-incidents::ACCOUNT:response-plan/NAME
 *   arn:aws:ssm-incidents::ACCOUNT:incident-record/PLAN/ID
 *   arn:aws:ssm-incidents::ACCOUNT:replication-set/ID
 *   arn:aws:ssm-contacts:REGION:ACCOUNT:contact/ALIAS
 *   arn:aws:ssm-contacts:REGION:ACCOUNT:contact-channel/ALIAS/UUID
 *   arn:aws:ssm-contacts:REGION:ACCOUNT:rotation/NAME, engagement/ALIAS/ID, page/ALIAS/ID
 *   arn:aws:iam::ACCOUNT:root
 *   arn:aws:iam::ACCOUNT:user/PATH/NAME, role/PATH/NAME, policy/PATH/NAME (PATH may be empty)
 *   arn:aws:iam::aws:policy/PATH/NAME (AWS managed policies)
 *   arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
 */

/** The parts of an ARN. `resource` is everything after the account field. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

const arnRe = /^arn:(aws|aws-cn|aws-us-gov):([a-z0-9-]*):([a-z0-9-]*):(\d{12})?:(.+)$/;

/** Parses an ARN string, or returns undefined when it is not one. */
export function parseArn(text: string): Arn | undefined {
  const m = arnRe.exec(text);
  if (!m) return undefined;
  return { partition: m[1], service: m[2], region: m[3], account: m[4] ?? '', resource: m[5] };
}

/** Formats ARN parts as a string. */
export function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`;
}

/** ARN of a response plan. */
export function responsePlanArn(account: string, name: string): string {
  return `arn:aws:ssm-incidents::${account}:response-plan/${name}`;
}

/** ARN of an incident record started from the plan named `planName`. */
export function incidentRecordArn(account: string, planName: string, id: string): string {
  return `arn:aws:ssm-incidents::${account}:incident-record/${planName}/${id}`;
}

/** ARN of a replication set. */
export function replicationSetArn(account: string, id: string): string {
  return `arn:aws:ssm-incidents::${account}:replication-set/${id}`;
}

/** ARN of an account's root principal. */
export function rootPrincipalArn(account: string): string {
  return `arn:aws:iam::${account}:root`;
}

/** The kinds of ssm-incidents resources an ARN can name. */
export type IncidentsResourceKind = 'response-plan' | 'incident-record' | 'replication-set';

/** Classifies an ssm-incidents ARN: its kind, account and resource path; undefined if it is none. */
export function parseIncidentsArn(text: string): { kind: IncidentsResourceKind; account: string; path: string[] } | undefined {
  const arn = parseArn(text);
  if (!arn || arn.service !== 'ssm-incidents' || !arn.account) return undefined;
  const [kind, ...path] = arn.resource.split('/');
  if (kind !== 'response-plan' && kind !== 'incident-record' && kind !== 'replication-set') return undefined;
  if (path.length === 0 || path.some((p) => p === '')) return undefined;
  if (kind === 'incident-record' && path.length !== 2) return undefined;
  if (kind !== 'incident-record' && path.length !== 1) return undefined;
  return { kind, account: arn.account, path };
}

/** ARN of an ssm-contacts contact (a personal contact, escalation plan or on-call schedule). */
export function contactArn(region: string, account: string, alias: string): string {
  return `arn:aws:ssm-contacts:${region}:${account}:contact/${alias}`;
}

/**
 * ARN of a contact channel. The API answers `contact-channel/ALIAS/UUID` (the model's examples);
 * the Service Authorization Reference spells the resource type `contactchannel`, but policies
 * match the ARN the service uses, so `contact-channel` it is everywhere.
 */
export function contactChannelArn(region: string, account: string, alias: string, channelId: string): string {
  return `arn:aws:ssm-contacts:${region}:${account}:contact-channel/${alias}/${channelId}`;
}

/** ARN of an engagement of the contact with `alias` (ssm-contacts StartEngagement). */
export function engagementArn(region: string, account: string, alias: string, id: string): string {
  return `arn:aws:ssm-contacts:${region}:${account}:engagement/${alias}/${id}`;
}

/** ARN of a page to the personal contact with `alias`. */
export function pageArn(region: string, account: string, alias: string, id: string): string {
  return `arn:aws:ssm-contacts:${region}:${account}:page/${alias}/${id}`;
}

/** The kinds of ssm-contacts resources an ARN can name. */
export type ContactsResourceKind = 'contact' | 'contact-channel' | 'rotation' | 'engagement' | 'page';

const contactsPathLength: Record<ContactsResourceKind, number> = {
  contact: 1, 'contact-channel': 2, rotation: 1, engagement: 2, page: 2,
};

/**
 * Classifies an ssm-contacts ARN: its kind, region, account and resource path (the alias
 * first for contacts, channels, engagements and pages; the name for rotations); undefined if
 * it is none of them.
 */
export function parseContactsArn(text: string): { kind: ContactsResourceKind; region: string; account: string; path: string[] } | undefined {
  const arn = parseArn(text);
  if (!arn || arn.service !== 'ssm-contacts' || !arn.account || !arn.region) return undefined;
  const [kind, ...path] = arn.resource.split('/');
  if (!Object.hasOwn(contactsPathLength, kind!)) return undefined;
  const k = kind as ContactsResourceKind;
  if (path.length !== contactsPathLength[k] || path.some((p) => p === '')) return undefined;
  return { kind: k, region: arn.region, account: arn.account, path };
}

/** The kinds of IAM entities an ARN can name. */
export type IamEntityKind = 'user' | 'role' | 'policy';

/** ARN of an IAM user, role or managed policy; `path` starts and ends with '/'. */
export function iamEntityArn(kind: IamEntityKind, account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:${kind}${path}${name}`;
}

/** ARN of an AWS managed policy. */
export function awsManagedPolicyArn(path: string, name: string): string {
  return `arn:aws:iam::aws:policy${path}${name}`;
}

/** ARN of a role session (temporary credentials from AssumeRole); the role's path is not part of it. */
export function assumedRoleArn(account: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
}

const iamArnRe = /^arn:aws:iam::(\d{12}|aws):(user|role|policy)(\/(?:[^/]+\/)*)([^/]+)$/;

/**
 * Classifies an IAM user, role or policy ARN: account ('aws' for AWS managed policies, which
 * only policies have), path ('/' or '/a/b/') and name; undefined if it is none.
 */
export function parseIamArn(text: string): { kind: IamEntityKind; account: string; path: string; name: string } | undefined {
  const m = iamArnRe.exec(text);
  if (!m) return undefined;
  const kind = m[2] as IamEntityKind;
  if (m[1] === 'aws' && kind !== 'policy') return undefined;
  return { kind, account: m[1], path: m[3], name: m[4] };
}
