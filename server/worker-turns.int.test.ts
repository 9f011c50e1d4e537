/**
 * Integration: a workspace worker's turns (server/worker.ts; docs/adr/0037). The main thread
 * sends a worker, as one message, every keystroke that arrived in a turn of its loop; at 1,000
 * students that is a batch of many students' Enters. Each Enter's line runs in the promise
 * continuations after the message that carried it, so a turn that handled a whole batch ran all
 * of its lines before anything it printed could leave: every student of the batch waited for the
 * last. A worker starts only as many lines a turn as fit in ~8 ms by what lines cost lately, and
 * never more than 16, and sends what a turn printed before the next lines begin, so a student's
 * answer leaves with at most 15 others, not with the whole batch.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCourse } from "../lib/classroom/course";
import type { CoreHandle } from "./worker-pool";
import { WorkerPool } from "./worker-pool";

const STUDENTS = 60;
const PROMPT = "student@minikube:~$ ";
const course = getCourse();
const lesson = course.lessons.find((l) => l.id === "pods-and-nodes")!;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

describe("a workspace worker's turns", () => {
  let pool: WorkerPool;
  const handles: CoreHandle[] = [];
  /** Per student: output since its last Enter. */
  const screens: string[] = [];
  /** Reply turns of the main thread (one per message from the worker) and the prompts in each. */
  let replies = 0;
  let inReply = false;
  const promptsPerReply = new Map<number, number>();
  /** Per student: the reply its prompt came back in (after the Enter). */
  const answeredIn: Array<number | null> = [];

  const seen = (i: number, data: string) => {
    // Events of one message from the worker are delivered in one synchronous loop.
    if (!inReply) {
      inReply = true;
      replies++;
      queueMicrotask(() => {
        inReply = false;
      });
    }
    screens[i] = (screens[i] ?? "") + data.replace(ANSI, "");
    if (answeredIn[i] === null && screens[i]!.includes("\n") && screens[i]!.endsWith(PROMPT)) {
      answeredIn[i] = replies;
      promptsPerReply.set(replies, (promptsPerReply.get(replies) ?? 0) + 1);
    }
  };

  const typeAll = async (line: string) => {
    for (let i = 0; i < STUDENTS; i++) {
      screens[i] = "";
      answeredIn[i] = null;
    }
    promptsPerReply.clear();
    // One turn of this thread: the worker gets every Enter in one message.
    for (const h of handles) h.input("1", `${line}\r`);
    const deadline = Date.now() + 30_000;
    while (answeredIn.some((r) => r === null) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    expect(answeredIn.filter((r) => r === null)).toHaveLength(0);
  };

  beforeAll(async () => {
    pool = new WorkerPool(1);
    for (let i = 0; i < STUDENTS; i++) {
      const h = await pool.create(
        course.id,
        { kind: "new", scenario: lesson.scenario, seed: i + 1, prompt: course.workstation },
        { output: (_tab, data) => seen(i, data), line: () => {}, lost: () => {} },
        { lessonId: lesson.id, rows: { journal: [], tallies: [] } },
      );
      await h.call("openTab", "1", 80, 24);
      handles.push(h);
    }
    // Every student's first line (the simulation's code compiled, the tabs at a prompt).
    await typeAll("kubectl get pods");
  });

  afterAll(async () => {
    await pool.close();
  });

  it("answers a batch of students' lines a few at a time, not all after the last", async () => {
    await typeAll("kubectl get pods");
    const batch = Math.max(...promptsPerReply.values());
    const first = Math.min(...(answeredIn as number[]));
    const last = Math.max(...(answeredIn as number[]));
    // Before: the whole batch's prompts came back in one message.
    expect(batch, `prompts per reply: ${[...promptsPerReply.values()].join(",")}`).toBeLessThanOrEqual(16);
    expect(last - first).toBeGreaterThanOrEqual(3);
  });
});
