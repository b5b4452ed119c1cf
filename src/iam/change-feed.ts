/**
 * Tells caches that IAM changed. Every write the IAM and account services make on this node
 * bumps `changeCount` and calls the listeners synchronously, so a credential or compiled-policy
 * cache is never stale after a change made here. Changes made by other nodes (PostgreSQL) are
 * seen when the cache entries expire (the caches' TTL, 5 s).
 */
export class ChangeFeed {
  private count = 0;
  private readonly listeners = new Set<() => void>();

  /** Increases whenever anything changed on this node. */
  get changeCount(): number {
    return this.count;
  }

  /** Calls `listener` after each change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records a change. */
  changed(): void {
    this.count++;
    for (const l of this.listeners) l();
  }
}
