/** Hourly: deletes clientToken uses too old to count any more (src/idempotency). */
import { deleteExpiredTokens, tokenLifetimeMs } from '../idempotency/idempotency.js';
import { periodicJob } from './periodic.js';

/** The token sweep, one per cluster. */
export const tokenSweep = periodicJob({
  kind: 'idempotency:token-sweep',
  everyMs: 3600_000,
  run: async (trx, now) => {
    await deleteExpiredTokens(trx, now.getTime() - tokenLifetimeMs);
  },
});
