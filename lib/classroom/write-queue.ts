/**
 * The bounded write queue of one server instance (docs/adr/0014-live-session-write-path.md). Live sessions
 * enqueue what a finished line produced — journal rows, step tallies, a snapshot — and get told
 * when all of it is committed. The queue writes everything waiting as one batch: one statement
 * per table, however many students typed in the meantime. A batch that fails because the
 * database is unreachable is retried with backoff until it succeeds (its rows are idempotent:
 * journal lines carry a key, tallies are absolute and merged monotonically, snapshots are
 * latest-wins); rows the database rejects are retried one unit at a time and only the unit
 * that still fails is dropped and reported. Nothing is ever lost silently.
 */
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
  journal(rows: readonly JournalRow[]): Promise<unknown>;
  progress(rows: readonly ProgressRow[]): Promise<unknown>;
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

interface Queued {
  unit: WriteUnit;
  rows: number;
  bytes: number;
  at: number;
}

function unitSize(u: WriteUnit): { rows: number; bytes: number } {
  let rows = 0;
  let bytes = 0;
  for (const j of u.journal ?? []) {
    rows++;
    bytes += 200 + j.entry.line.length + j.entry.output.length;
  }
  rows += u.progress?.length ?? 0;
  bytes += 160 * (u.progress?.length ?? 0);
  if (u.snapshot) {
    rows++;
    bytes += u.snapshot.cluster.length + u.snapshot.workstation.length;
  }
  return { rows, bytes };
}

/** Merges units into one statement per table: tallies and snapshots by key, newest wins. */
function merge(units: readonly WriteUnit[]) {
  const journal: JournalRow[] = [];
  const progress = new Map<string, ProgressRow>();
  const snapshots = new Map<string, SnapshotRow>();
  for (const u of units) {
    if (u.journal) journal.push(...u.journal);
    for (const p of u.progress ?? [])
      progress.set(`${p.userId}\0${p.courseSlug}\0${p.lessonId}\0${p.tally.stepId}`, p);
    if (u.snapshot) snapshots.set(`${u.snapshot.userId}\0${u.snapshot.courseSlug}`, u.snapshot);
  }
  return { journal, progress: [...progress.values()], snapshots: [...snapshots.values()] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class WriteQueue {
  /** Lines and step rows, in order. */
  private queue: Queued[] = [];
  /**
   * Snapshots wait in a lane of their own: a burst of them (a shutdown, a class that started
   * together) must not hold up the journal and the steps, which students are waiting for.
   */
  private snapshotLane: Queued[] = [];
  private readonly pendingByOwner = new Map<string, number>();
  private readonly ownerWaiters = new Map<string, Array<() => void>>();
  private readonly idleWaiters: Array<() => void> = [];
  private running = false;
  /** The linger timer of a batch not started yet (an urgent unit starts it now). */
  private lingering: { timer: NodeJS.Timeout; start: () => void } | null = null;
  private runLoop: Promise<void> = Promise.resolve();
  private stopped = false;
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
      now: () => Date.now(),
      ...opts,
    };
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
    const { rows, bytes } = unitSize(unit);
    if (this.stopped) {
      this.m.failed += rows;
      console.error(`[write-queue] ${rows} row(s) of ${unit.owner} arrived after shutdown; not written`);
      return;
    }
    const queued = { unit, rows, bytes, at: this.opts.now() };
    if (unit.snapshot && !unit.journal?.length && !unit.progress?.length) this.snapshotLane.push(queued);
    else this.queue.push(queued);
    this.rows += rows;
    this.bytes += bytes;
    this.m.maxQueuedRows = Math.max(this.m.maxQueuedRows, this.rows);
    this.pendingByOwner.set(unit.owner, (this.pendingByOwner.get(unit.owner) ?? 0) + 1);
    if (!this.running) {
      this.running = true;
      // Everything enqueued in this turn of the event loop (or within `lingerMs`) goes into
      // the same batch.
      const start = (resolve: () => void) => void this.run().finally(resolve);
      this.runLoop = new Promise<void>((resolve) => {
        if (this.opts.lingerMs > 0 && !unit.urgent) {
          const go = () => {
            if (this.lingering?.timer !== timer) return;
            clearTimeout(timer);
            this.lingering = null;
            start(resolve);
          };
          const timer = setTimeout(go, this.opts.lingerMs);
          this.lingering = { timer, start: go };
        } else setImmediate(() => start(resolve));
      });
    } else if (unit.urgent && this.lingering) {
      // Still lingering: what is queued so far goes with it, in the next turn of the loop.
      const { start } = this.lingering;
      setImmediate(start);
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

  /** Waits until everything queued is written, or `timeoutMs` passed; false on time-out. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.queue.length === 0 && this.snapshotLane.length === 0 && !this.running) return true;
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
   * Stops retrying (server shutdown after `drain` gave up): the attempt under way finishes, and
   * what is still queued after it is reported as failed, loudly, and dropped.
   */
  async close(): Promise<number> {
    this.stopped = true;
    await this.runLoop;
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
      queuedUnits: this.queue.length + this.snapshotLane.length,
      queuedRows: this.rows,
      queuedBytes: this.bytes,
      retrying: this.troubleAttempts > 0,
    };
  }

  /** The oldest lines and steps first; snapshots fill what is left of the batch's bytes. */
  private takeBatch(): Queued[] {
    const batch: Queued[] = [];
    let rows = 0;
    let bytes = 0;
    const fits = (q: Queued) =>
      batch.length === 0 ||
      (rows + q.rows <= this.opts.maxBatchRows && bytes + q.bytes <= this.opts.maxBatchBytes);
    for (const lane of [this.queue, this.snapshotLane]) {
      for (const q of lane) {
        if (!fits(q)) break;
        batch.push(q);
        rows += q.rows;
        bytes += q.bytes;
      }
    }
    return batch;
  }

  private async run(): Promise<void> {
    try {
      while ((this.queue.length > 0 || this.snapshotLane.length > 0) && !this.stopped) {
        const batch = this.takeBatch();
        await this.writeWithRetry(batch);
      }
    } finally {
      this.running = false;
      if (this.queue.length === 0 && this.snapshotLane.length === 0)
        for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async writeWithRetry(batch: Queued[]): Promise<void> {
    const merged = merge(batch.map((q) => q.unit));
    // The batch's leading units without a snapshot (the lines lane comes first in a batch).
    const firstSnapshot = batch.findIndex((q) => q.unit.snapshot !== undefined);
    const lines = firstSnapshot < 0 ? batch : batch.slice(0, firstSnapshot);
    const done = { journal: false, progress: false, snapshots: false };
    let attempt = 0;
    for (;;) {
      const t0 = performance.now();
      try {
        // Journal first, then tallies: a step is never counted for a line the journal lacks.
        if (!done.journal) await this.sink.journal(merged.journal);
        done.journal = true;
        if (!done.progress) await this.sink.progress(merged.progress);
        if (!done.progress && lines.length > 0 && lines.length < batch.length) {
          // The lines' units are committed now: their step ticks do not wait for the snapshots
          // that share the batch (up to 2 MB of them while a class's clusters are saved).
          this.m.written.journal += merged.journal.length;
          this.m.written.progress += merged.progress.length;
          this.settle(lines);
          batch = batch.slice(lines.length);
          merged.journal = [];
          merged.progress = [];
        }
        done.progress = true;
        if (!done.snapshots) await this.sink.snapshots(merged.snapshots);
        done.snapshots = true;
        this.m.written.journal += merged.journal.length;
        this.m.written.progress += merged.progress.length;
        this.m.written.snapshots += merged.snapshots.length;
        this.finishBatch(batch, performance.now() - t0);
        return;
      } catch (err) {
        this.m.failedAttempts++;
        if (this.stopped) return;
        if (!isConnectionError(err)) {
          await this.writeOneByOne(batch);
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
  private async writeOneByOne(batch: Queued[]): Promise<void> {
    for (const q of batch) {
      const m = merge([q.unit]);
      let attempt = 0;
      for (;;) {
        try {
          await this.sink.journal(m.journal);
          await this.sink.progress(m.progress);
          await this.sink.snapshots(m.snapshots);
          this.m.written.journal += m.journal.length;
          this.m.written.progress += m.progress.length;
          this.m.written.snapshots += m.snapshots.length;
          this.finishBatch([q], 0);
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
            `[write-queue] the database rejected ${q.rows} row(s) of ${q.unit.owner}; they were not written:`,
            err instanceof Error ? err.message : err,
          );
          this.remove([q]);
          q.unit.rejected?.(err);
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

  private finishBatch(batch: Queued[], ms: number): void {
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
    this.settle(batch);
  }

  /** Units whose rows are all committed: out of the queue, and their callers told. */
  private settle(units: Queued[]): void {
    this.remove(units);
    for (const q of units) {
      try {
        q.unit.committed?.();
      } catch (err) {
        console.error("[write-queue] commit callback failed", err);
      }
    }
  }

  private remove(batch: Queued[]): void {
    // One pass per lane (a batch of 2,000 units spliced one by one was quadratic).
    const gone = new Set(batch);
    this.queue = this.queue.filter((q) => !gone.has(q));
    this.snapshotLane = this.snapshotLane.filter((q) => !gone.has(q));
    for (const q of batch) {
      this.rows -= q.rows;
      this.bytes -= q.bytes;
      const left = (this.pendingByOwner.get(q.unit.owner) ?? 1) - 1;
      if (left > 0) this.pendingByOwner.set(q.unit.owner, left);
      else {
        this.pendingByOwner.delete(q.unit.owner);
        for (const w of this.ownerWaiters.get(q.unit.owner) ?? []) w();
        this.ownerWaiters.delete(q.unit.owner);
      }
    }
  }
}
