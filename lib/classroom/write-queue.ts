/**
 * The bounded write queue of one server instance (docs/adr/0014-live-session-write-path.md). Live sessions
 * enqueue what a finished line produced — journal rows, step tallies, a snapshot — and get told
 * when all of it is committed. Two lanes, each with its own loop and so its own connection
 * (docs/adr/0032-write-lanes-and-one-statement-per-batch.md): the *lines* lane writes every journal row and step
 * row waiting as one statement, however many students typed in the meantime; the *snapshots*
 * lane writes the clusters due. A completed step never waits behind a snapshot statement
 * (hundreds of KB while a class's clusters are saved). A snapshot is written only after the
 * lines enqueued before it are committed, so Postgres never holds a cluster ahead of its journal.
 * A batch that fails because the database is unreachable is retried with backoff until it
 * succeeds (its rows are idempotent: journal lines carry a key, tallies are absolute and merged
 * monotonically, snapshots are latest-wins); rows the database rejects are retried one unit at a
 * time and only the unit that still fails is dropped and reported. Nothing is ever lost silently.
 */
import { traced } from "../block-trace";
import { nextTurn, sliceBudget } from "../sliced";
import type { JournalRow } from "./journal";
import type { ProgressRow } from "./progress";
import type { SnapshotRow } from "./snapshots";
import { isConnectionError } from "./sql";

export interface WriteUnit {
  /** Whose rows these are (a workspace key); eviction waits until an owner has none pending. */
  owner: string;
  journal?: JournalRow[];
  progress?: ProgressRow[];
  snapshot?: SnapshotRow;
  /** Called once every row of the unit is committed (units commit in the order enqueued). */
  committed?: () => void;
  /** Called when the database rejected the unit's rows for good (they were not written). */
  rejected?: (err: unknown) => void;
  /**
   * Someone is waiting for this unit (a completed step: the student's list and the teacher's
   * board tick on its commit): its batch starts at once instead of lingering for company.
   */
  urgent?: boolean;
}

export interface WriteSink {
  /**
   * A batch's journal rows and step rows, committed together (one statement: a step must never
   * be counted for a line the journal lacks). Called with at least one row.
   */
  lines(journal: readonly JournalRow[], progress: readonly ProgressRow[]): Promise<unknown>;
  /** A batch of snapshots (keys unique within a call). Called with at least one row. */
  snapshots(rows: readonly SnapshotRow[]): Promise<unknown>;
}

export interface WriteQueueOptions {
  /** Queued bytes (estimated) above which `full` is true and sessions stop taking new lines. */
  maxBytes?: number;
  /** Rows per batch (journal + progress + snapshots). */
  maxBatchRows?: number;
  /** Bytes per batch (estimated): a few snapshots fill one; the next batch takes the rest. */
  maxBatchBytes?: number;
  /** First retry delay; doubles per failed attempt up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * How long the first unit waits for company before its batch starts (0: the next turn of the
   * event loop). A few tens of milliseconds turn a trickle of lines (50/s for 100 students)
   * into a few statements per batch instead of two per line; the output is never waiting for
   * it, only the step list's tick.
   */
  lingerMs?: number;
  /**
   * How long telling the callers of a committed batch may hold the event loop before the rest
   * waits for the next turn (ms; default 2).
   */
  sliceMs?: number;
  /** Told when writes have been failing for a while (once per outage), and when they recover. */
  onTrouble?: (t: { since: number; attempts: number; pendingRows: number; error: string }) => void;
  onRecovered?: (t: { outageMs: number; attempts: number }) => void;
  /** Failed attempts before `onTrouble` (default 3, about a second with the default backoff). */
  troubleAfter?: number;
  now?: () => number;
}

export interface WriteQueueMetrics {
  queuedUnits: number;
  queuedRows: number;
  queuedBytes: number;
  maxQueuedRows: number;
  batches: number;
  written: { journal: number; progress: number; snapshots: number };
  /** Batch attempts that failed (each was retried). */
  failedAttempts: number;
  /** Rows the database rejected for good (reported, not written). */
  failed: number;
  /** Lines refused at the terminal because the queue was full (back-pressure). */
  refused: number;
  retrying: boolean;
  lastBatchMs: number;
  maxBatchMs: number;
  /** Milliseconds from enqueue to commit of the oldest unit of the last batch. */
  lastCommitLagMs: number;
  maxCommitLagMs: number;
}

/** A unit as enqueued: it is done when each of its parts (one per lane it has rows for) is. */
interface Whole {
  unit: WriteUnit;
  parts: number;
  rejected: boolean;
}

/** A unit's rows for one lane. */
interface Queued {
  whole: Whole;
  journal: readonly JournalRow[];
  progress: readonly ProgressRow[];
  snapshot: SnapshotRow | undefined;
  rows: number;
  bytes: number;
  at: number;
  /** Enqueue order across both lanes: a snapshot waits for the lines enqueued before it. */
  seq: number;
}

type LaneName = "lines" | "snapshots";

interface Lane {
  name: LaneName;
  units: Queued[];
  running: boolean;
  /** The linger timer of a batch not started yet (an urgent unit starts it now). */
  lingering: { timer: NodeJS.Timeout; start: () => void } | null;
  loop: Promise<void>;
}

function linesSize(journal: readonly JournalRow[], progress: readonly ProgressRow[]) {
  let bytes = 160 * progress.length;
  for (const j of journal) bytes += 200 + j.entry.line.length + j.entry.output.length;
  return { rows: journal.length + progress.length, bytes };
}

const NONE: readonly never[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class WriteQueue {
  /** Journal and step rows, in order. */
  private readonly linesLane: Lane = this.lane("lines");
  /**
   * Snapshots, in a lane and loop of their own: a burst of them (a shutdown, a class that
   * started together) must not hold up the journal and the steps, which students and teachers
   * are waiting for.
   */
  private readonly snapshotLane: Lane = this.lane("snapshots");
  private seq = 0;
  private readonly pendingByOwner = new Map<string, number>();
  private readonly ownerWaiters = new Map<string, Array<() => void>>();
  private readonly idleWaiters: Array<() => void> = [];
  private stopped = false;
  /** Units committed whose callers are still to be told (a slice per turn: `finishUnits`). */
  private readonly done: Whole[] = [];
  private doneHead = 0;
  /** Units committed since the last slice began (the next slice tells at least as many). */
  private arrived = 0;
  private finishing = false;
  private bytes = 0;
  private rows = 0;
  private troubleSince: number | null = null;
  private troubleAttempts = 0;
  private readonly m: WriteQueueMetrics = {
    queuedUnits: 0,
    queuedRows: 0,
    queuedBytes: 0,
    maxQueuedRows: 0,
    batches: 0,
    written: { journal: 0, progress: 0, snapshots: 0 },
    failedAttempts: 0,
    failed: 0,
    refused: 0,
    retrying: false,
    lastBatchMs: 0,
    maxBatchMs: 0,
    lastCommitLagMs: 0,
    maxCommitLagMs: 0,
  };
  private readonly opts: Required<Omit<WriteQueueOptions, "onTrouble" | "onRecovered">> &
    Pick<WriteQueueOptions, "onTrouble" | "onRecovered">;

  constructor(
    private readonly sink: WriteSink,
    opts: WriteQueueOptions = {},
  ) {
    this.opts = {
      maxBytes: 64 * 1024 * 1024,
      maxBatchRows: 2000,
      maxBatchBytes: 2 * 1024 * 1024,
      backoffMs: 100,
      maxBackoffMs: 5000,
      troubleAfter: 3,
      lingerMs: 0,
      sliceMs: 2,
      now: () => Date.now(),
      ...opts,
    };
  }

  private lane(name: LaneName): Lane {
    return { name, units: [], running: false, lingering: null, loop: Promise.resolve() };
  }

  /** True while the queue holds more than it may: new lines should wait (back-pressure). */
  get full(): boolean {
    return this.bytes > this.opts.maxBytes;
  }

  /** Counts a line refused because the queue was full. */
  refused(): void {
    this.m.refused++;
  }

  enqueue(unit: WriteUnit): void {
    const journal = unit.journal ?? NONE;
    const progress = unit.progress ?? NONE;
    const hasLines = journal.length > 0 || progress.length > 0 || !unit.snapshot;
    if (this.stopped) {
      const rows = journal.length + progress.length + (unit.snapshot ? 1 : 0);
      this.m.failed += rows;
      console.error(`[write-queue] ${rows} row(s) of ${unit.owner} arrived after shutdown; not written`);
      return;
    }
    const whole: Whole = { unit, parts: (hasLines ? 1 : 0) + (unit.snapshot ? 1 : 0), rejected: false };
    const at = this.opts.now();
    const seq = ++this.seq;
    this.pendingByOwner.set(unit.owner, (this.pendingByOwner.get(unit.owner) ?? 0) + 1);
    if (hasLines) {
      const size = linesSize(journal, progress);
      this.push(this.linesLane, { whole, journal, progress, snapshot: undefined, ...size, at, seq });
    }
    if (unit.snapshot) {
      const bytes = unit.snapshot.cluster.length + unit.snapshot.workstation.length;
      this.push(this.snapshotLane, {
        whole,
        journal: NONE,
        progress: NONE,
        snapshot: unit.snapshot,
        rows: 1,
        bytes,
        at,
        seq,
      });
    }
    this.m.maxQueuedRows = Math.max(this.m.maxQueuedRows, this.rows);
    this.schedule(hasLines ? this.linesLane : this.snapshotLane, unit.urgent === true);
    if (hasLines && unit.snapshot) this.schedule(this.snapshotLane, false);
  }

  private push(lane: Lane, q: Queued): void {
    lane.units.push(q);
    this.rows += q.rows;
    this.bytes += q.bytes;
  }

  /**
   * Starts the lane's loop if it is not running. Everything enqueued in this turn of the event
   * loop (or within `lingerMs`) goes into the same batch; an urgent unit cuts the linger short.
   */
  private schedule(lane: Lane, urgent: boolean): void {
    if (!lane.running) {
      lane.running = true;
      lane.loop = new Promise<void>((resolve) => {
        const start = () => void this.run(lane).finally(resolve);
        if (this.opts.lingerMs > 0 && !urgent) {
          const go = () => {
            if (lane.lingering?.timer !== timer) return;
            clearTimeout(timer);
            lane.lingering = null;
            start();
          };
          const timer = setTimeout(go, this.opts.lingerMs);
          lane.lingering = { timer, start: go };
        } else setImmediate(start);
      });
    } else if (urgent && lane.lingering) {
      // Still lingering: what is queued so far goes with it, in the next turn of the loop.
      setImmediate(lane.lingering.start);
    }
  }

  /** Units of `owner` not committed yet. */
  pending(owner: string): number {
    return this.pendingByOwner.get(owner) ?? 0;
  }

  /** Resolves when `owner` has nothing left to write. */
  whenWritten(owner: string): Promise<void> {
    if (this.pending(owner) === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.ownerWaiters.get(owner) ?? [];
      list.push(resolve);
      this.ownerWaiters.set(owner, list);
    });
  }

  private get idle(): boolean {
    return (
      this.linesLane.units.length === 0 &&
      this.snapshotLane.units.length === 0 &&
      !this.linesLane.running &&
      !this.snapshotLane.running &&
      !this.finishing
    );
  }

  /** Waits until everything queued is written, or `timeoutMs` passed; false on time-out. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.idle) return true;
    const idle = new Promise<void>((r) => this.idleWaiters.push(r));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), timeoutMs);
    });
    const r = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    return r !== "timeout";
  }

  /**
   * Stops retrying (server shutdown after `drain` gave up): the attempts under way finish, and
   * what is still queued after them is reported as failed, loudly, and dropped.
   */
  async close(): Promise<number> {
    this.stopped = true;
    for (const lane of [this.linesLane, this.snapshotLane]) {
      if (lane.lingering) {
        clearTimeout(lane.lingering.timer);
        setImmediate(lane.lingering.start);
      }
    }
    await Promise.all([this.linesLane.loop, this.snapshotLane.loop]);
    const left = this.rows;
    if (left > 0) {
      this.m.failed += left;
      console.error(`[write-queue] shutting down with ${left} rows not written (database unreachable)`);
    }
    return left;
  }

  metrics(): WriteQueueMetrics {
    return {
      ...this.m,
      written: { ...this.m.written },
      queuedUnits: this.linesLane.units.length + this.snapshotLane.units.length,
      queuedRows: this.rows,
      queuedBytes: this.bytes,
      retrying: this.troubleAttempts > 0,
    };
  }

  /**
   * The lane's oldest units that fit one batch. A snapshot is taken only once every line
   * enqueued before it is committed (the lines lane's oldest unit is younger).
   */
  private takeBatch(lane: Lane): Queued[] {
    const floor = lane === this.snapshotLane ? (this.linesLane.units[0]?.seq ?? Infinity) : Infinity;
    const batch: Queued[] = [];
    let rows = 0;
    let bytes = 0;
    for (const q of lane.units) {
      if (q.seq >= floor) break;
      if (
        batch.length > 0 &&
        (rows + q.rows > this.opts.maxBatchRows || bytes + q.bytes > this.opts.maxBatchBytes)
      )
        break;
      batch.push(q);
      rows += q.rows;
      bytes += q.bytes;
    }
    return batch;
  }

  private async run(lane: Lane): Promise<void> {
    try {
      while (!this.stopped) {
        const batch = traced(`${lane.name}-take`, () => this.takeBatch(lane));
        if (batch.length === 0) break;
        await this.writeWithRetry(lane, batch);
      }
    } finally {
      lane.running = false;
      if (this.idle) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /**
   * The lane's batch as one statement: the lines' rows (step tallies merged by key: they are
   * absolute, the newest of a step is the one to write), or the snapshots due (newest per key).
   */
  private statement(lane: Lane, batch: readonly Queued[]) {
    const journal: JournalRow[] = [];
    const progress = new Map<string, ProgressRow>();
    const snapshots = new Map<string, SnapshotRow>();
    for (const q of batch) {
      for (const j of q.journal) journal.push(j);
      for (const p of q.progress)
        progress.set(`${p.userId}\0${p.courseSlug}\0${p.lessonId}\0${p.tally.stepId}`, p);
      if (q.snapshot) snapshots.set(`${q.snapshot.userId}\0${q.snapshot.courseSlug}`, q.snapshot);
    }
    const rows = { journal: journal.length, progress: progress.size, snapshots: snapshots.size };
    const run = async (): Promise<void> => {
      if (lane === this.snapshotLane) {
        if (snapshots.size > 0) await this.sink.snapshots([...snapshots.values()]);
      } else if (journal.length > 0 || progress.size > 0)
        await this.sink.lines(journal, [...progress.values()]);
    };
    return { rows, run };
  }

  private counted(rows: { journal: number; progress: number; snapshots: number }): void {
    this.m.written.journal += rows.journal;
    this.m.written.progress += rows.progress;
    this.m.written.snapshots += rows.snapshots;
  }

  private async writeWithRetry(lane: Lane, batch: Queued[]): Promise<void> {
    const statement = traced(`${lane.name}-build`, () => this.statement(lane, batch));
    let attempt = 0;
    for (;;) {
      const t0 = performance.now();
      try {
        await traced(`${lane.name}-statement`, statement.run);
        this.counted(statement.rows);
        traced(`${lane.name}-commit`, () => this.finishBatch(lane, batch, performance.now() - t0));
        return;
      } catch (err) {
        this.m.failedAttempts++;
        if (this.stopped) return;
        if (!isConnectionError(err)) {
          await this.writeOneByOne(lane, batch);
          return;
        }
        attempt++;
        this.noteTrouble(err);
        await sleep(Math.min(this.opts.maxBackoffMs, this.opts.backoffMs * 2 ** (attempt - 1)));
        if (this.stopped) return;
      }
    }
  }

  /** A batch the database rejected: find the unit(s) at fault, write the rest. */
  private async writeOneByOne(lane: Lane, batch: Queued[]): Promise<void> {
    for (const q of batch) {
      const statement = this.statement(lane, [q]);
      let attempt = 0;
      for (;;) {
        try {
          await statement.run();
          this.counted(statement.rows);
          this.finishBatch(lane, [q], 0);
          break;
        } catch (err) {
          this.m.failedAttempts++;
          if (this.stopped) return;
          if (isConnectionError(err)) {
            attempt++;
            this.noteTrouble(err);
            await sleep(Math.min(this.opts.maxBackoffMs, this.opts.backoffMs * 2 ** (attempt - 1)));
            if (this.stopped) return;
            continue;
          }
          this.m.failed += q.rows;
          console.error(
            `[write-queue] the database rejected ${q.rows} row(s) of ${q.whole.unit.owner}; they were not written:`,
            err instanceof Error ? err.message : err,
          );
          if (!q.whole.rejected) {
            q.whole.rejected = true;
            q.whole.unit.rejected?.(err);
          }
          this.settle(lane, [q]);
          break;
        }
      }
    }
  }

  private noteTrouble(err: unknown): void {
    this.troubleAttempts++;
    this.troubleSince ??= this.opts.now();
    if (this.troubleAttempts === this.opts.troubleAfter) {
      const error = err instanceof Error ? err.message : String(err);
      console.error(
        `[write-queue] database writes failing (${error}); ${this.rows} row(s) waiting, retrying with backoff`,
      );
      this.opts.onTrouble?.({
        since: this.troubleSince,
        attempts: this.troubleAttempts,
        pendingRows: this.rows,
        error,
      });
    }
  }

  private finishBatch(lane: Lane, batch: Queued[], ms: number): void {
    const now = this.opts.now();
    this.m.batches++;
    this.m.lastBatchMs = ms;
    this.m.maxBatchMs = Math.max(this.m.maxBatchMs, ms);
    const lag = batch.length ? now - batch[0]!.at : 0;
    this.m.lastCommitLagMs = lag;
    this.m.maxCommitLagMs = Math.max(this.m.maxCommitLagMs, lag);
    if (this.troubleAttempts > 0) {
      const t = { outageMs: now - (this.troubleSince ?? now), attempts: this.troubleAttempts };
      if (this.troubleAttempts >= this.opts.troubleAfter) {
        console.error(
          `[write-queue] database writes recovered after ${t.outageMs} ms (${t.attempts} attempts)`,
        );
        this.opts.onRecovered?.(t);
      }
      this.troubleAttempts = 0;
      this.troubleSince = null;
    }
    this.settle(lane, batch);
  }

  /**
   * Parts whose rows are committed (or rejected for good): out of their lane; a unit whose
   * every part is done is no longer pending, and its caller is told.
   */
  private settle(lane: Lane, parts: Queued[]): void {
    // One pass over the lane (a batch of 2,000 units spliced one by one was quadratic); a
    // batch is always the lane's oldest units, except a unit settled alone after a rejection.
    if (lane.units[parts.length - 1] === parts[parts.length - 1] && lane.units[0] === parts[0])
      lane.units.splice(0, parts.length);
    else {
      const gone = new Set(parts);
      lane.units = lane.units.filter((q) => !gone.has(q));
    }
    // Snapshots that waited for these lines may go now (the lines lane may never pause under load).
    if (
      lane === this.linesLane &&
      this.snapshotLane.units.length > 0 &&
      !this.snapshotLane.running &&
      !this.stopped
    )
      this.schedule(this.snapshotLane, true);
    for (const q of parts) {
      this.rows -= q.rows;
      this.bytes -= q.bytes;
      if (--q.whole.parts === 0) {
        this.done.push(q.whole);
        this.arrived++;
      }
    }
    if (!this.finishing) this.finishUnits();
  }

  /**
   * Tells the callers of committed units, in order, a slice of at most `sliceMs` per turn of the
   * event loop: a batch of a thousand students' lines (each callback builds and compares a
   * step list, then emits) is not told all at once while everyone else's keystrokes wait
   * (docs/adr/0035-long-blocks-sliced.md). The first slice runs at once; a saturated loop gives
   * the next slices a quarter of each turn (`sliceBudget`), and each slice at least as many units
   * as were committed since the one before, so the callers are never left behind.
   */
  private finishUnits(waitedMs = 0, continued = false): void {
    this.finishing = true;
    const until = performance.now() + sliceBudget(this.opts.sliceMs, waitedMs);
    // A later slice tells at least as many as were committed since the one before, whatever
    // the time: on a saturated loop a time budget alone fell behind the lines arriving.
    const owed = continued ? this.arrived : 0;
    this.arrived = 0;
    let told = 0;
    while (this.doneHead < this.done.length) {
      this.release(this.done[this.doneHead++]!);
      told++;
      if (this.doneHead < this.done.length && told >= owed && performance.now() >= until) {
        void nextTurn().then((waited) => this.finishUnits(waited, true));
        return;
      }
    }
    this.done.length = 0;
    this.doneHead = 0;
    this.finishing = false;
    if (this.idle) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** A unit whose every part is done: no longer pending, and its caller is told. */
  private release(whole: Whole): void {
    const owner = whole.unit.owner;
    const left = (this.pendingByOwner.get(owner) ?? 1) - 1;
    if (left > 0) this.pendingByOwner.set(owner, left);
    else {
      this.pendingByOwner.delete(owner);
      for (const w of this.ownerWaiters.get(owner) ?? []) w();
      this.ownerWaiters.delete(owner);
    }
    if (!whole.rejected)
      try {
        whole.unit.committed?.();
      } catch (err) {
        console.error("[write-queue] commit callback failed", err);
      }
  }
}
