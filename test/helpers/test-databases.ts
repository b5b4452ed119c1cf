/**
 * For tests of IAM, accounts and STS storage: a fresh database of each kind. The SQLite pass of
 * `npm test` runs src/ tests only once, so these tests cover PostgreSQL themselves (admin URL
 * TOCSIN_TEST_PG_URL, default the local server; TOCSIN_SKIP_POSTGRES=1 leaves it out).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createPostgresDatabase } from './postgres.js';

/** The backends the tests run on. */
export const backends: ('sqlite' | 'postgres')[] = process.env.TOCSIN_SKIP_POSTGRES === '1' ? ['sqlite'] : ['sqlite', 'postgres'];

/** An empty database (created for the test, and a data directory for SQLite); `drop` closes and removes it. */
export interface TestDatabase {
  database: Database;
  /** Connection settings to open it again (after `database.close()`). */
  reopen(): Promise<Database>;
  /** Where an un-migrated database of this kind is (for upgrade tests). */
  location: { dataDir: string; databaseUrl?: string };
  drop(): Promise<void>;
}

/** Creates an empty location (a data directory, and a PostgreSQL database for 'postgres') without opening it. */
export async function emptyLocation(kind: 'sqlite' | 'postgres'): Promise<{ dataDir: string; databaseUrl?: string; remove(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tocsin-iam-'));
  if (kind === 'sqlite') return { dataDir, remove: async () => rmSync(dataDir, { recursive: true, force: true }) };
  const pgDb = await createPostgresDatabase('tocsin_iam');
  return {
    dataDir, databaseUrl: pgDb.url,
    remove: async () => {
      await pgDb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens a fresh, migrated database of `kind`. */
export async function openTestDatabase(kind: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  const location = await emptyLocation(kind);
  const open = () => openDatabase({ dataDir: location.dataDir, databaseUrl: location.databaseUrl, poolSize: 4 });
  let database = await open();
  return {
    get database() {
      return database;
    },
    async reopen() {
      database = await open();
      return database;
    },
    location,
    async drop() {
      await database.close().catch(() => {});
      await location.remove();
    },
  };
}
