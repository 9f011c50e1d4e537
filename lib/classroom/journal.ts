/** The command journal in Postgres: the newest lines of a lesson, and batched appends. */
import type { JournalEntry } from "../shell/types";
import { type ProgressRow, progressUpsert, progressValues, upsertProgress } from "./progress";
import { columns, type Pool, params, sqlText, sqlTimestamp } from "./sql";

export interface JournalRow {
  /** The server's id for the line (a retried batch skips lines already written). */
  lineKey: string;
  userId: string;
  courseSlug: string;
  lessonId: string;
  entry: JournalEntry;
}

/** A journal line as a query reads it from "CommandRecord" (`at` in epoch milliseconds). */
export interface CommandRecordRow {
  tab: string;
  line: string;
  argv: string[][];
  exitCode: number;
  output: string;
  outputs: string[] | null;
  at: number;
}

/** The journal entry a CommandRecord row stands for. */
export function journalEntry(row: CommandRecordRow): JournalEntry {
  return {
    tab: row.tab,
    line: row.line,
    commands: row.argv,
    exitCode: row.exitCode,
    output: row.output,
    ...(Array.isArray(row.outputs) ? { outputs: row.outputs } : {}),
    at: row.at,
  };
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
  const r = await pool.query<CommandRecordRow>(
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
  return r.rows.reverse().map(journalEntry);
}

/**
 * The INSERT of journal rows from eleven array parameters starting at `$first` (unnested: the
 * same parameters for any batch size, so Postgres plans it once). Lines already written by an
 * earlier try are skipped.
 */
export function journalInsert(first: number): string {
  const types = [
    "text[]",
    "text[]",
    "text[]",
    "text[]",
    "text[]",
    "text[]",
    "text[]",
    "int[]",
    "text[]",
    "timestamp(3)[]",
    "text[]",
  ];
  return `INSERT INTO "CommandRecord" ("lineKey", "userId", "courseSlug", "lessonId", tab, line, argv, "exitCode", output, outputs, at)
           SELECT k, u, c, l, t, li, a::jsonb, e, o, os::jsonb, at
             FROM unnest(${params(first, types)}) AS x(k, u, c, l, t, li, a, e, o, at, os)
           ON CONFLICT ("lineKey") DO NOTHING`;
}

/** The eleven arrays `journalInsert` reads. */
export function journalValues(rows: readonly JournalRow[]): unknown[] {
  return columns(rows, JOURNAL_COLUMNS);
}

const JOURNAL_COLUMNS: ReadonlyArray<(r: JournalRow) => unknown> = [
  (r) => r.lineKey,
  (r) => r.userId,
  (r) => r.courseSlug,
  (r) => r.lessonId,
  (r) => r.entry.tab,
  (r) => sqlText(r.entry.line.slice(0, MAX_LINE_CHARS)),
  (r) => JSON.stringify(r.entry.commands.map((argv) => argv.map(sqlText))),
  (r) => r.entry.exitCode,
  (r) => sqlText(r.entry.output),
  (r) => sqlTimestamp(r.entry.at),
  (r) => (r.entry.outputs === undefined ? null : JSON.stringify(r.entry.outputs.map(sqlText))),
];

/** Appends lines in one statement; lines already written by an earlier try are skipped. */
export async function appendJournal(pool: Pool, rows: readonly JournalRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await pool.query({ name: "journal-append", text: journalInsert(1), values: journalValues(rows) });
  return r.rowCount ?? 0;
}

/**
 * A batch of finished lines — their journal rows and the step rows they changed — in ONE
 * statement: the journal's INSERT runs as a data-modifying WITH, the steps' upsert as the main
 * statement. One round trip (one `writev` each way) per batch instead of two, and the two
 * commit together, so a step is never counted for a line the journal lacks.
 */
export async function writeLines(
  pool: Pool,
  journal: readonly JournalRow[],
  progress: readonly ProgressRow[],
): Promise<void> {
  if (journal.length === 0 && progress.length === 0) return;
  if (progress.length === 0) {
    await appendJournal(pool, journal);
    return;
  }
  if (journal.length === 0) {
    await upsertProgress(pool, progress);
    return;
  }
  await pool.query({
    name: "lines-write",
    text: `WITH journal AS (${journalInsert(1)} RETURNING 1) ${progressUpsert(12)}`,
    values: [...journalValues(journal), ...progressValues(progress)],
  });
}
