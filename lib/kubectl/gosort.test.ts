/**
 * goSort against orders recorded from Go's own `sort.Sort` (the algorithm kubectl v1.32's
 * `--sort-by` uses): each fixture is a key sequence (one character a key; with `missing`, `_`
 * is a missing value that kubectl's Less calls "less" than anything, even another `_`) and the
 * input positions in the order Go left them. Equal keys are where an unstable sort shows.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { goSortArray } from "./gosort";

interface Fixture {
  name: string;
  keys: string;
  missing?: boolean;
  order: number[];
}

const fixtures = JSON.parse(
  readFileSync(new URL("./gosort.fixtures.json", import.meta.url), "utf8"),
) as Fixture[];

function lessOf(missing: boolean) {
  return (a: { k: string }, b: { k: string }): boolean => {
    if (missing && a.k === "_") return true;
    if (missing && b.k === "_") return false;
    return a.k < b.k;
  };
}

function sortPositions(f: Fixture): number[] {
  const items = [...f.keys].map((k, i) => ({ k, i }));
  return goSortArray(items, lessOf(f.missing === true)).map((x) => x.i);
}

describe("goSort replays Go's sort.Sort", () => {
  it("has fixtures", () => {
    expect(fixtures.length).toBeGreaterThan(30);
  });
  for (const f of fixtures) {
    it(f.name, () => {
      expect(sortPositions(f)).toEqual(f.order);
    });
  }

  it("is not a stable sort: most fixtures longer than 12 differ from one", () => {
    const long = fixtures.filter((f) => f.keys.length > 12 && !f.missing);
    const unstable = long.filter((f) => {
      const stable = [...f.keys]
        .map((k, i) => ({ k, i }))
        .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
      return stable.some((x, i) => x.i !== f.order[i]);
    });
    expect(unstable.length).toBeGreaterThan(long.length / 2);
  });

  it("sorts up to 12 elements by insertion sort, which keeps equal keys in order", () => {
    const items = [..."babababab"].map((k, i) => ({ k, i }));
    expect(goSortArray(items, lessOf(false)).map((x) => x.i)).toEqual([1, 3, 5, 7, 0, 2, 4, 6, 8]);
  });

  it("leaves 0 and 1 elements alone and sorts distinct keys fully", () => {
    expect(goSortArray([], (a: number, b: number) => a < b)).toEqual([]);
    expect(goSortArray([1], (a: number, b: number) => a < b)).toEqual([1]);
    const xs = Array.from({ length: 500 }, (_, i) => (i * 7919) % 500);
    expect(goSortArray(xs, (a, b) => a < b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });
});
