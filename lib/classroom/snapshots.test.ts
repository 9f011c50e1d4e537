/**
 * A batch of snapshots reaches the driver as parameters it sends as they are: no array literal
 * to build and escape in one turn of the event loop (docs/adr/0035-long-blocks-sliced.md).
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { type SnapshotRow, saveSnapshots } from "./snapshots";
import type { Pool } from "./sql";

/** How the driver turns a parameter into what it sends (pg has no types for it). */
const { prepareValue } = createRequire(import.meta.url)("pg/lib/utils.js") as {
  prepareValue: (v: unknown) => unknown;
};

/** A cluster's JSON as the simulation writes it: about 60 KB, thousands of quotes. */
function cluster(i: number): string {
  const pods = Array.from({ length: 350 }, (_, p) => ({
    metadata: { name: `web-${i}-${p}`, labels: { app: "web", "pod-template-hash": "5d8f" } },
    status: { phase: "Running", message: 'a "quoted" \\ note' },
  }));
  return JSON.stringify({ kind: "List", items: pods });
}

describe("saveSnapshots", () => {
  it("hands a class's 2 MB of clusters to the driver without an array literal to escape", async () => {
    const rows: SnapshotRow[] = Array.from({ length: 32 }, (_, i) => ({
      userId: `u${i}`,
      courseSlug: "kubernetes",
      scenario: "explore-app",
      cluster: cluster(i),
      workstation: '{"cwd":"/home/student"}',
      journalSince: 0,
    }));
    expect(rows.reduce((a, r) => a + r.cluster.length, 0)).toBeGreaterThan(1_500_000);
    const sent: Array<{ text: string; values: unknown[] }> = [];
    const pool = {
      query: async (text: string, values: unknown[]) => {
        sent.push({ text, values });
        return { rowCount: rows.length, rows: [] };
      },
    } as unknown as Pool;
    expect(await saveSnapshots(pool, rows)).toBe(32);
    expect(sent).toHaveLength(1);
    const { values } = sent[0]!;
    // What the driver would put in the message: each cluster itself, not an escaped copy
    // inside one array literal built in one turn.
    const prepared = values.map((v) => prepareValue(v));
    for (const r of rows) expect(prepared).toContain(r.cluster);
    expect(values.some((v) => Array.isArray(v))).toBe(false);
  });
});
