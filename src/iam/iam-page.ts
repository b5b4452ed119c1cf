/**
 * IAM's paging: MaxItems (1–1000, default 100), an opaque Marker resuming after the last item
 * returned, IsTruncated. Markers are the keyset tokens of src/db/page-token.ts.
 */
import { decodePageToken, encodePageToken, type KeyPart } from '../db/page-token.js';
import { ValidationError } from '../errors.js';
import type { IamPage, IamPageRequest } from './iam.js';

/** IAM's default page size. */
export const DEFAULT_MAX_ITEMS = 100;

/** The keyset position a Marker names for `list`, or undefined without one. */
export function decodeMarker(list: string, page: IamPageRequest, types: readonly ('string' | 'number')[]): KeyPart[] | undefined {
  try {
    return decodePageToken(list, page.marker, types);
  } catch {
    throw new ValidationError('Marker', 'Invalid Marker: pass the Marker returned by the previous call of this operation, unchanged.')
      .as('InvalidInputException');
  }
}

/** The page size asked for. */
export function pageSize(page: IamPageRequest): number {
  const n = page.maxItems ?? DEFAULT_MAX_ITEMS;
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new ValidationError('maxItems', `1 validation error detected: Value '${n}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`);
  }
  return n;
}

/** Cuts `size + 1` fetched rows to a page with the Marker of its last row when more follow. */
export function toIamPage<T>(rows: T[], size: number, list: string, keyOf: (row: T) => KeyPart[]): IamPage<T> {
  if (rows.length <= size) return { items: rows };
  const items = rows.slice(0, size);
  return { items, marker: encodePageToken(list, keyOf(items[items.length - 1])) };
}
