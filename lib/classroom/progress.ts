/** Step progress in Postgres. Only the server's check engine calls `recordCompletions`. */
import type { PrismaClient } from "../generated/prisma/client";

export interface StepState {
  stepId: string;
  completedAt: Date | null;
}

export async function lessonProgress(
  prisma: PrismaClient,
  userId: string,
  courseSlug: string,
  lessonId: string,
): Promise<Set<string>> {
  const rows = await prisma.stepProgress.findMany({
    where: { userId, courseSlug, lessonId, completedAt: { not: null } },
    select: { stepId: true },
  });
  return new Set(rows.map((r) => r.stepId));
}

/** Completed step counts per lesson for one user. */
export async function courseProgress(
  prisma: PrismaClient,
  userId: string,
  courseSlug: string,
): Promise<Map<string, Set<string>>> {
  const rows = await prisma.stepProgress.findMany({
    where: { userId, courseSlug, completedAt: { not: null } },
    select: { lessonId: true, stepId: true },
  });
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const s = out.get(r.lessonId) ?? new Set<string>();
    s.add(r.stepId);
    out.set(r.lessonId, s);
  }
  return out;
}

/**
 * Counts one finished command line against the lesson's open steps and marks newly completed
 * steps. `startedAt` of a step is its first counted command; `firstAttemptMs` is the time from
 * there to completion.
 */
export async function recordLine(
  prisma: PrismaClient,
  args: {
    userId: string;
    courseSlug: string;
    lessonId: string;
    openSteps: string[];
    failed: boolean;
    completed: string[];
    at: Date;
  },
): Promise<void> {
  const { userId, courseSlug, lessonId, at } = args;
  await prisma.$transaction(async (tx) => {
    for (const stepId of args.openSteps) {
      const key = { userId_courseSlug_lessonId_stepId: { userId, courseSlug, lessonId, stepId } };
      const done = args.completed.includes(stepId);
      const row = await tx.stepProgress.upsert({
        where: key,
        create: {
          userId,
          courseSlug,
          lessonId,
          stepId,
          startedAt: at,
          commands: 1,
          errors: args.failed ? 1 : 0,
        },
        update: { commands: { increment: 1 }, errors: { increment: args.failed ? 1 : 0 } },
      });
      if (done && !row.completedAt) {
        await tx.stepProgress.update({
          where: key,
          data: { completedAt: at, firstAttemptMs: Math.max(0, at.getTime() - row.startedAt.getTime()) },
        });
      }
    }
  });
}

export async function markSolutionShown(
  prisma: PrismaClient,
  key: { userId: string; courseSlug: string; lessonId: string; stepId: string },
): Promise<void> {
  await prisma.stepProgress.upsert({
    where: { userId_courseSlug_lessonId_stepId: key },
    create: { ...key, solutionShown: true },
    update: { solutionShown: true },
  });
}
