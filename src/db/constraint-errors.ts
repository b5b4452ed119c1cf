/**
 * Unique-key violations become domain errors through this one table, keyed by constraint
 * name (PostgreSQL reports it; SQLite reports the columns, listed beside it).
 */
import { ConflictError } from '../errors.js';

interface Rule {
  constraint: string;
  /** SQLite's "UNIQUE constraint failed: <columns>" text. */
  sqliteColumns: string;
  error: () => Error;
}

const rules: Rule[] = [
  {
    constraint: 'response_plans_account_name_key',
    sqliteColumns: 'response_plans.account_id, response_plans.name',
    error: () => new ConflictError('A response plan with this name already exists in the account.', 'RESPONSE_PLAN'),
  },
  {
    constraint: 'response_plans_pkey',
    sqliteColumns: 'response_plans.arn',
    error: () => new ConflictError('A response plan with this name already exists in the account.', 'RESPONSE_PLAN'),
  },
  {
    constraint: 'replication_sets_account_id_key',
    sqliteColumns: 'replication_sets.account_id',
    error: () => new ConflictError('A replication set already exists in this account.', 'REPLICATION_SET'),
  },
  {
    // Reached only by a race the incident service's own check did not see (a reopen).
    constraint: 'incidents_open_dedupe_key',
    sqliteColumns: 'incidents.account_id, incidents.open_dedupe',
    error: () => new ConflictError('Another OPEN incident already holds this dedupe string.', 'INCIDENT_RECORD'),
  },
  {
    constraint: 'related_items_value_key',
    sqliteColumns: 'related_items.incident_arn, related_items.item_type, related_items.value_key',
    error: () => new ConflictError('The related item is already attached to the incident.', 'INCIDENT_RECORD'),
  },
  {
    constraint: 'related_items_generated_id_key',
    sqliteColumns: 'related_items.incident_arn, related_items.generated_id',
    error: () => new ConflictError('A related item with this generatedId already exists on the incident.', 'INCIDENT_RECORD'),
  },
  {
    // Reached only by a race the contact service's own check did not see.
    constraint: 'contacts_account_alias_key',
    sqliteColumns: 'contacts.account_id, contacts.alias',
    error: () => new ConflictError('A contact with this alias already exists in the account.', 'CONTACT'),
  },
  {
    constraint: 'contacts_pkey',
    sqliteColumns: 'contacts.arn',
    error: () => new ConflictError('A contact with this alias already exists in the account.', 'CONTACT'),
  },
  {
    constraint: 'contact_channels_contact_address_key',
    sqliteColumns: 'contact_channels.contact_arn, contact_channels.type, contact_channels.address',
    error: () => new ConflictError('The contact already has a channel of this type with this delivery address.', 'CONTACT_CHANNEL'),
  },
];

/** The domain error for a database error, or the error itself when no rule matches. */
export function mapConstraintError(err: unknown): unknown {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e?.code === '23505' && e.constraint) {
    const rule = rules.find((r) => r.constraint === e.constraint);
    if (rule) return rule.error();
  }
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const rule = rules.find((r) => e.message?.endsWith(r.sqliteColumns));
    if (rule) return rule.error();
  }
  return err;
}

/** True for a unique violation of the named constraint (PostgreSQL) or columns (SQLite). */
export function isUniqueViolation(err: unknown, constraint: string, sqliteColumns: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e?.code === '23505') return e.constraint === constraint;
  return (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') && !!e.message?.endsWith(sqliteColumns);
}
