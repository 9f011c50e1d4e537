/**
 * Services of the live teaching pages (issue 13): the live session page, a student's replays and
 * their downloads, the class charts. Each authorises like the other class pages (the class's
 * teacher or an admin, via classForTeacher) and a student must be enrolled in that class.
 */
import type { PrismaClient } from "../generated/prisma/client";
import { castFile, listCasts, writePendingCasts } from "./casts";
import { classCharts } from "./class-charts";
import { classDetail, classForTeacher } from "./classes";
import { getCourse } from "./course";
import { type Actor, ClassroomError } from "./errors";
import type { Pool } from "./sql";

export async function liveSession(prisma: PrismaClient, actor: Actor | null, classId: string) {
  const { cls, students } = await classDetail(prisma, actor, classId);
  return { cls, course: getCourse(cls.course.slug), students };
}

async function enrolledStudent(prisma: PrismaClient, classId: string, studentId: string) {
  const e = await prisma.enrollment.findUnique({
    where: { classId_userId: { classId, userId: studentId } },
    include: { user: { select: { id: true, name: true, email: true } } },
  });
  if (!e) throw new ClassroomError("not_found", "No such student in this class.");
  return e.user;
}

export async function replays(
  prisma: PrismaClient,
  pool: Pool,
  actor: Actor | null,
  classId: string,
  studentId: string,
) {
  const cls = await classForTeacher(prisma, actor, classId);
  const student = await enrolledStudent(prisma, classId, studentId);
  await writePendingCasts(studentId);
  const [casts, journal] = await Promise.all([
    listCasts(pool, studentId),
    prisma.commandRecord.findMany({
      where: { userId: studentId, courseSlug: cls.course.slug },
      orderBy: { at: "desc" },
      take: 500,
      select: { id: true, tab: true, line: true, exitCode: true, at: true },
    }),
  ]);
  return { cls, student, casts, journal: journal.reverse() };
}

export async function castDownload(
  prisma: PrismaClient,
  pool: Pool,
  actor: Actor | null,
  classId: string,
  studentId: string,
  castId: string,
) {
  await classForTeacher(prisma, actor, classId);
  const student = await enrolledStudent(prisma, classId, studentId);
  await writePendingCasts(studentId);
  const file = await castFile(pool, studentId, castId, `kubeclass — ${student.name}`);
  if (!file) throw new ClassroomError("not_found", "No such recording.");
  return { file, student };
}

export async function chartsOf(
  prisma: PrismaClient,
  actor: Actor | null,
  classId: string,
  lessonId?: string,
) {
  const cls = await classForTeacher(prisma, actor, classId);
  const course = getCourse(cls.course.slug);
  const lesson = course.lessons.find((l) => l.id === lessonId) ?? course.lessons[0];
  if (!lesson) throw new ClassroomError("not_found", "The course has no lessons.");
  const rows = await prisma.stepProgress.findMany({
    where: {
      courseSlug: course.id,
      lessonId: lesson.id,
      user: { enrollments: { some: { classId } } },
    },
    select: { userId: true, stepId: true, startedAt: true, completedAt: true },
  });
  return {
    cls,
    course,
    lesson,
    data: classCharts(
      lesson.steps.map((s) => s.id),
      rows,
    ),
  };
}
