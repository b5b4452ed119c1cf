/**
 * The references between contacts, checked both ways: what a plan names must exist (and be of
 * the right kind), and a contact something still names cannot be deleted.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { ConflictError, ValidationError } from '../errors.js';
import { findArnsByEngagement } from '../response-plans/response-plan-store.js';
import type { ContactType, PlanReference } from './contact.js';
import { findExisting as findChannels } from './contact-channel-store.js';
import { findReferrers, findTypes } from './contact-store.js';
import type { RotationLookup } from './rotation-lookup.js';

/** Most ARNs one DependentEntity may list (SsmContactsArnList). */
const MAX_DEPENDENTS = 25;

/**
 * Checks that everything a plan of `contactArn` names exists, on `db` (the writing
 * transaction): its own channels, contacts that are personal contacts or on-call schedules
 * (AWS's console offers only those as escalation targets; an escalation plan naming another
 * could loop), the account's rotations.
 */
export async function checkPlanReferences(
  db: Kysely<DB>, contactArn: string, accountId: string, references: PlanReference[], rotations: RotationLookup,
): Promise<void> {
  const of = (kind: PlanReference['kind']) => references.filter((r) => r.kind === kind);
  const channels = await findChannels(db, contactArn, of('channel').map((r) => r.arn));
  for (const r of of('channel')) {
    if (!channels.has(r.arn)) invalid(r, `'${r.arn}' is not a channel of this contact (create it with CreateContactChannel first).`);
  }
  const types = await findTypes(db, of('contact').map((r) => r.arn));
  for (const r of of('contact')) {
    const type = types.get(r.arn);
    if (!type) invalid(r, `the contact '${r.arn}' does not exist.`);
    if (type === 'ESCALATION') invalid(r, `'${r.arn}' is an escalation plan; an escalation plan engages personal contacts and on-call schedules.`);
  }
  const rotationRefs = of('rotation');
  if (rotationRefs.length > 0) {
    const missing = new Set(await rotations.missing(db, accountId, rotationRefs.map((r) => r.arn)));
    for (const r of rotationRefs) if (missing.has(r.arn)) invalid(r, `the rotation '${r.arn}' does not exist.`);
  }
}

/**
 * Refuses to delete a contact that an escalation plan's stage or a response plan's
 * engagements still name (ConflictException listing them). (Issue 5 adds rotations whose
 * members name a personal contact.)
 */
export async function refuseIfReferenced(db: Kysely<DB>, contactArn: string, type: ContactType): Promise<void> {
  const escalations = await findReferrers(db, contactArn);
  const plans = await findArnsByEngagement(db, contactArn);
  if (escalations.length === 0 && plans.length === 0) return;
  const what = type === 'ESCALATION' ? 'escalation plan' : type === 'ONCALL_SCHEDULE' ? 'on-call schedule' : 'contact';
  const uses = [
    ...(escalations.length ? [`the escalation plans ${escalations.join(', ')}`] : []),
    ...(plans.length ? [`the response plans ${plans.join(', ')}`] : []),
  ];
  throw new ConflictError(
    `The ${what} ${contactArn} cannot be deleted while ${uses.join(' and ')} engage it; remove it from them first.`,
    'CONTACT', contactArn, [
      ...(escalations.length ? [{ relationType: 'ESCALATION_PLAN_STAGE', dependentResourceIds: escalations.slice(0, MAX_DEPENDENTS) }] : []),
      ...(plans.length ? [{ relationType: 'RESPONSE_PLAN_ENGAGEMENT', dependentResourceIds: plans.slice(0, MAX_DEPENDENTS) }] : []),
    ],
  );
}

function invalid(ref: PlanReference, reason: string): never {
  throw new ValidationError(ref.field, `Invalid value for ${ref.field}: ${reason}`);
}
