/**
 * The teacher board's data: every student of the teacher's classes (an admin: of all classes),
 * or of one class, × every step of the course, aggregated in SQL to one short row per student
 * (board-grid.ts), with the step each student is on now. Both boards — /teach and a class's
 * board — render from it (components/TeacherBoard.tsx).
 */
import type { Course } from "../course/schema";
import type { BoardColumn, BoardGrid, BoardStudentRow } from "./board-grid";
import type { Pool } from "./sql";

export async function boardGrid(
  pool: Pool,
  viewer: { id: string; role: string },
  course: Pick<Course, "id" | "lessons">,
  /** Only this class's students (the caller has checked the viewer may see the class). */
  opts: { classId?: string } = {},
): Promise<BoardGrid> {
  const columns: BoardColumn[] = course.lessons.flatMap((l) =>
    l.steps.map((s) => ({ lessonId: l.id, stepId: s.id })),
  );
  if (viewer.role !== "ADMIN" && viewer.role !== "TEACHER") return { columns, students: [] };
  // Only the cells that have a row are read: the class's progress rows joined with the columns,
  // sorted once by student (bytewise: a collation-aware sort of 33,000 ids was most of the
  // statement's time) and column, and folded into one short row per student by aggregates
  // without an ORDER BY of their own (each one sorted its input again before: four sorts per
  // student on top of the spilled sort by student). The aggregates of one group see the rows in
  // one and the same order, so `ords` says where each code and stat goes; when it is every column
  // in order (the sorted input's usual result) the strings are used as they come.
  const r = await pool.query<{
    id: string;
    name: string;
    email: string;
    ords: string | null;
    codes: string | null;
    stats: string | null;
    cur: number | null;
    since: number | null;
  }>({
    name: "board-grid",
    text: `WITH cols AS MATERIALIZED (
             SELECT * FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS c(lesson, step, ord)
           ), students AS MATERIALIZED (
             SELECT u.id, u.name, u.email, min(k."createdAt") AS since
               FROM "Enrollment" e
               JOIN "Classroom" k ON k.id = e."classId"
               JOIN "User" u ON u.id = e."userId"
              WHERE ($1::text IS NULL OR k."teacherId" = $1) AND ($5::text IS NULL OR k.id = $5)
              GROUP BY u.id, u.name, u.email
           ), cells AS (
             SELECT p."userId" COLLATE "C" AS id, c.ord::int AS ord, p."completedAt" IS NOT NULL AS done, p."solutionShown" AS shown,
                    p.commands, p.errors, p."firstAttemptMs" AS ms, p."startedAt" AS started
               FROM "StepProgress" p
               JOIN cols c ON c.lesson = p."lessonId" AND c.step = p."stepId"
              WHERE p."courseSlug" = $4 AND p."userId" IN (SELECT id FROM students)
              ORDER BY 1, 2
           ), grid AS (
             SELECT id,
                    -- Column numbers as characters (chr(48) = '0' is column 1): one string, no array to parse.
                    string_agg(chr(47 + ord), '') AS ords,
                    string_agg(CASE WHEN done THEN CASE WHEN shown THEN 'D' ELSE 'd' END
                                    ELSE CASE WHEN shown THEN 'S' ELSE 's' END END, '') AS codes,
                    -- firstAttemptMs is never negative: (ms + 500) / 1000 rounds half up like round().
                    string_agg(commands || '.' || errors || '.' || coalesce(((ms + 500) / 1000)::text, ''), ',') AS stats,
                    -- Where the student is: the step most recently started and not done.
                    max(ARRAY[extract(epoch FROM started) * 1000, ord]) FILTER (WHERE NOT done AND commands > 0) AS open
               FROM cells GROUP BY id
           )
           SELECT s.id, s.name, s.email, g.ords, g.codes, g.stats,
                  g.open[2]::int AS cur, floor(g.open[1])::float8 AS since
             FROM students s LEFT JOIN grid g ON g.id = s.id
            ORDER BY s.since, s.name, s.id`,
    values: [
      viewer.role === "ADMIN" ? null : viewer.id,
      columns.map((c) => c.lessonId),
      columns.map((c) => c.stepId),
      course.id,
      opts.classId ?? null,
    ],
  });
  const everyColumn = columns.map((_, i) => String.fromCharCode(48 + i)).join("");
  const students: BoardStudentRow[] = r.rows.map((row) => {
    let codes: string;
    let stats: string;
    if (row.ords === everyColumn && row.codes !== null && row.stats !== null) {
      codes = row.codes;
      stats = row.stats;
    } else {
      const dense = new Array<string>(columns.length).fill("-");
      const denseStats = new Array<string>(columns.length).fill("");
      const cellStats = row.stats?.split(",") ?? [];
      const ords = row.ords ?? "";
      for (let i = 0; i < ords.length; i++) {
        const at = ords.charCodeAt(i) - 48;
        dense[at] = row.codes?.[i] ?? "-";
        denseStats[at] = cellStats[i] ?? "";
      }
      codes = dense.join("");
      stats = denseStats.join(",");
    }
    return {
      id: row.id,
      name: row.name,
      email: row.email,
      codes,
      stats,
      current: row.cur === null ? null : row.cur - 1,
      since: row.since,
    };
  });
  return { columns, students };
}
