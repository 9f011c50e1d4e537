import { describe, expect, it } from "vitest";
import {
  type AssignmentRules,
  assignmentPhase,
  countedSteps,
  gradeStudent,
  latestOverride,
  type StepRecord,
  totalScore,
} from "./grades";

const COURSE = [
  {
    id: "pods-and-nodes",
    steps: [{ id: "check-app" }, { id: "view-app" }, { id: "view-logs" }, { id: "exec" }],
  },
  { id: "expose-app", steps: [{ id: "service" }] },
];
const DUE = new Date("2026-12-24T08:00:00.000Z");

function rules(over: Partial<AssignmentRules> = {}): AssignmentRules {
  return {
    lessonIds: ["pods-and-nodes"],
    stepKeys: [],
    dueAt: DUE,
    latePolicy: "COUNT",
    latePenaltyPct: 0,
    solutionCounts: true,
    ...over,
  };
}

function done(stepId: string, at: Date | null, solutionShown = false): StepRecord {
  return { lessonId: "pods-and-nodes", stepId, completedAt: at, solutionShown };
}

const before = new Date(DUE.getTime() - 60_000);
const after = new Date(DUE.getTime() + 1);

describe("gradeStudent", () => {
  it("gives partial credit: 2 of 4 steps by the due time is 50", () => {
    const g = gradeStudent(rules(), COURSE, [done("check-app", before), done("view-app", before)]);
    expect(g.computed).toBe(50);
    expect(g.score).toBe(50);
    expect(g.total).toBe(4);
    expect(g.steps.map((s) => s.status)).toEqual(["on-time", "on-time", "missing", "missing"]);
  });

  it("counts a step done exactly at the due time as on time, and one millisecond later as late", () => {
    const atDue = gradeStudent(rules({ latePolicy: "IGNORE" }), COURSE, [done("check-app", DUE)]);
    expect(atDue.steps[0]?.status).toBe("on-time");
    expect(atDue.computed).toBe(25);
    const oneMsLate = gradeStudent(rules({ latePolicy: "IGNORE" }), COURSE, [done("check-app", after)]);
    expect(oneMsLate.steps[0]?.status).toBe("late");
    expect(oneMsLate.steps[0]?.reason).toBe("late-ignored");
    expect(oneMsLate.computed).toBe(0);
    expect(oneMsLate.late).toBe(1);
  });

  it("applies the late policy: counts, counts with a penalty, or not at all", () => {
    const progress = [done("check-app", before), done("view-app", after), done("view-logs", after)];
    expect(gradeStudent(rules({ latePolicy: "COUNT" }), COURSE, progress).computed).toBe(75);
    // 1 + 2 × 0.7 = 2.4 of 4 = 60 %
    expect(
      gradeStudent(rules({ latePolicy: "PENALTY", latePenaltyPct: 30 }), COURSE, progress).computed,
    ).toBe(60);
    expect(gradeStudent(rules({ latePolicy: "IGNORE" }), COURSE, progress).computed).toBe(25);
    // A penalty beyond 100 % earns nothing, never a negative credit.
    expect(
      gradeStudent(rules({ latePolicy: "PENALTY", latePenaltyPct: 150 }), COURSE, progress).computed,
    ).toBe(25);
  });

  it("marks steps whose solution was opened, and counts them only when the teacher says so", () => {
    const progress = [done("check-app", before, true), done("view-app", before)];
    const counted = gradeStudent(rules({ solutionCounts: true }), COURSE, progress);
    expect(counted.computed).toBe(50);
    expect(counted.steps[0]?.solutionShown).toBe(true);
    expect(counted.steps[0]?.reason).toBeNull();
    const notCounted = gradeStudent(rules({ solutionCounts: false }), COURSE, progress);
    expect(notCounted.computed).toBe(25);
    expect(notCounted.steps[0]?.reason).toBe("solution");
    // A solution opened on a step never finished is marked but changes nothing.
    expect(gradeStudent(rules({ solutionCounts: false }), COURSE, [done("exec", null, true)]).computed).toBe(
      0,
    );
  });

  it("regrades a reopened assignment against its new due time", () => {
    const progress = [done("check-app", before), done("view-app", after)];
    const closed = gradeStudent(rules({ latePolicy: "IGNORE" }), COURSE, progress);
    expect(closed.computed).toBe(25);
    const reopened = gradeStudent(
      rules({ latePolicy: "IGNORE", dueAt: new Date(DUE.getTime() + 7 * 24 * 3600_000) }),
      COURSE,
      progress,
    );
    expect(reopened.computed).toBe(50);
    expect(reopened.late).toBe(0);
  });

  it("lets an override replace the computed score and keeps the breakdown", () => {
    const override = { score: 90, comment: "did it on paper", by: "Tanaka", at: new Date() };
    const g = gradeStudent(rules(), COURSE, [done("check-app", before)], override);
    expect(g.computed).toBe(25);
    expect(g.score).toBe(90);
    expect(g.override?.comment).toBe("did it on paper");
    expect(g.steps).toHaveLength(4);
    expect(gradeStudent(rules(), COURSE, [], { ...override, score: 0 }).score).toBe(0);
  });

  it("drops a listed step that the course no longer has from the denominator and reports it", () => {
    const r = rules({ stepKeys: ["pods-and-nodes/check-app", "pods-and-nodes/gone-step"] });
    const g = gradeStudent(r, COURSE, [done("check-app", before)]);
    expect(g.total).toBe(1);
    expect(g.removed).toEqual(["pods-and-nodes/gone-step"]);
    expect(g.computed).toBe(100);
  });

  it("counts only the chosen steps, ignores progress elsewhere, and gives 0 (not NaN) for nothing to do", () => {
    const r = rules({ stepKeys: ["pods-and-nodes/exec"] });
    expect(gradeStudent(r, COURSE, [done("check-app", before)]).computed).toBe(0);
    expect(gradeStudent(r, COURSE, [done("exec", before)]).computed).toBe(100);
    expect(gradeStudent(rules({ lessonIds: ["no-such-lesson"] }), COURSE, []).computed).toBe(0);
  });

  it("rounds to one decimal: 1 of 3 is 33.3", () => {
    const three = [{ id: "l", steps: [{ id: "a" }, { id: "b" }, { id: "c" }] }];
    const g = gradeStudent(rules({ lessonIds: ["l"] }), three, [
      { lessonId: "l", stepId: "a", completedAt: before, solutionShown: false },
    ]);
    expect(g.computed).toBe(33.3);
  });
});

describe("helpers", () => {
  it("countedSteps keeps course order for whole lessons", () => {
    const { keys } = countedSteps({ lessonIds: ["expose-app", "pods-and-nodes"], stepKeys: [] }, COURSE);
    expect(keys.map((k) => k.stepId)).toEqual(["check-app", "view-app", "view-logs", "exec", "service"]);
  });

  it("latestOverride picks the newest row", () => {
    const rows = [
      { at: new Date("2026-12-01T00:00:00Z"), score: 1 },
      { at: new Date("2026-12-03T00:00:00Z"), score: 3 },
      { at: new Date("2026-12-02T00:00:00Z"), score: 2 },
    ];
    expect(latestOverride(rows)?.score).toBe(3);
    expect(latestOverride([])).toBeNull();
  });

  it("totalScore is the mean of the assignments", () => {
    expect(totalScore([50, 100])).toBe(75);
    expect(totalScore([])).toBe(0);
  });

  it("assignmentPhase: upcoming before opening, open through the due instant, closed after", () => {
    const a = { opensAt: new Date(DUE.getTime() - 3600_000), dueAt: DUE };
    expect(assignmentPhase(a, new Date(a.opensAt.getTime() - 1))).toBe("upcoming");
    expect(assignmentPhase(a, a.opensAt)).toBe("open");
    expect(assignmentPhase(a, DUE)).toBe("open");
    expect(assignmentPhase(a, after)).toBe("closed");
  });
});
