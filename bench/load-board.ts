/**
 * The teacher board for a class of 1,000 students × every step of the course (33), every cell
 * started and most done: server time of the grid query and the size of the grid as sent.
 */

import { boardGrid } from "../lib/classroom/board";
import { getCourse } from "../lib/classroom/course";
import { createPool } from "../lib/classroom/sql";
import { createTestDatabase } from "../scripts/test-db";
import { seedClass } from "./load-setup";

export async function benchBoard(students = 1000, rounds = 20) {
  const db = await createTestDatabase("kubeclass_board");
  const pool = createPool(db.url, 2);
  try {
    const course = getCourse();
    const cls = await seedClass(db.url, students);
    const columns = course.lessons.flatMap((l) => l.steps.map((s) => ({ lessonId: l.id, stepId: s.id })));
    // Every student has a row for every step: figures of two or three digits, 80 % done.
    await pool.query(
      `INSERT INTO "StepProgress" ("userId", "courseSlug", "lessonId", "stepId", "startedAt", "completedAt", "firstAttemptMs", commands, errors, "solutionShown")
       SELECT u, $4, c.lesson, c.step, now(), CASE WHEN random() < 0.8 THEN now() END,
              (random() * 900000)::int, (random() * 40)::int, (random() * 9)::int, random() < 0.1
         FROM unnest($1::text[]) AS u
        CROSS JOIN unnest($2::text[], $3::text[]) AS c(lesson, step)`,
      [
        cls.students.map((s) => s.id),
        columns.map((c) => c.lessonId),
        columns.map((c) => c.stepId),
        course.id,
      ],
    );
    await pool.query(`UPDATE "StepProgress" SET "firstAttemptMs" = NULL WHERE "completedAt" IS NULL`);
    await pool.query("ANALYZE");
    const teacher = { id: cls.teacherId, role: "TEACHER" };
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const grid = await boardGrid(pool, teacher, course);
      const json = JSON.stringify(grid);
      ms.push(performance.now() - t0);
      bytes = Buffer.byteLength(json);
      if (grid.students.length !== students) throw new Error(`board has ${grid.students.length} students`);
    }
    ms.sort((a, b) => a - b);
    return {
      students,
      steps: columns.length,
      p50Ms: ms[Math.floor(ms.length / 2)]!,
      maxMs: ms[ms.length - 1]!,
      kilobytes: bytes / 1024,
    };
  } finally {
    await pool.end();
    await db.drop();
  }
}
