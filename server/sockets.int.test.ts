/**
 * Integration: the socket.io layer with real handshake auth (next-auth JWT cookies), real
 * PostgreSQL and real workspaces — what a hostile or broken client can and cannot do.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { encode } from "next-auth/jwt";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { teachesStudent } from "../lib/classroom/access";
import { seedDemo } from "../lib/classroom/seed";
import { createPrisma } from "../lib/db";
import type { PrismaClient } from "../lib/generated/prisma/client";
import { attachSockets } from "./sockets";
import { WorkspaceRegistry } from "./workspaces";

const SECRET = "integration-secret-0123456789abcdef0123";
const url = process.env.TEST_DATABASE_URL;
let prisma: PrismaClient;
let http: HttpServer;
let io: Server;
let base: string;
let registry: WorkspaceRegistry;
const clients: Socket[] = [];

async function cookieFor(email: string): Promise<string> {
  const u = await prisma.user.findUniqueOrThrow({ where: { email } });
  const token = await encode({
    token: { uid: u.id, email: u.email, name: u.name, role: u.role },
    secret: SECRET,
  });
  return `next-auth.session-token=${token}`;
}

function client(cookie?: string): Socket {
  const s = connect(base, {
    path: "/socket.io",
    transports: ["websocket"],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
    forceNew: true,
  });
  clients.push(s);
  return s;
}

function ready(s: Socket): Promise<void> {
  return s.connected ? Promise.resolve() : new Promise((r) => s.once("connect", () => r()));
}

function output(s: Socket): { text: () => string } {
  let text = "";
  s.on("term:output", (m: { data: string }) => {
    text += m.data;
  });
  return { text: () => text };
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run the integration tests through `npm test`");
  prisma = createPrisma(url);
  await seedDemo(prisma);
  http = createServer();
  io = new Server(http, { path: "/socket.io", maxHttpBufferSize: 256 * 1024 });
  registry = new WorkspaceRegistry({ databaseUrl: url!, io: io as never, idleMinutes: 1 });
  attachSockets(io as never, registry, SECRET, (teacher, studentId) =>
    teachesStudent(prisma, teacher, studentId),
  );
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const c of clients) c.close();
  await registry?.shutdown();
  await new Promise<void>((r) => (io ? io.close(() => r()) : r()));
  await prisma?.$disconnect();
});

describe("socket handshake", () => {
  it.each([
    ["no cookie", undefined],
    ["a garbage cookie", "next-auth.session-token=not-a-jwt"],
    [
      "a token signed with another secret",
      "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..x.y.z",
    ],
  ])("refuses %s", async (_name, cookie) => {
    const s = client(cookie);
    const err = await new Promise<Error>((resolve) => s.on("connect_error", resolve));
    expect(err.message).toBe("unauthorized");
  });
});

describe("a signed-in student", () => {
  it("runs commands in their own cluster; bad payloads get clear errors and lose nothing", async () => {
    const s = client(await cookieFor("student1@example.com"));
    const out = output(s);
    const notices: string[] = [];
    s.on("notice", (n: { message: string }) => notices.push(n.message));
    await ready(s);

    // Malformed requests: rejected with a message, the socket stays open.
    const badJoin = await s.emitWithAck("lesson:join", {
      courseSlug: "kubernetes-basics",
      lessonId: "../../etc/passwd",
    });
    expect(badJoin.ok).toBe(false);
    expect(badJoin.error).toMatch(/invalid request/);
    const unknown = await s.emitWithAck("lesson:join", { courseSlug: "no-such-course", lessonId: "x" });
    expect(unknown).toEqual({ ok: false, error: "unknown course" });
    const early = await s.emitWithAck("term:open", { tabId: "1", cols: 80, rows: 24 });
    expect(early).toEqual({ ok: false, error: "join a lesson first" });
    s.emit("term:input", { tabId: 1, data: ["kubectl"] });
    s.emit("term:input", "not an object");
    await until(() => notices.length >= 2);
    expect(notices[0]).toMatch(/invalid request/);

    const join = await s.emitWithAck("lesson:join", {
      courseSlug: "kubernetes-basics",
      lessonId: "pods-and-nodes",
    });
    expect(join.ok).toBe(true);
    expect((await s.emitWithAck("term:open", { tabId: "1", cols: 100, rows: 30 })).ok).toBe(true);
    await until(() => out.text().includes("$ "));

    // Oversized keystroke chunk: refused in the terminal.
    s.emit("term:input", { tabId: "1", data: "y".repeat(5000) });
    await until(() => out.text().includes("input refused"));

    // A line that would loop forever ends with an error; the shell stays usable.
    s.emit("term:input", { tabId: "1", data: "while true; do echo x; done\r" });
    s.emit("term:input", { tabId: "1", data: "kubectl get nodes\r" });
    await until(() => /minikube\s+Ready/.test(out.text()), 20_000);

    // The client cannot mark steps done: there is no such event, and unknown events do nothing.
    s.emit("step:complete" as never, { stepId: "check-app" });
    const u = await prisma.user.findUniqueOrThrow({ where: { email: "student1@example.com" } });
    const done = await prisma.stepProgress.count({
      where: { userId: u.id, completedAt: { not: null }, stepId: "check-app" },
    });
    expect(done).toBe(0);
    expect(s.connected).toBe(true);
  });

  it("never sees another student's terminal", async () => {
    const a = client(await cookieFor("student2@example.com"));
    const b = client(await cookieFor("student3@example.com"));
    const outA = output(a);
    const outB = output(b);
    for (const s of [a, b]) {
      await ready(s);
      await s.emitWithAck("lesson:join", { courseSlug: "kubernetes-basics", lessonId: "pods-and-nodes" });
      await s.emitWithAck("term:open", { tabId: "1", cols: 100, rows: 30 });
    }
    a.emit("term:input", { tabId: "1", data: "echo secret-of-a\r" });
    await until(() => outA.text().includes("secret-of-a\r\n"));
    b.emit("term:input", { tabId: "1", data: "kubectl get pods -o name\r" });
    await until(() => outB.text().includes("pod/"));
    expect(outB.text()).not.toContain("secret-of-a");
    const podA = /pod\/(\S+)/.exec(outA.text());
    expect(podA).toBeNull();
  });

  it("lets a student's own teacher watch their terminal, and nobody else", async () => {
    const student = await prisma.user.findUniqueOrThrow({ where: { email: "student3@example.com" } });
    const s = client(await cookieFor("student3@example.com"));
    const peer = client(await cookieFor("student2@example.com"));
    const teacher = client(await cookieFor("teacher@example.com"));
    await Promise.all([ready(s), ready(peer), ready(teacher)]);

    expect(await peer.emitWithAck("watch:start", { studentId: student.id })).toEqual({
      ok: false,
      error: "forbidden",
    });
    expect((await peer.emitWithAck("watch:start", { studentId: "../x" })).ok).toBe(false);

    await s.emitWithAck("lesson:join", { courseSlug: "kubernetes-basics", lessonId: "pods-and-nodes" });
    await s.emitWithAck("term:open", { tabId: "1", cols: 100, rows: 30 });
    const start = await teacher.emitWithAck("watch:start", { studentId: student.id });
    expect(start.ok).toBe(true);
    let seen = "";
    teacher.on("watch:output", (m: { data: string }) => {
      seen += m.data;
    });
    let peerSeen = "";
    peer.on("watch:output", (m: { data: string }) => {
      peerSeen += m.data;
    });
    s.emit("term:input", { tabId: "1", data: "echo shoulder-check\r" });
    await until(() => seen.includes("shoulder-check\r\n"));
    expect(peerSeen).toBe("");
  });
});
