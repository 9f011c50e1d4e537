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

/** Writes a chunk and drops the student's oldest chunks past the bound. */
export async function saveChunk(pool: Pool, c: CastChunk, bound = CAST_BYTES_PER_STUDENT): Promise<void> {
  const data = encodeEvents(c.events);
  await pool.query(
    `INSERT INTO "TerminalCast" ("userId", "courseSlug", "castId", tab, "startedAt", width, height, seq, bytes, data, "createdAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, (now() AT TIME ZONE 'UTC'))`,
    [
      c.userId,
      c.courseSlug,
      c.castId,
      c.tab,
      sqlTimestamp(c.startedAt),
      c.width,
      c.height,
      c.seq,
      data.length,
      data,
    ],
  );
  await pool.query(
    `DELETE FROM "TerminalCast" WHERE id IN (
       SELECT id FROM (
         SELECT id, sum(bytes) OVER (ORDER BY id DESC) AS upto FROM "TerminalCast" WHERE "userId" = $1
       ) t WHERE upto > $2)`,
    [c.userId, bound],
  );
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
