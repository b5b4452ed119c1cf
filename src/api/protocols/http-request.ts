import type { IncomingHttpHeaders } from 'node:http';

/** A request as read off the wire, body fully buffered. */
export interface RawRequest {
  method: string;
  /** Raw path as sent, percent-encoding intact, no query. */
  path: string;
  /** Raw query string without '?'. */
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The client's address (aws:SourceIp), when known. */
  remoteAddress?: string;
}

/** What a protocol encoder produces. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

/** Decodes a raw query string into name -> values ('+' is a space, as in forms). */
export function parseQuery(query: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!query) return out;
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  }
  return out;
}

/** decodeURIComponent that treats '+' as space and leaves malformed escapes as they are. */
export function safeDecode(text: string): string {
  const plus = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** Decodes a path label (no '+' rule in paths). */
export function decodeLabel(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
