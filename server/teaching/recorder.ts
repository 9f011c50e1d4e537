/**
 * Records every terminal tab of the live workspaces as asciicast v2 (lib/classroom/casts.ts):
 * output as "o" events, size changes as "r" events. Events are buffered per tab; a tab's chunk is
 * closed once it is `chunkMs` old (or sooner when it grows large), and the chunks closed within a
 * tick are deflated a slice at a time and written together in one statement, off the
 * terminal's path. Before, every tab wrote its own chunk each second — one deflate and two
 * statements per line typed (docs/performance.md). A failed write is logged and its chunks
 * dropped — a recording is a convenience, the journal and progress are the record.
 */
import { randomBytes } from "node:crypto";
import { traced } from "../../lib/block-trace";
import {
  CAST_BYTES_PER_STUDENT,
  type CastChunk,
  type EncodedChunk,
  encodeChunk,
  saveChunks,
} from "../../lib/classroom/casts";
import type { Pool } from "../../lib/classroom/sql";
import { eachSliced } from "../../lib/sliced";

/** The chunk being filled for one tab, how many characters its events hold, and since when. */
interface Recording extends CastChunk {
  size: number;
  /** When the chunk's first event came (epoch ms), or null while it is empty. */
  firstAt: number | null;
  /**
   * The recording holds only what the tab showed as it opened (its first output: the prompt, or
   * the screen restored after a restart). Such a chunk is not closed by age, and dropped when the
   * recording ends: a class that opens its terminals and types nothing writes nothing
   * (docs/adr/0038-one-statement-per-join.md).
   */
  opening: boolean;
}

const CHUNK_CHARS = 64 * 1024;
/** How long the encoding of a batch may hold the event loop before it lets other work run. */
const SLICE_MS = 4;

export class Recorder {
  private readonly tabs = new Map<string, Recording>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** Chunks closed and waiting for the next write (in order). */
  private closed: CastChunk[] = [];
  /** What each student's stored recordings take (lib/classroom/casts.ts saveChunks). */
  private readonly totals = new Map<string, number>();

  constructor(
    private readonly pool: Pool,
    private readonly now: () => number = Date.now,
    /** A tab's chunk is closed and written once its first event is this old (ms). */
    private readonly chunkMs = 5000,
    /** How often closed chunks are looked for (ms). */
    private readonly tickMs = 1000,
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
        firstAt: null,
        opening: true,
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

  /**
   * The tab closed or its workspace left memory: its recording ends (written out, unless it holds
   * only the tab's opening).
   */
  end(userId: string, courseSlug: string, tab?: string): void {
    for (const [k, rec] of this.tabs)
      if (rec.userId === userId && rec.courseSlug === courseSlug && (tab === undefined || rec.tab === tab)) {
        if (!rec.opening) this.close(rec);
        this.tabs.delete(k);
      }
    this.write();
  }

  private push(rec: Recording, code: "o" | "r", data: string): void {
    const now = this.now();
    const t = Math.max(0, (now - rec.startedAt) / 1000);
    // The first output is the tab's opening (a resize changes nothing of it); output after it is
    // something happening: the chunk then closes `chunkMs` later, the opening included.
    if (rec.opening && code === "o" && rec.events.some((e) => e[1] === "o")) {
      rec.opening = false;
      rec.firstAt = now;
    }
    rec.events.push([Math.round(t * 1e6) / 1e6, code, data]);
    rec.size += data.length;
    rec.firstAt ??= now;
    if (rec.size >= CHUNK_CHARS) {
      this.close(rec);
      this.write();
    } else if (!this.timer && !rec.opening) {
      this.timer = setInterval(() => traced("recorder-tick", () => this.tick()), this.tickMs);
      this.timer.unref();
    }
  }

  /** Closes the chunks that are old enough and writes them; stops ticking when nothing is open. */
  private tick(): void {
    const due = this.now() - this.chunkMs;
    let open = false;
    for (const rec of this.tabs.values()) {
      if (rec.opening) continue;
      if (rec.firstAt !== null && rec.firstAt <= due) this.close(rec);
      open ||= rec.firstAt !== null;
    }
    this.write();
    if (!open && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private close(rec: Recording): void {
    if (rec.events.length === 0) return;
    rec.opening = false;
    this.closed.push({ ...rec, events: rec.events.splice(0), seq: rec.seq++ });
    rec.size = 0;
    rec.firstAt = null;
  }

  /** Writes the closed chunks in one statement, after the batch before (a recording's chunks stay in order). */
  private write(): void {
    if (this.closed.length === 0) return;
    const batch = this.closed;
    this.closed = [];
    this.writing = this.writing
      .then(async () => {
        const encoded = await encodeSliced(batch);
        return traced("recorder-insert", () =>
          saveChunks(this.pool, encoded, CAST_BYTES_PER_STUDENT, this.totals),
        );
      })
      .catch((err: unknown) => console.error("[recorder]", err));
  }

  /** Writes one student's buffered chunks (a replay is being opened); resolves once they are in the database. */
  flushUser(userId: string): Promise<void> {
    for (const rec of this.tabs.values()) if (rec.userId === userId) this.close(rec);
    this.write();
    return this.writing;
  }

  /** Writes every buffered chunk (not a tab's opening alone); resolves once they are in the database. */
  flush(): Promise<void> {
    for (const rec of this.tabs.values()) if (!rec.opening) this.close(rec);
    this.write();
    return this.writing;
  }
}

/** Deflates chunks, letting other work run every few milliseconds (a class closes many at once). */
async function encodeSliced(chunks: readonly CastChunk[]): Promise<EncodedChunk[]> {
  const out: EncodedChunk[] = [];
  await eachSliced(chunks, (c) => out.push(traced("recorder-encode", () => encodeChunk(c))), SLICE_MS);
  return out;
}
