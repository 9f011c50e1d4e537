import { describe, expect, it } from "vitest";
import { eachSliced } from "./sliced";

describe("eachSliced", () => {
  it("visits 1,000 students' items in order, a slice per turn of the event loop", async () => {
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const seen: Array<{ i: number; turn: number }> = [];
    const done = eachSliced(
      Array.from({ length: 1_000 }, (_, i) => i),
      (i) => {
        // About 0.1 ms of work per student.
        const end = performance.now() + 0.1;
        while (performance.now() < end);
        seen.push({ i, turn });
      },
    );
    // The first slice runs at once; the rest waits for other work.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(1_000);
    await done;
    ticking = false;
    expect(seen.map((s) => s.i)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    // Counted in items, not milliseconds (a shared machine stretches a turn by preempting it).
    const perTurn = new Map<number, number>();
    for (const s of seen) perTurn.set(s.turn, (perTurn.get(s.turn) ?? 0) + 1);
    expect(perTurn.size).toBeGreaterThanOrEqual(7);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(150);
  });
});
