/** Shared by the engine tests: engines over a test database, waiting on engine events, reading job rows. */
import type { Database } from '../../src/db/database.js';
import { Engine, type EngineSettings } from '../../src/engine/engine.js';
import type { EngineEvents } from '../../src/engine/job.js';
import { createLogger } from '../../src/logger.js';
import type { Clock } from '../../src/time/clock.js';

/** An engine on `database` with quiet logs. */
export function testEngine(database: Database, clock: Clock, settings: Partial<EngineSettings> & { listenUrl?: string; nodeId?: string } = {}): Engine {
  return new Engine({ database, clock, logger: createLogger('silent'), ...settings });
}

/** Resolves with the first `event` whose payload passes `match` (rejects after `timeoutMs`). */
export function nextEvent<K extends keyof EngineEvents>(engine: Engine, event: K, match: (e: EngineEvents[K][0]) => boolean = () => true, timeoutMs = 10_000): Promise<EngineEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const on = (e: EngineEvents[K][0]) => {
      if (!match(e)) return;
      clearTimeout(timer);
      engine.off(event, on as never);
      resolve(e);
    };
    const timer = setTimeout(() => {
      engine.off(event, on as never);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    engine.on(event, on as never);
  });
}

/** Every job row, oldest first. */
export function jobRows(database: Database) {
  return database.db.selectFrom('engine_jobs').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** A promise with its resolve function, to hold a handler until the test lets it go. */
export function gate<T = void>(): { promise: Promise<T>; open: (v: T) => void } {
  let open!: (v: T) => void;
  const promise = new Promise<T>((r) => (open = r));
  return { promise, open };
}
