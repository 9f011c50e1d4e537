/**
 * Integration: the real server (`scripts/start.ts`) as a child process, stopped by SIGINT and
 * SIGTERM right after a student's command: the shutdown saves the cluster before the database
 * goes away, nothing is logged as an error, and the command's effect is read back from Postgres.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createPrisma } from "../lib/db";
import { startEmbeddedPostgres } from "./database";
import { type RealServer, startRealServer } from "./real-server-harness";
import { connectClient, connected, joinLesson, openTab, sessionCookie } from "./socket-test-harness";

const SECRET = "shutdown-test-secret-0123456789abcdef0123";
const PORT = Number(process.env.SHUTDOWN_PORT ?? 3422);
const EMBEDDED_PORT = Number(process.env.SHUTDOWN_PG_PORT ?? 54420);
const url = process.env.TEST_DATABASE_URL;

const startReal = (env: Record<string, string>): Promise<RealServer> =>
  startRealServer({ port: PORT, secret: SECRET, env: { DATABASE_URL: "", ...env }, detached: true });

/** Signs student1 in over socket.io and runs `line` in tab 1 until `until` shows. */
async function runAsStudent(dbUrl: string, line: string, until: string): Promise<void> {
  const prisma = createPrisma(dbUrl);
  const u = await prisma.user.findUniqueOrThrow({ where: { email: "student1@example.com" } });
  await prisma.$disconnect();
  const s = connectClient(`http://127.0.0.1:${PORT}`, await sessionCookie(u, SECRET));
  let text = "";
  s.on("term:output", (m: { data: string }) => {
    text += m.data;
  });
  await connected(s);
  expect((await joinLesson(s, "pods-and-nodes")).ok).toBe(true);
  expect((await openTab(s)).ok).toBe(true);
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

function expectCleanExit(r: RealServer, code: number | null): void {
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
