/**
 * AWS Signature Version 4 (AWS4-HMAC-SHA256): verification of header and presigned-query
 * forms, and signing for tests and load generation. One canonicalization serves both.
 * Wire rules (WIRE.md): canonical URI = raw path percent-encoded once more per segment.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../errors.js';

/** A received request as the verifier needs it. */
export interface SignableRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}
/** The secret behind an access key id; a sessionToken, if set, must accompany requests. */
export interface SigningSecret { secretAccessKey: string; sessionToken?: string }
/**
 * Finds the secret for an access key id (undefined when unknown), given the request's session
 * token when it carried one (temporary credentials are resolved from their token).
 */
export type SecretLookup = (accessKeyId: string, sessionToken?: string) => SigningSecret | undefined | Promise<SigningSecret | undefined>;
/** What a successful verification established. */
export interface VerifiedSignature { accessKeyId: string; region: string; service: string; signedAt: Date; presigned: boolean; sessionToken?: string }

type Headers = Record<string, string | string[] | undefined>;
type Pair = [string, string];
interface Credentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
interface ToSign { method: string; path: string; query?: string; headers: Record<string, string>; body?: Buffer | string }

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const MAX_EXPIRES = 604800;
const EMPTY = Buffer.alloc(0);
const HEX64 = /^[0-9a-fA-F]{64}$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
/** Headers never signed by signRequest/presign (hop-by-hop or rewritten by proxies), as in @smithy/signature-v4. */
const UNSIGNABLE = new Set(['authorization', 'connection', 'expect', 'keep-alive', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id']);

const fail = (code: string, status: number, message: string): never => {
  throw new AuthenticationError(code, status, message);
};
const incomplete = (message: string) => fail('IncompleteSignatureException', 400, message);
const invalid = (message: string) => fail('InvalidSignatureException', 403, message);
const unrecognized = () => fail('UnrecognizedClientException', 403, 'The security token included in the request is invalid.');
const MISMATCH = 'The request signature we calculated does not match the signature you provided. '
  + 'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

// ---------------------------------------------------------------- canonicalization (shared)

const sha256hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const hexOf = (c: string) => '%' + c.charCodeAt(0).toString(16).toUpperCase();
/** RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - . _ ~ (UTF-8). */
const enc = (s: string): string => (UNRESERVED.test(s) ? s : encodeURIComponent(s).replace(/[!'()*]/g, hexOf));
function dec(s: string): string {
  if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
  const t = s.replace(/\+/g, ' '); // as URLSearchParams reads it, so signed and parsed values agree
  try { return decodeURIComponent(t); } catch { return t; }
}

/** Canonical URI: dot and empty segments removed (as botocore and smithy do), each raw segment encoded again. */
function canonicalUri(path: string): string {
  if (path === '' || path === '/') return '/';
  const segs: string[] = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segs.pop(); else segs.push(enc(s));
  }
  const tail = segs.length > 0 && path.endsWith('/') ? '/' : '';
  return (path[0] === '/' ? '/' : '') + segs.join('/') + tail;
}

/** Raw query string to decoded (key, value) pairs, in wire order; empty pieces skipped. */
function parseQuery(query: string): Pair[] {
  const out: Pair[] = [];
  if (!query) return out;
  for (const part of query.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    out.push(i < 0 ? [dec(part), ''] : [dec(part.slice(0, i)), dec(part.slice(i + 1))]);
  }
  return out;
}

/** Canonical query: pairs re-encoded per RFC 3986, sorted by key then value. */
function canonicalQuery(pairs: readonly Pair[], skipSignature: boolean): string {
  const enc2: Pair[] = [];
  for (const [k, v] of pairs) {
    if (skipSignature && k.toLowerCase() === 'x-amz-signature') continue;
    enc2.push([enc(k), enc(v)]);
  }
  enc2.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  let out = '';
  for (let i = 0; i < enc2.length; i++) out += (i ? '&' : '') + enc2[i]![0] + '=' + enc2[i]![1];
  return out;
}

const trimAll = (v: string): string => v.trim().replace(/\s+/g, ' ');
const canonValue = (v: string | string[] | undefined): string =>
  v === undefined ? '' : typeof v === 'string' ? trimAll(v) : v.map(trimAll).join(',');
const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** String to sign over the canonical request; `names` are the lower-case signed header names in order. */
function stringToSign(method: string, path: string, cq: string, headers: Headers, names: readonly string[],
  payloadHash: string, amzDate: string, scope: string): string {
  let ch = '';
  for (const n of names) ch += n + ':' + canonValue(headers[n]) + '\n';
  const cr = `${method}\n${canonicalUri(path)}\n${cq}\n${ch}\n${names.join(';')}\n${payloadHash}`;
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256hex(cr)}`;
}

const keyCache = new Map<string, Buffer>();
/** Derived signing key for (secret, date, region, service), cached in a small bounded Map. */
function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const id = `${day}\n${region}\n${service}\n${secret}`;
  let k = keyCache.get(id);
  if (k) return k;
  k = createHmac('sha256', 'AWS4' + secret).update(day).digest();
  for (const part of [region, service, 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  if (keyCache.size >= 256) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(id, k);
  return k;
}
const sameSecret = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
const signHex = (key: Buffer, sts: string): string => createHmac('sha256', key).update(sts).digest('hex');

let lastSecond = NaN;
let lastAmzDate = '';
/** ISO-8601 basic format (yyyymmddThhmmssZ), memoized per second. */
function amzDateOf(d: Date): string {
  const s = Math.floor(d.getTime() / 1000);
  if (s !== lastSecond) {
    lastSecond = s;
    lastAmzDate = new Date(s * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  }
  return lastAmzDate;
}
function parseAmzDate(s: string): Date | undefined {
  const m = AMZ_DATE.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  return t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && h < 24 && mi < 60 && se < 60 ? t : undefined;
}

// ---------------------------------------------------------------- verification

interface Parsed { credential: string; names: string[]; signature: string; amzDate: string; signedAt: Date; expires?: number }

function parseHeaderAuth(auth: string, headers: Headers): Parsed {
  const sp = auth.indexOf(' ');
  const alg = sp < 0 ? auth : auth.slice(0, sp);
  const kv = new Map<string, string>();
  for (const piece of (sp < 0 ? '' : auth.slice(sp + 1)).split(',')) {
    const i = piece.indexOf('=');
    if (i > 0) kv.set(piece.slice(0, i).trim(), piece.slice(i + 1).trim());
  }
  if (alg !== ALGORITHM) incomplete(`Authorization header requires '${ALGORITHM}' algorithm. Authorization=${auth}`);
  const xDate = first(headers['x-amz-date']);
  const hDate = first(headers['date']);
  const missing: string[] = [];
  for (const p of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!kv.get(p)) missing.push(`Authorization header requires '${p}' parameter.`);
  }
  if (xDate === undefined && hDate === undefined) {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (missing.length) incomplete(`${missing.join(' ')} Authorization=${auth}`);
  let signedAt: Date | undefined;
  if (xDate !== undefined) signedAt = parseAmzDate(xDate.trim());
  else { const t = Date.parse(hDate!); if (!Number.isNaN(t)) signedAt = new Date(t); }
  if (!signedAt) incomplete(`Date must be in ISO-8601 'basic format'. Got '${xDate ?? hDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  return { credential: kv.get('Credential')!, names: kv.get('SignedHeaders')!.toLowerCase().split(';'),
    signature: kv.get('Signature')!, amzDate: amzDateOf(signedAt!), signedAt: signedAt! };
}

function parseQueryAuth(q: Map<string, string>): Parsed {
  const alg = q.get('X-Amz-Algorithm');
  if (alg !== ALGORITHM) incomplete(`X-Amz-Algorithm only supports '${ALGORITHM}'`);
  const missing = ['X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date', 'X-Amz-Expires']
    .filter((p) => !q.get(p));
  if (missing.length) {
    incomplete(missing.map((p) => `AWS query-string parameters must include '${p}'.`).join(' ') + ' Re-examine the query-string parameters.');
  }
  const expiresRaw = q.get('X-Amz-Expires')!;
  if (!/^\d+$/.test(expiresRaw)) incomplete('X-Amz-Expires should be a number');
  const expires = Number(expiresRaw);
  if (expires > MAX_EXPIRES) incomplete(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES}`);
  const amzDate = q.get('X-Amz-Date')!;
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt) incomplete(`Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  return { credential: q.get('X-Amz-Credential')!, names: q.get('X-Amz-SignedHeaders')!.toLowerCase().split(';'),
    signature: q.get('X-Amz-Signature')!, amzDate, signedAt: signedAt!, expires };
}

/** Payload hash as sent (checked against the body when it is a hex digest), else the body's SHA-256. */
function payloadHashOf(sent: string | undefined, body: Buffer): string {
  if (sent === undefined) return sha256hex(body);
  if (sent === UNSIGNED_PAYLOAD) return sent;
  if (!HEX64.test(sent) || sent.toLowerCase() !== sha256hex(body)) {
    invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  return sent;
}

/**
 * Verifies header-form or presigned-query-form SigV4 against `services` (and `regions`, when
 * given: a scope naming any other region is refused); throws AuthenticationError.
 */
export async function verifySignature(req: SignableRequest, lookup: SecretLookup,
  opts: { now: Date; services: readonly string[]; regions?: readonly string[]; maxSkewMs?: number }): Promise<VerifiedSignature> {
  const auth = first(req.headers['authorization']);
  const pairs = parseQuery(req.query);
  const presigned = pairs.some((p) => p[0] === 'X-Amz-Algorithm');
  if (auth === undefined && !presigned) fail('MissingAuthenticationTokenException', 403, 'Request is missing Authentication Token');
  if (auth !== undefined && presigned) {
    incomplete('Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified');
  }
  const q = presigned ? new Map(pairs) : undefined;
  const p = q ? parseQueryAuth(q) : parseHeaderAuth(auth!, req.headers);

  if (!p.names.includes('host')) incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  const scope = p.credential.split('/');
  if (scope.length !== 5) {
    incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${p.credential}'`);
  }
  const [accessKeyId, day, region, service, term] = scope as [string, string, string, string, string];
  if (term !== 'aws4_request') incomplete(`Credential should be scoped with a valid terminator: 'aws4_request', not '${term}'.`);
  if (!region) incomplete('Credential should be scoped to a valid region.');
  if (opts.regions && !opts.regions.includes(region)) invalid('Credential should be scoped to a valid region.');
  if (!opts.services.includes(service)) invalid(`Credential should be scoped to correct service: '${opts.services[0] ?? ''}'.`);
  if (day !== p.amzDate.slice(0, 8)) {
    invalid(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${day}' != '${p.amzDate.slice(0, 8)}', from '${p.amzDate}'.`);
  }

  const skew = opts.maxSkewMs ?? 15 * 60_000;
  const now = opts.now.getTime();
  const t = p.signedAt.getTime();
  const mins = `${skew / 60_000} min.`;
  const nowS = amzDateOf(opts.now);
  if (t > now + skew) {
    invalid(`Signature not yet current: ${p.amzDate} is still later than ${amzDateOf(new Date(now + skew))} (${nowS} + ${mins})`);
  }
  if (p.expires !== undefined) {
    if (t + p.expires * 1000 < now) {
      invalid(`Signature expired: ${amzDateOf(new Date(t + p.expires * 1000))} is now earlier than ${nowS} (${p.amzDate} + ${p.expires} sec.)`);
    }
  } else if (t < now - skew) {
    invalid(`Signature expired: ${p.amzDate} is now earlier than ${amzDateOf(new Date(now - skew))} (${nowS} - ${mins})`);
  }

  const token = (q && q.get('X-Amz-Security-Token')) ?? first(req.headers['x-amz-security-token']);
  const secret = await lookup(accessKeyId, token || undefined);
  if (!secret) return unrecognized();
  const expectedToken = secret.sessionToken ?? '';
  if ((expectedToken !== '' || (token ?? '') !== '') && !sameSecret(expectedToken, token ?? '')) unrecognized();

  let sentHash: string | undefined;
  if (q) for (const [k, v] of q) if (k.toLowerCase() === 'x-amz-content-sha256') sentHash = v;
  sentHash ??= first(req.headers['x-amz-content-sha256'])?.trim();
  const payloadHash = payloadHashOf(sentHash, req.body);

  const sts = stringToSign(req.method, req.path, canonicalQuery(pairs, presigned), req.headers, p.names,
    payloadHash, p.amzDate, `${day}/${region}/${service}/aws4_request`);
  const expected = Buffer.from(signHex(signingKey(secret.secretAccessKey, day, region, service), sts), 'latin1');
  const given = Buffer.from(p.signature, 'latin1');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) invalid(MISMATCH);
  return { accessKeyId, region, service, signedAt: p.signedAt, presigned, ...(token ? { sessionToken: token } : {}) };
}

// ---------------------------------------------------------------- signing

/** Lower-cased signable headers of a request to sign. */
function signableHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in headers) {
    const l = k.toLowerCase();
    if (!UNSIGNABLE.has(l)) out[l] = headers[k]!;
  }
  return out;
}

/** Signs a request; returns authorization, x-amz-date, x-amz-content-sha256 (and x-amz-security-token) headers to add. */
export function signRequest(req: ToSign, cred: Credentials, opts: { region: string; service: string; now?: Date }): Record<string, string> {
  const amzDate = amzDateOf(opts.now ?? new Date());
  const day = amzDate.slice(0, 8);
  const h = signableHeaders(req.headers);
  const payloadHash = h['x-amz-content-sha256'] ?? sha256hex(req.body ?? EMPTY);
  h['x-amz-date'] = amzDate;
  h['x-amz-content-sha256'] = payloadHash;
  if (cred.sessionToken) h['x-amz-security-token'] = cred.sessionToken;
  const names = Object.keys(h).sort();
  const scope = `${day}/${opts.region}/${opts.service}/aws4_request`;
  const sts = stringToSign(req.method.toUpperCase(), req.path, canonicalQuery(parseQuery(req.query ?? ''), false), h, names,
    payloadHash, amzDate, scope);
  const sig = signHex(signingKey(cred.secretAccessKey, day, opts.region, opts.service), sts);
  const out: Record<string, string> = {
    authorization: `${ALGORITHM} Credential=${cred.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${sig}`,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': payloadHash,
  };
  if (cred.sessionToken) out['x-amz-security-token'] = cred.sessionToken;
  return out;
}

/** Builds a presigned `path?query` (given headers are signed and must be sent; payload hash = their x-amz-content-sha256, else the body's SHA-256). */
export function presign(req: ToSign, cred: Credentials,
  opts: { region: string; service: string; now?: Date; expiresSeconds: number }): string {
  const amzDate = amzDateOf(opts.now ?? new Date());
  const day = amzDate.slice(0, 8);
  const h = signableHeaders(req.headers);
  const names = Object.keys(h).sort();
  const scope = `${day}/${opts.region}/${opts.service}/aws4_request`;
  const pairs = parseQuery(req.query ?? '');
  pairs.push(['X-Amz-Algorithm', ALGORITHM], ['X-Amz-Credential', `${cred.accessKeyId}/${scope}`], ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(opts.expiresSeconds)], ['X-Amz-SignedHeaders', names.join(';')]);
  if (cred.sessionToken) pairs.push(['X-Amz-Security-Token', cred.sessionToken]);
  const cq = canonicalQuery(pairs, true);
  const payloadHash = h['x-amz-content-sha256'] ?? sha256hex(req.body ?? EMPTY);
  const sts = stringToSign(req.method.toUpperCase(), req.path, cq, h, names, payloadHash, amzDate, scope);
  return `${req.path}?${cq}&X-Amz-Signature=${signHex(signingKey(cred.secretAccessKey, day, opts.region, opts.service), sts)}`;
}

/** Signing service named by the Authorization credential scope or X-Amz-Credential query, unverified. */
export function signingServiceOf(req: SignableRequest): string | undefined {
  const auth = first(req.headers['authorization']);
  let cred: string | undefined;
  if (auth !== undefined) cred = /Credential=([^,\s]+)/.exec(auth)?.[1];
  else if (req.query.includes('X-Amz-Credential')) cred = parseQuery(req.query).find((p) => p[0] === 'X-Amz-Credential')?.[1];
  const parts = cred?.split('/');
  return parts && parts.length === 5 && parts[3] ? parts[3] : undefined;
}
