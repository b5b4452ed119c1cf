/**
 * LISTEN on PostgreSQL, for the engine: each node holds one dedicated connection (LISTEN needs a
 * session; a pooled connection would lose it) and is told at every commit that enqueued a job,
 * its own commits included. A lost connection is reopened after a second; meanwhile the engine's
 * idle poll (pollMs) still finds every due job, only later.
 */
import pg from 'pg';
import type { Logger } from '../logger.js';

/** A running listener. */
export interface Listener {
  close(): Promise<void>;
}

/** Listens on `channel` at `url`, calling `onNotify(payload)` for each notification. */
export function listen(url: string, channel: string, onNotify: (payload: string | undefined) => void, logger: Logger): Listener {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    client = c;
    c.on('notification', (n) => onNotify(n.payload));
    c.on('error', (err) => {
      logger.warn('engine: LISTEN connection failed; reconnecting', { error: String(err) });
      reconnect(c);
    });
    c.on('end', () => reconnect(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      // Jobs committed while we were not listening: look now.
      onNotify(undefined);
    } catch (err) {
      logger.warn('engine: could not LISTEN; retrying in 1 s', { error: String(err) });
      reconnect(c);
    }
  };
  const reconnect = (c: pg.Client) => {
    if (closed || client !== c || retry) return;
    client = undefined;
    c.end().catch(() => {});
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, 1000);
    retry.unref();
  };
  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
