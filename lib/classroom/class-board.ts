/**
 * The per-class progress board: the class's students × the course's steps and the step each is
 * on now, as the same grid data as /teach (board.ts), for the class's teacher or an admin.
 */
import type { PrismaClient } from "../generated/prisma/client";
import { boardGrid } from "./board";
import { classForTeacher } from "./classes";
import { getCourse } from "./course";
import type { Actor } from "./errors";
import type { Pool } from "./sql";

export async function classBoard(prisma: PrismaClient, pool: Pool, actor: Actor | null, classId: string) {
  const cls = await classForTeacher(prisma, actor, classId);
  const course = getCourse(cls.course.slug);
  // classForTeacher let only the class's teacher or an admin through.
  const grid = await boardGrid(pool, { id: cls.teacherId, role: "TEACHER" }, course, { classId: cls.id });
  return { cls, course, grid };
}
