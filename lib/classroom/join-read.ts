/**
 * Everything a join that loads a student's workspace reads from Postgres, in ONE statement
 * (docs/adr/0038-one-statement-per-join.md): the account (session version, role, saved locale),
 * the saved cluster, the student's teachers and classes, the requested lesson's journal and step
 * rows, and — when the live teaching tools listen — the teacher's faults waiting for this
 * cluster, claimed (marked applied) in the same statement.
 *
 * Before, these were eight statements (account, snapshot, teachers, journal, steps, fault claim,
 * classes, locale): on a pool of ten connections, a class arriving at 50 joins a second queued
 * on the pool, and every statement is a round trip with its own system calls and wake-ups.
 */
import type { Role } from "../auth";
import { type Fault, parseFault } from "../cluster/faults";
import type { JournalEntry } from "../shell/types";
import { type CommandRecordRow, journalEntry } from "./journal";
import type { StepTally } from "./progress";
import type { SnapshotRow } from "./snapshots";
import type { Pool } from "./sql";

/** The account as the database has it now, or null when it is gone. */
export interface AccountNow {
  sessionVersion: number;
  role: Role;
  /** The saved UI locale (`User.locale`). */
  locale: string;
}

export interface JoinRead {
  account: AccountNow | null;
  snapshot: SnapshotRow | null;
  teacherIds: string[];
  classIds: string[];
  /** The lesson's newest lines since the snapshot's journalSince, oldest first (none: no lesson). */
  journal: JournalEntry[];
  tallies: StepTally[];
  /** Faults claimed for this cluster, oldest first (only when asked to claim). */
  faults: Array<{ id: string; fault: Fault | null }>;
}

const ms = (expr: string) => `floor(extract(epoch FROM ${expr}) * 1000)::float8`;

/**
 * $1 user, $2 course, $3 lesson (null: none), $4 journal limit, $5 whether to claim faults.
 * One row always (the account and snapshot are LEFT JOINed). The journal's lower bound is the
 * saved cluster's journalSince, read by the statement itself; with no saved cluster a new one
 * starts now, so none of the lesson's lines count. The fault claim is a data-modifying WITH: it
 * writes (and so commits through the WAL) only when there is a fault to claim.
 */
export const JOIN_READ_SQL = `
WITH claimed AS (
  UPDATE "FaultRecord" SET "appliedAt" = (now() AT TIME ZONE 'UTC')
   WHERE $5::boolean AND "studentId" = $1 AND "courseSlug" = $2 AND "appliedAt" IS NULL
  RETURNING id, fault, ${ms('"createdAt"')} AS "createdAt"
)
SELECT u."sessionVersion", u.role::text AS role, u.locale,
       s.scenario, s.cluster, s.workstation, ${ms('s."journalSince"')} AS "journalSince",
       ARRAY(SELECT DISTINCT c."teacherId" FROM "Enrollment" e JOIN "Classroom" c ON c.id = e."classId"
              WHERE e."userId" = $1) AS teachers,
       ARRAY(SELECT e."classId" FROM "Enrollment" e WHERE e."userId" = $1) AS classes,
       (SELECT json_agg(j ORDER BY j.at, j.id) FROM (
          SELECT id, tab, line, argv, "exitCode", output, outputs, ${ms("at")} AS at
            FROM "CommandRecord"
           WHERE $3::text IS NOT NULL AND "userId" = $1 AND "courseSlug" = $2 AND "lessonId" = $3
             AND at >= coalesce((SELECT "journalSince" FROM "ClusterSnapshot" WHERE "userId" = $1 AND "courseSlug" = $2),
                                'infinity')
           ORDER BY at DESC, id DESC
           LIMIT $4) j) AS journal,
       (SELECT json_agg(json_build_object(
                 'stepId', "stepId", 'startedAt', ${ms('"startedAt"')}, 'completedAt', ${ms('"completedAt"')},
                 'firstAttemptMs', "firstAttemptMs", 'commands', commands, 'errors', errors,
                 'solutionShown', "solutionShown"))
          FROM "StepProgress" WHERE "userId" = $1 AND "courseSlug" = $2 AND "lessonId" = $3) AS tallies,
       (SELECT json_agg(json_build_object('id', id, 'fault', fault) ORDER BY "createdAt", id) FROM claimed) AS faults
  FROM (SELECT 1) one
  LEFT JOIN "User" u ON u.id = $1
  LEFT JOIN "ClusterSnapshot" s ON s."userId" = $1 AND s."courseSlug" = $2`;

interface Row {
  sessionVersion: number | null;
  role: Role | null;
  locale: string | null;
  scenario: string | null;
  cluster: string | null;
  workstation: string | null;
  journalSince: number | null;
  teachers: string[];
  classes: string[];
  journal: CommandRecordRow[] | null;
  tallies: StepTally[] | null;
  faults: Array<{ id: string; fault: unknown }> | null;
}

export async function joinRead(
  pool: Pool,
  key: { userId: string; courseSlug: string; lessonId: string | null },
  opts: { journalLimit: number; claimFaults: boolean },
): Promise<JoinRead> {
  const r = await pool.query<Row>({
    name: "join-read",
    text: JOIN_READ_SQL,
    values: [key.userId, key.courseSlug, key.lessonId, opts.journalLimit, opts.claimFaults],
  });
  const row = r.rows[0];
  if (!row) throw new Error("join read: no row");
  return {
    account:
      row.sessionVersion === null || row.role === null
        ? null
        : { sessionVersion: row.sessionVersion, role: row.role, locale: row.locale ?? "" },
    snapshot:
      row.scenario === null || row.cluster === null || row.workstation === null
        ? null
        : {
            userId: key.userId,
            courseSlug: key.courseSlug,
            scenario: row.scenario,
            cluster: row.cluster,
            workstation: row.workstation,
            journalSince: row.journalSince ?? 0,
          },
    teacherIds: row.teachers,
    classIds: row.classes,
    journal: (row.journal ?? []).map(journalEntry),
    tallies: row.tallies ?? [],
    faults: (row.faults ?? []).map((f) => ({ id: f.id, fault: parseFault(f.fault) })),
  };
}

/** The account now (a join to a workspace already in memory, a privileged event): one statement. */
export async function accountNow(pool: Pool, userId: string): Promise<AccountNow | null> {
  const r = await pool.query<AccountNow>({
    name: "account-now",
    text: 'SELECT "sessionVersion", role::text AS role, locale FROM "User" WHERE id = $1',
    values: [userId],
  });
  return r.rows[0] ?? null;
}
