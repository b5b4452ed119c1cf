/**
 * One HTTP POST with a deadline, for the REST and webhook adapters. A refused connection, a
 * reset or the deadline becomes a transient DeliveryError; any answer, 2xx or not, is returned
 * for the adapter to judge. Redirects are not followed (a provider URL that redirects is a
 * configuration mistake the adapter reports).
 *
 * Error messages name the URL's origin only: webhook URLs often carry a token in their path.
 */
import { DeliveryError } from './delivery.js';

/** What the server answered. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The body as text (read under the same deadline). */
  text: string;
}

/** POSTs `body` once; throws a transient DeliveryError when no answer arrives within `timeoutMs`. */
export async function postOnce(
  url: string,
  request: { headers: Record<string, string>; body: string },
  opts: { timeoutMs: number; provider: string },
): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const origin = new URL(url).origin;
  try {
    const res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || signal.aborted) {
      throw new DeliveryError(`${opts.provider}: ${origin} did not answer within ${opts.timeoutMs} ms`, false, opts.provider);
    }
    const why = e.cause?.code ?? e.cause?.message ?? e.message;
    throw new DeliveryError(`${opts.provider}: request to ${origin} failed: ${why}`, false, opts.provider);
  }
}

/** The first `max` characters of a response body, on one line, for an error message. */
export function excerpt(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** The body parsed as a JSON object, or undefined when it is not one. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
