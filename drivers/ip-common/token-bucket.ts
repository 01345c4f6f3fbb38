/**
 * Readings a device may still send: refills at `rate` per second up to `burst`. A message takes all its
 * readings or none, so a flood is refused whole and never half-stored.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  take(count: number, now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
    if (count > this.tokens) return false;
    this.tokens -= count;
    return true;
  }

  /** Seconds until `count` readings would be accepted, for `Retry-After`. */
  secondsUntil(count: number): number {
    return Math.max(1, Math.ceil((Math.min(count, this.burst) - this.tokens) / this.rate));
  }
}
