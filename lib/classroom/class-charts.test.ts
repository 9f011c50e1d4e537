import { describe, expect, it } from "vitest";
import { classCharts, median } from "./class-charts";

const t = (min: number) => new Date(Date.UTC(2026, 11, 2, 9, min));

describe("class charts", () => {
  it("median of odd and even counts", () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("counts students done per step over time and the median minutes from the step's start", () => {
    const rows = [
      { userId: "a", stepId: "s1", startedAt: t(0), completedAt: t(2) },
      { userId: "a", stepId: "s2", startedAt: t(0), completedAt: t(10) },
      { userId: "b", stepId: "s1", startedAt: t(1), completedAt: t(5) },
      { userId: "b", stepId: "s2", startedAt: t(6), completedAt: null },
      { userId: "c", stepId: "s1", startedAt: t(0), completedAt: t(6) },
    ];
    const c = classCharts(["s1", "s2", "s3"], rows);
    expect(c.steps[0]).toEqual({
      id: "s1",
      done: [
        [t(2).getTime(), 1],
        [t(5).getTime(), 2],
        [t(6).getTime(), 3],
      ],
      medianMinutes: 4,
      completed: 3,
    });
    // a started s2 (first command) before finishing s1: the step's time starts at s1's completion.
    expect(c.steps[1]).toMatchObject({ completed: 1, medianMinutes: 8 });
    expect(c.steps[2]).toEqual({ id: "s3", done: [], medianMinutes: null, completed: 0 });
  });
});
