/**
 * The seam between engagements and rotations: who an ONCALL_SCHEDULE contact has on call at
 * an instant. Issue 5 (rotations) fills it with the shift engine over the rotations its plan
 * names (Plan.RotationIds); until rotations are served no rotation can exist, so nobody is on
 * call and engaging a schedule pages nobody (logged as "nobody is on call").
 */
import type { Kysely } from 'kysely';
import type { Contact } from '../contacts/contact.js';
import type { DB } from '../db/schema.js';

/** Who is on call. */
export interface OnCallSource {
  /** ARNs of the personal contacts `schedule` has on call at `at`, read on `db` (the caller's transaction). */
  onCall(db: Kysely<DB>, schedule: Contact, at: Date): Promise<string[]>;
}

/** Before issue 5: no rotations exist, so nobody is on call. */
export const noRotationsYet: OnCallSource = { onCall: async () => [] };
