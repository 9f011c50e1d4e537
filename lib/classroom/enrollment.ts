/** Who teaches a student: the teachers of every class the student is enrolled in. */
import type { Pool } from "./sql";

export async function teachersOf(pool: Pool, userId: string): Promise<string[]> {
  const r = await pool.query<{ teacherId: string }>(
    `SELECT DISTINCT c."teacherId" FROM "Enrollment" e JOIN "Classroom" c ON c.id = e."classId" WHERE e."userId" = $1`,
    [userId],
  );
  return r.rows.map((row) => row.teacherId);
}
