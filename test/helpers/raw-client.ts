/** Raw signed HTTP requests, for wire tests that the SDK would not send as they are. */
import { signRequest } from '../../src/api/sigv4.js';

/** A raw answer. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** Sends a request signed with `cred` (unless `unsigned`) for `region` and returns status, headers and body. */
export async function rawRequest(url: string, opts: {
  method?: string; path: string; query?: string; headers?: Record<string, string>; body?: string | Buffer;
  cred?: { accessKeyId: string; secretAccessKey: string }; service?: string; unsigned?: boolean; now?: Date;
  /** Region of the credential scope; default 'us-east-1'. */
  region?: string;
}): Promise<RawAnswer> {
  const method = opts.method ?? 'POST';
  const host = new URL(url).host;
  const headers: Record<string, string> = { host, ...(opts.headers ?? {}) };
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
  if (!opts.unsigned && opts.cred) {
    Object.assign(headers, signRequest({ method, path: opts.path, query: opts.query, headers, body }, opts.cred, {
      region: opts.region ?? 'us-east-1', service: opts.service ?? 'ssm-incidents', now: opts.now,
    }));
  }
  delete headers.host;
  const res = await fetch(`${url}${opts.path}${opts.query ? `?${opts.query}` : ''}`, { method, headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
