import { describe, expect, it } from "vitest";
import { eachSliced } from "./sliced";
import { burn, itemsPerTurn, turnCounter } from "./sliced-testing";

describe("eachSliced", () => {
  it("visits 1,000 students' items in order, a slice per turn of the event loop", async () => {
    const turns = turnCounter();
    const seen: Array<{ i: number; turn: number }> = [];
    const done = eachSliced(
      Array.from({ length: 1_000 }, (_, i) => i),
      (i) => {
        // About 0.1 ms of work per student.
        burn(0.1);
        seen.push({ i, turn: turns.turn });
      },
    );
    // The first slice runs at once; the rest waits for other work.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(1_000);
    await done;
    turns.stop();
    expect(seen.map((s) => s.i)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    const perTurn = itemsPerTurn(seen.map((s) => s.turn));
    expect(perTurn.length).toBeGreaterThanOrEqual(7);
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(150);
  });
});
