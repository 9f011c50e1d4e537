/**
 * Every lesson's solution, typed into a fresh simulated cluster of the lesson's scenario (the
 * same wiring as the server's student sessions), must complete every step — so the course can
 * never drift from what the simulator does.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { type ApiHandler, ManualClock } from "../cluster/types";
import { clusterWorkstation } from "../terminal/wiring";
import { loadCourse } from "./loader";
import { ManualScheduler, replayLesson } from "./replay";

const course = loadCourse(fileURLToPath(new URL("../../courses/kubernetes-basics", import.meta.url)));

describe("solution replay", () => {
  for (const lesson of course.lessons) {
    it(`${lesson.slug}: every step completes`, async () => {
      const clock = new ManualClock(Date.UTC(2026, 10, 30, 3, 0, 0));
      const scheduler = new ManualScheduler(clock);
      const cluster = Cluster.create({ scenario: lesson.scenario, seed: 1, clock });
      const api: ApiHandler = (req) => cluster.handle(req);
      const ws = clusterWorkstation(cluster, { clock, scheduler });
      const result = await replayLesson(lesson, {
        openShell: (tab) => ws.openShell(tab),
        api,
        podExisted: (ns, name) => cluster.podExisted(ns, name),
        clock,
        scheduler,
      });
      const transcript = result.journal.map((e) => `[${e.tab}] $ ${e.line}\n${e.output}[exit ${e.exitCode}]`);
      expect(result.pending, transcript.join("\n")).toEqual({});
      expect(result.completed.sort()).toEqual(lesson.steps.map((s) => s.id).sort());
      ws.dispose();
    });
  }
});
