/**
 * IAM wildcards: `*` matches any run of characters (also none), `?` exactly one. Patterns are
 * compiled once into the cheapest test that does the job (equality, a prefix check, or an anchored
 * RegExp) and the compiled form is cached, so a policy attached to many principals costs one compile.
 *
 * ARN patterns (Resource elements and the Arn* condition operators) match "per colon-separated
 * segment" as AWS documents for ArnLike: a wildcard in one of the first five segments
 * (arn:partition:service:region:account) never crosses a colon, while the last segment of the
 * pattern (the resource part, which may itself contain colons) matches the rest of the ARN.
 */

/** A compiled pattern: true when the whole value matches. */
export type GlobMatcher = (value: string) => boolean;

/** One piece of a pattern: text whose `*`/`?` are wildcards, or literal text (a substituted variable). */
export interface GlobChunk {
  readonly text: string;
  readonly wildcards: boolean;
}

const ANY: GlobMatcher = () => true;
const matcherCache = new Map<string, GlobMatcher>();
const regExpCache = new Map<string, RegExp>();
const REGEXP_CACHE_LIMIT = 1024;
const MATCHER_CACHE_LIMIT = 16384;

/** True when the text holds a `*` or `?`. */
export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/**
 * Compiles a pattern (cached). `arn` selects per-segment ARN matching; `ignoreCase` compares
 * case-insensitively (the pattern and each value are lower-cased; callers on a hot path should
 * instead lower-case the pattern and the value themselves and leave this false).
 */
export function compileGlob(pattern: string, opts: { arn?: boolean; ignoreCase?: boolean } = {}): GlobMatcher {
  const key = `${opts.arn ? 'a' : 'p'}${opts.ignoreCase ? 'i' : 's'}${pattern}`;
  let m = matcherCache.get(key);
  if (m === undefined) {
    m = opts.ignoreCase ? lowerCasing(build(pattern.toLowerCase(), opts.arn === true)) : build(pattern, opts.arn === true);
    if (matcherCache.size >= MATCHER_CACHE_LIMIT) matcherCache.clear(); // compiled policies keep their own
    matcherCache.set(key, m);
  }
  return m;
}

/** One-off match of a value against a pattern (compiled and cached on first use). */
export function matchesGlob(pattern: string, value: string, opts: { arn?: boolean; ignoreCase?: boolean } = {}): boolean {
  return compileGlob(pattern, opts)(value);
}

function lowerCasing(m: GlobMatcher): GlobMatcher {
  return (value) => m(value.toLowerCase());
}

function build(pattern: string, arn: boolean): GlobMatcher {
  if (pattern === '*') return ANY;
  if (!hasWildcard(pattern)) return (value) => value === pattern;
  // "prefix*" with no other wildcard is a prefix test, also for an ARN: the last segment of a
  // pattern always matches the rest of the value.
  if (pattern.indexOf('*') === pattern.length - 1 && !pattern.includes('?')) {
    const prefix = pattern.slice(0, -1);
    return (value) => value.startsWith(prefix);
  }
  const re = new RegExp(globRegExpSource([{ text: pattern, wildcards: true }], arn), 's');
  return (value) => re.test(value);
}

function colonCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 58) n++;
  return n;
}

/** Escapes a string for literal use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The anchored RegExp source for a pattern made of chunks. Without `arn`, wildcards match any
 * characters; with `arn`, a wildcard before the pattern's fifth colon (and not in its last
 * segment) stays inside its segment.
 */
export function globRegExpSource(chunks: readonly GlobChunk[], arn: boolean): string {
  let tailFrom = 0; // not an ARN: every wildcard may cross colons
  if (arn) {
    let colons = 0;
    for (const c of chunks) colons += colonCount(c.text);
    tailFrom = Math.min(5, colons);
  }
  let out = '^';
  let segment = 0;
  for (const chunk of chunks) {
    const t = chunk.text;
    for (let i = 0; i < t.length; i++) {
      const ch = t[i]!;
      const tail = segment >= tailFrom;
      if (chunk.wildcards && ch === '*') out += tail ? '.*' : '[^:]*';
      else if (chunk.wildcards && ch === '?') out += tail ? '.' : '[^:]';
      else out += escapeRegExp(ch);
      if (ch === ':') segment++;
    }
  }
  return out + '$';
}

/** A RegExp for a source built per request (patterns with variables), from a bounded cache. */
export function cachedRegExp(source: string): RegExp {
  let re = regExpCache.get(source);
  if (re === undefined) {
    if (regExpCache.size >= REGEXP_CACHE_LIMIT) regExpCache.clear();
    re = new RegExp(source, 's');
    regExpCache.set(source, re);
  }
  return re;
}
