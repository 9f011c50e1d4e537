/**
 * The teacher board's data: every student of the teacher's classes (an admin: of all classes) ×
 * every step of the course, aggregated in SQL to one short row per student (board-grid.ts).
 */
import type { Course } from "../course/schema";
import type { BoardColumn, BoardGrid, BoardStudentRow } from "./board-grid";
import type { Pool } from "./sql";

export async function boardGrid(
  pool: Pool,
  viewer: { id: string; role: string },
  course: Pick<Course, "id" | "lessons">,
): Promise<BoardGrid> {
  const columns: BoardColumn[] = course.lessons.flatMap((l) =>
    l.steps.map((s) => ({ lessonId: l.id, stepId: s.id })),
  );
  if (viewer.role !== "ADMIN" && viewer.role !== "TEACHER") return { columns, students: [] };
  const r = await pool.query<BoardStudentRow>({
    name: "board-grid",
    text: `WITH cols AS (
             SELECT * FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS c(lesson, step, ord)
           ), students AS (
             SELECT u.id, u.name, u.email, min(k."createdAt") AS since
               FROM "Enrollment" e
               JOIN "Classroom" k ON k.id = e."classId"
               JOIN "User" u ON u.id = e."userId"
              WHERE $1::text IS NULL OR k."teacherId" = $1
              GROUP BY u.id, u.name, u.email
           )
           SELECT s.id, s.name, s.email,
                  string_agg(
                    CASE WHEN p."userId" IS NULL THEN '-'
                         WHEN p."completedAt" IS NOT NULL THEN CASE WHEN p."solutionShown" THEN 'D' ELSE 'd' END
                         ELSE CASE WHEN p."solutionShown" THEN 'S' ELSE 's' END END,
                    '' ORDER BY c.ord) AS codes,
                  string_agg(
                    CASE WHEN p."userId" IS NULL THEN ''
                         ELSE p.commands || '.' || p.errors || '.' || coalesce(round(p."firstAttemptMs" / 1000.0)::text, '') END,
                    ',' ORDER BY c.ord) AS stats
             FROM students s
             CROSS JOIN cols c
             LEFT JOIN "StepProgress" p
               ON p."userId" = s.id AND p."courseSlug" = $4 AND p."lessonId" = c.lesson AND p."stepId" = c.step
            GROUP BY s.id, s.name, s.email, s.since
            ORDER BY s.since, s.name, s.id`,
    values: [
      viewer.role === "ADMIN" ? null : viewer.id,
      columns.map((c) => c.lessonId),
      columns.map((c) => c.stepId),
      course.id,
    ],
  });
  return { columns, students: r.rows };
}
