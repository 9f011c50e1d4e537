/**
 * Classes: a teacher creates one for a course and gets a join link and a short join code;
 * students enrol through the link (signing up or logging in); the teacher can close joining,
 * regenerate the code and remove a student. Progress stays with the student and course, so a
 * removed student keeps their work and a student in two classes of one course works once.
 */
import { randomInt } from "node:crypto";
import bcrypt from "bcryptjs";
import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client";
import { emailSchema, nameSchema, parseOrThrow, passwordSchema, requiredText } from "./accounts";
import { type Actor, ClassroomError, requireSignedIn, requireTeacher } from "./errors";
import { isTimeZone } from "./zoned-time";

/** Letters and digits that cannot be mistaken for each other on a projector (no 0/O, 1/I/L). */
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH = 8;

export function newJoinCode(rand: (n: number) => number = randomInt): string {
  let s = "";
  for (let i = 0; i < CODE_LENGTH; i++) s += CODE_ALPHABET[rand(CODE_ALPHABET.length)];
  return s;
}

/** "abcd-2345", " ABCD 2345 " → "ABCD2345"; null when it cannot be a code. */
export function normalizeJoinCode(raw: string): string | null {
  const s = raw.toUpperCase().replace(/[\s-]/g, "");
  if (s.length !== CODE_LENGTH) return null;
  for (const c of s) if (!CODE_ALPHABET.includes(c)) return null;
  return s;
}

/** "ABCD2345" → "ABCD-2345", easier to read aloud. */
export function formatJoinCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export function joinLink(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/join/${code}`;
}

/** The class, when `actor` teaches it (or is an admin); refuses everyone else. */
export async function classForTeacher(prisma: PrismaClient, actor: Actor | null, classId: string) {
  const me = requireTeacher(actor);
  const cls = await prisma.classroom.findUnique({
    where: { id: classId },
    include: { course: true, teacher: true },
  });
  if (!cls) throw ClassroomError.t("not_found", "noSuchClass");
  if (me.role !== "ADMIN" && cls.teacherId !== me.id) throw ClassroomError.t("forbidden", "classTeacherOnly");
  return cls;
}

const createSchema = z.object({
  name: requiredText("name", "the class needs a name", 100),
  courseSlug: z.string().min(1).max(100),
  term: z
    .string()
    .trim()
    .max(60, "term is too long (60 characters at most)")
    .optional()
    .transform((t) => t || null),
  timeZone: z
    .string()
    .max(60)
    .refine(isTimeZone, "unknown time zone (use an IANA name such as Asia/Tokyo)")
    .default("Asia/Tokyo"),
});

async function uniqueCode(prisma: PrismaClient): Promise<string> {
  for (let i = 0; i < 10; i++) {
    const code = newJoinCode();
    if (!(await prisma.classroom.findUnique({ where: { joinCode: code } }))) return code;
  }
  throw new Error("could not find a free join code");
}

export async function createClass(prisma: PrismaClient, actor: Actor | null, raw: unknown) {
  const me = requireTeacher(actor);
  const input = parseOrThrow(createSchema, raw);
  const course = await prisma.course.findUnique({ where: { slug: input.courseSlug } });
  if (!course) throw ClassroomError.t("invalid", "noSuchCourse", { slug: input.courseSlug });
  return prisma.classroom.create({
    data: {
      name: input.name,
      term: input.term,
      timeZone: input.timeZone,
      teacherId: me.id,
      courseId: course.id,
      joinCode: await uniqueCode(prisma),
    },
  });
}

export async function listClasses(prisma: PrismaClient, actor: Actor | null) {
  const me = requireTeacher(actor);
  return prisma.classroom.findMany({
    where: me.role === "ADMIN" ? {} : { teacherId: me.id },
    include: { course: true, teacher: { select: { name: true } }, _count: { select: { enrollments: true } } },
    orderBy: { createdAt: "desc" },
  });
}

/** Everything the class page shows: the class, its students and its assignments. */
export async function classDetail(prisma: PrismaClient, actor: Actor | null, classId: string) {
  const cls = await classForTeacher(prisma, actor, classId);
  const [enrollments, assignments] = await Promise.all([
    prisma.enrollment.findMany({
      where: { classId },
      include: {
        user: { select: { id: true, name: true, email: true, passwordHash: true, disabledAt: true } },
      },
      orderBy: { user: { name: "asc" } },
    }),
    prisma.assignment.findMany({ where: { classId }, orderBy: [{ dueAt: "asc" }, { createdAt: "asc" }] }),
  ]);
  return {
    cls,
    students: enrollments.map((e) => ({
      id: e.user.id,
      name: e.user.name,
      email: e.user.email,
      studentNumber: e.studentNumber,
      joinedAt: e.createdAt,
      pending: e.user.passwordHash === "",
      disabled: e.user.disabledAt !== null,
    })),
    assignments,
  };
}

export async function setJoining(prisma: PrismaClient, actor: Actor | null, classId: string, open: boolean) {
  await classForTeacher(prisma, actor, classId);
  await prisma.classroom.update({ where: { id: classId }, data: { joinOpen: open } });
}

/** A new code; the old code and link stop working at once. */
export async function regenerateCode(
  prisma: PrismaClient,
  actor: Actor | null,
  classId: string,
): Promise<string> {
  await classForTeacher(prisma, actor, classId);
  const code = await uniqueCode(prisma);
  await prisma.classroom.update({ where: { id: classId }, data: { joinCode: code } });
  return code;
}

export async function removeStudent(
  prisma: PrismaClient,
  actor: Actor | null,
  classId: string,
  userId: string,
) {
  await classForTeacher(prisma, actor, classId);
  const r = await prisma.enrollment.deleteMany({ where: { classId, userId } });
  if (r.count === 0) throw ClassroomError.t("not_found", "notInClass");
}

/** What the join page shows for a code: the class's name and teacher, or why it cannot be joined. */
export async function classByCode(prisma: PrismaClient, rawCode: string) {
  const code = normalizeJoinCode(rawCode);
  const cls = code
    ? await prisma.classroom.findUnique({
        where: { joinCode: code },
        include: { teacher: { select: { name: true } }, course: true },
      })
    : null;
  if (!cls) return null;
  return {
    id: cls.id,
    name: cls.name,
    term: cls.term,
    teacherName: cls.teacher.name,
    courseTitleJa: cls.course.titleJa,
    courseTitleEn: cls.course.titleEn,
    open: cls.joinOpen,
  };
}

async function joinableClass(prisma: PrismaClient, rawCode: string) {
  const code = normalizeJoinCode(String(rawCode ?? ""));
  const cls = code ? await prisma.classroom.findUnique({ where: { joinCode: code } }) : null;
  if (!cls) throw ClassroomError.t("not_found", "noJoinCode");
  if (!cls.joinOpen) throw ClassroomError.t("forbidden", "joinClosed");
  return cls;
}

/** A signed-in student joins with a code (joining twice is fine and changes nothing). */
export async function joinWithCode(prisma: PrismaClient, actor: Actor | null, rawCode: string) {
  const me = requireSignedIn(actor);
  const cls = await joinableClass(prisma, rawCode);
  if (me.role !== "STUDENT") throw ClassroomError.t("forbidden", "staffCannotJoin");
  await prisma.enrollment.upsert({
    where: { classId_userId: { classId: cls.id, userId: me.id } },
    update: {},
    create: { classId: cls.id, userId: me.id },
  });
  return { classId: cls.id, name: cls.name };
}

const signupSchema = z.object({ name: nameSchema, email: emailSchema, password: passwordSchema });

/** A new student signs up through a join link and is enrolled in the same step. */
export async function signUpAndJoin(
  prisma: PrismaClient,
  rawCode: string,
  raw: unknown,
  locale: "ja" | "en",
) {
  const cls = await joinableClass(prisma, rawCode);
  const input = parseOrThrow(signupSchema, raw);
  if (await prisma.user.findUnique({ where: { email: input.email } }))
    throw ClassroomError.t("conflict", "signUpEmailExists");
  const passwordHash = await bcrypt.hash(input.password, 10);
  const user = await prisma.user.create({
    data: {
      email: input.email,
      name: input.name,
      passwordHash,
      role: "STUDENT",
      locale,
      enrollments: { create: { classId: cls.id } },
    },
  });
  return { userId: user.id, email: user.email, classId: cls.id };
}

/** The classes a student is in, with their course (for the course page). */
export async function studentClasses(prisma: PrismaClient, userId: string) {
  const rows = await prisma.enrollment.findMany({
    where: { userId },
    include: { classroom: { include: { course: true, teacher: { select: { name: true } } } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => r.classroom);
}
