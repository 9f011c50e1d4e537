/**
 * Demo content: the Kubernetes Basics course, one teacher, three students and a class joining
 * them, with a join code and one assignment ("Pods and Nodes", due a week after the first
 * start). Idempotent — safe on every start; existing passwords and assignments are left alone.
 */
import bcrypt from "bcryptjs";
import type { PrismaClient } from "../generated/prisma/client";
import { newJoinCode } from "./classes";
import { DEFAULT_COURSE_SLUG } from "./course";

export const DEMO_COURSE = {
  slug: DEFAULT_COURSE_SLUG,
  titleJa: "Kubernetes 基礎",
  titleEn: "Kubernetes Basics",
};

export const DEMO_ACCOUNTS = [
  { email: "teacher@example.com", name: "Tanaka Sensei", role: "TEACHER", password: "teacher-demo" },
  { email: "student1@example.com", name: "Sato Hana", role: "STUDENT", password: "student-demo" },
  { email: "student2@example.com", name: "Suzuki Ken", role: "STUDENT", password: "student-demo" },
  { email: "student3@example.com", name: "Alex Smith", role: "STUDENT", password: "student-demo" },
] as const;

/** The course catalogue every start needs (no accounts). */
export async function seedCourses(prisma: PrismaClient) {
  return prisma.course.upsert({
    where: { slug: DEMO_COURSE.slug },
    update: { titleJa: DEMO_COURSE.titleJa, titleEn: DEMO_COURSE.titleEn },
    create: DEMO_COURSE,
  });
}

export async function seedDemo(prisma: PrismaClient): Promise<void> {
  const course = await seedCourses(prisma);
  const ids: Record<string, string> = {};
  for (const a of DEMO_ACCOUNTS) {
    const existing = await prisma.user.findUnique({ where: { email: a.email } });
    const user =
      existing ??
      (await prisma.user.create({
        data: {
          email: a.email,
          name: a.name,
          role: a.role,
          passwordHash: await bcrypt.hash(a.password, 10),
          locale: a.email.startsWith("student3") ? "en" : "ja",
        },
      }));
    ids[a.email] = user.id;
  }
  const teacherId = ids["teacher@example.com"]!;
  let classroom = await prisma.classroom.findFirst({ where: { teacherId, courseId: course.id } });
  classroom ??= await prisma.classroom.create({
    data: { name: "Demo class", teacherId, courseId: course.id },
  });
  if (!classroom.joinCode) {
    classroom = await prisma.classroom.update({
      where: { id: classroom.id },
      data: { joinCode: newJoinCode(), term: classroom.term ?? "Demo" },
    });
  }
  if ((await prisma.assignment.count({ where: { classId: classroom.id } })) === 0) {
    const now = new Date();
    await prisma.assignment.create({
      data: {
        classId: classroom.id,
        title: "Pods and Nodes",
        lessonIds: ["pods-and-nodes"],
        opensAt: now,
        dueAt: new Date(now.getTime() + 7 * 24 * 3600_000),
        latePolicy: "PENALTY",
        latePenaltyPct: 20,
      },
    });
  }
  for (const a of DEMO_ACCOUNTS) {
    if (a.role !== "STUDENT") continue;
    await prisma.enrollment.upsert({
      where: { classId_userId: { classId: classroom.id, userId: ids[a.email]! } },
      update: {},
      create: { classId: classroom.id, userId: ids[a.email]! },
    });
  }
}
