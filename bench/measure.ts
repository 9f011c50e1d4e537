/** Shared helpers of the bench files: percentiles and a garbage collector for heap figures. */
import v8 from "node:v8";
import vm from "node:vm";

export interface BenchRow {
  name: string;
  median: number;
  p95: number;
  unit: string;
  goal: string;
}

export function stats(samples: number[]): { median: number; p95: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95) };
}

/** A row of milliseconds: the samples' median and p95 against the goal. */
export function msRow(name: string, samples: number[], goal: string): BenchRow {
  return { name, ...stats(samples), unit: "ms", goal };
}

/** Runs `fn` n times and returns how long each run took, in ms. */
export function timeEach(n: number, fn: (i: number) => void): number[] {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn(i);
    samples.push(performance.now() - t);
  }
  return samples;
}

/** `gc()` even when node was started without --expose-gc; undefined if V8 refuses. */
export function getGc(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === "function") return g;
  try {
    v8.setFlagsFromString("--expose-gc");
    return vm.runInNewContext("gc") as () => void;
  } catch {
    return undefined;
  }
}
