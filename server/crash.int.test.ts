/**
 * Crash-safety suite (issue 12): the real server (`scripts/start.ts`) as a child process, killed
 * with SIGKILL between two of a student's commands — no shutdown, nothing flushed — and started
 * again on the same database. Every command the student saw acknowledged (its `progress` reply,
 * sent only once Postgres has the line) is in the journal, once; every step shown done is done
 * after the restart, and the student sees it done on rejoining.
 *
 * `CRASH_ROUNDS` (default 1) kills and restarts that many times; test/stress runs more.
 */
import type { Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { createPrisma } from "../lib/db";
import { type RealServer, startRealServer } from "./real-server-harness";
import { connectClient, connected, joinLesson, openTab, sessionCookie } from "./socket-test-harness";

const SECRET = "crash-test-secret-0123456789abcdef0123456";
const PORT = Number(process.env.CRASH_PORT ?? 3423);
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 1);
const url = process.env.TEST_DATABASE_URL;

const startReal = (dbUrl: string): Promise<RealServer> =>
  startRealServer({ port: PORT, secret: SECRET, env: { DATABASE_URL: dbUrl } });

interface Student {
  socket: Socket;
  /**
   * Lines the server has acknowledged as written: a `progress` reply is sent after the batch
   * that completed a step is committed, and batches commit in order, so it acknowledges that
   * line and every line typed before it (a line that changes no step gets no reply of its own).
   */
  acked: string[];
  /** Steps the student has been shown done. */
  done: Set<string>;
  /** Types a line that completes `stepId` and resolves when the reply shows it done. */
  run(line: string, stepId: string): Promise<void>;
  /** Types a line that completes no step and resolves when `shows` is on the screen. */
  say(line: string, shows: string): Promise<void>;
  close(): void;
}

async function student(user: Parameters<typeof sessionCookie>[0]): Promise<Student> {
  const socket = connectClient(`http://127.0.0.1:${PORT}`, await sessionCookie(user, SECRET));
  const acked: string[] = [];
  const typed: string[] = [];
  const done = new Set<string>();
  const waiting: Array<() => void> = [];
  let replies = 0;
  let screen = "";
  const shown: Array<{ text: string; resolve: () => void }> = [];
  socket.on("term:output", (m: { tabId: string; data: string }) => {
    screen += m.data;
    for (let i = shown.length - 1; i >= 0; i--) {
      const w = shown[i];
      if (w && screen.includes(w.text)) {
        shown.splice(i, 1);
        w.resolve();
      }
    }
  });
  socket.on("progress", (u: { steps: { id: string; done: boolean }[] }) => {
    for (const st of u.steps) if (st.done) done.add(st.id);
    replies++;
    for (const w of waiting.splice(0)) w();
  });
  await connected(socket);
  expect((await joinLesson(socket, "create-cluster")).ok).toBe(true);
  // the join's own progress view
  const end = Date.now() + 10_000;
  while (replies === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  expect((await openTab(socket)).ok).toBe(true);
  return {
    socket,
    acked,
    done,
    run: (line, stepId) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reply to ${line}`)), 20_000);
        typed.push(line);
        const check = (): void => {
          if (!done.has(stepId)) {
            waiting.push(check);
            return;
          }
          clearTimeout(timer);
          acked.push(...typed.splice(0));
          resolve();
        };
        waiting.push(check);
        socket.emit("term:input", { tabId: "1", data: `${line}\r` });
      }),
    say: (line, text) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no output for ${line}`)), 20_000);
        typed.push(line);
        shown.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        socket.emit("term:input", { tabId: "1", data: `${line}\r` });
      }),
    close: () => socket.close(),
  };
}

/**
 * The lesson's lines, two per round, with the step each completes (null: it completes none; its
 * output is awaited instead). A `progress` reply is sent after the batch that completed a step is
 * committed and batches commit in order, so a step shown done acknowledges its line and every
 * line typed before it; a reply that changes no step acknowledges nothing (the next one may be
 * for an earlier line).
 */
const STEP_LINES: Array<[string, string | null, string?]> = [
  ["minikube version", null, "minikube version: v"],
  ["minikube status", "minikube"],
  ["kubectl version", "kubectl-version"],
  ["kubectl cluster-info", "cluster-info"],
  ["kubectl get nodes", "get-nodes"],
];

describe("crash safety", () => {
  it(`kill -9 between two commands, ${ROUNDS} times: no acknowledged command or completed step is lost`, {
    timeout: 600_000,
  }, async () => {
    if (!url) throw new Error("TEST_DATABASE_URL is not set: run the integration tests through `npm test`");
    let r = await startReal(url);
    const prisma = createPrisma(url);
    try {
      const u = await prisma.user.findUniqueOrThrow({ where: { email: "student2@example.com" } });
      const acked: string[] = [];
      const shownDone = new Set<string>();
      let inFlight = 0;
      const restarts: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const s = await student(u);
        for (const id of s.done) shownDone.add(id);
        // Steps shown done before a crash are shown done after it.
        for (const id of shownDone) expect(s.done.has(id), `step ${id} after restart ${round}`).toBe(true);
        // A line that completes no step, then the lines that complete steps: their replies
        // acknowledge the echo too (rounds past the step lines acknowledge nothing new).
        await s.say(`echo typed-${round}`, `\r\ntyped-${round}\r\n`);
        for (const step of [STEP_LINES[2 * round], STEP_LINES[2 * round + 1]]) {
          if (step === undefined) continue;
          const [line, stepId, shows] = step;
          if (stepId === null) await s.say(line, shows ?? line);
          else await s.run(line, stepId);
        }
        acked.push(...s.acked);
        for (const id of s.done) shownDone.add(id);
        // The next command is on its way when the process dies.
        s.socket.emit("term:input", { tabId: "1", data: `echo in-flight-${round}\r` });
        inFlight++;
        r.child.kill("SIGKILL");
        await r.exited;
        s.close();
        const t0 = Date.now();
        r = await startReal(url);
        restarts.push(Date.now() - t0);
      }
      const rows = await prisma.commandRecord.findMany({ where: { userId: u.id }, select: { line: true } });
      const lines = rows.map((x) => x.line);
      const lost = acked.filter((l) => !lines.includes(l));
      const dup = lines.length - new Set(lines).size;
      const steps = await prisma.stepProgress.findMany({
        where: { userId: u.id, lessonId: "create-cluster", completedAt: { not: null } },
      });
      const stepsLost = [...shownDone].filter((id) => !steps.some((st) => st.stepId === id));
      console.log(
        `crash safety: ${ROUNDS} kill -9 rounds, ${acked.length} acknowledged commands, ${lost.length} lost, ${dup} duplicated; ` +
          `${shownDone.size} steps shown done, ${stepsLost.length} lost; ${inFlight} in-flight lines; ` +
          `restart ${restarts.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(", ")}`,
      );
      expect(lost, `lost of ${JSON.stringify(acked)} (in the journal: ${JSON.stringify(lines)})`).toEqual([]);
      expect(dup).toBe(0);
      expect(stepsLost).toEqual([]);
      expect(shownDone.size).toBeGreaterThan(0);
      // And the student sees them after the last restart too.
      const s = await student(u);
      for (const id of shownDone) expect(s.done.has(id), `step ${id} at the end`).toBe(true);
      s.close();
    } finally {
      await prisma.$disconnect();
      if (r.child.exitCode === null) r.child.kill("SIGKILL");
      await r.exited;
    }
  });
});
