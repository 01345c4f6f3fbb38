/**
 * Failed attempts per client address in a sliding window. After `maxFailures` the client is refused
 * until the oldest failure leaves the window, whatever it sends, so guessing costs time even with the
 * right answer in hand.
 */
export class FailureRateLimit {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly deps: { maxFailures: number; windowMs: number; now?: () => number }) {}

  /** Milliseconds until `client` may try again, or 0. */
  retryAfterMs(client: string): number {
    const recent = this.recent(client);
    if (recent.length < this.deps.maxFailures) return 0;
    return (recent[recent.length - this.deps.maxFailures] ?? 0) + this.deps.windowMs - this.now();
  }

  fail(client: string): void {
    this.failures.set(client, [...this.recent(client), this.now()]);
  }

  succeed(client: string): void {
    this.failures.delete(client);
  }

  private recent(client: string): number[] {
    const since = this.now() - this.deps.windowMs;
    const kept = (this.failures.get(client) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(client);
    else this.failures.set(client, kept);
    return kept;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}
