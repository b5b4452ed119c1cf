/**
 * Model-driven input validation (Coral-style messages) and output serialization.
 * Each shape is compiled once per model into closures; recursive shapes resolve lazily.
 */
import { ValidationError } from '../errors.js';
import type { ServiceModel, ShapeModel } from './model.js';

type Violation = { path: string; value: unknown; constraint: string };
/** Validates a non-null value at `path`, records violations, returns the cleaned value. */
type Check = (v: any, path: string, errs: Violation[]) => any;
/** Serializes a non-null value; `null` stands for "pass the value through unchanged". */
type Out = ((v: any, path: string) => any) | null;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const MAX_RENDER = 1024;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const ZONE = /(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$/;
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** PostgreSQL text cannot hold U+0000, so no input string may (both backends then agree). */
const NUL_TEXT = 'Member must not contain the NUL character (U+0000)';
const UNICODE_TEXT = 'Member must be well-formed Unicode (no unpaired surrogates)';
/** String.prototype.isWellFormed (Node 20; typed only from lib ES2024, which would also admit APIs Node 20 lacks). */
type WellFormedCheck = string & { isWellFormed(): boolean };
/** Timestamps clients can read back: boto3 and most date libraries stop at year 9999; none before 1970. */
const MAX_TIMESTAMP_MS = 253402300799999; // 9999-12-31T23:59:59.999Z
const TIMESTAMP_RANGE_TEXT = 'Member must be a timestamp between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z';

const inputChecks = new WeakMap<ServiceModel, Map<string, Check>>();
const inputFns = new WeakMap<ServiceModel, Map<string, (value: unknown) => any>>();
const outputFns = new WeakMap<ServiceModel, Map<string, Out>>();
const outputEntry = new WeakMap<ServiceModel, Map<string, (value: any) => any>>();

function cacheOf<T>(store: WeakMap<ServiceModel, Map<string, T>>, model: ServiceModel): Map<string, T> {
  let m = store.get(model);
  if (!m) store.set(model, (m = new Map()));
  return m;
}

function shapeOf(model: ServiceModel, name: string): ShapeModel {
  const s = model.shapes[name];
  if (!s) throw new Error(`unknown shape ${name}`);
  return s;
}

/** Sets an own property, even one named `__proto__`. */
function put(obj: any, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Parses a date string to epoch ms; a date-time without a zone is read as UTC, not local time. */
function parseDate(v: string): number {
  return Date.parse(v.length > 10 && ISO_8601.test(v) && !ZONE.test(v) ? `${v}Z` : v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v);
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function truncate(s: string): string {
  if (s.length <= MAX_RENDER) return s;
  const cps = Array.from(s);
  return cps.length <= MAX_RENDER ? s : `${cps.slice(0, MAX_RENDER).join('')}...`;
}

/** Renders a value the way the Coral message shows it. */
function render(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return `'${truncate(v)}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return `'${v}'`;
  if (v instanceof Date) return String(v.getTime() / 1000);
  let json: string | undefined;
  try {
    json = JSON.stringify(v);
  } catch {} // cyclic values cannot come from JSON; fall back to String()
  return truncate(json ?? String(v));
}

function message(errs: Violation[]): string {
  const n = errs.length;
  const parts = errs.map(
    (e) => `Value ${render(e.value)}${e.path ? ` at '${e.path}'` : ''} failed to satisfy constraint: ${e.constraint}`,
  );
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${parts.join('; ')}`;
}

function compilePattern(p: string): RegExp {
  try {
    return new RegExp(p, 'u');
  } catch {
    return new RegExp(p); // some Coral patterns are not valid with 'u'; none in the current models
  }
}

function getCheck(model: ServiceModel, name: string): Check {
  const cache = cacheOf(inputChecks, model);
  const hit = cache.get(name);
  if (hit) return hit;
  let impl: Check | undefined;
  cache.set(name, (v, p, e) => impl!(v, p, e)); // placeholder for recursive references
  impl = buildCheck(model, name, shapeOf(model, name));
  cache.set(name, impl);
  return impl;
}

function lengthChecks(s: ShapeModel): ((n: number, v: unknown, path: string, errs: Violation[]) => void) | null {
  const { min, max } = s;
  if (min === undefined && max === undefined) return null;
  return (n, v, path, errs) => {
    if (min !== undefined && n < min)
      errs.push({ path, value: v, constraint: `Member must have length greater than or equal to ${min}` });
    if (max !== undefined && n > max)
      errs.push({ path, value: v, constraint: `Member must have length less than or equal to ${max}` });
  };
}

function buildCheck(model: ServiceModel, name: string, s: ShapeModel): Check {
  const typeError = (what: string): Check => (v, path, errs) => {
    errs.push({ path, value: v, constraint: `Member must be ${what}` });
    return undefined;
  };
  const range = (v: number, path: string, errs: Violation[]): void => {
    if (s.min !== undefined && v < s.min)
      errs.push({ path, value: v, constraint: `Member must have value greater than or equal to ${s.min}` });
    if (s.max !== undefined && v > s.max)
      errs.push({ path, value: v, constraint: `Member must have value less than or equal to ${s.max}` });
  };
  switch (s.type) {
    case 'string': {
      const len = lengthChecks(s);
      const { min, max } = s;
      // IAM's patterns are written unanchored but must match the whole value (it refuses 'a,b'
      // for [\p{L}\p{Z}\p{N}_.:/=+\-@]*), as Coral's query services match them.
      const anchored = model.metadata.protocol === 'query' && s.pattern !== undefined ? `^(?:${s.pattern})$` : s.pattern;
      const re = anchored !== undefined ? compilePattern(anchored) : null;
      const enumSet = s.enum ? new Set(s.enum) : null;
      const enumText = s.enum ? `Member must satisfy enum value set: [${s.enum.join(', ')}]` : '';
      const patternText = `Member must satisfy regular expression pattern: ${s.pattern}`;
      const notString = typeError('a string');
      return (v, path, errs) => {
        if (typeof v !== 'string') return notString(v, path, errs);
        if (len) {
          const L = v.length;
          // UTF-16 length bounds the code-point count: n <= L and n >= L/2.
          const n = (max !== undefined && L > max) || (min !== undefined && L < 2 * min) ? codePoints(v) : L;
          len(n, v, path, errs);
        }
        if (re !== null && !re.test(v)) errs.push({ path, value: v, constraint: patternText });
        if (enumSet !== null && !enumSet.has(v)) errs.push({ path, value: v, constraint: enumText });
        if (v.includes('\u0000')) errs.push({ path, value: v, constraint: NUL_TEXT });
        // A lone surrogate is valid in JSON text but not Unicode: PostgreSQL's json rejects it later.
        if (!(v as WellFormedCheck).isWellFormed()) errs.push({ path, value: v, constraint: UNICODE_TEXT });
        return v;
      };
    }
    case 'integer':
    case 'long': {
      const int32 = s.type === 'integer';
      const bad = typeError(int32 ? 'an integer' : 'a long');
      return (v, path, errs) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || (int32 && (v < INT32_MIN || v > INT32_MAX)))
          return bad(v, path, errs);
        range(v, path, errs);
        return v;
      };
    }
    case 'float':
    case 'double': {
      const bad = typeError('a number');
      return (v, path, errs) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) return bad(v, path, errs);
        range(v, path, errs);
        return v;
      };
    }
    case 'boolean': {
      const bad = typeError('a boolean');
      return (v, path, errs) => (typeof v === 'boolean' ? v : bad(v, path, errs));
    }
    case 'timestamp': {
      const bad = typeError('a timestamp');
      return (v, path, errs) => {
        let ms = NaN;
        if (typeof v === 'number') ms = Math.round(v * 1000);
        else if (typeof v === 'string' && ISO_8601.test(v)) ms = parseDate(v);
        else if (v instanceof Date) ms = v.getTime();
        if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return bad(v, path, errs);
        // a negative number that rounds to -0 ms is still before 1970
        if (ms < 0 || ms > MAX_TIMESTAMP_MS || (typeof v === 'number' && v < 0)) {
          errs.push({ path, value: v, constraint: TIMESTAMP_RANGE_TEXT });
          return undefined;
        }
        return new Date(ms);
      };
    }
    case 'blob': {
      const bad = typeError('a blob');
      return (v, path, errs) => {
        if (Buffer.isBuffer(v)) return v;
        if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) return bad(v, path, errs);
        return Buffer.from(v, 'base64');
      };
    }
    case 'list': {
      const len = lengthChecks(s);
      const elem = getCheck(model, s.member!.shape);
      const bad = typeError('a list');
      return (v, path, errs) => {
        if (!Array.isArray(v)) return bad(v, path, errs);
        if (len) len(v.length, v, path, errs);
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const x = v[i];
          const p = `${path}.${i + 1}.member`;
          if (x === null || x === undefined) errs.push({ path: p, value: null, constraint: 'Member must not be null' });
          else out[i] = elem(x, p, errs);
        }
        return out;
      };
    }
    case 'map': {
      const len = lengthChecks(s);
      const keyCheck = getCheck(model, s.key!.shape);
      const valCheck = getCheck(model, s.value!.shape);
      const bad = typeError('a map');
      return (v, path, errs) => {
        if (!isObject(v)) return bad(v, path, errs);
        const keys = Object.keys(v);
        if (len) len(keys.length, v, path, errs);
        const out: Record<string, unknown> = {};
        for (const k of keys) {
          keyCheck(k, path, errs);
          const x = v[k];
          const p = path ? `${path}.${k}` : k;
          if (x === null || x === undefined) errs.push({ path: p, value: null, constraint: 'Member must not be null' });
          else put(out, k, valCheck(x, p, errs));
        }
        return out;
      };
    }
    case 'structure': {
      const required = new Set(s.required ?? []);
      // Query services (IAM, STS) name members in messages as Coral does: 'userName', 'tags.1.member.key'.
      const camel = model.metadata.protocol === 'query';
      const members = Object.entries(s.members ?? {}).map(([m, ref]) => ({
        name: m,
        label: camel ? m.charAt(0).toLowerCase() + m.slice(1) : m,
        required: required.has(m),
        inherited: m in Object.prototype,
        check: getCheck(model, ref.shape),
      }));
      const union = s.union === true;
      const bad = typeError('a structure');
      return (v, path, errs) => {
        if (!isObject(v)) return bad(v, path, errs);
        const out: Record<string, unknown> = {};
        let set = 0;
        for (const m of members) {
          const x = m.inherited && !Object.hasOwn(v, m.name) ? undefined : v[m.name];
          const p = path ? `${path}.${m.label}` : m.label;
          if (x === null || x === undefined) {
            if (m.required) errs.push({ path: p, value: null, constraint: 'Member must not be null' });
            continue;
          }
          set++;
          const r = m.check(x, p, errs);
          if (r !== undefined) put(out, m.name, r);
        }
        if (union && set !== 1) errs.push({ path, value: v, constraint: 'Member must have exactly one member set' });
        return out;
      };
    }
    default:
      throw new Error(`shape ${name}: unsupported type ${s.type}`);
  }
}

/** Compiles a validator for an input shape: returns a cleaned copy or throws ValidationError. */
export function compileInput(model: ServiceModel, shapeName: string): (value: unknown) => any {
  const cache = cacheOf(inputFns, model);
  let fn = cache.get(shapeName);
  if (!fn) {
    const check = getCheck(model, shapeName);
    const isStruct = shapeOf(model, shapeName).type === 'structure';
    fn = (value: unknown) => {
      const errs: Violation[] = [];
      const v = (value === null || value === undefined) && isStruct ? {} : value;
      const out = check(v, '', errs);
      if (errs.length > 0) throw new ValidationError(errs[0]!.path || undefined, message(errs));
      return out;
    };
    cache.set(shapeName, fn);
  }
  return fn;
}

function toEpochSeconds(v: unknown): unknown {
  if (v instanceof Date) return v.getTime() / 1000;
  if (typeof v === 'string') {
    const ms = parseDate(v);
    return Number.isNaN(ms) ? v : ms / 1000;
  }
  return v;
}

function getOut(model: ServiceModel, name: string, strict: boolean): Out {
  const cache = cacheOf(outputFns, model);
  const key = (strict ? 's:' : 'l:') + name;
  if (cache.has(key)) return cache.get(key)!;
  let impl: Out = null;
  cache.set(key, (v, p) => (impl ? impl(v, p) : v)); // placeholder for recursive references
  impl = buildOut(model, name, shapeOf(model, name), strict);
  cache.set(key, impl);
  return impl;
}

function buildOut(model: ServiceModel, name: string, s: ShapeModel, strict: boolean): Out {
  switch (s.type) {
    case 'timestamp':
      return (v) => toEpochSeconds(v);
    case 'blob':
      return (v) => (Buffer.isBuffer(v) ? v.toString('base64') : v);
    case 'list': {
      const elem = getOut(model, s.member!.shape, strict);
      if (elem === null) return null;
      return (v, path) => {
        if (!Array.isArray(v)) return v;
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const x = v[i];
          out[i] = x === null || x === undefined ? x : elem(x, strict ? `${path}.${i + 1}.member` : path);
        }
        return out;
      };
    }
    case 'map': {
      const val = getOut(model, s.value!.shape, strict);
      if (val === null) return null;
      return (v, path) => {
        if (!isObject(v)) return v;
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(v)) {
          const x = v[k];
          if (x !== null && x !== undefined) put(out, k, val(x, strict ? (path ? `${path}.${k}` : k) : path));
        }
        return out;
      };
    }
    case 'structure': {
      const required = new Set(s.required ?? []);
      const members = Object.entries(s.members ?? {}).map(([m, ref]) => ({
        name: m,
        required: required.has(m),
        inherited: m in Object.prototype,
        out: getOut(model, ref.shape, strict),
      }));
      return (v, path) => {
        if (!isObject(v)) {
          if (strict) throw new Error(`output ${name} at '${path}' is not an object`);
          return v;
        }
        const out: Record<string, unknown> = {};
        for (const m of members) {
          const x = m.inherited && !Object.hasOwn(v, m.name) ? undefined : v[m.name];
          if (x === null || x === undefined) {
            if (strict && m.required)
              throw new Error(`output ${name}: required member '${path ? `${path}.${m.name}` : m.name}' is missing`);
            continue;
          }
          put(out, m.name, m.out === null ? x : m.out(x, strict ? (path ? `${path}.${m.name}` : m.name) : path));
        }
        return out;
      };
    }
    default:
      return null;
  }
}

/** Compiles a serializer for an output shape: Dates to epoch seconds, nulls and unknown members dropped. */
export function compileOutput(
  model: ServiceModel,
  shapeName: string,
  opts?: { strict?: boolean },
): (value: any) => any {
  const strict = opts?.strict === true;
  const cache = cacheOf(outputEntry, model);
  const key = (strict ? 's:' : 'l:') + shapeName;
  let fn = cache.get(key);
  if (!fn) {
    const out = getOut(model, shapeName, strict);
    fn = out === null ? (v: any) => v : (v: any) => (v === null || v === undefined ? v : out(v, ''));
    cache.set(key, fn);
  }
  return fn;
}

/** Converts a string from a URI label, query string or header to the shape's JSON type (lenient). */
export function coerceScalar(model: ServiceModel, shapeName: string, raw: string | string[]): unknown {
  const s = shapeOf(model, shapeName);
  if (s.type === 'list') {
    const items = Array.isArray(raw) ? raw : [raw];
    return items.map((x) => coerceScalar(model, s.member!.shape, x));
  }
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined) return undefined;
  switch (s.type) {
    case 'integer':
    case 'long':
      return /^[+-]?\d+$/.test(v) ? Number(v) : v;
    case 'float':
    case 'double':
      return NUMERIC.test(v) ? Number(v) : v;
    case 'boolean':
      return v === 'true' ? true : v === 'false' ? false : v;
    case 'timestamp': {
      if (NUMERIC.test(v)) return Number(v);
      const ms = parseDate(v);
      return Number.isNaN(ms) ? v : new Date(ms);
    }
    default:
      return v;
  }
}
