/**
 * The gradebook: every student of a class × every assignment, computed on read from step
 * progress by the pure functions in ./grades.ts, plus the CSV export (csv-stringify, UTF-8 with
 * a BOM so that Excel opens Japanese names correctly).
 */
import { stringify } from "csv-stringify/sync";
import type { PrismaClient } from "../generated/prisma/client";
import { classDetail } from "./classes";
import { getCourse } from "./course";
import type { Actor } from "./errors";
import {
  type AssignmentPhase,
  assignmentPhase,
  type CourseSteps,
  type Grade,
  gradeStudent,
  latestOverride,
  totalScore,
} from "./grades";
import { progressByStudent } from "./progress-read";

export interface GradebookStudent {
  id: string;
  name: string;
  email: string;
  studentNumber: string | null;
  grades: Record<string, Grade>;
  total: number;
}

function courseSteps(slug: string): CourseSteps {
  return getCourse(slug).lessons.map((l) => ({ id: l.id, steps: l.steps.map((s) => ({ id: s.id })) }));
}

export async function gradebook(prisma: PrismaClient, actor: Actor | null, classId: string) {
  const { cls, students, assignments } = await classDetail(prisma, actor, classId);
  const course = courseSteps(cls.course.slug);
  const progress = await progressByStudent(
    prisma,
    students.map((s) => s.id),
    cls.course.slug,
  );
  const overrides = await prisma.gradeOverride.findMany({
    where: { assignmentId: { in: assignments.map((a) => a.id) } },
    include: { by: { select: { name: true } } },
  });
  const rows: GradebookStudent[] = students.map((s) => {
    const grades: Record<string, Grade> = {};
    for (const a of assignments) {
      const o = latestOverride(overrides.filter((x) => x.assignmentId === a.id && x.userId === s.id));
      grades[a.id] = gradeStudent(
        a,
        course,
        progress.get(s.id) ?? [],
        o ? { score: o.score, comment: o.comment, by: o.by.name, at: o.at } : null,
      );
    }
    return {
      id: s.id,
      name: s.name,
      email: s.email,
      studentNumber: s.studentNumber,
      grades,
      total: totalScore(assignments.map((a) => grades[a.id]?.score ?? 0)),
    };
  });
  return { cls, assignments, students: rows };
}

const CSV_HEAD = {
  ja: { name: "氏名", email: "メールアドレス", number: "学籍番号", total: "合計" },
  en: { name: "Name", email: "Email", number: "Student number", total: "Total" },
} as const;

/** One row per student: name, email, student number, each assignment's score, total. */
export async function gradebookCsv(
  prisma: PrismaClient,
  actor: Actor | null,
  classId: string,
  locale: "ja" | "en",
): Promise<{ filename: string; body: string }> {
  const book = await gradebook(prisma, actor, classId);
  const h = CSV_HEAD[locale];
  const header = [h.name, h.email, h.number, ...book.assignments.map((a) => a.title), h.total];
  const records = book.students.map((s) => [
    s.name,
    s.email,
    s.studentNumber ?? "",
    ...book.assignments.map((a) => (s.grades[a.id]?.score ?? 0).toFixed(1)),
    s.total.toFixed(1),
  ]);
  const body = `\uFEFF${stringify([header, ...records], { record_delimiter: "windows" })}`;
  const safe = book.cls.name.replace(/[^\p{L}\p{N}_-]+/gu, "_").slice(0, 60) || "class";
  return { filename: `${safe}-grades.csv`, body };
}

export interface StudentAssignment {
  id: string;
  title: string;
  className: string;
  timeZone: string;
  opensAt: Date;
  dueAt: Date;
  lessonIds: string[];
  phase: AssignmentPhase;
  done: number;
  late: number;
  total: number;
  score: number;
}

/** A student's own assignments across their classes, with their own progress only. */
export async function studentAssignments(
  prisma: PrismaClient,
  userId: string,
  now: Date,
): Promise<StudentAssignment[]> {
  const enrollments = await prisma.enrollment.findMany({
    where: { userId },
    include: { classroom: { include: { course: true, assignments: true } } },
  });
  const out: StudentAssignment[] = [];
  for (const e of enrollments) {
    const slug = e.classroom.course.slug;
    const progress = (await progressByStudent(prisma, [userId], slug)).get(userId) ?? [];
    const course = courseSteps(slug);
    for (const a of e.classroom.assignments) {
      if (assignmentPhase(a, now) === "upcoming") continue;
      const overrides = await prisma.gradeOverride.findMany({
        where: { assignmentId: a.id, userId },
        include: { by: { select: { name: true } } },
      });
      const o = latestOverride(overrides);
      const g = gradeStudent(
        a,
        course,
        progress,
        o ? { score: o.score, comment: o.comment, by: o.by.name, at: o.at } : null,
      );
      out.push({
        id: a.id,
        title: a.title,
        className: e.classroom.name,
        timeZone: e.classroom.timeZone,
        opensAt: a.opensAt,
        dueAt: a.dueAt,
        lessonIds: a.lessonIds,
        phase: assignmentPhase(a, now),
        done: g.done,
        late: g.late,
        total: g.total,
        score: g.score,
      });
    }
  }
  return out.sort((x, y) => x.dueAt.getTime() - y.dueAt.getTime());
}
