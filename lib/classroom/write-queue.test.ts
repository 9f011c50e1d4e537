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

  it("an urgent unit (a completed step) starts its batch without waiting out the linger", async () => {
    const { sink, journalCalls } = recordingSink();
    const q = new WriteQueue(sink, { lingerMs: 10_000 });
    const committed: string[] = [];
    q.enqueue({ owner: "a", journal: [row(1)], committed: () => committed.push("a") });
    await new Promise((r) => setImmediate(r));
    q.enqueue({ owner: "b", journal: [row(2)], urgent: true, committed: () => committed.push("b") });
    const t0 = performance.now();
    expect(await q.drain(2_000)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(2_000);
    // What lingered goes with it, in order, in one statement.
    expect(journalCalls).toEqual([2]);
    expect(committed).toEqual(["a", "b"]);
  });

  it("commits a batch's lines before its snapshots are written", async () => {
    let releaseSnapshots = () => {};
    const snapshotsWritten = new Promise<void>((r) => {
      releaseSnapshots = r;
    });
    const events: string[] = [];
    const sink: WriteSink = {
      journal: async (rows) => events.push(`journal ${rows.length}`),
      progress: async () => 0,
      snapshots: async (rows) => {
        events.push(`snapshots ${rows.length} started`);
        await snapshotsWritten;
        events.push("snapshots written");
      },
    };
    const q = new WriteQueue(sink);
    const snapshot = {
      userId: "u",
      courseSlug: "c",
      scenario: "s",
      cluster: "{}",
      workstation: "{}",
      journalSince: 0,
    };
    q.enqueue({ owner: "u", snapshot, committed: () => events.push("snapshot committed") });
    q.enqueue({ owner: "v", journal: [row(1)], committed: () => events.push("line committed") });
    await sleep(20);
    expect(events).toEqual(["journal 1", "line committed", "snapshots 1 started"]);
    expect(q.pending("v")).toBe(0);
    expect(q.pending("u")).toBe(1);
    releaseSnapshots();
    expect(await q.drain(2_000)).toBe(true);
    expect(events.slice(3)).toEqual(["snapshots written", "snapshot committed"]);
    expect(q.metrics()).toMatchObject({ queuedRows: 0, written: { journal: 1, progress: 0, snapshots: 1 } });
  });
});
