/**
 * Integration: the real server (`scripts/start.ts`) as a child process, stopped by SIGINT and
 * SIGTERM right after a student's command: the shutdown saves the cluster before the database
 * goes away, nothing is logged as an error, and the command's effect is read back from Postgres.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { encode } from "next-auth/jwt";
import { io as connect } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { createPrisma } from "../lib/db";
import { startEmbeddedPostgres } from "./database";

const root = fileURLToPath(new URL("..", import.meta.url));
const SECRET = "shutdown-test-secret-0123456789abcdef0123";
const PORT = 3422;
const EMBEDDED_PORT = 54420;
const url = process.env.TEST_DATABASE_URL;

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function startReal(env: Record<string, string>): Promise<Running> {
  // What `npm run dev` runs (node with tsx as a loader: the signal reaches the server itself).
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", "--dev", "--demo"], {
    cwd: root,
    // Its own process group, as a shell gives a foreground job: -pid is what Ctrl-C signals.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: "",
      NEXTAUTH_SECRET: SECRET,
      NEXTAUTH_URL: `http://127.0.0.1:${PORT}`,
      HOST: "127.0.0.1",
      PORT: String(PORT),
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString();
  });
  // "close": the exit code once stdout and stderr are fully read.
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const end = Date.now() + 150_000;
  while (!out.includes("kubeclass is ready on")) {
    if (child.exitCode !== null || Date.now() > end)
      throw new Error(`the server did not start:\n${out}\n${err}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Signs student1 in over socket.io and runs `line` in tab 1 until `until` shows. */
async function runAsStudent(dbUrl: string, line: string, until: string): Promise<void> {
  const prisma = createPrisma(dbUrl);
  const u = await prisma.user.findUniqueOrThrow({ where: { email: "student1@example.com" } });
  await prisma.$disconnect();
  const token = await encode({
    token: { uid: u.id, email: u.email, name: u.name, role: u.role, sv: u.sessionVersion },
    secret: SECRET,
  });
  const s = connect(`http://127.0.0.1:${PORT}`, {
    path: "/socket.io",
    transports: ["websocket"],
    extraHeaders: { cookie: `next-auth.session-token=${token}` },
    reconnection: false,
    forceNew: true,
  });
  let text = "";
  s.on("term:output", (m: { data: string }) => {
    text += m.data;
  });
  await new Promise<void>((r, j) => {
    s.once("connect", () => r());
    s.once("connect_error", j);
  });
  const join = await s.emitWithAck("lesson:join", {
    courseSlug: "kubernetes-basics",
    lessonId: "pods-and-nodes",
  });
  expect(join.ok).toBe(true);
  expect((await s.emitWithAck("term:open", { tabId: "1", cols: 100, rows: 30 })).ok).toBe(true);
  s.emit("term:input", { tabId: "1", data: `${line}\r` });
  const end = Date.now() + 20_000;
  while (!text.includes(until)) {
    if (Date.now() > end) throw new Error(`"${until}" did not show:\n${text}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  // The socket stays connected: the signal comes while the student is still there.
}

async function lastEffect(dbUrl: string, name: string): Promise<{ snapshot: boolean; journal: boolean }> {
  const prisma = createPrisma(dbUrl);
  try {
    const u = await prisma.user.findUniqueOrThrow({ where: { email: "student1@example.com" } });
    const snap = await prisma.clusterSnapshot.findUnique({
      where: { userId_courseSlug: { userId: u.id, courseSlug: "kubernetes-basics" } },
    });
    const journal = await prisma.commandRecord.count({
      where: { userId: u.id, line: { contains: name }, exitCode: 0 },
    });
    return { snapshot: snap?.cluster.includes(`"name":"${name}"`) ?? false, journal: journal === 1 };
  } finally {
    await prisma.$disconnect();
  }
}

function expectCleanExit(r: Running, code: number | null): void {
  expect(r.stderr()).not.toMatch(/error|fail|terminating connection/i);
  expect(r.stdout()).not.toMatch(/error|fail/i);
  expect(code, `${r.stdout()}\n${r.stderr()}`).toBe(0);
}

describe("server shutdown", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`on ${signal} saves the last command before closing the database`, { timeout: 240_000 }, async () => {
      if (!url) throw new Error("TEST_DATABASE_URL is not set: run the integration tests through `npm test`");
      const r = await startReal({ DATABASE_URL: url });
      const name = `after-${signal.toLowerCase()}-${Date.now().toString(36)}`;
      try {
        await runAsStudent(url, `kubectl create deployment ${name} --image=nginx`, `${name} created`);
        r.child.kill(signal);
        expectCleanExit(r, await r.exited);
      } finally {
        if (r.child.exitCode === null) r.child.kill("SIGKILL");
      }
      expect(await lastEffect(url, name)).toEqual({ snapshot: true, journal: true });
    });
  }

  it("with the embedded PostgreSQL, Ctrl-C in the terminal (SIGINT to the process group) saves first", {
    timeout: 300_000,
  }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kubeclass-shutdown-pg-"));
    // Run as root, PostgreSQL runs as the `postgres` user, which must be able to create its dir.
    chmodSync(dir, 0o777);
    const env = { EMBEDDED_PG_DIR: path.join(dir, "pg"), EMBEDDED_PG_PORT: String(EMBEDDED_PORT) };
    const dbUrl = `postgresql://kubeclass:kubeclass@127.0.0.1:${EMBEDDED_PORT}/kubeclass`;
    try {
      const r = await startReal(env);
      try {
        await runAsStudent(dbUrl, "kubectl create deployment after-ctrl-c --image=nginx", "created");
        process.kill(-(r.child.pid as number), "SIGINT");
        expectCleanExit(r, await r.exited);
      } finally {
        if (r.child.exitCode === null) process.kill(-(r.child.pid as number), "SIGKILL");
      }
      const pg = await startEmbeddedPostgres({ dir: env.EMBEDDED_PG_DIR, port: EMBEDDED_PORT });
      try {
        expect(await lastEffect(pg.url, "after-ctrl-c")).toEqual({ snapshot: true, journal: true });
      } finally {
        await pg.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
