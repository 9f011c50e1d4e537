/**
 * The write queue's batching: what arrives within the linger goes into one statement per
 * table; every unit is committed once, in order, however many there are.
 */
import { describe, expect, it } from "vitest";
import { burn, itemsPerTurn, turnCounter } from "../sliced-testing";
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
    lines: async (journal) => journalCalls.push(journal.length),
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

  it("tells the callers of a committed batch of 1,000 students a slice per turn of the event loop", async () => {
    // Each caller's work after a commit (the step list built, compared and emitted) costs about
    // 0.1 ms; told all at once, the batch held the loop for 100 ms while every keystroke waited.
    const { sink } = recordingSink();
    const q = new WriteQueue(sink, { lingerMs: 5 });
    const turns = turnCounter();
    const told: Array<{ i: number; turn: number }> = [];
    for (let i = 0; i < 1_000; i++)
      q.enqueue({
        owner: `student${i}`,
        journal: [row(i)],
        committed: () => {
          burn(0.1);
          told.push({ i, turn: turns.turn });
        },
      });
    expect(await q.drain(10_000)).toBe(true);
    turns.stop();
    expect(told.map((t) => t.i)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    // 0.1 ms each, so a 2 ms slice tells about 20 (more when preemption stretched the wait).
    const perTurn = itemsPerTurn(told.map((t) => t.turn));
    expect(perTurn.length).toBeGreaterThanOrEqual(7);
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(150);
    // Until the last caller is told, the owner is still pending.
    expect(q.pending("student999")).toBe(0);
  });

  it("keeps up with its callers when every turn of the loop is long (a saturated server)", async () => {
    // Other work takes 40 ms a turn (hundreds of lines handled per turn): a fixed 2 ms slice
    // would tell 20 callers a turn and fall behind the lines arriving; a quarter of the turn
    // tells about 100.
    const { sink } = recordingSink();
    const q = new WriteQueue(sink);
    let turns = 0;
    let busy = true;
    const other = () => {
      turns++;
      burn(40);
      if (busy) setImmediate(other);
    };
    let told = 0;
    for (let i = 0; i < 1_000; i++)
      q.enqueue({
        owner: `student${i}`,
        journal: [row(i)],
        committed: () => {
          if (told === 0) setImmediate(other);
          burn(0.1);
          told++;
        },
      });
    expect(await q.drain(20_000)).toBe(true);
    busy = false;
    expect(told).toBe(1_000);
    expect(turns).toBeLessThanOrEqual(25);
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

  it("commits a completing line while a slow snapshot statement is in flight (lanes of their own)", async () => {
    const slow = gate();
    const events: string[] = [];
    const sink: WriteSink = {
      lines: async (journal) => events.push(`lines ${journal.length}`),
      snapshots: async (rows) => {
        events.push(`snapshots ${rows.length} started`);
        await slow.opened;
        events.push("snapshots written");
      },
    };
    const q = new WriteQueue(sink, { lingerMs: 100 });
    // A class's clusters fall due: their statement is in flight (on a slow database)…
    q.enqueue({ owner: "u", snapshot: snapshot("u"), committed: () => events.push("snapshot committed") });
    await until(() => events.includes("snapshots 1 started"));
    // …when a student's line completes a step.
    const t0 = performance.now();
    q.enqueue({
      owner: "v",
      journal: [row(1)],
      urgent: true,
      committed: () => events.push("line committed"),
    });
    await until(() => events.includes("line committed"));
    expect(performance.now() - t0).toBeLessThan(500);
    expect(events).toEqual(["snapshots 1 started", "lines 1", "line committed"]);
    expect(q.pending("v")).toBe(0);
    expect(q.pending("u")).toBe(1);
    slow.open();
    expect(await q.drain(2_000)).toBe(true);
    expect(events.slice(3)).toEqual(["snapshots written", "snapshot committed"]);
    expect(q.metrics()).toMatchObject({ queuedRows: 0, written: { journal: 1, progress: 0, snapshots: 1 } });
  });

  it("writes a snapshot only after the lines enqueued before it are committed", async () => {
    const slow = gate();
    const events: string[] = [];
    const sink: WriteSink = {
      lines: async () => {
        events.push("lines started");
        await slow.opened;
        events.push("lines written");
      },
      snapshots: async () => events.push("snapshots"),
    };
    const q = new WriteQueue(sink);
    q.enqueue({ owner: "u", journal: [row(1)] });
    q.enqueue({ owner: "u", snapshot: snapshot("u") });
    await sleep(30);
    expect(events).toEqual(["lines started"]);
    expect(q.pending("u")).toBe(2);
    slow.open();
    expect(await q.drain(2_000)).toBe(true);
    expect(events).toEqual(["lines started", "lines written", "snapshots"]);
    expect(q.pending("u")).toBe(0);
  });

  it("writes snapshots while the lines lane never pauses", async () => {
    const events: string[] = [];
    let typing = true;
    let i = 0;
    // Every statement of lines has another line queued behind it while the class types: the
    // lines lane never runs out of work.
    const q: WriteQueue = new WriteQueue({
      lines: async () => {
        events.push("lines");
        if (typing) q.enqueue({ owner: `o${i}`, journal: [row(i++)] });
        await sleep(2);
      },
      snapshots: async () => {
        events.push("snapshots");
      },
    });
    q.enqueue({ owner: "o", journal: [row(i++)] });
    await until(() => events.length >= 3);
    q.enqueue({ owner: "s", snapshot: snapshot("s") });
    await until(() => events.includes("snapshots"));
    typing = false;
    expect(await q.drain(2_000)).toBe(true);
    // Lines were written before and after it: the snapshot did not wait for a pause.
    expect(events.indexOf("snapshots")).toBeLessThan(events.lastIndexOf("lines"));
    expect(q.pending("s")).toBe(0);
  });

  it("commits a unit with lines and a snapshot once both are written", async () => {
    const events: string[] = [];
    const sink: WriteSink = {
      lines: async () => events.push("lines"),
      snapshots: async () => events.push("snapshots"),
    };
    const q = new WriteQueue(sink);
    q.enqueue({
      owner: "u",
      journal: [row(1)],
      snapshot: snapshot("u"),
      committed: () => events.push("committed"),
    });
    expect(await q.drain(2_000)).toBe(true);
    expect(events).toEqual(["lines", "snapshots", "committed"]);
    expect(q.metrics()).toMatchObject({
      queuedUnits: 0,
      queuedRows: 0,
      written: { journal: 1, snapshots: 1 },
    });
  });
});

function snapshot(userId: string) {
  return { userId, courseSlug: "c", scenario: "s", cluster: "{}", workstation: "{}", journalSince: 0 };
}

/** A promise opened by hand (a statement held in flight). */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { opened, open };
}

async function until(ok: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error("timed out");
    await sleep(2);
  }
}
