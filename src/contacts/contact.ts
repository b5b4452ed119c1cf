/**
 * A contact of ssm-contacts: a PERSONAL contact (engaged through its own channels, stage by
 * stage), an ESCALATION plan (stages of contacts) or an ONCALL_SCHEDULE (rotations). Field names
 * follow the ssm-contacts model, which is how plans are stored and returned.
 */
import type { Plan, Stage, Target } from '../api/models/ssm-contacts.types.js';
import { parseContactsArn } from '../arn/arn.js';
import { NotFoundError, ValidationError } from '../errors.js';

/** The three kinds of contact. */
export type ContactType = 'PERSONAL' | 'ESCALATION' | 'ONCALL_SCHEDULE';

/** A stored contact. */
export interface Contact {
  arn: string;
  accountId: string;
  alias: string;
  displayName?: string;
  type: ContactType;
  plan: Plan;
  createdAt: Date;
  updatedAt: Date;
}

/** Something a plan names, which must exist: the service looks each one up. */
export interface PlanReference {
  kind: 'channel' | 'contact' | 'rotation';
  arn: string;
  /** The member naming it, for the error message (Plan.Stages.1.member.Targets.2.member...). */
  field: string;
}

/** Whose plan it is: references are checked against its region, account and alias. */
export interface PlanOwner {
  region: string;
  account: string;
  alias: string;
}

/**
 * The plan rules the model cannot state (AWS's CreateContact and Stage documentation):
 * - PERSONAL: stages whose targets are ChannelTargetInfo only, naming this contact's own
 *   channels (so a new personal contact starts with no stages: its channels come after it);
 * - ESCALATION: stages whose targets are ContactTargetInfo only, naming other contacts of the
 *   account (the service checks they exist and are personal contacts or on-call schedules);
 * - ONCALL_SCHEDULE: RotationIds only (at least one rotation of the account), no stages;
 * - a stage may last 0 minutes only if it has a target; a target holds exactly one of
 *   ChannelTargetInfo and ContactTargetInfo; nothing is named twice in one stage (AWS is silent
 *   on repeats; engaging one channel twice at once only pages twice, so they are refused).
 * Returns the plan as it is stored and returned, and what it names.
 */
export function normalizePlan(type: ContactType, plan: Plan, owner: PlanOwner): { plan: Plan; references: PlanReference[] } {
  const stages = plan.Stages ?? [];
  const rotationIds = plan.RotationIds ?? [];
  const references: PlanReference[] = [];
  if (type === 'ONCALL_SCHEDULE') {
    if (stages.length > 0) invalid('Plan.Stages', 'an on-call schedule engages its rotations (Plan.RotationIds) and has no stages.');
    if (rotationIds.length === 0) invalid('Plan.RotationIds', 'an on-call schedule needs at least one rotation.');
    unique(rotationIds, 'Plan.RotationIds', 'rotation');
    rotationIds.forEach((arn, i) => references.push(rotationReference(arn, `Plan.RotationIds.${i + 1}.member`, owner)));
    return { plan: { Stages: [], RotationIds: rotationIds }, references };
  }
  if (rotationIds.length > 0) {
    invalid('Plan.RotationIds', `only an on-call schedule (ONCALL_SCHEDULE) holds rotations; a ${type === 'PERSONAL' ? 'personal contact' : 'escalation plan'} has stages.`);
  }
  const normalized = stages.map((stage, i) => normalizeStage(type, stage, `Plan.Stages.${i + 1}.member`, owner, references));
  return { plan: { Stages: normalized }, references };
}

/**
 * True when `arn` is a contact ARN of the caller's account; a contact ARN of another account is
 * invisible (false: not found), anything else is a ValidationError on `field`.
 */
export function ownContact(accountId: string, arn: string, field: string): boolean {
  const parsed = parseContactsArn(arn);
  if (parsed?.kind !== 'contact') throw new ValidationError(field, `Invalid value for ${field}: '${arn}' is not a contact ARN (arn:aws:ssm-contacts:REGION:ACCOUNT:contact/ALIAS).`);
  return parsed.account === accountId;
}

/** ResourceNotFoundException for a contact. */
export function notFound(arn: string): NotFoundError {
  return new NotFoundError('CONTACT', arn, `Contact ${arn} not found.`);
}

function normalizeStage(type: ContactType, stage: Stage, field: string, owner: PlanOwner, references: PlanReference[]): Stage {
  if (stage.DurationInMinutes === 0 && stage.Targets.length === 0) {
    invalid(`${field}.DurationInMinutes`, 'a stage may last 0 minutes only when it has a target.');
  }
  const seen = new Set<string>();
  const targets = stage.Targets.map((target, j) => {
    const f = `${field}.Targets.${j + 1}.member`;
    const t = type === 'PERSONAL' ? channelTarget(target, f, owner) : contactTarget(target, f, owner);
    const ref = t.ChannelTargetInfo
      ? { kind: 'channel' as const, arn: t.ChannelTargetInfo.ContactChannelId, field: `${f}.ChannelTargetInfo.ContactChannelId` }
      : { kind: 'contact' as const, arn: t.ContactTargetInfo!.ContactId!, field: `${f}.ContactTargetInfo.ContactId` };
    if (seen.has(ref.arn)) invalid(ref.field, `'${ref.arn}' is already a target of this stage.`);
    seen.add(ref.arn);
    references.push(ref);
    return t;
  });
  return { DurationInMinutes: stage.DurationInMinutes, Targets: targets };
}

/** A personal contact's target: one of its own channels. */
function channelTarget(target: Target, field: string, owner: PlanOwner): Target {
  if (target.ContactTargetInfo) {
    invalid(`${field}.ContactTargetInfo`, 'a personal contact\'s engagement plan engages its own contact channels (ChannelTargetInfo), not contacts.');
  }
  const info = target.ChannelTargetInfo;
  if (!info) invalid(field, 'a target of a personal contact\'s stage needs ChannelTargetInfo.');
  const f = `${field}.ChannelTargetInfo.ContactChannelId`;
  const arn = parseContactsArn(info.ContactChannelId);
  if (arn?.kind !== 'contact-channel') invalid(f, `'${info.ContactChannelId}' is not a contact channel ARN.`);
  if (arn.account !== owner.account || arn.region !== owner.region || arn.path[0] !== owner.alias) {
    invalid(f, `'${info.ContactChannelId}' is not a channel of the contact ${owner.alias}: a personal contact engages only its own channels.`);
  }
  const out: Target['ChannelTargetInfo'] = { ContactChannelId: info.ContactChannelId };
  if (info.RetryIntervalInMinutes !== undefined) out.RetryIntervalInMinutes = info.RetryIntervalInMinutes;
  return { ChannelTargetInfo: out };
}

/** An escalation plan's target: another contact of the account. */
function contactTarget(target: Target, field: string, owner: PlanOwner): Target {
  if (target.ChannelTargetInfo) {
    invalid(`${field}.ChannelTargetInfo`, 'an escalation plan engages contacts (ContactTargetInfo), not contact channels.');
  }
  const info = target.ContactTargetInfo;
  if (!info) invalid(field, 'a target of an escalation plan\'s stage needs ContactTargetInfo.');
  const f = `${field}.ContactTargetInfo.ContactId`;
  if (info.ContactId === undefined) invalid(f, 'ContactTargetInfo needs the ContactId of the contact to engage.');
  const arn = parseContactsArn(info.ContactId);
  if (arn?.kind !== 'contact') invalid(f, `'${info.ContactId}' is not a contact ARN.`);
  if (arn.account !== owner.account) invalid(f, `'${info.ContactId}' is not a contact of account ${owner.account}.`);
  if (arn.path[0] === owner.alias) invalid(f, 'an escalation plan cannot engage itself.');
  return { ContactTargetInfo: { ContactId: info.ContactId, IsEssential: info.IsEssential } };
}

function rotationReference(arn: string, field: string, owner: PlanOwner): PlanReference {
  const parsed = parseContactsArn(arn);
  if (parsed?.kind !== 'rotation') invalid(field, `'${arn}' is not a rotation ARN (arn:aws:ssm-contacts:REGION:ACCOUNT:rotation/NAME).`);
  if (parsed.account !== owner.account) invalid(field, `'${arn}' is not a rotation of account ${owner.account}.`);
  return { kind: 'rotation', arn, field };
}

function unique(values: string[], field: string, what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) invalid(field, `the ${what} '${v}' is listed twice.`);
    seen.add(v);
  }
}

function invalid(field: string, reason: string): never {
  throw new ValidationError(field, `Invalid value for ${field}: ${reason}`);
}
