/**
 * Queries built once and reused, for hot paths.
 *
 * Why: Kysely builds and compiles a query tree on every call, and on the hot paths (a
 * StartIncident makes several statements) that costs more than SQLite takes to run them.
 * `prepared(build)` builds the query once per dialect with placeholder arguments, records
 * which compiled parameter is which argument, and afterwards only swaps the values in. The
 * SQL text stays identical, so the drivers' statement caches (src/db/database.ts) hit too.
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import { isPostgres } from './dialect.js';
import type { DB } from './schema.js';

interface Template {
  sql: string;
  /** For each compiled parameter: the argument index, or a constant. */
  slots: (number | { value: unknown })[];
}

const marker = (i: number) => `\u0000arg${i}\u0000`;

/**
 * Wraps a query builder. `build` receives placeholders instead of values, so it must use each
 * argument only as a bound value (never to choose the query's shape).
 */
export function prepared<A extends unknown[], R>(arity: A['length'], build: (db: Kysely<DB>, ...args: A) => Compilable<R>) {
  const templates = new Map<string, Template>();
  return (db: Kysely<DB>, ...args: A): Promise<QueryResult<R>> => {
    const dialect = isPostgres(db) ? 'pg' : 'sqlite';
    let t = templates.get(dialect);
    if (!t) {
      const placeholders = Array.from({ length: arity }, (_, i) => marker(i)) as unknown as A;
      const compiled = build(db, ...placeholders).compile();
      const slots = compiled.parameters.map((p) => {
        const i = typeof p === 'string' ? placeholders.indexOf(p as never) : -1;
        return i >= 0 ? i : { value: p };
      });
      const used = new Set(slots.filter((s): s is number => typeof s === 'number'));
      if (used.size !== arity) throw new Error(`prepared query uses ${used.size} of its ${arity} arguments as values: ${compiled.sql}`);
      t = { sql: compiled.sql, slots };
      templates.set(dialect, t);
    }
    const params = t.slots.map((s) => (typeof s === 'number' ? args[s] : s.value));
    return db.executeQuery<R>(CompiledQuery.raw(t.sql, params));
  };
}
