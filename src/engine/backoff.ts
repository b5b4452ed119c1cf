/**
 * Retry delays: exponential with "equal jitter" (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): half of the capped exponential delay is fixed, the other half random, so retries of
 * many jobs that failed together spread out but none comes back sooner than half its step.
 */

/** The delay before retrying after failed attempt `attempt` (1-based); `random` is in [0, 1). */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: number = Math.random()): number {
  const step = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 52));
  return Math.round(step / 2 + (step / 2) * random);
}
