/**
 * Assignments: lessons (or chosen steps of them) a class must do between an opening and a due
 * time, entered in the class's time zone. Grades are computed from progress by ./grades.ts.
 */
import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client";
import { parseOrThrow, requiredText } from "./accounts";
import { classForTeacher } from "./classes";
import { getCourse } from "./course";
import { type Actor, ClassroomError, requireTeacher } from "./errors";
import { wallTimeToInstant } from "./zoned-time";

const wall = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, "expected a date and time (YYYY-MM-DDTHH:MM)");

const assignmentSchema = z.object({
  title: requiredText("title", "the assignment needs a title", 120),
  lessonIds: z.array(z.string().min(1).max(100)).min(1, "chooseLesson").max(50),
  stepKeys: z.array(z.string().min(1).max(201)).max(500).default([]),
  opensAt: wall,
  dueAt: wall,
  latePolicy: z.enum(["COUNT", "PENALTY", "IGNORE"]).default("COUNT"),
  latePenaltyPct: z.coerce
    .number()
    .int()
    .min(0, "penalty is 0–100 %")
    .max(100, "penalty is 0–100 %")
    .default(0),
  solutionCounts: z.boolean().default(true),
});

async function validated(prisma: PrismaClient, actor: Actor | null, classId: string, raw: unknown) {
  const cls = await classForTeacher(prisma, actor, classId);
  const input = parseOrThrow(assignmentSchema, raw);
  const course = getCourse(cls.course.slug);
  const lessons = new Map(course.lessons.map((l) => [l.id, l]));
  for (const id of input.lessonIds)
    if (!lessons.has(id)) throw ClassroomError.t("invalid", "noLesson", { id });
  for (const key of input.stepKeys) {
    const [lessonId = "", stepId = ""] = key.split("/");
    if (!input.lessonIds.includes(lessonId) || !lessons.get(lessonId)?.steps.some((s) => s.id === stepId))
      throw ClassroomError.t("invalid", "notAStep", { key });
  }
  const opensAt = wallTimeToInstant(input.opensAt, cls.timeZone);
  const dueAt = wallTimeToInstant(input.dueAt, cls.timeZone);
  if (!opensAt) throw ClassroomError.t("invalid", "opensAtInvalid");
  if (!dueAt) throw ClassroomError.t("invalid", "dueAtInvalid");
  if (dueAt.getTime() <= opensAt.getTime()) throw ClassroomError.t("invalid", "dueBeforeOpen");
  // Course order, whatever order the form sent.
  const lessonIds = course.lessons.map((l) => l.id).filter((id) => input.lessonIds.includes(id));
  return {
    cls,
    data: {
      title: input.title,
      lessonIds,
      stepKeys: input.stepKeys,
      opensAt,
      dueAt,
      latePolicy: input.latePolicy,
      latePenaltyPct: input.latePolicy === "PENALTY" ? input.latePenaltyPct : 0,
      solutionCounts: input.solutionCounts,
    },
  };
}

export async function createAssignment(
  prisma: PrismaClient,
  actor: Actor | null,
  classId: string,
  raw: unknown,
) {
  const { data } = await validated(prisma, actor, classId, raw);
  return prisma.assignment.create({ data: { ...data, classId } });
}

async function assignmentForTeacher(prisma: PrismaClient, actor: Actor | null, assignmentId: string) {
  requireTeacher(actor);
  const a = await prisma.assignment.findUnique({ where: { id: assignmentId } });
  if (!a) throw ClassroomError.t("not_found", "noSuchAssignment");
  await classForTeacher(prisma, actor, a.classId);
  return a;
}

/** Changing the due time (e.g. reopening) regrades everyone: grades are computed, never stored. */
export async function updateAssignment(
  prisma: PrismaClient,
  actor: Actor | null,
  assignmentId: string,
  raw: unknown,
) {
  const a = await assignmentForTeacher(prisma, actor, assignmentId);
  const { data } = await validated(prisma, actor, a.classId, raw);
  return prisma.assignment.update({ where: { id: assignmentId }, data });
}

export async function deleteAssignment(prisma: PrismaClient, actor: Actor | null, assignmentId: string) {
  await assignmentForTeacher(prisma, actor, assignmentId);
  await prisma.assignment.delete({ where: { id: assignmentId } });
}

const overrideSchema = z.object({
  userId: z.string().min(1).max(100),
  score: z.coerce.number().min(0, "score is 0–100").max(100, "score is 0–100"),
  comment: requiredText("comment", "say why in a comment", 500),
});

/** A teacher's grade for one student, with a comment; recorded with who and when (history kept). */
export async function overrideGrade(
  prisma: PrismaClient,
  actor: Actor | null,
  assignmentId: string,
  raw: unknown,
) {
  const a = await assignmentForTeacher(prisma, actor, assignmentId);
  const input = parseOrThrow(overrideSchema, raw);
  const enrolled = await prisma.enrollment.count({ where: { classId: a.classId, userId: input.userId } });
  if (!enrolled) throw ClassroomError.t("invalid", "userNotInClass");
  return prisma.gradeOverride.create({
    data: { assignmentId, userId: input.userId, score: input.score, comment: input.comment, byId: actor!.id },
  });
}
