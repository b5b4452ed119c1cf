import type { Migration } from 'kysely';
import * as m0001 from './0001-create-core.js';

/** Every migration, in order. A shipped migration is never edited; add a new one. */
export const migrations: Record<string, Migration> = {
  '0001-create-core': m0001,
};
