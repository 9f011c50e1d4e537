/**
 * Integration: what a checked line costs to cross from its workspace worker (server/worker.ts,
 * server/worker-pool.ts; docs/adr/0042). Every line's result carries the lesson's step list, ~1 KB
 * of JSON with both languages' hints, and most lines change no step: the list was half of a plain
 * line's reply, copied across the threads and parsed on the main thread, where the socket side
 * only compares it with the last one sent. A line that repeats its lesson's list now crosses
 * without it, and the pool puts the last one back: the socket side sees every line as before.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCourse } from "../lib/classroom/course";
import { type CoreHandle, LocalHost, WorkerPool } from "./worker-pool";
import type { LineResult } from "./workspace-core";

const course = getCourse();
const lesson = course.lessons.find((l) => l.id === "pods-and-nodes")!;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const PROMPT = "student@minikube:~$ ";

interface Student {
  handle: CoreHandle;
  lines: LineResult[];
  screen: string;
}

async function student(host: WorkerPool | LocalHost): Promise<Student> {
  const s = { lines: [], screen: "" } as unknown as Student;
  s.handle = await host.create(
    course.id,
    { kind: "new", scenario: lesson.scenario, seed: 7, prompt: course.workstation },
    {
      output: (_tab, data) => {
        s.screen += data.replace(ANSI, "");
      },
      line: (result) => s.lines.push(result),
      lost: () => {},
    },
    { lessonId: lesson.id, rows: { journal: [], tallies: [] } },
  );
  await s.handle.call("openTab", "1", 120, 30);
  return s;
}

/** Types a line and waits for its result (and its prompt). */
async function type(s: Student, line: string): Promise<LineResult> {
  const before = s.lines.length;
  s.screen = "";
  s.handle.input("1", `${line}\r`);
  const deadline = Date.now() + 10_000;
  while ((s.lines.length === before || !s.screen.endsWith(PROMPT)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 2));
  expect(s.lines.length, `no result for ${line}`).toBe(before + 1);
  return s.lines[before]!;
}

describe("a checked line crossing from its worker", () => {
  let pool: WorkerPool;
  const replies: string[] = [];
  let onWorker: Student;
  let inProcess: Student;

  beforeAll(async () => {
    pool = new WorkerPool(1, { onReply: (raw) => replies.push(raw) });
    onWorker = await student(pool);
    inProcess = await student(new LocalHost());
  });

  afterAll(async () => {
    await pool.close();
  });

  it("leaves out a step list the lesson's previous line already sent, and the socket side still gets it", async () => {
    const LINES = [
      "kubectl get pods",
      "kubectl get nodes",
      "kubectl get pods",
      "kubectl version",
      "kubectl get pods",
    ];
    const crossed: string[][] = [];
    for (const line of LINES) {
      replies.length = 0;
      const got = await type(onWorker, line);
      const want = await type(inProcess, line);
      crossed.push([...replies]);
      // Every line reaches the socket side with the step list it has in process (same seed).
      expect(got.outcome.update).toEqual(want.outcome.update);
      // (the step rows carry the wall clock of each side: their steps are compared)
      expect(got.outcome.changed.map((t) => t.stepId)).toEqual(want.outcome.changed.map((t) => t.stepId));
      expect(got.entry.line).toBe(line);
    }
    // The first line's list crosses; the lines after it change no step and cross without it
    // (before: every reply carried it, ~1 KB of a ~2.3 KB reply).
    const lists = crossed.map((r) => r.join("").split('"steps":').length - 1);
    expect(lists[0]).toBe(1);
    expect(lists.slice(1)).toEqual([0, 0, 0, 0]);
  });

  it("sends the step list again once a line changes it (a step completed)", async () => {
    replies.length = 0;
    const got = await type(onWorker, "kubectl describe pods");
    const want = await type(inProcess, "kubectl describe pods");
    expect(got.outcome.newlyCompleted).toEqual(["check-app"]);
    expect(got.outcome.update).toEqual(want.outcome.update);
    expect(got.outcome.update.steps.find((s) => s.id === "check-app")?.done).toBe(true);
    expect(replies.join("").split('"steps":').length - 1).toBe(1);
    // And the next plain line carries the new list on the socket side without it crossing again.
    replies.length = 0;
    const next = await type(onWorker, "kubectl get pods");
    expect(next.outcome.update).toEqual(got.outcome.update);
    expect(replies.join("").split('"steps":').length - 1).toBe(0);
  });
});
