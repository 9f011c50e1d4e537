import { describe, expect, it } from "vitest";
import { formatFigures, runHostile } from "../../test/stress/hostile-input";

describe("hostile input through the terminal and the shell (fast version; npm run test:stress runs 100,000)", () => {
  it("2,000 generated lines: no exception escapes, every line ends, output and heap bounded, nothing real touched", async () => {
    const f = await runHostile({ count: 2000, seed: 2026, heapLimitMiB: 1024 });
    console.log(formatFigures(f));
    expect(f.lines).toBe(2000);
  }, 120_000);
});
