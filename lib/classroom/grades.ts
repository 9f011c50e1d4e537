/**
 * Grades are pure functions of an assignment's rules, the course's steps as they are now, one
 * student's step progress and the teacher's override. No database, no clock: the caller passes
 * everything in, so every boundary (done exactly at the due time, late, reopened, overridden,
 * removed step) is a unit test.
 */

export type LatePolicy = "COUNT" | "PENALTY" | "IGNORE";

export interface AssignmentRules {
  /** Lesson ids of the course that the assignment covers. */
  lessonIds: string[];
  /** "lessonId/stepId" keys that count; empty = every step of the lessons. */
  stepKeys: string[];
  dueAt: Date;
  latePolicy: LatePolicy;
  /** 0–100, used with PENALTY. */
  latePenaltyPct: number;
  /** Whether a step whose solution was opened earns credit. */
  solutionCounts: boolean;
}

/** The course as it is now: which steps each lesson has, in order. */
export type CourseSteps = ReadonlyArray<{ id: string; steps: ReadonlyArray<{ id: string }> }>;

export interface StepRecord {
  lessonId: string;
  stepId: string;
  completedAt: Date | null;
  solutionShown: boolean;
}

export interface OverrideRecord {
  /** Percent, 0–100. */
  score: number;
  comment: string;
  by: string;
  at: Date;
}

export type StepStatus = "on-time" | "late" | "missing";

export interface StepGrade {
  key: string;
  lessonId: string;
  stepId: string;
  status: StepStatus;
  completedAt: Date | null;
  solutionShown: boolean;
  /** 0–1: what this step earns under the assignment's rules. */
  credit: number;
  /** Why the credit is less than the step's full worth, when it is. */
  reason: "late-ignored" | "late-penalty" | "solution" | null;
}

export interface Grade {
  /** Percent 0–100 computed from the steps (before any override), rounded to 0.1. */
  computed: number;
  /** What counts: the override when there is one, else `computed`. */
  score: number;
  override: OverrideRecord | null;
  steps: StepGrade[];
  /** Keys the assignment lists that the course no longer has; they count for nobody. */
  removed: string[];
  done: number;
  late: number;
  total: number;
}

export function stepKey(lessonId: string, stepId: string): string {
  return `${lessonId}/${stepId}`;
}

/**
 * The steps an assignment counts, against the course as it is now. A listed step that the course
 * no longer has is dropped from the denominator (and reported), so a course edit never leaves
 * students with a step they cannot do.
 */
export function countedSteps(
  rules: Pick<AssignmentRules, "lessonIds" | "stepKeys">,
  course: CourseSteps,
): { keys: Array<{ lessonId: string; stepId: string }>; removed: string[] } {
  const existing = new Map<string, { lessonId: string; stepId: string }>();
  for (const lesson of course) {
    if (!rules.lessonIds.includes(lesson.id)) continue;
    for (const s of lesson.steps)
      existing.set(stepKey(lesson.id, s.id), { lessonId: lesson.id, stepId: s.id });
  }
  if (rules.stepKeys.length === 0) return { keys: [...existing.values()], removed: [] };
  const keys: Array<{ lessonId: string; stepId: string }> = [];
  const removed: string[] = [];
  for (const k of rules.stepKeys) {
    const step = existing.get(k);
    if (step) keys.push(step);
    else removed.push(k);
  }
  return { keys, removed };
}

/** Rounds a percent to one decimal so that the page, the CSV and the tests agree. */
export function roundPct(x: number): number {
  return Math.round(x * 10) / 10;
}

export function gradeStudent(
  rules: AssignmentRules,
  course: CourseSteps,
  progress: ReadonlyArray<StepRecord>,
  override: OverrideRecord | null = null,
): Grade {
  const { keys, removed } = countedSteps(rules, course);
  const byKey = new Map(progress.map((p) => [stepKey(p.lessonId, p.stepId), p]));
  const penalty = Math.min(100, Math.max(0, rules.latePenaltyPct)) / 100;
  let earned = 0;
  let done = 0;
  let late = 0;
  const steps: StepGrade[] = keys.map(({ lessonId, stepId }) => {
    const key = stepKey(lessonId, stepId);
    const p = byKey.get(key);
    const completedAt = p?.completedAt ?? null;
    const solutionShown = p?.solutionShown ?? false;
    if (!completedAt) {
      return {
        key,
        lessonId,
        stepId,
        status: "missing",
        completedAt,
        solutionShown,
        credit: 0,
        reason: null,
      };
    }
    // Done at the due time itself is on time: "due 17:00" includes 17:00:00.000.
    const status: StepStatus = completedAt.getTime() <= rules.dueAt.getTime() ? "on-time" : "late";
    let credit = 1;
    let reason: StepGrade["reason"] = null;
    if (status === "late") {
      late++;
      if (rules.latePolicy === "IGNORE") {
        credit = 0;
        reason = "late-ignored";
      } else if (rules.latePolicy === "PENALTY" && penalty > 0) {
        credit = 1 - penalty;
        reason = "late-penalty";
      }
    }
    if (solutionShown && !rules.solutionCounts) {
      credit = 0;
      reason = "solution";
    }
    done++;
    earned += credit;
    return { key, lessonId, stepId, status, completedAt, solutionShown, credit, reason };
  });
  const total = keys.length;
  const computed = total === 0 ? 0 : roundPct((100 * earned) / total);
  const score = override ? roundPct(Math.min(100, Math.max(0, override.score))) : computed;
  return { computed, score, override, steps, removed, done, late, total };
}

/** The newest override of a student on an assignment, or null. */
export function latestOverride<T extends { at: Date }>(rows: ReadonlyArray<T>): T | null {
  let newest: T | null = null;
  for (const r of rows) if (!newest || r.at.getTime() > newest.at.getTime()) newest = r;
  return newest;
}

/** A student's total: the mean of their assignment scores (each assignment weighs the same). */
export function totalScore(scores: ReadonlyArray<number>): number {
  if (scores.length === 0) return 0;
  return roundPct(scores.reduce((a, b) => a + b, 0) / scores.length);
}

export type AssignmentPhase = "upcoming" | "open" | "closed";

export function assignmentPhase(a: { opensAt: Date; dueAt: Date }, now: Date): AssignmentPhase {
  if (now.getTime() < a.opensAt.getTime()) return "upcoming";
  if (now.getTime() <= a.dueAt.getTime()) return "open";
  return "closed";
}
