/**
 * Rows of the live teaching tools (issue 13), through the live session's pg pool: who teaches
 * which class, injected faults (stored, claimed once when applied, kept as the class's log),
 * teachers' step thresholds and pushed hints.
 */
import type { Fault, FaultResult } from "../cluster/faults";
import { parseFault } from "../cluster/faults";
import type { FaultLogEntry, TeacherHintView } from "../protocol/teaching";
import type { Pool } from "./sql";

/** The class as a live page needs it: its teacher and course, or null when there is none. */
export async function liveClass(
  pool: Pool,
  classId: string,
): Promise<{ id: string; teacherId: string; courseSlug: string } | null> {
  const r = await pool.query<{ id: string; teacherId: string; slug: string }>(
    `SELECT c.id, c."teacherId", co.slug FROM "Classroom" c JOIN "Course" co ON co.id = c."courseId" WHERE c.id = $1`,
    [classId],
  );
  const row = r.rows[0];
  return row ? { id: row.id, teacherId: row.teacherId, courseSlug: row.slug } : null;
}

/**
 * Whether a user may run a class's live session: its teacher, or an admin. The account is read
 * now (role, disabled, session version), so a demoted, disabled or signed-out teacher is refused
 * at once whatever their socket was opened with.
 */
export async function mayTeachClass(
  pool: Pool,
  user: { id: string; sessionVersion: number },
  classId: string,
): Promise<boolean> {
  const r = await pool.query<{ ok: boolean }>(
    `SELECT (u.role = 'ADMIN' OR (u.role = 'TEACHER' AND c."teacherId" = u.id)) AS ok
       FROM "User" u, "Classroom" c
      WHERE u.id = $1 AND c.id = $2 AND u."disabledAt" IS NULL AND u."sessionVersion" = $3`,
    [user.id, classId, user.sessionVersion],
  );
  return r.rows[0]?.ok === true;
}

export async function classStudents(pool: Pool, classId: string): Promise<string[]> {
  const r = await pool.query<{ userId: string }>(
    `SELECT e."userId" FROM "Enrollment" e JOIN "User" u ON u.id = e."userId"
      WHERE e."classId" = $1 AND u.role = 'STUDENT' ORDER BY u.name, u.email`,
    [classId],
  );
  return r.rows.map((x) => x.userId);
}

/** The classes a student is enrolled in (where their live events go). */
export async function classesOfStudent(pool: Pool, userId: string): Promise<string[]> {
  const r = await pool.query<{ classId: string }>(`SELECT "classId" FROM "Enrollment" WHERE "userId" = $1`, [
    userId,
  ]);
  return r.rows.map((x) => x.classId);
}

interface FaultRow {
  id: string;
  studentId: string;
  fault: unknown;
  /** Epoch ms (the columns hold UTC). */
  createdAt: number;
  appliedAt: number | null;
  ok: boolean | null;
  detail: string | null;
}

export function faultEntry(row: FaultRow): FaultLogEntry {
  const f = parseFault(row.fault);
  return {
    id: row.id,
    studentId: row.studentId,
    kind: f?.kind ?? "unknown",
    target: f?.target ?? null,
    createdAt: new Date(row.createdAt).toISOString(),
    appliedAt: row.appliedAt === null ? null : new Date(row.appliedAt).toISOString(),
    ok: row.ok,
    detail: row.detail,
  };
}

/** Times as epoch ms: timestamp(3) columns hold UTC (as the rest of the schema). */
const ms = (col: string) => `floor(extract(epoch FROM "${col}") * 1000)::float8 AS "${col}"`;
const NOW_UTC = `(now() AT TIME ZONE 'UTC')`;
const FAULT_COLUMNS = `id, "studentId", fault, ${ms("createdAt")}, ${ms("appliedAt")}, ok, detail`;

/** Stores a fault for each student, not applied yet. */
export async function storeFaults(
  pool: Pool,
  rows: Array<{
    id: string;
    classId: string;
    teacherId: string;
    studentId: string;
    courseSlug: string;
    fault: Fault;
  }>,
): Promise<FaultRow[]> {
  if (rows.length === 0) return [];
  const r = await pool.query<FaultRow>(
    `INSERT INTO "FaultRecord" (id, "classId", "teacherId", "studentId", "courseSlug", fault, "createdAt")
     SELECT *, ${NOW_UTC} FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
     RETURNING ${FAULT_COLUMNS}`,
    [
      rows.map((x) => x.id),
      rows.map((x) => x.classId),
      rows.map((x) => x.teacherId),
      rows.map((x) => x.studentId),
      rows.map((x) => x.courseSlug),
      rows.map((x) => JSON.stringify(x.fault)),
    ],
  );
  return r.rows;
}

/**
 * Claims a student's faults not applied yet (all of them, or the given ids), oldest first: the
 * claim is the update, so two servers or a load racing an injection apply each fault once.
 */
export async function claimFaults(
  pool: Pool,
  studentId: string,
  courseSlug: string,
  ids?: string[],
): Promise<Array<{ id: string; fault: Fault | null }>> {
  const r = await pool.query<{ id: string; fault: unknown; createdAt: number }>(
    `UPDATE "FaultRecord" SET "appliedAt" = ${NOW_UTC}
      WHERE "studentId" = $1 AND "courseSlug" = $2 AND "appliedAt" IS NULL AND ($3::text[] IS NULL OR id = ANY($3))
      RETURNING id, fault, ${ms("createdAt")}`,
    [studentId, courseSlug, ids ?? null],
  );
  return r.rows
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
    .map((x) => ({ id: x.id, fault: parseFault(x.fault) }));
}

/** Claims given back unapplied (the cluster they were claimed for was never built). */
export async function releaseFaults(pool: Pool, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await pool.query(`UPDATE "FaultRecord" SET "appliedAt" = NULL WHERE id = ANY($1::text[]) AND ok IS NULL`, [
    ids,
  ]);
}

export async function faultApplied(
  pool: Pool,
  id: string,
  result: FaultResult,
): Promise<(FaultRow & { classId: string }) | null> {
  const r = await pool.query<FaultRow & { classId: string }>(
    `UPDATE "FaultRecord" SET ok = $2, detail = $3 WHERE id = $1 RETURNING ${FAULT_COLUMNS}, "classId"`,
    [id, result.ok, result.detail],
  );
  return r.rows[0] ?? null;
}

export async function faultLog(pool: Pool, classId: string, limit = 50): Promise<FaultLogEntry[]> {
  const r = await pool.query<FaultRow>(
    `SELECT ${FAULT_COLUMNS} FROM "FaultRecord" WHERE "classId" = $1 ORDER BY "createdAt" DESC, id DESC LIMIT $2`,
    [classId, limit],
  );
  return r.rows.map(faultEntry);
}

export async function thresholds(pool: Pool, classId: string): Promise<Record<string, number>> {
  const r = await pool.query<{ lessonId: string; stepId: string; seconds: number }>(
    `SELECT "lessonId", "stepId", seconds FROM "StepThreshold" WHERE "classId" = $1`,
    [classId],
  );
  return Object.fromEntries(r.rows.map((x) => [`${x.lessonId}/${x.stepId}`, x.seconds]));
}

export async function setThreshold(
  pool: Pool,
  classId: string,
  lessonId: string,
  stepId: string,
  seconds: number,
): Promise<void> {
  await pool.query(
    `INSERT INTO "StepThreshold" ("classId", "lessonId", "stepId", seconds) VALUES ($1, $2, $3, $4)
     ON CONFLICT ("classId", "lessonId", "stepId") DO UPDATE SET seconds = EXCLUDED.seconds`,
    [classId, lessonId, stepId, seconds],
  );
}

export async function pushHint(
  pool: Pool,
  row: {
    id: string;
    classId: string;
    studentId: string;
    teacherId: string;
    ruleId: string;
    ja: string;
    en: string;
  },
): Promise<TeacherHintView> {
  const r = await pool.query<{ createdAt: number }>(
    `INSERT INTO "TeacherHint" (id, "classId", "studentId", "teacherId", "ruleId", "textJa", "textEn", "createdAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, ${NOW_UTC}) RETURNING ${ms("createdAt")}`,
    [row.id, row.classId, row.studentId, row.teacherId, row.ruleId, row.ja, row.en],
  );
  return { id: row.id, ja: row.ja, en: row.en, at: new Date(r.rows[0]?.createdAt ?? 0).toISOString() };
}

/** The newest hint pushed to a student in the last `withinMs` (older ones are history). */
export async function latestHint(
  pool: Pool,
  studentId: string,
  withinMs = 3 * 3600_000,
): Promise<TeacherHintView | null> {
  const r = await pool.query<{ id: string; textJa: string; textEn: string; createdAt: number }>(
    `SELECT id, "textJa", "textEn", ${ms("createdAt")} FROM "TeacherHint"
      WHERE "studentId" = $1 AND "createdAt" > ${NOW_UTC} - ($2::int * interval '1 millisecond')
      ORDER BY "createdAt" DESC LIMIT 1`,
    [studentId, withinMs],
  );
  const x = r.rows[0];
  return x ? { id: x.id, ja: x.textJa, en: x.textEn, at: new Date(x.createdAt).toISOString() } : null;
}
