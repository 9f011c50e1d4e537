import { describe, expect, it } from "vitest";
import { createSlices } from "./slices";

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
};

describe("line slices take turns", () => {
  it("work that arrived during a slice runs before the next slice; students alternate", async () => {
    const slices = createSlices();
    const order: string[] = [];
    const attacker = slices.yielder();
    const other = slices.yielder();
    const loop = (async () => {
      for (let i = 0; i < 4; i++) {
        busy(2);
        order.push(`a${i}`);
        // another student's keystroke arrives while this slice runs (a timer stands for the
        // socket's read); handling it schedules that student's output flush
        if (i === 0) setTimeout(() => setImmediate(() => order.push("flush")), 0);
        busy(2);
        await attacker();
      }
    })();
    const short = (async () => {
      await other();
      order.push("b");
    })();
    await Promise.all([loop, short]);
    // the flush queued during a0 runs before a1; b gets the turn a1 gets, not after a3
    expect(order.indexOf("flush")).toBeLessThan(order.indexOf("a1"));
    expect(order.indexOf("b")).toBeLessThan(order.indexOf("a2"));
    expect(order.filter((x) => x.startsWith("a"))).toEqual(["a0", "a1", "a2", "a3"]);
  });

  it("one student's many lines get one slice per turn between them", async () => {
    const slices = createSlices();
    const y = slices.yielder();
    const z = slices.yielder();
    const order: string[] = [];
    const line = async (name: string, yieldNow: () => Promise<void>) => {
      for (let i = 0; i < 3; i++) {
        order.push(name);
        await yieldNow();
      }
    };
    await Promise.all([line("x1", y), line("x2", y), line("z", z)]);
    // x1 and x2 share student y's queue: z is never behind both of them twice in a row
    const zs = order.map((n, i) => (n === "z" ? i : -1)).filter((i) => i >= 0);
    for (let k = 1; k < zs.length; k++) expect((zs[k] ?? 0) - (zs[k - 1] ?? 0)).toBeLessThanOrEqual(2);
  });

  it("a student's long work is held to its CPU limit: after the burst, its share of the thread; another student's line is not held", async () => {
    const slices = createSlices({ share: 0.25, burstMs: 20 });
    const attacker = slices.yielder();
    const other = slices.yielder();
    let worked = 0;
    const t0 = performance.now();
    const loop = (async () => {
      while (performance.now() - t0 < 600) {
        busy(4);
        worked += 4;
        await attacker(4);
      }
    })();
    // another student's line, started while the attacker is throttled: its slices are not delayed
    await new Promise((r) => setTimeout(r, 200));
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      busy(1);
      const t = performance.now();
      await other(1);
      waits.push(performance.now() - t);
    }
    await loop;
    const share = worked / (performance.now() - t0);
    console.log(
      `cpu limit: the attacker worked ${worked} ms in ${(performance.now() - t0).toFixed(0)} ms (${(share * 100).toFixed(0)} %, limit 25 % after 20 ms); the other student's slices waited ${waits.map((w) => w.toFixed(1)).join(", ")} ms`,
    );
    // without a limit the loop keeps the thread busy nearly all the time
    expect(share).toBeLessThan(0.4);
    expect(share).toBeGreaterThan(0.15);
    expect(Math.max(...waits)).toBeLessThan(20);
  });
});
