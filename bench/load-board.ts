/**
 * The teacher board for a class of 1,000 students × every step of the course (33), every cell
 * started and most done: server time of the grid query and the size of the grid as sent.
 */

import { readFileSync } from "node:fs";
import { boardGrid } from "../lib/classroom/board";
import { getCourse } from "../lib/classroom/course";
import { createPool } from "../lib/classroom/sql";
import { createTestDatabase } from "../scripts/test-db";
import { seedClass } from "./load-setup";

/** utime + stime of a process, in clock ticks (10 ms). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]);
}

export async function benchBoard(students = 1000, rounds = 20) {
  const db = await createTestDatabase("kubeclass_board");
  // One connection, so its backend process can be measured (CPU time is what the query costs;
  // wall time on a shared machine is mostly waiting for a core).
  const pool = createPool(db.url, 1);
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
    const backend = (await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    await boardGrid(pool, teacher, course);
    const ms: number[] = [];
    let bytes = 0;
    let pageBytes = 0;
    const pg0 = cpuTicks(backend);
    const node0 = process.cpuUsage();
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const grid = await boardGrid(pool, teacher, course);
      const json = JSON.stringify(grid);
      ms.push(performance.now() - t0);
      bytes = Buffer.byteLength(json);
      // As the page carries it: the props inside the RSC payload, a JSON string in a script.
      pageBytes = Buffer.byteLength(JSON.stringify(json));
      if (grid.students.length !== students) throw new Error(`board has ${grid.students.length} students`);
    }
    const node = process.cpuUsage(node0);
    const pgCpuMs = ((cpuTicks(backend) - pg0) * 10) / rounds;
    ms.sort((a, b) => a - b);
    return {
      students,
      steps: columns.length,
      p50Ms: ms[Math.floor(ms.length / 2)]!,
      maxMs: ms[ms.length - 1]!,
      /** CPU per board: the Postgres backend's and this process's (query, rows, JSON). */
      cpuMs: pgCpuMs + (node.user + node.system) / 1000 / rounds,
      pgCpuMs,
      kilobytes: bytes / 1024,
      /** The same grid escaped into the page's RSC payload (what the browser downloads). */
      pageKilobytes: pageBytes / 1024,
    };
  } finally {
    await pool.end();
    await db.drop();
  }
}
