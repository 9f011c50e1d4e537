import { describe, expect, it } from "vitest";
import {
  allowInput,
  DEFAULT_INPUT_LIMITS,
  type InputLimits,
  InputRateLimiter,
  TokenBucket,
} from "./rate-limit";

const LIMITS: InputLimits = {
  socketMessages: { burst: 100, perSecond: 50 },
  socketChars: { burst: 16_384, perSecond: 2_048 },
  userMessages: { burst: 200, perSecond: 100 },
  userChars: { burst: 32_768, perSecond: 4_096 },
};

function limiter() {
  let t = 0;
  const l = new InputRateLimiter(LIMITS, () => t);
  return { l, advance: (ms: number) => (t += ms) };
}

describe("token bucket", () => {
  it("starts full, refills at its rate, never above the burst", () => {
    const b = new TokenBucket({ burst: 10, perSecond: 5 }, 0);
    expect(b.has(10, 0)).toBe(true);
    b.take(10);
    expect(b.has(1, 100)).toBe(false);
    expect(b.has(1, 200)).toBe(true);
    expect(b.has(10, 1_999)).toBe(false);
    expect(b.has(10, 2_000)).toBe(true);
    expect(b.has(11, 60_000)).toBe(false);
  });
});

describe("keystroke rate limits", () => {
  it("a socket flooding one key per message gets its burst, then one refusal message", () => {
    const { l, advance } = limiter();
    const sock = {};
    let ok = 0;
    const messages: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const v = l.take(sock, "u1", 1);
      if (v.ok) ok++;
      else if (v.message) messages.push(v.message);
      if (i % 100 === 0) advance(10); // 10 000 keys in one second
    }
    // 100 at once + 50/s over the second
    expect(ok).toBeGreaterThanOrEqual(100);
    expect(ok).toBeLessThanOrEqual(151);
    expect(messages).toEqual([
      "kubeclass: input refused: typing too fast (at most 50 keys or 2048 characters a second); what you typed from here was dropped, wait a moment",
    ]);
  });

  it("a person typing 20 keys a second for a minute is never refused", () => {
    const { l, advance } = limiter();
    const sock = {};
    for (let i = 0; i < 20 * 60; i++) {
      expect(l.take(sock, "u1", 1).ok).toBe(true);
      advance(50);
    }
  });

  it("pastes: four full 4096-character chunks at once, then 2048 characters a second", () => {
    const { l, advance } = limiter();
    const sock = {};
    for (let i = 0; i < 4; i++) expect(l.take(sock, "u1", 4096).ok).toBe(true);
    expect(l.take(sock, "u1", 4096).ok).toBe(false);
    advance(1_000);
    expect(l.take(sock, "u1", 4096).ok).toBe(false);
    advance(1_000);
    expect(l.take(sock, "u1", 4096).ok).toBe(true);
  });

  it("many sockets of one user share the user's bucket", () => {
    const { l } = limiter();
    let ok = 0;
    for (let s = 0; s < 20; s++) {
      const sock = {};
      for (let i = 0; i < 100; i++) if (l.take(sock, "u1", 1).ok) ok++;
    }
    expect(ok).toBe(200);
    // another student is not affected
    expect(l.take({}, "u2", 1).ok).toBe(true);
  });

  it("after a quiet moment input flows again, and a new flood is told again", () => {
    const { l, advance } = limiter();
    const sock = {};
    for (let i = 0; i < 150; i++) l.take(sock, "u1", 1);
    advance(10_000);
    expect(l.take(sock, "u1", 1).ok).toBe(true);
    let told = 0;
    for (let i = 0; i < 200; i++) {
      const v = l.take(sock, "u1", 1);
      if (!v.ok && v.message !== undefined) told++;
    }
    expect(told).toBe(1);
  });

  it("forgets quiet users", () => {
    const { l, advance } = limiter();
    for (let u = 0; u < 1000; u++) l.take({}, `u${u}`, 1);
    expect(l.trackedUsers).toBe(1000);
    advance(60_000);
    for (let i = 0; i < 30; i++) l.take({}, "active", 1);
    expect(l.trackedUsers).toBe(1);
  });

  it("allowInput shows the refusal in the tab the keys were meant for", () => {
    const sent: { tabId: string; data: string }[] = [];
    const socket = {
      data: { user: { id: "flooder" } },
      emit: (_e: "term:output", p: { tabId: string; data: string }) => sent.push(p),
    };
    let passed = 0;
    const t0 = performance.now();
    for (let i = 0; i < 1_000; i++) if (allowInput(socket, "3", "x")) passed++;
    const seconds = (performance.now() - t0) / 1000;
    // the server's limiter runs on real time: its burst plus what refilled during the loop
    const { burst, perSecond } = DEFAULT_INPUT_LIMITS.socketMessages;
    expect(passed).toBeLessThanOrEqual(burst + Math.ceil(perSecond * seconds) + 1);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.tabId).toBe("3");
    expect(sent[0]?.data).toMatch(/^\r\n\x1b\[31mkubeclass: input refused: typing too fast/);
  });
});
