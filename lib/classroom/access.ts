/** Who may see whom: teachers see the students of their own classes; admins see everyone. */
import type { Prisma, PrismaClient } from "../generated/prisma/client";

export interface Viewer {
  id: string;
  role: string;
}

/** Teachers and admins look at students (the progress board, a student's terminal). */
export const seesStudents = (viewer: Viewer): boolean => viewer.role === "TEACHER" || viewer.role === "ADMIN";

/** The classes whose students a teacher sees: their own; an admin's are all of them. */
export function classesOf(viewer: Viewer): Prisma.ClassroomWhereInput {
  return viewer.role === "ADMIN" ? {} : { teacherId: viewer.id };
}

export async function teachesStudent(
  prisma: PrismaClient,
  teacher: Viewer,
  studentId: string,
): Promise<boolean> {
  if (teacher.role === "ADMIN") return (await prisma.user.count({ where: { id: studentId } })) > 0;
  if (!seesStudents(teacher)) return false;
  const n = await prisma.enrollment.count({ where: { userId: studentId, classroom: classesOf(teacher) } });
  return n > 0;
}
