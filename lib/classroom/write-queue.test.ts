/**
 * The write queue's batching: what arrives within the linger goes into one statement per
 * table; every unit is committed once, in order, however many there are.
 */
import { describe, expect, it } from "vitest";
import type { JournalRow } from "./journal";
import { WriteQueue, type WriteSink } from "./write-queue";

function row(i: number): JournalRow {
  return {
    lineKey: `k.${i}`,
    userId: `u${i % 7}`,
    courseSlug: "c",
    lessonId: "l",
    entry: { tab: "1", line: "kubectl get pods", commands: [], exitCode: 0, output: "", at: i },
  };
}

function recordingSink() {
  const journalCalls: number[] = [];
  const sink: WriteSink = {
    journal: async (rows) => journalCalls.push(rows.length),
    progress: async () => 0,
    snapshots: async () => 0,
  };
  return { sink, journalCalls };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("write queue batching", () => {
  it("puts the lines of a linger window into one statement", async () => {
    const { sink, journalCalls } = recordingSink();
    const q = new WriteQueue(sink, { lingerMs: 1_000 });
    const committed: number[] = [];
    // Three different turns of the event loop, well within the linger.
    for (let i = 0; i < 3; i++) {
      q.enqueue({ owner: `o${i}`, journal: [row(i)], committed: () => committed.push(i) });
      await new Promise((r) => setImmediate(r));
    }
    expect(await q.drain(2_000)).toBe(true);
    expect(journalCalls).toEqual([3]);
    expect(committed).toEqual([0, 1, 2]);
  });

  it("without a linger, lines of different turns of the event loop go in separate batches", async () => {
    const { sink, journalCalls } = recordingSink();
    const q = new WriteQueue(sink);
    q.enqueue({ owner: "a", journal: [row(1)] });
    await new Promise((r) => setImmediate(r));
    await sleep(5);
    q.enqueue({ owner: "b", journal: [row(2)] });
    expect(await q.drain(2_000)).toBe(true);
    expect(journalCalls).toEqual([1, 1]);
  });

  it("commits thousands of units once each, in order, in bounded batches", async () => {
    const { sink, journalCalls } = recordingSink();
    const q = new WriteQueue(sink, { lingerMs: 5, maxBatchRows: 2_000 });
    const committed: number[] = [];
    for (let i = 0; i < 9_000; i++)
      q.enqueue({ owner: `o${i % 100}`, journal: [row(i)], committed: () => committed.push(i) });
    expect(await q.drain(10_000)).toBe(true);
    expect(journalCalls).toEqual([2_000, 2_000, 2_000, 2_000, 1_000]);
    expect(committed).toEqual(Array.from({ length: 9_000 }, (_, i) => i));
    expect(q.metrics()).toMatchObject({ queuedRows: 0, queuedUnits: 0, batches: 5, failed: 0 });
    expect(q.pending("o1")).toBe(0);
  });
});
