/**
 * The `filters` member of ListIncidentRecords and ListTimelineEvents: a list of
 * {key, condition} where the condition is `before`/`after` a timestamp or `equals` a list of
 * integers or strings. The wire layer checks the shape (one condition member, one value list);
 * which keys exist and which condition fits each key is decided here, per operation.
 * Semantics: every filter must hold (AND); within one `equals`, any value may match (OR).
 */
import type { Filter } from '../api/models/ssm-incidents.types.js';
import { ValidationError } from '../errors.js';

/**
 * What a filter key compares: a timestamp (before/after), integers or strings (equals); a
 * list of strings means strings limited to those values (an enum such as status).
 */
export type FilterKind = 'time' | 'integer' | 'string' | readonly string[];

/** One checked filter. */
export type Criterion =
  | { key: string; op: 'before' | 'after'; at: Date }
  | { key: string; op: 'in'; values: string[] }
  | { key: string; op: 'in'; values: number[] };

const expected: Record<'time' | 'integer' | 'string', string> = {
  time: 'a before or after condition',
  integer: 'an equals condition with integerValues',
  string: 'an equals condition with stringValues',
};

/** Checks filters against the keys an operation accepts; throws ValidationError naming filters. */
export function normalizeFilters(filters: Filter[] | undefined, keys: Record<string, FilterKind>): Criterion[] {
  return (filters ?? []).map((filter, i) => {
    const field = `filters.${i + 1}.member`;
    const spec = Object.hasOwn(keys, filter.key) ? keys[filter.key] : undefined;
    if (spec === undefined) {
      throw new ValidationError(`${field}.key`, `Invalid value for filters: unknown filter key '${filter.key}'; the valid keys are ${Object.keys(keys).join(', ')}.`);
    }
    const kind = Array.isArray(spec) ? 'string' : (spec as Exclude<FilterKind, readonly string[]>);
    const { before, after, equals } = filter.condition;
    const misfit = () => new ValidationError(`${field}.condition`, `Invalid value for filters: the key '${filter.key}' takes ${expected[kind]}.`);
    if (kind === 'time') {
      if (before) return { key: filter.key, op: 'before', at: before };
      if (after) return { key: filter.key, op: 'after', at: after };
      throw misfit();
    }
    const values = kind === 'integer' ? equals?.integerValues : equals?.stringValues;
    if (!values) throw misfit();
    if (values.length === 0) {
      throw new ValidationError(`${field}.condition`, `Invalid value for filters: the equals condition of key '${filter.key}' needs at least one value.`);
    }
    const allowed = Array.isArray(spec) ? (spec as readonly string[]) : undefined;
    const unknown = allowed && (values as string[]).find((v) => !allowed.includes(v));
    if (allowed && unknown !== undefined) {
      throw new ValidationError(`${field}.condition`, `Invalid value for filters: '${unknown}' is not a value of '${filter.key}'; the values are ${allowed.join(', ')}.`);
    }
    return { key: filter.key, op: 'in', values } as Criterion;
  });
}
