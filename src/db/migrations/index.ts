import type { Migration } from 'kysely';
import * as m0001 from './0001-create-core.js';
import * as m0002 from './0002-partial-dedupe-index.js';
import * as m0003 from './0003-iam.js';
import * as m0004 from './0004-contacts.js';
import * as m0005 from './0005-engine.js';
import * as m0006 from './0006-engagements.js';

/** Every migration, in order. A shipped migration is never edited; add a new one. */
export const migrations: Record<string, Migration> = {
  '0001-create-core': m0001,
  '0002-partial-dedupe-index': m0002,
  '0003-iam': m0003,
  '0004-contacts': m0004,
  '0005-engine': m0005,
  '0006-engagements': m0006,
};
