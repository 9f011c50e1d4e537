/**
 * Step progress in Postgres, one row per student × step. Only the server's check engine
 * completes steps. The live session keeps each step's tally in memory (`tallyLine`) and writes
 * the whole row back with `upsertProgress`: absolute values merged with GREATEST/COALESCE, so a
 * write that is retried, repeated or arrives late never double-counts or un-completes a step.
 */
import type { PrismaClient } from "../generated/prisma/client";
import { columns, type Pool, params, sqlTimestamp } from "./sql";

export interface StepState {
  stepId: string;
  completedAt: Date | null;
}

export async function lessonProgress(
  prisma: PrismaClient,
  userId: string,
  courseSlug: string,
  lessonId: string,
): Promise<Set<string>> {
  const rows = await prisma.stepProgress.findMany({
    where: { userId, courseSlug, lessonId, completedAt: { not: null } },
    select: { stepId: true },
  });
  return new Set(rows.map((r) => r.stepId));
}

/** Completed step counts per lesson for one user. */
export async function courseProgress(
  prisma: PrismaClient,
  userId: string,
  courseSlug: string,
): Promise<Map<string, Set<string>>> {
  const rows = await prisma.stepProgress.findMany({
    where: { userId, courseSlug, completedAt: { not: null } },
    select: { lessonId: true, stepId: true },
  });
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const s = out.get(r.lessonId) ?? new Set<string>();
    s.add(r.stepId);
    out.set(r.lessonId, s);
  }
  return out;
}

/** One step's row, as the live session holds it (times in epoch ms). */
export interface StepTally {
  stepId: string;
  /** The first command counted against the step. */
  startedAt: number;
  completedAt: number | null;
  /** Milliseconds from `startedAt` to completion. */
  firstAttemptMs: number | null;
  commands: number;
  errors: number;
  solutionShown: boolean;
}

export interface LessonKey {
  userId: string;
  courseSlug: string;
  lessonId: string;
}

export interface ProgressRow extends LessonKey {
  tally: StepTally;
}

/** Every step row of one lesson for one user. */
export async function loadLessonTallies(pool: Pool, key: LessonKey): Promise<Map<string, StepTally>> {
  const r = await pool.query<StepTally>(
    `SELECT "stepId",
            floor(extract(epoch FROM "startedAt") * 1000)::float8 AS "startedAt",
            floor(extract(epoch FROM "completedAt") * 1000)::float8 AS "completedAt",
            "firstAttemptMs", commands, errors, "solutionShown"
       FROM "StepProgress"
      WHERE "userId" = $1 AND "courseSlug" = $2 AND "lessonId" = $3`,
    [key.userId, key.courseSlug, key.lessonId],
  );
  return new Map(r.rows.map((row) => [row.stepId, row]));
}

/**
 * Counts one finished command line against the lesson's open steps and completes the steps in
 * `completed` (in memory). A step's `startedAt` is its first counted command; `firstAttemptMs`
 * is the time from there to completion. Returns the tallies that changed.
 */
export function tallyLine(
  tallies: Map<string, StepTally>,
  line: { openSteps: readonly string[]; failed: boolean; completed: readonly string[]; at: number },
): StepTally[] {
  const changed: StepTally[] = [];
  for (const stepId of line.openSteps) {
    let t = tallies.get(stepId);
    if (!t) {
      t = {
        stepId,
        startedAt: line.at,
        completedAt: null,
        firstAttemptMs: null,
        commands: 0,
        errors: 0,
        solutionShown: false,
      };
      tallies.set(stepId, t);
    }
    t.commands++;
    if (line.failed) t.errors++;
    if (line.completed.includes(stepId) && t.completedAt === null) {
      t.completedAt = line.at;
      t.firstAttemptMs = Math.max(0, line.at - t.startedAt);
    }
    changed.push({ ...t });
  }
  return changed;
}

/** Marks that the learner opened a step's solution (teachers see it on the board). */
export function tallySolutionShown(tallies: Map<string, StepTally>, stepId: string, at: number): StepTally {
  const t = tallies.get(stepId) ?? {
    stepId,
    startedAt: at,
    completedAt: null,
    firstAttemptMs: null,
    commands: 0,
    errors: 0,
    solutionShown: false,
  };
  t.solutionShown = true;
  tallies.set(stepId, t);
  return { ...t };
}

/**
 * The upsert of step rows from ten array parameters starting at `$first`. Idempotent and
 * monotone: counters only grow, a completion and the first start are kept, so retries and
 * repeats are harmless. Keys must be unique within one statement (Postgres cannot update a row
 * twice in one INSERT … ON CONFLICT).
 */
export function progressUpsert(first: number): string {
  const types = [
    "text[]",
    "text[]",
    "text[]",
    "text[]",
    "timestamp(3)[]",
    "timestamp(3)[]",
    "int[]",
    "int[]",
    "int[]",
    "bool[]",
  ];
  return `INSERT INTO "StepProgress" AS p ("userId", "courseSlug", "lessonId", "stepId", "startedAt", "completedAt", "firstAttemptMs", commands, errors, "solutionShown")
           SELECT * FROM unnest(${params(first, types)})
           ON CONFLICT ("userId", "courseSlug", "lessonId", "stepId") DO UPDATE SET
             "startedAt" = LEAST(p."startedAt", EXCLUDED."startedAt"),
             "completedAt" = COALESCE(p."completedAt", EXCLUDED."completedAt"),
             "firstAttemptMs" = COALESCE(p."firstAttemptMs", EXCLUDED."firstAttemptMs"),
             commands = GREATEST(p.commands, EXCLUDED.commands),
             errors = GREATEST(p.errors, EXCLUDED.errors),
             "solutionShown" = p."solutionShown" OR EXCLUDED."solutionShown"`;
}

/** The ten arrays `progressUpsert` reads. */
export function progressValues(rows: readonly ProgressRow[]): unknown[] {
  return columns(rows, PROGRESS_COLUMNS);
}

const PROGRESS_COLUMNS: ReadonlyArray<(r: ProgressRow) => unknown> = [
  ...(["userId", "courseSlug", "lessonId"] as const).map((k) => (r: ProgressRow) => r[k]),
  (r) => r.tally.stepId,
  (r) => sqlTimestamp(r.tally.startedAt),
  (r) => (r.tally.completedAt === null ? null : sqlTimestamp(r.tally.completedAt)),
  ...(["firstAttemptMs", "commands", "errors", "solutionShown"] as const).map(
    (k) => (r: ProgressRow) => r.tally[k],
  ),
];

/** Writes step rows in one statement (see `progressUpsert`). */
export async function upsertProgress(pool: Pool, rows: readonly ProgressRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await pool.query({
    name: "progress-upsert",
    text: progressUpsert(1),
    values: progressValues(rows),
  });
  return r.rowCount ?? 0;
}
