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
  // Only the cells that have a row are aggregated (a hash join of the class's progress rows with
  // the columns, grouped by student on narrow tuples); the dense row is filled in here.
  const r = await pool.query<{
    id: string;
    name: string;
    email: string;
    ords: number[] | null;
    codes: string | null;
    stats: string | null;
    cur: number | null;
    since: Date | null;
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
             SELECT p."userId" AS id, c.ord::int AS ord,
                    CASE WHEN p."completedAt" IS NOT NULL THEN CASE WHEN p."solutionShown" THEN 'D' ELSE 'd' END
                         ELSE CASE WHEN p."solutionShown" THEN 'S' ELSE 's' END END AS code,
                    p.commands || '.' || p.errors || '.' || coalesce(round(p."firstAttemptMs" / 1000.0)::text, '') AS stat,
                    CASE WHEN p."completedAt" IS NULL AND p.commands > 0 THEN p."startedAt" END AS open
               FROM "StepProgress" p
               JOIN cols c ON c.lesson = p."lessonId" AND c.step = p."stepId"
              WHERE p."courseSlug" = $4 AND p."userId" IN (SELECT id FROM students)
           ), grid AS (
             SELECT id, array_agg(ord ORDER BY ord) AS ords, string_agg(code, '' ORDER BY ord) AS codes,
                    string_agg(stat, ',' ORDER BY ord) AS stats,
                    -- Where the student is: the step most recently started and not done.
                    (array_agg(ord ORDER BY open DESC) FILTER (WHERE open IS NOT NULL))[1] AS cur,
                    max(open) AS since
               FROM cells GROUP BY id
           )
           SELECT s.id, s.name, s.email, g.ords, g.codes, g.stats, g.cur, g.since
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
  const students: BoardStudentRow[] = r.rows.map((row) => {
    const codes = new Array<string>(columns.length).fill("-");
    const stats = new Array<string>(columns.length).fill("");
    const cellStats = row.stats?.split(",") ?? [];
    row.ords?.forEach((ord, i) => {
      codes[ord - 1] = row.codes?.[i] ?? "-";
      stats[ord - 1] = cellStats[i] ?? "";
    });
    return {
      id: row.id,
      name: row.name,
      email: row.email,
      codes: codes.join(""),
      stats: stats.join(","),
      current: row.cur === null ? null : row.cur - 1,
      since: row.since === null ? null : row.since.getTime(),
    };
  });
  return { columns, students };
}
