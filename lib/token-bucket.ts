/**
 * A token bucket: `burst` tokens at once, refilled at `perSecond`. Time is passed in (ms), so
 * the callers' clocks and tests decide it. Used for keystroke limits (server/rate-limit.ts) and
 * for sign-ups (lib/signup-throttle.ts).
 */
export interface BucketSpec {
  /** Tokens available at once. */
  burst: number;
  /** Tokens added per second. */
  perSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly spec: BucketSpec,
    now: number,
  ) {
    this.tokens = spec.burst;
    this.at = now;
  }

  private refill(now: number): void {
    const dt = Math.max(0, now - this.at) / 1000;
    this.tokens = Math.min(this.spec.burst, this.tokens + dt * this.spec.perSecond);
    this.at = now;
  }

  /** Whether `n` tokens are there; does not take them. */
  has(n: number, now: number): boolean {
    this.refill(now);
    return this.tokens >= n;
  }

  /** How long until `n` tokens are there (0 when they are). */
  waitMs(n: number, now: number): number {
    this.refill(now);
    return this.tokens >= n ? 0 : ((n - this.tokens) / this.spec.perSecond) * 1000;
  }

  take(n: number): void {
    this.tokens -= n;
  }

  /** Full again (nothing to remember). */
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.spec.burst;
  }
}
