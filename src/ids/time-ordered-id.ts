/**
 * Time-ordered UUIDs (RFC 9562 version 7: a 48-bit Unix-millisecond timestamp, then 74 random
 * bits) for ids that become index keys: incident record ids (inside the record's ARN) and
 * timeline event ids. A random (v4) id puts every insert on a random page of the index, so
 * each new incident dirtied a page of its own in several indexes and every commit wrote them all
 * (SQLite's WAL, PostgreSQL's WAL and full-page images); time-ordered ids append at the index's
 * right edge, where concurrent inserts share pages. They are still UUIDs to every client.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(16 * 256);
let next = pool.length;

/** A version-7 UUID whose timestamp is `now`. */
export function timeOrderedUuid(now: Date): string {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const b = pool.subarray(next, next + 16);
  next += 16;
  const ms = now.getTime();
  b.writeUIntBE(Math.max(0, Math.min(ms, 2 ** 48 - 1)), 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
