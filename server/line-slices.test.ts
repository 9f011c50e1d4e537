/**
 * A line that spends its whole work budget (10,000 commands, many of them kubectl calls) does not
 * hold the event loop: with the server's scheduler (Scheduler.yieldNow) it pauses every few
 * milliseconds, so a bystander's timer keeps firing. Measured as the longest gap between the
 * bystander's 1 ms timer ticks while the line runs, with and without the pauses.
 */
import { describe, expect, it } from "vitest";
import { Cluster } from "../lib/cluster";
import type { Clock } from "../lib/cluster/types";
import type { Scheduler } from "../lib/shell/types";
import { clusterWorkstation } from "../lib/terminal/wiring";

const clock: Clock = { now: () => Date.now() };
const timers = {
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
};

/** Runs the line; returns its duration and the longest gap a 1 ms bystander timer saw. */
async function measure(
  scheduler: Scheduler,
  line: string,
): Promise<{ ms: number; gap: number; err: string }> {
  const cluster = Cluster.create({ scenario: "explore-app", seed: 1, clock });
  const ws = clusterWorkstation(cluster, { clock, scheduler });
  const sh = ws.openShell("1");
  let gap = 0;
  let last = performance.now();
  let running = true;
  const tick = (): void => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  let err = "";
  const t0 = performance.now();
  await sh.run(line, {
    stdout: () => {},
    stderr: (c) => {
      err += c;
    },
    tty: false,
    columns: 80,
    interrupt: { interrupted: false, promise: new Promise<void>(() => {}) },
  });
  const ms = performance.now() - t0;
  running = false;
  await new Promise((r) => setTimeout(r, 5));
  ws.dispose();
  return { ms, gap, err };
}

describe("a line at its work budget runs in slices", () => {
  it("a bystander's timer is never held for long", { timeout: 120_000 }, async () => {
    const line = "while :; do kubectl get pods > /dev/null; done";
    const straight = await measure(timers, line);
    const sliced = await measure(
      { ...timers, yieldNow: () => new Promise<void>((r) => setImmediate(r)) },
      line,
    );
    console.log(
      `line slices: a 10,000-command line took ${straight.ms.toFixed(0)} ms holding the loop up to ${straight.gap.toFixed(0)} ms; ` +
        `sliced it took ${sliced.ms.toFixed(0)} ms, longest hold ${sliced.gap.toFixed(1)} ms`,
    );
    expect(straight.err).toMatch(/more than 10000 commands/);
    expect(sliced.err).toMatch(/more than 10000 commands/);
    // the unsliced line holds the loop for most of its run; the sliced one for a slice
    expect(straight.gap).toBeGreaterThan(straight.ms / 2);
    expect(sliced.gap).toBeLessThan(Math.max(50, straight.gap / 10));
  });
});
