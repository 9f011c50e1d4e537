/**
 * Records every terminal tab of the live workspaces as asciicast v2 (lib/classroom/casts.ts):
 * output as "o" events, size changes as "r" events. Events are buffered per tab and written as a
 * chunk at most every `flushMs` (or sooner when a chunk grows large), off the terminal's path:
 * a failed write is logged and that chunk dropped — a recording is a convenience, the journal
 * and progress are the record.
 */
import { randomBytes } from "node:crypto";
import { type CastChunk, saveChunk } from "../../lib/classroom/casts";
import type { Pool } from "../../lib/classroom/sql";

/** The chunk being filled for one tab, and how many characters its events hold. */
interface Recording extends CastChunk {
  size: number;
}

const CHUNK_CHARS = 64 * 1024;

export class Recorder {
  private readonly tabs = new Map<string, Recording>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly now: () => number = Date.now,
    private readonly flushMs = 1000,
  ) {}

  private key(userId: string, courseSlug: string, tab: string): string {
    return `${userId}:${courseSlug}:${tab}`;
  }

  /** A tab opened (or reattached) at this size: a new recording when none runs for it. */
  size(userId: string, courseSlug: string, tab: string, width: number, height: number): void {
    const k = this.key(userId, courseSlug, tab);
    const rec = this.tabs.get(k);
    if (!rec) {
      this.tabs.set(k, {
        userId,
        courseSlug,
        castId: `${this.now().toString(36)}${randomBytes(6).toString("hex")}`,
        tab,
        startedAt: this.now(),
        width,
        height,
        seq: 0,
        events: [],
        size: 0,
      });
      return;
    }
    if (rec.width === width && rec.height === height) return;
    rec.width = width;
    rec.height = height;
    this.push(rec, "r", `${width}x${height}`);
  }

  output(userId: string, courseSlug: string, tab: string, data: string): void {
    const rec = this.tabs.get(this.key(userId, courseSlug, tab));
    if (rec) this.push(rec, "o", data);
  }

  /** The tab closed or its workspace left memory: its recording ends (written out). */
  end(userId: string, courseSlug: string, tab?: string): void {
    for (const [k, rec] of this.tabs)
      if (rec.userId === userId && rec.courseSlug === courseSlug && (tab === undefined || rec.tab === tab)) {
        this.write(rec);
        this.tabs.delete(k);
      }
  }

  private push(rec: Recording, code: "o" | "r", data: string): void {
    const t = Math.max(0, (this.now() - rec.startedAt) / 1000);
    rec.events.push([Math.round(t * 1e6) / 1e6, code, data]);
    rec.size += data.length;
    if (rec.size >= CHUNK_CHARS) this.write(rec);
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  private write(rec: Recording): void {
    if (rec.events.length === 0) return;
    const chunk = { ...rec, events: rec.events.splice(0), seq: rec.seq++ };
    rec.size = 0;
    // One chunk after another: a recording's chunks are written in order.
    this.writing = this.writing
      .then(() => saveChunk(this.pool, chunk))
      .catch((err: unknown) => console.error("[recorder]", err));
  }

  /** Writes every buffered chunk; resolves once they are in the database. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const rec of this.tabs.values()) this.write(rec);
    return this.writing;
  }
}
