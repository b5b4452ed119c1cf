/**
 * The Condition element ("IAM JSON policy elements: Condition operators" and "Conditions with
 * multiple context keys or values"), compiled once per policy:
 * - operators in one block, and keys under one operator, are AND-ed; the values of one key are
 *   OR-ed (NOR-ed for a negated operator: StringNotEquals {k: [a, b]} holds when k is neither);
 * - a key absent from the request context makes the condition false, except that a negated
 *   operator (StringNot*, ArnNot*, NumericNotEquals, DateNotEquals, NotIpAddress) is then TRUE
 *   (AWS: "If the policy condition requires that the key is not matched ... and the right key is
 *   not present, the condition is true"), `...IfExists` is true, and Null tests presence itself;
 * - ForAllValues: every request value must match (true when the key is absent or empty);
 *   ForAnyValue: at least one must (false when absent). Without a qualifier, a multivalued key
 *   matches a positive operator when any of its values does, and a negated one when none does;
 * - key names are case-insensitive; values are case-sensitive except for the IgnoreCase
 *   operators and Bool; ArnEquals behaves exactly like ArnLike (AWS documents both as the same
 *   per-segment wildcard match).
 */
import { BlockList, isIP } from 'node:net';
import type { ConditionEntry } from './policy-document.js';
import { compilePattern, parseTemplate, resolveString, type ContextLookup, type PatternMatcher, type Template } from './variables.js';

type Family = 'string' | 'ignoreCase' | 'like' | 'arn' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'null';
type Comparison = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

/** A condition operator name taken apart: `ForAnyValue:StringNotLikeIfExists`. */
export interface ConditionOperator {
  readonly family: Family;
  readonly negated: boolean;
  readonly comparison: Comparison;
  readonly qualifier: 'all' | 'any' | undefined;
  readonly ifExists: boolean;
}

const BASE: Record<string, [Family, boolean, Comparison]> = {
  StringEquals: ['string', false, 'eq'], StringNotEquals: ['string', true, 'eq'],
  StringEqualsIgnoreCase: ['ignoreCase', false, 'eq'], StringNotEqualsIgnoreCase: ['ignoreCase', true, 'eq'],
  StringLike: ['like', false, 'eq'], StringNotLike: ['like', true, 'eq'],
  ArnEquals: ['arn', false, 'eq'], ArnLike: ['arn', false, 'eq'], ArnNotEquals: ['arn', true, 'eq'], ArnNotLike: ['arn', true, 'eq'],
  NumericEquals: ['numeric', false, 'eq'], NumericNotEquals: ['numeric', true, 'eq'],
  NumericLessThan: ['numeric', false, 'lt'], NumericLessThanEquals: ['numeric', false, 'le'],
  NumericGreaterThan: ['numeric', false, 'gt'], NumericGreaterThanEquals: ['numeric', false, 'ge'],
  DateEquals: ['date', false, 'eq'], DateNotEquals: ['date', true, 'eq'],
  DateLessThan: ['date', false, 'lt'], DateLessThanEquals: ['date', false, 'le'],
  DateGreaterThan: ['date', false, 'gt'], DateGreaterThanEquals: ['date', false, 'ge'],
  Bool: ['bool', false, 'eq'], BinaryEquals: ['binary', false, 'eq'],
  IpAddress: ['ip', false, 'eq'], NotIpAddress: ['ip', true, 'eq'],
  Null: ['null', false, 'eq'],
};

/** Takes an operator name apart; undefined when IAM does not know it (names are case-sensitive). */
export function parseConditionOperator(name: string): ConditionOperator | undefined {
  let rest = name;
  let qualifier: 'all' | 'any' | undefined;
  if (rest.startsWith('ForAllValues:')) { qualifier = 'all'; rest = rest.slice(13); }
  else if (rest.startsWith('ForAnyValue:')) { qualifier = 'any'; rest = rest.slice(12); }
  const ifExists = rest.endsWith('IfExists');
  if (ifExists) rest = rest.slice(0, -8);
  const base = Object.hasOwn(BASE, rest) ? BASE[rest] : undefined;
  if (base === undefined) return undefined;
  if (base[0] === 'null' && (ifExists || qualifier !== undefined)) return undefined;
  return { family: base[0], negated: base[1], comparison: base[2], qualifier, ifExists };
}

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[Tt](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** A date as IAM reads it (ISO 8601, or epoch seconds), in epoch milliseconds; undefined if unreadable. */
export function parseIamDate(text: string): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const m = ISO.exec(text);
  if (!m) return undefined;
  let iso = m[1]!;
  if (m[2] !== undefined) {
    let zone = m[3] ?? 'Z';
    if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
    iso += `T${m[2]}${zone.toUpperCase()}`;
  }
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

// Many policies compare against the same aws:CurrentTime within one request: remember the last one.
let lastDateText = '';
let lastDateValue: number | undefined;
function contextDate(text: string): number | undefined {
  if (text !== lastDateText) { lastDateText = text; lastDateValue = parseIamDate(text); }
  return lastDateValue;
}

function parseNumber(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

/** One operator applied to one key, ready to test. */
export interface CompiledCondition {
  readonly key: string;
  readonly op: ConditionOperator;
  /** True when one request value matches one of the policy values (the positive sense). */
  readonly matchOne: (value: string, ctx: ContextLookup) => boolean;
  /** Null only: the result when the key is absent (a policy value "true") / present ("false"). */
  readonly nullWhenAbsent: boolean;
  readonly nullWhenPresent: boolean;
}

/** Compiles a statement's condition entries; `variables` is true for Version 2012-10-17. */
export function compileConditions(entries: readonly ConditionEntry[], variables: boolean): CompiledCondition[] {
  return entries.map((e) => {
    const op = parseConditionOperator(e.operator);
    if (op === undefined) throw new Error(`unknown condition operator ${e.operator}`); // parsePolicyDocument rejects these
    const expects = op.family === 'null' ? new Set(e.values.map((v) => v.toLowerCase())) : undefined;
    return {
      key: e.key.toLowerCase(),
      op,
      matchOne: compileValues(op, e.values, variables),
      nullWhenAbsent: expects?.has('true') ?? false,
      nullWhenPresent: expects?.has('false') ?? false,
    };
  });
}

function compileValues(op: ConditionOperator, values: readonly string[], variables: boolean): CompiledCondition['matchOne'] {
  switch (op.family) {
    case 'string': case 'binary': return equalsAny(values, variables && op.family === 'string', false);
    case 'ignoreCase': return equalsAny(values, variables, true);
    case 'bool': return equalsAny(values.map((v) => v.toLowerCase()), variables, true);
    case 'like': case 'arn': return patternsAny(values.map((v) => compilePattern(v, { arn: op.family === 'arn', variables })));
    case 'numeric': return compareAny(values.map(parseNumber), op.comparison, parseNumber);
    case 'date': return compareAny(values.map((v) => parseIamDate(v) ?? NaN), op.comparison, (t) => contextDate(t) ?? NaN);
    case 'ip': return ipAny(values);
    case 'null': return () => false; // Null is decided by presence in conditionHolds
  }
}

/** Exact match against any value; templates (values with variables) are resolved per request. */
function equalsAny(values: readonly string[], variables: boolean, ignoreCase: boolean): CompiledCondition['matchOne'] {
  const fixed = new Set<string>();
  const templates: Template[] = [];
  for (const v of values) {
    const t = variables && v.includes('${') ? parseTemplate(v) : undefined;
    if (t?.dynamic) templates.push(t);
    else {
      const s = t ? resolveString(t, NO_CONTEXT)! : v;
      fixed.add(ignoreCase ? s.toLowerCase() : s);
    }
  }
  return (value, ctx) => {
    const v = ignoreCase ? value.toLowerCase() : value;
    if (fixed.has(v)) return true;
    for (let i = 0; i < templates.length; i++) {
      const s = resolveString(templates[i]!, ctx);
      if (s !== undefined && (ignoreCase ? s.toLowerCase() : s) === v) return true;
    }
    return false;
  };
}

const NO_CONTEXT: ContextLookup = { get: () => undefined };

function patternsAny(matchers: readonly PatternMatcher[]): CompiledCondition['matchOne'] {
  if (matchers.length === 1) return matchers[0]!;
  return (value, ctx) => {
    for (let i = 0; i < matchers.length; i++) if (matchers[i]!(value, ctx)) return true;
    return false;
  };
}

/** Numeric or date comparison of the request value against any policy value (NaN never matches). */
function compareAny(bounds: readonly number[], cmp: Comparison, read: (text: string) => number): CompiledCondition['matchOne'] {
  return (value) => {
    const x = read(value);
    if (Number.isNaN(x)) return false;
    for (let i = 0; i < bounds.length; i++) {
      const b = bounds[i]!;
      if (cmp === 'eq' ? x === b : cmp === 'lt' ? x < b : cmp === 'le' ? x <= b : cmp === 'gt' ? x > b : x >= b) return true;
    }
    return false;
  };
}

/** IpAddress: the request address lies in one of the CIDR ranges (a bare address is a /32 or /128). */
function ipAny(values: readonly string[]): CompiledCondition['matchOne'] {
  const list = new BlockList();
  for (const v of values) {
    const [addr = '', bits] = v.split('/');
    const family = isIP(addr);
    if (family === 0) continue; // IAM would have refused it; it matches nothing here
    const type = family === 6 ? 'ipv6' : 'ipv4';
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    try { list.addSubnet(addr, prefix, type); } catch { /* a bad prefix length matches nothing */ }
  }
  return (value) => {
    const family = isIP(value);
    return family !== 0 && list.check(value, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** Whether one compiled condition holds for the request. */
export function conditionHolds(c: CompiledCondition, ctx: ContextLookup): boolean {
  const v = ctx.get(c.key);
  const present = v !== undefined && (typeof v === 'string' || v.length > 0);
  const op = c.op;
  if (op.family === 'null') return present ? c.nullWhenPresent : c.nullWhenAbsent;
  if (!present) {
    if (op.ifExists || op.qualifier === 'all') return true;
    if (op.qualifier === 'any') return false;
    return op.negated;
  }
  if (typeof v === 'string') return c.matchOne(v, ctx) !== op.negated;
  const values = v as readonly string[];
  if (op.qualifier === 'all') {
    for (let i = 0; i < values.length; i++) if (c.matchOne(values[i]!, ctx) === op.negated) return false;
    return true;
  }
  if (op.qualifier === 'any') {
    for (let i = 0; i < values.length; i++) if (c.matchOne(values[i]!, ctx) !== op.negated) return true;
    return false;
  }
  for (let i = 0; i < values.length; i++) if (c.matchOne(values[i]!, ctx)) return !op.negated;
  return op.negated;
}
