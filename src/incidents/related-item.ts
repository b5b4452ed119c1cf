/**
 * Related items of an incident: an identifier (type + one ItemValue member: arn, url,
 * metricDefinition or pagerDutyIncidentDetail), a title, and a generatedId the service
 * assigns ('related-item/<TYPE>/<32 upper-case hex>'). Two items with the same type and
 * value are the same item.
 */
import { randomBytes } from 'node:crypto';
import type { ItemIdentifier, ItemValue, RelatedItem } from '../api/models/ssm-incidents.types.js';
import { ValidationError } from '../errors.js';

/** A related item as stored: its generatedId is always set. */
export type StoredRelatedItem = RelatedItem & { generatedId: string };

/** A fresh generatedId for an item of `type`. */
export function generateRelatedItemId(type: ItemIdentifier['type']): string {
  return `related-item/${type}/${randomBytes(16).toString('hex').toUpperCase()}`;
}

/**
 * The comparable form of an item's value: the union member's name and its value (a PagerDuty
 * incident is identified by its id; its secretId and autoResolve are settings, not identity).
 */
export function valueKeyOf(value: ItemValue): string {
  if (value.pagerDutyIncidentDetail) return `pagerDutyIncidentDetail:${value.pagerDutyIncidentDetail.id}`;
  const member = (['arn', 'url', 'metricDefinition'] as const).find((m) => value[m] !== undefined) ?? 'arn';
  return `${member}:${value[member] ?? ''}`;
}

/**
 * Checks items given to StartIncident: no two alike (same type and value, or same
 * generatedId), each gets a generatedId when it has none (a given one the model already
 * checked against the pattern).
 */
export function normalizeNewRelatedItems(items: RelatedItem[], field: string): StoredRelatedItem[] {
  const values = new Set<string>();
  const ids = new Set<string>();
  return items.map((item, i) => {
    const value = `${item.identifier.type}/${valueKeyOf(item.identifier.value)}`;
    const generatedId = item.generatedId ?? generateRelatedItemId(item.identifier.type);
    if (values.has(value) || ids.has(generatedId)) {
      throw new ValidationError(`${field}.${i + 1}.member`, `Invalid value for ${field}: item ${i + 1} repeats an earlier item (same type and value, or same generatedId).`);
    }
    values.add(value);
    ids.add(generatedId);
    return { ...item, generatedId };
  });
}

/** Checks UpdateRelatedItems' itemToAdd: the service assigns the generatedId, so none may be given. */
export function normalizeItemToAdd(item: RelatedItem): StoredRelatedItem {
  if (item.generatedId !== undefined) {
    throw new ValidationError('relatedItemsUpdate.itemToAdd.generatedId', 'Invalid value for relatedItemsUpdate.itemToAdd.generatedId: the generatedId is assigned by Incident Manager and cannot be given.');
  }
  return { ...item, generatedId: generateRelatedItemId(item.identifier.type) };
}
