/** The command journal in Postgres: the newest lines of a lesson, and batched appends. */
import type { JournalEntry } from "../shell/types";
import { type Pool, sqlText, sqlTimestamp } from "./sql";

export interface JournalRow {
  /** The server's id for the line (a retried batch skips lines already written). */
  lineKey: string;
  userId: string;
  courseSlug: string;
  lessonId: string;
  entry: JournalEntry;
}

/** The longest line kept (the shell's own limit); output is already capped by the terminal. */
export const MAX_LINE_CHARS = 4096;

/**
 * The newest `limit` lines of a lesson since `since`, oldest first. `since: null` reads from the
 * saved cluster's `journalSince` (none when nothing is saved: a new cluster starts now), so a
 * lesson's journal can be read in the same round trip as the snapshot it depends on.
 */
export async function loadJournal(
  pool: Pool,
  key: { userId: string; courseSlug: string; lessonId: string; since: number | null; limit: number },
): Promise<JournalEntry[]> {
  const r = await pool.query<{
    tab: string;
    line: string;
    argv: string[][];
    exitCode: number;
    output: string;
    outputs: string[] | null;
    at: number;
  }>(
    `SELECT tab, line, argv, "exitCode", output, outputs, floor(extract(epoch FROM at) * 1000)::float8 AS at
       FROM "CommandRecord"
      WHERE "userId" = $1 AND "courseSlug" = $2 AND "lessonId" = $3
        AND at >= coalesce($4::timestamp(3),
                           (SELECT "journalSince" FROM "ClusterSnapshot" WHERE "userId" = $1 AND "courseSlug" = $2),
                           'infinity')
      ORDER BY at DESC, id DESC
      LIMIT $5`,
    [
      key.userId,
      key.courseSlug,
      key.lessonId,
      key.since === null ? null : sqlTimestamp(key.since),
      key.limit,
    ],
  );
  return r.rows.reverse().map((row) => ({
    tab: row.tab,
    line: row.line,
    commands: row.argv,
    exitCode: row.exitCode,
    output: row.output,
    ...(Array.isArray(row.outputs) ? { outputs: row.outputs } : {}),
    at: row.at,
  }));
}

/**
 * Appends lines in one statement (arrays unnested: the same eleven parameters for any batch size,
 * so Postgres plans it once). Lines already written by an earlier try are skipped.
 */
export async function appendJournal(pool: Pool, rows: readonly JournalRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await pool.query({
    name: "journal-append",
    text: `INSERT INTO "CommandRecord" ("lineKey", "userId", "courseSlug", "lessonId", tab, line, argv, "exitCode", output, outputs, at)
           SELECT k, u, c, l, t, li, a::jsonb, e, o, os::jsonb, at
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::timestamp(3)[], $11::text[])
                  AS x(k, u, c, l, t, li, a, e, o, at, os)
           ON CONFLICT ("lineKey") DO NOTHING`,
    values: [
      rows.map((r) => r.lineKey),
      rows.map((r) => r.userId),
      rows.map((r) => r.courseSlug),
      rows.map((r) => r.lessonId),
      rows.map((r) => r.entry.tab),
      rows.map((r) => sqlText(r.entry.line.slice(0, MAX_LINE_CHARS))),
      rows.map((r) => JSON.stringify(r.entry.commands.map((argv) => argv.map(sqlText)))),
      rows.map((r) => r.entry.exitCode),
      rows.map((r) => sqlText(r.entry.output)),
      rows.map((r) => sqlTimestamp(r.entry.at)),
      rows.map((r) => (r.entry.outputs === undefined ? null : JSON.stringify(r.entry.outputs.map(sqlText)))),
    ],
  });
  return r.rowCount ?? 0;
}
