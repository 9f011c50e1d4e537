/**
 * `npm run bench`: the performance suite. Each bench module exports `run()` returning rows;
 * this prints one table of medians/p95 against their goals. A benchmark, not a timed test.
 */
import { readdirSync } from "node:fs";
import path from "node:path";

export type { BenchRow } from "./measure";

import type { BenchRow } from "./measure";

const dir = import.meta.dirname;
const only = process.argv[2];
const rows: BenchRow[] = [];
for (const f of readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .sort()) {
  if (only && !f.includes(only)) continue;
  const mod = (await import(path.join(dir, f))) as { run(): Promise<BenchRow[]> };
  rows.push(...(await mod.run()));
}
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toFixed(4));
const header = ["benchmark", "median", "p95", "unit", "goal"];
const table = [header, ...rows.map((r) => [r.name, fmt(r.median), fmt(r.p95), r.unit, r.goal])];
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
for (const row of table)
  console.log(
    row
      .map((c, i) => c.padEnd(widths[i]!))
      .join("   ")
      .trimEnd(),
  );
