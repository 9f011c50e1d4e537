/**
 * The per-class progress board: the class's students × the course's steps, and where each
 * student is now (the step they are on and for how long).
 */
import type { PrismaClient } from "../generated/prisma/client";
import { classDetail } from "./classes";
import { getCourse } from "./course";
import type { Actor } from "./errors";
import { type BoardRecord, progressByStudent } from "./progress-read";

export interface StudentPosition {
  lessonId: string;
  stepId: string;
  /** Since the student's first command on that step. */
  since: Date;
}

/**
 * Where a student is: the step they most recently started and have not finished (null when
 * every step they started is done).
 */
export function currentPosition(rows: ReadonlyArray<BoardRecord>): StudentPosition | null {
  let open: BoardRecord | null = null;
  for (const r of rows)
    if (!r.completedAt && r.commands > 0 && (!open || r.startedAt > open.startedAt)) open = r;
  if (open) return { lessonId: open.lessonId, stepId: open.stepId, since: open.startedAt };
  return null;
}

export async function classBoard(prisma: PrismaClient, actor: Actor | null, classId: string) {
  const { cls, students } = await classDetail(prisma, actor, classId);
  const course = getCourse(cls.course.slug);
  const progress = await progressByStudent(
    prisma,
    students.map((s) => s.id),
    cls.course.slug,
  );
  return {
    cls,
    course,
    students: students.map((s) => {
      const rows = progress.get(s.id) ?? [];
      return { ...s, rows, position: currentPosition(rows) };
    }),
  };
}
