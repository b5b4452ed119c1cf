/**
 * Opaque nextToken values for keyset pagination. A token carries the sort key of the last
 * row a page returned (e.g. its seq), tagged with the list it belongs to, so the next page
 * starts right after that row however many rows were inserted meanwhile (an offset would
 * skip or repeat rows). Tokens are base64url JSON; callers must not rely on their form.
 */
import { ValidationError } from '../errors.js';

/** The paging members of a list request. */
export interface PageRequest {
  maxResults?: number;
  nextToken?: string;
}

/** One page of a list; nextToken is set when more rows follow. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** One component of a keyset position. */
export type KeyPart = string | number;

/** Makes the token that resumes `list` after the row whose sort key is `key`. */
export function encodePageToken(list: string, key: readonly KeyPart[]): string {
  return Buffer.from(JSON.stringify([list, ...key]), 'utf8').toString('base64url');
}

/**
 * Reads a token made by encodePageToken for the same `list` whose key has the given part
 * types; undefined when there is no token. Anything else is a ValidationError on `field`
 * (nextToken, or NextToken in the PascalCase services).
 */
export function decodePageToken(list: string, token: string | undefined, types: readonly ('string' | 'number')[], field = 'nextToken'): KeyPart[] | undefined {
  if (token === undefined || token === '') return undefined;
  let parsed: unknown;
  try {
    parsed = /^[A-Za-z0-9_-]+$/.test(token) ? JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) : undefined;
  } catch {
    parsed = undefined;
  }
  const ok = Array.isArray(parsed) && parsed.length === types.length + 1 && parsed[0] === list
    && types.every((t, i) => typeof parsed[i + 1] === t && (t === 'string' || Number.isFinite(parsed[i + 1])));
  if (!ok) throw new ValidationError(field, `Invalid value for ${field}: the token is not valid; pass the token returned by the previous call of this operation, unchanged.`);
  return (parsed as KeyPart[]).slice(1);
}

/**
 * Cuts the `limit + 1` rows a store fetched to one page; when there was a further row, the
 * token resumes after the page's last row (keyed by `keyOf`).
 */
export function toPage<T>(rows: T[], limit: number, list: string, keyOf: (row: T) => KeyPart[]): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, nextToken: encodePageToken(list, keyOf(items[items.length - 1])) };
}
