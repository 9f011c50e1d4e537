/**
 * Read-only queries over step progress for grades and the per-class board. Kept apart from
 * ./progress.ts (the write path the check engine uses) so each can change on its own; this
 * module relies only on StepProgress's columns.
 */
import type { PrismaClient } from "../generated/prisma/client";
import type { StepRecord } from "./grades";

export interface BoardRecord extends StepRecord {
  userId: string;
  startedAt: Date;
  commands: number;
  errors: number;
  firstAttemptMs: number | null;
}

/** Every step row of these students in this course, grouped by student. */
export async function progressByStudent(
  prisma: PrismaClient,
  userIds: string[],
  courseSlug: string,
): Promise<Map<string, BoardRecord[]>> {
  const out = new Map<string, BoardRecord[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows = await prisma.stepProgress.findMany({
    where: { userId: { in: userIds }, courseSlug },
    select: {
      userId: true,
      lessonId: true,
      stepId: true,
      completedAt: true,
      solutionShown: true,
      startedAt: true,
      commands: true,
      errors: true,
      firstAttemptMs: true,
    },
  });
  for (const r of rows) out.get(r.userId)?.push(r);
  return out;
}
