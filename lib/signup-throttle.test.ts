import { describe, expect, it } from "vitest";
import { SignupThrottle } from "./signup-throttle";

describe("sign-up throttle", () => {
  it("lets a lecture hall behind one address sign up, then refuses a script with the wait", () => {
    let t = 0;
    const th = new SignupThrottle(() => t, { burst: 300, perSecond: 1 });
    for (let i = 0; i < 300; i++) expect(th.take("10.0.0.1").ok).toBe(true);
    expect(th.take("10.0.0.1")).toEqual({ ok: false, retryAfterS: 1 });
    // Another address is not slowed by the first.
    expect(th.take("10.0.0.2").ok).toBe(true);
    t += 1000;
    expect(th.take("10.0.0.1").ok).toBe(true);
    expect(th.take("10.0.0.1").ok).toBe(false);
  });

  it("says how long to wait when the refill is slow", () => {
    const th = new SignupThrottle(() => 0, { burst: 1, perSecond: 0.1 });
    expect(th.take("a").ok).toBe(true);
    expect(th.take("a")).toEqual({ ok: false, retryAfterS: 10 });
  });

  it("stays bounded under a spray of addresses", () => {
    let t = 0;
    const th = new SignupThrottle(() => t, { burst: 2, perSecond: 1 });
    for (let i = 0; i < 25_000; i++) {
      t += 1;
      th.take(`c${i}`);
    }
    expect((th as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(10_000);
  });
});
