/**
 * Crash-safety suite (issue 12): the real server (`scripts/start.ts`) as a child process, killed
 * with SIGKILL between two of a student's commands — no shutdown, nothing flushed — and started
 * again on the same database. Every command the student saw acknowledged (its `progress` reply,
 * sent only once Postgres has the line) is in the journal, once; every step shown done is done
 * after the restart, and the student sees it done on rejoining.
 *
 * `CRASH_ROUNDS` (default 1) kills and restarts that many times; test/stress runs more.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { encode } from "next-auth/jwt";
import { io as connect, type Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { createPrisma } from "../lib/db";

const root = fileURLToPath(new URL("..", import.meta.url));
const SECRET = "crash-test-secret-0123456789abcdef0123456";
const PORT = Number(process.env.CRASH_PORT ?? 3423);
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 1);
const url = process.env.TEST_DATABASE_URL;

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<unknown>;
}

async function startReal(dbUrl: string): Promise<Running> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", "--dev", "--demo"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      NEXTAUTH_SECRET: SECRET,
      NEXTAUTH_URL: `http://127.0.0.1:${PORT}`,
      HOST: "127.0.0.1",
      PORT: String(PORT),
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise((resolve) => child.on("close", resolve));
  const end = Date.now() + 150_000;
  while (!out.includes("kubeclass is ready on")) {
    if (child.exitCode !== null || Date.now() > end) throw new Error(`the server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => out, exited };
}

interface Student {
  socket: Socket;
  /** Lines whose `progress` reply arrived (the server's acknowledgement), in order. */
  acked: string[];
  /** Steps the student has been shown done. */
  done: Set<string>;
  /** Types a line and resolves when its progress reply has arrived. */
  run(line: string): Promise<void>;
  close(): void;
}

async function student(userId: string, email: string, name: string, sv: number): Promise<Student> {
  const token = await encode({ token: { uid: userId, email, name, role: "STUDENT", sv }, secret: SECRET });
  const socket = connect(`http://127.0.0.1:${PORT}`, {
    path: "/socket.io",
    transports: ["websocket"],
    extraHeaders: { cookie: `next-auth.session-token=${token}` },
    reconnection: false,
    forceNew: true,
  });
  const acked: string[] = [];
  const done = new Set<string>();
  const waiting: Array<() => void> = [];
  let replies = 0;
  socket.on("progress", (u: { steps: { id: string; done: boolean }[] }) => {
    for (const st of u.steps) if (st.done) done.add(st.id);
    replies++;
    waiting.shift()?.();
  });
  await new Promise<void>((r, j) => {
    socket.once("connect", () => r());
    socket.once("connect_error", j);
  });
  const join = await socket.emitWithAck("lesson:join", {
    courseSlug: "kubernetes-basics",
    lessonId: "create-cluster",
  });
  expect(join.ok).toBe(true);
  // the join's own progress view
  const end = Date.now() + 10_000;
  while (replies === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  expect((await socket.emitWithAck("term:open", { tabId: "1", cols: 100, rows: 30 })).ok).toBe(true);
  return {
    socket,
    acked,
    done,
    run: (line) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reply to ${line}`)), 20_000);
        waiting.push(() => {
          clearTimeout(timer);
          acked.push(line);
          resolve();
        });
        socket.emit("term:input", { tabId: "1", data: `${line}\r` });
      }),
    close: () => socket.close(),
  };
}

/** Lines that complete the lesson's steps, two per round (a round past them runs `echo`s). */
const STEP_LINES = [
  "minikube version",
  "minikube status",
  "kubectl version",
  "kubectl cluster-info",
  "kubectl get nodes",
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
        const s = await student(u.id, u.email, u.name ?? "s", u.sessionVersion);
        for (const id of s.done) shownDone.add(id);
        // Steps shown done before a crash are shown done after it.
        for (const id of shownDone) expect(s.done.has(id), `step ${id} after restart ${round}`).toBe(true);
        for (const line of [STEP_LINES[2 * round], STEP_LINES[2 * round + 1]])
          await s.run(line ?? `echo step-${round}-${Math.random().toString(36).slice(2)}`);
        await s.run(`echo acked-${round}`);
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
      expect(lost).toEqual([]);
      expect(dup).toBe(0);
      expect(stepsLost).toEqual([]);
      expect(shownDone.size).toBeGreaterThan(0);
      // And the student sees them after the last restart too.
      const s = await student(u.id, u.email, u.name ?? "s", u.sessionVersion);
      for (const id of shownDone) expect(s.done.has(id), `step ${id} at the end`).toBe(true);
      s.close();
    } finally {
      await prisma.$disconnect();
      if (r.child.exitCode === null) r.child.kill("SIGKILL");
      await r.exited;
    }
  });
});
