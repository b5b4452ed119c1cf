/**
 * The seam between on-call schedules and rotations. An ONCALL_SCHEDULE contact's plan names
 * rotations (Plan.RotationIds); the contact service checks their ARNs' form and account itself
 * (src/contacts/contact.ts) and asks a RotationLookup whether they exist.
 *
 * Issue 5 (rotations) brings CreateRotation and the rotations table, and replaces
 * `rotationsNotYetServed` with a lookup over that table (in the same transaction, so a rotation
 * cannot be deleted while a schedule naming it is written). Until then no rotation can exist,
 * so every well-formed rotation ARN of the account is taken on trust.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** Tells which rotations of an account do not exist. */
export interface RotationLookup {
  /** The ARNs among `rotationArns` that name no rotation of `accountId` (read on `db`, the caller's transaction). */
  missing(db: Kysely<DB>, accountId: string, rotationArns: string[]): Promise<string[]>;
}

/** Before issue 5: rotations are not served yet, so none can be checked; every ARN is accepted. */
export const rotationsNotYetServed: RotationLookup = {
  missing: async () => [],
};
