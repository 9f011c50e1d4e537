/**
 * The incremental evaluator must agree with the full evaluation over the journal after every
 * line of every lesson's solution — and when it starts from a journal loaded half-way. Both see
 * the cluster as the solution left it (state checks of earlier steps may no longer hold there;
 * what matters is that the two evaluations agree).
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { type ApiHandler, ManualClock } from "../cluster/types";
import { evaluateLesson } from "../course/checks";
import { loadCourse } from "../course/loader";
import { ManualScheduler, replayLesson } from "../course/replay";
import type { Lesson } from "../course/schema";
import type { JournalEntry } from "../shell/types";
import { clusterWorkstation } from "../terminal/wiring";
import { LessonProgress } from "./lesson-progress";
import type { StepTally } from "./progress";

const course = loadCourse(fileURLToPath(new URL("../../courses/kubernetes-basics", import.meta.url)));

async function solutionJournal(
  lesson: Lesson,
): Promise<{ journal: JournalEntry[]; api: ApiHandler; version: () => number }> {
  const clock = new ManualClock(Date.UTC(2026, 10, 30, 3, 0, 0));
  const scheduler = new ManualScheduler(clock);
  const cluster = Cluster.create({ scenario: lesson.scenario, seed: 1, clock });
  const api: ApiHandler = (req) => cluster.handle(req);
  const ws = clusterWorkstation(cluster, { clock, scheduler });
  const { journal } = await replayLesson(lesson, {
    openShell: (tab) => ws.openShell(tab),
    api,
    clock,
    scheduler,
  });
  const version = () => {
    cluster.tick();
    return cluster.internals.store.rv;
  };
  return { journal, api, version };
}

/** The full evaluation after each line: done steps, the highlighted one, what each misses. */
function fullRun(lesson: Lesson, journal: JournalEntry[], api: ApiHandler) {
  const done = new Set<string>();
  return journal.map((_, i) => {
    const r = evaluateLesson(lesson, { journal: journal.slice(0, i + 1), api }, done);
    for (const id of r.newlyCompleted) done.add(id);
    return {
      done: [...done].sort(),
      current: r.current,
      missing: Object.fromEntries(
        Object.entries(r.results)
          .filter(([id]) => !done.has(id))
          .map(([id, s]) => [id, s.missing]),
      ),
    };
  });
}

function view(p: LessonProgress, update: ReturnType<LessonProgress["view"]>) {
  return {
    done: [...p.done].sort(),
    current: update.current,
    missing: Object.fromEntries(update.steps.filter((s) => !s.done).map((s) => [s.id, s.missing])),
  };
}

describe("incremental progress evaluation", () => {
  for (const lesson of course.lessons) {
    it(`${lesson.slug}: agrees with the full evaluation after every line`, async () => {
      const { journal, api, version } = await solutionJournal(lesson);
      const expected = fullRun(lesson, journal, api);
      const p = new LessonProgress(lesson, [], new Map(), api);
      journal.forEach((entry, i) => {
        const out = p.line(entry, api, version());
        expect(view(p, out.update), `after line ${i + 1}: ${entry.line}`).toEqual(expected[i]);
      });

      // Loaded half-way (a server restart): the rest of the lines give the same verdicts.
      const half = Math.floor(journal.length / 2);
      const tallies = new Map<string, StepTally>();
      for (const id of expected[half - 1]?.done ?? [])
        tallies.set(id, {
          stepId: id,
          startedAt: 0,
          completedAt: 1,
          firstAttemptMs: 1,
          commands: 1,
          errors: 0,
          solutionShown: false,
        });
      const q = new LessonProgress(lesson, journal.slice(0, half), tallies, api);
      journal.slice(half).forEach((entry, j) => {
        const out = q.line(entry, api);
        expect(view(q, out.update), `loaded, then line ${half + j + 1}`).toEqual(expected[half + j]);
      });
    });
  }

  it("asks a state check again only when the cluster's objects changed", async () => {
    const lesson = course.lessons.find((l) => l.steps.some((s) => s.checks.some((c) => c.kind === "state")))!;
    // The lesson's start state: its state checks do not hold yet.
    const clock = new ManualClock(Date.UTC(2026, 10, 30, 3, 0, 0));
    const cluster = Cluster.create({ scenario: lesson.scenario, seed: 1, clock });
    const api: ApiHandler = (req) => cluster.handle(req);
    const version = () => {
      cluster.tick();
      return cluster.internals.store.rv;
    };
    let calls = 0;
    const counting: ApiHandler = (req) => {
      calls++;
      return api(req);
    };
    const p = new LessonProgress(lesson, [], new Map(), counting);
    const entry = { tab: "1", commands: [["true"]], line: "true", output: "", exitCode: 0, at: clock.now() };
    p.line(entry, counting, version());
    const first = calls;
    expect(first).toBeGreaterThan(0);
    p.line(entry, counting, version());
    expect(calls).toBe(first);
    // Without a version (or after a change) the checks are asked again.
    p.line(entry, counting);
    expect(calls).toBeGreaterThan(first);
  });

  it("counts a line against every open step and completes a step once", async () => {
    const lesson = course.lessons.find((l) => l.id === "pods-and-nodes")!;
    const { journal, api } = await solutionJournal(lesson);
    const tallies = new Map<string, StepTally>();
    const p = new LessonProgress(lesson, [], tallies, api);
    const first = p.line(journal[0]!, api);
    expect(first.changed.map((t) => t.stepId)).toEqual(lesson.steps.map((s) => s.id));
    expect(first.changed.every((t) => t.commands === 1)).toBe(true);
    for (const e of journal.slice(1)) p.line(e, api);
    const again = p.line(journal[0]!, api);
    expect(again.changed).toEqual([]);
    expect(again.newlyCompleted).toEqual([]);
  });

  it("reads a long line's commands in paced pieces before its check, with the same verdicts (issue 12)", async () => {
    const lesson = course.lessons.find((l) => l.id === "pods-and-nodes")!;
    const { journal, api } = await solutionJournal(lesson);
    // a loop's line: 2,001 commands, most of programs no check names, the check's command last
    const commands: string[][] = [];
    for (let i = 0; i < 1000; i++) {
      commands.push(["[", String(i), "-lt", "1000", "]"]);
      commands.push(["kubectl", "create", "deployment", `d${i}`, "--image=nginx"]);
    }
    commands.push(["kubectl", "describe", "pods"]);
    const long: JournalEntry = { tab: "1", commands, line: "i=0; while …", output: "", exitCode: 0, at: 1 };
    const lines = [journal[0]!, long, ...journal.slice(1)];

    const plain = new LessonProgress(lesson, [], new Map(), api);
    const paced = new LessonProgress(lesson, [], new Map(), api);
    for (const entry of lines) {
      let asked = 0;
      const pending = paced.prepare(entry, () => {
        asked++;
        return Promise.resolve(true);
      });
      // a pace is asked every 16 commands, and only when there is more to read
      expect(asked).toBe(entry.commands.length > 16 ? 1 : 0);
      await pending;
      expect(asked).toBe(Math.ceil(entry.commands.length / 16) - 1 || 0);
      expect(view(paced, paced.line(entry, api).update), entry.line).toEqual(
        view(plain, plain.line(entry, api).update),
      );
    }
    expect(paced.done).toContain("check-app");

    // a pace that answers false stops the reading at once; the check still answers alike
    const stopped = new LessonProgress(lesson, [], new Map(), api);
    let asked = 0;
    expect(
      stopped.prepare(long, () => {
        asked++;
        return false;
      }),
    ).toBeUndefined();
    expect(asked).toBe(1);
    const unprepared = new LessonProgress(lesson, [], new Map(), api);
    expect(view(stopped, stopped.line(long, api).update)).toEqual(
      view(unprepared, unprepared.line(long, api).update),
    );
  });
});
