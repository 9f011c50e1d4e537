/**
 * Terminal recordings as asciicast v2 (issue 13): https://docs.asciinema.org/manual/asciicast/v2/
 * — a header line, then one JSON array per event: [seconds since start, "o" | "r", data].
 * Stored compactly: events are JSON lines in chunks, deflated, one row per chunk. Each student's
 * rows are bounded in bytes (compressed); past the bound the oldest chunks are dropped, so a long
 * recording loses its beginning (the replay then starts later, still valid asciicast).
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Pool } from "./sql";
import { sqlTimestamp } from "./sql";

/** What one student's recordings may take in the database (compressed bytes). */
export const CAST_BYTES_PER_STUDENT = 4 * 1024 * 1024;

export type CastEvent = [number, "o" | "r" | "i", string];

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  timestamp: number;
  title?: string;
  env?: Record<string, string>;
}

export interface CastChunk {
  userId: string;
  courseSlug: string;
  castId: string;
  tab: string;
  startedAt: number;
  width: number;
  height: number;
  seq: number;
  events: CastEvent[];
}

export function encodeEvents(events: CastEvent[]): Buffer {
  return deflateRawSync(Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(""), "utf8"));
}

export function decodeEvents(data: Buffer): string {
  return inflateRawSync(data).toString("utf8");
}

/** A chunk ready for its row: the events deflated. */
export interface EncodedChunk extends Omit<CastChunk, "events"> {
  data: Buffer;
}

export function encodeChunk(c: CastChunk): EncodedChunk {
  const { events, ...rest } = c;
  return { ...rest, data: encodeEvents(events) };
}

/** Writes a chunk and drops the student's oldest chunks past the bound. */
export async function saveChunk(pool: Pool, c: CastChunk, bound = CAST_BYTES_PER_STUDENT): Promise<void> {
  await saveChunks(pool, [encodeChunk(c)], bound);
}

/**
 * Writes chunks (any students, any tabs) in one statement, then keeps each student's rows within
 * `bound`. `totals` is what the caller knows each student's rows take: a student not in it is
 * read once (one grouped statement for all of them), then counted as chunks are written, so the
 * trimming statement runs only for a student past the bound — not after every chunk, which made
 * two statements per recorded line (docs/performance.md). A trimmed student is read again next
 * time.
 */
export async function saveChunks(
  pool: Pool,
  chunks: readonly EncodedChunk[],
  bound = CAST_BYTES_PER_STUDENT,
  totals: Map<string, number> = new Map(),
): Promise<void> {
  if (chunks.length === 0) return;
  // The deflated bytes go as one binary parameter cut apart in SQL: a bytea[] parameter would be
  // sent as text, two hex digits a byte, escaped by the driver.
  const offsets: number[] = [];
  let at = 0;
  for (const c of chunks) {
    offsets.push(at);
    at += c.data.length;
  }
  await pool.query(
    `INSERT INTO "TerminalCast" ("userId", "courseSlug", "castId", tab, "startedAt", width, height, seq, bytes, data, "createdAt")
     SELECT u, c, k, t, s, w, h, q, b, substring($11::bytea FROM o + 1 FOR b), (now() AT TIME ZONE 'UTC')
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp(3)[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[])
         AS x(u, c, k, t, s, w, h, q, b, o)`,
    [
      chunks.map((c) => c.userId),
      chunks.map((c) => c.courseSlug),
      chunks.map((c) => c.castId),
      chunks.map((c) => c.tab),
      chunks.map((c) => sqlTimestamp(c.startedAt)),
      chunks.map((c) => c.width),
      chunks.map((c) => c.height),
      chunks.map((c) => c.seq),
      chunks.map((c) => c.data.length),
      offsets,
      Buffer.concat(chunks.map((c) => c.data)),
    ],
  );
  const unknown = [...new Set(chunks.map((c) => c.userId))].filter((u) => !totals.has(u));
  for (const c of chunks)
    if (totals.has(c.userId)) totals.set(c.userId, totals.get(c.userId)! + c.data.length);
  if (unknown.length > 0) {
    const r = await pool.query<{ userId: string; bytes: string }>(
      `SELECT "userId", sum(bytes) AS bytes FROM "TerminalCast" WHERE "userId" = ANY($1::text[]) GROUP BY "userId"`,
      [unknown],
    );
    for (const u of unknown) totals.set(u, 0);
    for (const row of r.rows) totals.set(row.userId, Number(row.bytes));
  }
  const over = [...new Set(chunks.map((c) => c.userId))].filter((u) => (totals.get(u) ?? 0) > bound);
  if (over.length === 0) return;
  await pool.query(
    `DELETE FROM "TerminalCast" WHERE id IN (
       SELECT id FROM (
         SELECT id, sum(bytes) OVER (PARTITION BY "userId" ORDER BY id DESC) AS upto
           FROM "TerminalCast" WHERE "userId" = ANY($1::text[])
       ) t WHERE upto > $2)`,
    [over, bound],
  );
  for (const u of over) totals.delete(u);
}

type PendingWriter = (userId: string) => Promise<void>;
const PENDING = Symbol.for("kubeclass.pendingCastWriter");

/**
 * The live server's recorder keeps a tab's newest output in memory for a few seconds before it
 * writes it (server/teaching/recorder.ts). It registers here how to write one student's open
 * chunks now, so that a replay opened at once still shows the last command. On globalThis: Next's
 * bundled pages and the custom server load separate copies of this module.
 */
export function setPendingCastWriter(fn: PendingWriter | null): void {
  const g = globalThis as unknown as Record<symbol, PendingWriter | null | undefined>;
  g[PENDING] = fn;
}

/** Writes what the recorder still holds for this student (a no-op where no server records). */
export async function writePendingCasts(userId: string): Promise<void> {
  const g = globalThis as unknown as Record<symbol, PendingWriter | null | undefined>;
  await g[PENDING]?.(userId);
}

export interface CastInfo {
  castId: string;
  tab: string;
  /** Epoch ms. */
  startedAt: number;
  width: number;
  height: number;
  bytes: number;
  chunks: number;
  /** When its last chunk was written (epoch ms). */
  lastAt: number;
}

export async function listCasts(pool: Pool, userId: string): Promise<CastInfo[]> {
  const r = await pool.query<CastInfo & { chunks: string; bytes: string }>(
    `SELECT "castId", tab, floor(extract(epoch FROM min("startedAt")) * 1000)::float8 AS "startedAt",
            max(width) AS width, max(height) AS height, sum(bytes) AS bytes, count(*) AS chunks,
            floor(extract(epoch FROM max("createdAt")) * 1000)::float8 AS "lastAt"
       FROM "TerminalCast" WHERE "userId" = $1 GROUP BY "castId", tab ORDER BY max(id) DESC`,
    [userId],
  );
  return r.rows.map((x) => ({ ...x, chunks: Number(x.chunks), bytes: Number(x.bytes) }));
}

/** The whole recording as an asciicast v2 file, or null when none is stored. */
export async function castFile(
  pool: Pool,
  userId: string,
  castId: string,
  title?: string,
): Promise<{ text: string; startedAt: number } | null> {
  const r = await pool.query<{ startedAt: number; width: number; height: number; data: Buffer }>(
    `SELECT floor(extract(epoch FROM "startedAt") * 1000)::float8 AS "startedAt", width, height, data
       FROM "TerminalCast" WHERE "userId" = $1 AND "castId" = $2 ORDER BY seq`,
    [userId, castId],
  );
  const first = r.rows[0];
  if (!first) return null;
  const header: CastHeader = {
    version: 2,
    width: first.width,
    height: first.height,
    timestamp: Math.floor(first.startedAt / 1000),
    env: { TERM: "xterm-256color", SHELL: "/bin/bash" },
    ...(title ? { title } : {}),
  };
  return {
    text: `${JSON.stringify(header)}\n${r.rows.map((x) => decodeEvents(x.data)).join("")}`,
    startedAt: first.startedAt,
  };
}

/**
 * Parses asciicast v2 text strictly (header fields, event shapes, times never going back).
 * For tests and the download route's own check.
 */
export function parseCast(text: string): { header: CastHeader; events: CastEvent[] } {
  const lines = text.split("\n").filter((l) => l !== "");
  const header = JSON.parse(lines[0] ?? "null") as CastHeader;
  if (header?.version !== 2) throw new Error("not asciicast v2: version");
  if (!Number.isInteger(header.width) || !Number.isInteger(header.height)) throw new Error("width/height");
  const events: CastEvent[] = [];
  let last = 0;
  for (const l of lines.slice(1)) {
    const e = JSON.parse(l) as unknown;
    if (!Array.isArray(e) || e.length !== 3) throw new Error(`bad event: ${l.slice(0, 80)}`);
    const [t, code, data] = e as [unknown, unknown, unknown];
    if (typeof t !== "number" || t < last - 1e-9) throw new Error(`bad time: ${l.slice(0, 80)}`);
    if (typeof code !== "string" || !["o", "i", "r", "m"].includes(code))
      throw new Error(`bad code ${String(code)}`);
    if (typeof data !== "string") throw new Error("bad data");
    last = t;
    events.push([t, code as CastEvent[1], data]);
  }
  return { header, events };
}
