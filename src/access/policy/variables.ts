/**
 * IAM policy variables ("IAM policy elements: Variables and tags"): `${key}` in a Resource,
 * NotResource or string/ARN/Bool condition value is replaced by the request context's value of
 * `key` (names are case-insensitive), `${key, 'default'}` falls back to the quoted text (a quote
 * inside it is written ''), and `${*}`, `${?}`, `${$}` stand for those characters taken literally
 * (not as wildcards). Only documents of Version 2012-10-17 have variables; in 2008-10-17 the text is
 * literal. A variable with no value (key missing, or multivalued: AWS does not substitute
 * multivalued keys) and no default makes the element it is in match nothing.
 *
 * Substituted values are literal text, never wildcards: a tag value holding `*` does not widen the
 * pattern it lands in.
 */
import { cachedRegExp, compileGlob, globRegExpSource, type GlobChunk } from './wildcard.js';

/** The request context as the evaluator reads it; `keyLower` is the lower-cased key name. */
export interface ContextLookup {
  get(keyLower: string): string | readonly string[] | undefined;
}

/** One piece of a value that may hold variables. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'variable'; readonly key: string; readonly fallback: string | undefined };

/** A parsed value: `dynamic` when at least one part is a variable. */
export interface Template {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  readonly dynamic: boolean;
}

const SPECIAL = new Set(['*', '?', '$']);
const KEY = /^[^\s,'{}$]+$/;
const KEY_WITH_DEFAULT = /^([^\s,'{}$]+)\s*,\s*'((?:[^']|'')*)'$/;

/** Parses `${...}` references out of a value (with 2012-10-17 semantics). */
export function parseTemplate(source: string): Template {
  const parts: TemplatePart[] = [];
  let text = '';
  let dynamic = false;
  let i = 0;
  while (i < source.length) {
    const start = source.indexOf('${', i);
    if (start < 0) break;
    const end = closingBrace(source, start + 2);
    if (end < 0) break;
    const part = referenceOf(source.slice(start + 2, end).trim());
    if (part === undefined) {
      text += source.slice(i, end + 1);
    } else {
      text += source.slice(i, start);
      if (text !== '') parts.push({ kind: 'text', text });
      text = '';
      parts.push(part);
      if (part.kind === 'variable') dynamic = true;
    }
    i = end + 1;
  }
  text += source.slice(i);
  if (text !== '' || parts.length === 0) parts.push({ kind: 'text', text });
  return { source, parts, dynamic };
}

/** The `}` that closes a reference opened before `from`, skipping quoted defaults; -1 if none. */
function closingBrace(s: string, from: number): number {
  let quoted = false;
  for (let j = from; j < s.length; j++) {
    const ch = s[j];
    if (ch === "'") quoted = !quoted; // '' inside a quote toggles twice: still quoted
    else if (ch === '}' && !quoted) return j;
  }
  return -1;
}

function referenceOf(inner: string): TemplatePart | undefined {
  if (SPECIAL.has(inner)) return { kind: 'literal', text: inner };
  if (KEY.test(inner)) return { kind: 'variable', key: inner.toLowerCase(), fallback: undefined };
  const m = KEY_WITH_DEFAULT.exec(inner);
  if (m) return { kind: 'variable', key: m[1]!.toLowerCase(), fallback: m[2]!.replace(/''/g, "'") };
  return undefined; // not a reference IAM understands: kept as text
}

/** The value of a variable: the context's single value, else its default; undefined when neither. */
export function resolveVariable(part: { key: string; fallback: string | undefined }, ctx: ContextLookup): string | undefined {
  const v = ctx.get(part.key);
  return typeof v === 'string' ? v : part.fallback;
}

/** The template as a plain string with its variables substituted; undefined when one has no value. */
export function resolveString(t: Template, ctx: ContextLookup): string | undefined {
  let out = '';
  for (const part of t.parts) {
    if (part.kind === 'variable') {
      const v = resolveVariable(part, ctx);
      if (v === undefined) return undefined;
      out += v;
    } else {
      out += part.text;
    }
  }
  return out;
}

/**
 * The template as glob chunks: policy text keeps its wildcards, `${*}`-style literals and
 * substituted values do not. Undefined when a variable has no value.
 */
export function resolveChunks(t: Template, ctx: ContextLookup | undefined): GlobChunk[] | undefined {
  const chunks: GlobChunk[] = [];
  for (const part of t.parts) {
    let text: string | undefined;
    if (part.kind === 'variable') text = ctx === undefined ? undefined : resolveVariable(part, ctx);
    else text = part.text;
    if (text === undefined) return undefined;
    chunks.push({ text, wildcards: part.kind === 'text' });
  }
  return chunks;
}

/** True when some policy-text part of the template holds a wildcard. */
export function templateHasWildcard(t: Template): boolean {
  return t.parts.some((p) => p.kind === 'text' && (p.text.includes('*') || p.text.includes('?')));
}

/** A compiled wildcard pattern that may hold variables; `ctx` supplies their values. */
export type PatternMatcher = (value: string, ctx: ContextLookup) => boolean;

const NEVER: PatternMatcher = () => false;

/**
 * Compiles a Resource/NotResource entry or a StringLike/Arn* condition value. `variables` is
 * false for 2008-10-17 documents (the text is then a plain pattern). Patterns without variables
 * compile to a cached matcher; with variables, the substituted pattern's RegExp comes from a
 * bounded cache, so repeated requests by one principal compile nothing.
 */
export function compilePattern(source: string, opts: { arn: boolean; variables: boolean }): PatternMatcher {
  const arn = opts.arn;
  if (!opts.variables || !source.includes('${')) return compileGlob(source, { arn });
  const t = parseTemplate(source);
  if (!templateHasWildcard(t)) {
    if (!t.dynamic) {
      const literal = resolveString(t, EMPTY)!;
      return (value) => value === literal;
    }
    return (value, ctx) => resolveString(t, ctx) === value;
  }
  if (!t.dynamic) {
    const chunks = resolveChunks(t, undefined);
    if (chunks === undefined) return NEVER;
    const re = new RegExp(globRegExpSource(chunks, arn), 's');
    return (value) => re.test(value);
  }
  return (value, ctx) => {
    const chunks = resolveChunks(t, ctx);
    return chunks !== undefined && cachedRegExp(globRegExpSource(chunks, arn)).test(value);
  };
}

const EMPTY: ContextLookup = { get: () => undefined };
