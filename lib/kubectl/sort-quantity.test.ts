/** `--sort-by` compares strings that are both resource quantities by value, as kubectl's sorter. */
import { describe, expect, it } from "vitest";
import { parseQuantity, sortByJsonPath } from "./cmd/sort";

describe("--sort-by on quantities", () => {
  it("reads quantities as resource.ParseQuantity does", () => {
    expect(parseQuantity("100m")).toEqual({ digits: 100n, p10: -3, p2: 0 });
    expect(parseQuantity("1.5Gi")).toEqual({ digits: 15n, p10: -1, p2: 30 });
    expect(parseQuantity("1e3")).toEqual({ digits: 1n, p10: 3, p2: 0 });
    for (const no of ["", ".", "web-1", "Running", "1x", "2026-12-02T10:00:00Z", "m"])
      expect(parseQuantity(no)).toBeUndefined();
  });

  it.each([
    ["cpu quantities", ["1", "100m", "1500m", "0.5", "250m"], ["100m", "250m", "0.5", "1", "1500m"]],
    [
      "memory quantities",
      ["1Gi", "500M", "2G", "64Mi", "128974848"],
      ["64Mi", "128974848", "500M", "1Gi", "2G"],
    ],
    [
      "names that are not all quantities",
      ["web-10", "web-9", "10", "9", "1e3"],
      ["9", "10", "1e3", "web-9", "web-10"],
    ],
  ])(
    "orders %s as kubectl's sorter does: quantities by value, other strings naturally",
    (_what, given, sorted) => {
      const rows = given.map((v) => ({ v }));
      expect(sortByJsonPath(rows, ".v", (r) => r).map((r) => r.v)).toEqual(sorted);
    },
  );
});
