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
});
