/** Who may see whom: teachers see the students of their own classes; admins see everyone. */
import type { PrismaClient } from "../generated/prisma/client";

export async function teachesStudent(
  prisma: PrismaClient,
  teacher: { id: string; role: string },
  studentId: string,
): Promise<boolean> {
  if (teacher.role === "ADMIN") return (await prisma.user.count({ where: { id: studentId } })) > 0;
  if (teacher.role !== "TEACHER") return false;
  const n = await prisma.enrollment.count({
    where: { userId: studentId, classroom: { teacherId: teacher.id } },
  });
  return n > 0;
}
