import { describe, expect, it } from "vitest";
import { LoginThrottle, RULES } from "./login-throttle";

const STUDENT = "student1@example.com";
const OWNER_PC = "192.0.2.10";
const ATTACKER = "198.51.100.66";

function clock() {
  const c = { t: 1_000_000, now: () => c.t };
  return c;
}

/** Failures until the client is made to wait; then the wait in ms. */
function failUntilThrottled(th: LoginThrottle, account: (i: number) => string, client: string) {
  for (let i = 0; i < 1000; i++) {
    const w = th.check(account(i), client);
    if (w) return { attempts: i, waitMs: w.retryAfterMs };
    th.failed(account(i), client);
  }
  throw new Error("never throttled");
}

describe("LoginThrottle", () => {
  it("slows a client guessing one account with delays that double, and says how long", () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    const first = failUntilThrottled(th, () => STUDENT, ATTACKER);
    expect(first).toEqual({ attempts: RULES.pair.free, waitMs: 1000 });
    c.t += 1000;
    expect(th.check(STUDENT, ATTACKER)).toBeNull();
    th.failed(STUDENT, ATTACKER);
    expect(th.check(STUDENT, ATTACKER)).toEqual({ retryAfterMs: 2000 });
    c.t += 2000;
    th.failed(STUDENT, ATTACKER);
    expect(th.check(STUDENT, ATTACKER)).toEqual({ retryAfterMs: 4000 });
  });

  it("the owner on their own machine is not locked out by someone else's failures", () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    th.succeeded(STUDENT, OWNER_PC); // the owner signed in from here before
    for (let i = 0; i < 6; i++) th.failed(STUDENT, ATTACKER); // the old lock-out took 6
    expect(th.check(STUDENT, ATTACKER)).not.toBeNull();
    expect(th.check(STUDENT, OWNER_PC)).toBeNull();
    // Even a sustained attack from many machines leaves the owner's known machine alone.
    for (let i = 0; i < 200; i++) th.failed(STUDENT, `203.0.113.${i}`);
    expect(th.check(STUDENT, OWNER_PC)).toBeNull();
    // A machine the owner has never used waits at most the account cap (1 minute), not 15.
    const fresh = th.check(STUDENT, "192.0.2.99");
    expect(fresh?.retryAfterMs).toBeLessThanOrEqual(RULES.account.capMs);
  });

  it("slows one client trying many e-mails (30 e-mails are not 30 free guesses)", () => {
    const th = new LoginThrottle(clock().now);
    const r = failUntilThrottled(th, (i) => `victim${i}@example.com`, ATTACKER);
    expect(r.attempts).toBe(RULES.client.free);
    expect(r.attempts).toBeLessThan(30);
    // Other clients are not affected.
    expect(th.check("victim0@example.com", OWNER_PC)).toBeNull();
  });

  it("slows guessing spread over many clients, capped at a minute", () => {
    const spread = new LoginThrottle(clock().now);
    for (let i = 0; i < 500; i++) spread.failed(STUDENT, `203.0.113.${i % 250}.${i}`);
    expect(spread.check(STUDENT, "192.0.2.1")?.retryAfterMs).toBe(RULES.account.capMs);
  });

  it("the owner mistyping is slowed only briefly, and a success clears it", () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    for (let i = 0; i < RULES.pair.free; i++) th.failed(STUDENT, OWNER_PC);
    expect(th.check(STUDENT, OWNER_PC)).toEqual({ retryAfterMs: 1000 });
    c.t += 1000;
    th.succeeded(STUDENT, OWNER_PC);
    expect(th.check(STUDENT, OWNER_PC)).toBeNull();
  });

  it("signing in to one's own account does not reset the client's count", () => {
    const th = new LoginThrottle(clock().now);
    for (let i = 0; i < RULES.client.free; i++) th.failed(`victim${i}@example.com`, ATTACKER);
    th.succeeded("attacker@example.com", ATTACKER);
    expect(th.check("victim99@example.com", ATTACKER)).not.toBeNull();
  });

  it("forgets failures 15 minutes after the last one", () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    for (let i = 0; i < 30; i++) th.failed(STUDENT, ATTACKER);
    expect(th.check(STUDENT, ATTACKER)).not.toBeNull();
    c.t += 15 * 60_000 + 1;
    expect(th.check(STUDENT, ATTACKER)).toBeNull();
  });

  it("keeps memory bounded under a spray of made-up e-mails", () => {
    const th = new LoginThrottle(clock().now);
    for (let i = 0; i < 20_000; i++) th.failed(`x${i}@example.com`, `c${i}`);
    expect((th as unknown as { counts: Map<string, unknown> }).counts.size).toBeLessThanOrEqual(50_000);
  });
});
