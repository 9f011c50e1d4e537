/**
 * Sign-ups through a join link are public, so one client could create accounts without end
 * (each also costs a bcrypt hash of server CPU). A bucket per client address allows a lecture
 * hall behind one NAT to sign up at once — 300 at a burst, then one a second (3,600 an hour) —
 * and refuses a script beyond that with how long to wait. In memory, per process, bounded:
 * buckets that are full again carry no memory and are dropped.
 */
import { type BucketSpec, TokenBucket } from "./token-bucket";

export const SIGNUP_LIMIT: BucketSpec = { burst: 300, perSecond: 1 };
const MAX_CLIENTS = 10_000;

export class SignupThrottle {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly now: () => number,
    private readonly spec: BucketSpec = SIGNUP_LIMIT,
  ) {}

  /** Takes a sign-up for `client`; when refused, the seconds to wait for the next one. */
  take(client: string): { ok: true } | { ok: false; retryAfterS: number } {
    const now = this.now();
    let b = this.buckets.get(client);
    if (!b) {
      if (this.buckets.size >= MAX_CLIENTS) this.forgetFull(now);
      b = new TokenBucket(this.spec, now);
      this.buckets.set(client, b);
    }
    const wait = b.waitMs(1, now);
    if (wait > 0) return { ok: false, retryAfterS: Math.ceil(wait / 1000 - 1e-9) };
    b.take(1);
    return { ok: true };
  }

  private forgetFull(now: number): void {
    for (const [k, b] of this.buckets) if (b.full(now)) this.buckets.delete(k);
    // Still too many distinct clients, all busy: forget the oldest (a bounded map beats a leak).
    for (const k of this.buckets.keys()) {
      if (this.buckets.size < MAX_CLIENTS) break;
      this.buckets.delete(k);
    }
  }
}
