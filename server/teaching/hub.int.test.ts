/**
 * Integration: the live teaching tools over real sockets, workspaces and PostgreSQL — a stuck
 * flag within a second of the mistake, faults for a live and a stored cluster, pushed hints,
 * recordings as asciicast v2, and nothing of a class reaching a student or another teacher.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import bcrypt from "bcryptjs";
import { encode } from "next-auth/jwt";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { teachesStudent } from "../../lib/classroom/access";
import {
  castFile,
  encodeChunk,
  listCasts,
  parseCast,
  saveChunk,
  saveChunks,
  writePendingCasts,
} from "../../lib/classroom/casts";
import { joinRead } from "../../lib/classroom/join-read";
import { seedDemo } from "../../lib/classroom/seed";
import type { Pool } from "../../lib/classroom/sql";
import { createPrisma } from "../../lib/db";
import type { PrismaClient } from "../../lib/generated/prisma/client";
import type { FaultLogEntry, LiveSnapshot, LiveStudent } from "../../lib/protocol/teaching";
import { stripAnsi } from "../../lib/terminal";
import { output, ready, SECRET, until } from "../socket-test-harness";
import { attachSockets } from "../sockets";
import { WorkspaceRegistry } from "../workspaces";
import { TeachingHub } from "./hub";

let prisma: PrismaClient;
let http: HttpServer;
let io: Server;
let registry: WorkspaceRegistry;
let hub: TeachingHub;
let access: ReturnType<typeof attachSockets>;
let base: string;
const clients: Socket[] = [];
const made: string[] = [];
const ids: Record<string, string> = {};
let classId = "";
let otherClassId = "";

const suffix = Math.random().toString(36).slice(2, 8);
const email = (who: string) => `${who}-${suffix}@teach.example.com`;

async function cookie(who: string): Promise<string> {
  const u = await prisma.user.findUniqueOrThrow({ where: { email: email(who) } });
  const token = await encode({
    token: { uid: u.id, email: u.email, name: u.name, role: u.role, sv: u.sessionVersion },
    secret: SECRET,
    maxAge: 3600,
  });
  return `next-auth.session-token=${token}`;
}

async function client(who: string): Promise<Socket> {
  const s = connect(base, {
    path: "/socket.io",
    transports: ["websocket"],
    extraHeaders: { cookie: await cookie(who) },
    reconnection: false,
    forceNew: true,
  });
  clients.push(s);
  await ready(s);
  return s;
}

async function student(
  who: string,
): Promise<{ s: Socket; out: { text: () => string }; run: (l: string) => void }> {
  const s = await client(who);
  const out = output(s);
  expect(
    (await s.emitWithAck("lesson:join", { courseSlug: "kubernetes-basics", lessonId: "pods-and-nodes" })).ok,
  ).toBe(true);
  expect((await s.emitWithAck("term:open", { tabId: "1", cols: 90, rows: 24 })).ok).toBe(true);
  await until(() => out.text().includes("$ "));
  return { s, out, run: (line) => s.emit("term:input", { tabId: "1", data: `${line}\r` }) };
}

beforeAll(async () => {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run the integration tests through `npm test`");
  prisma = createPrisma(url);
  await seedDemo(prisma);
  const course = await prisma.course.findUniqueOrThrow({ where: { slug: "kubernetes-basics" } });
  for (const [who, role] of [
    ["teacher", "TEACHER"],
    ["other", "TEACHER"],
    ["s1", "STUDENT"],
    ["s2", "STUDENT"],
    ["s3", "STUDENT"],
  ] as const) {
    const u = await prisma.user.create({
      data: { email: email(who), name: `${who}-${suffix}`, role, passwordHash: await bcrypt.hash("x", 4) },
    });
    ids[who] = u.id;
    made.push(u.id);
  }
  const cls = await prisma.classroom.create({
    data: { name: "Live", teacherId: ids["teacher"]!, courseId: course.id },
  });
  classId = cls.id;
  const other = await prisma.classroom.create({
    data: { name: "Other", teacherId: ids["other"]!, courseId: course.id },
  });
  otherClassId = other.id;
  for (const s of ["s1", "s2"]) await prisma.enrollment.create({ data: { classId, userId: ids[s]! } });
  await prisma.enrollment.create({ data: { classId: otherClassId, userId: ids["s3"]! } });

  http = createServer();
  io = new Server(http, { path: "/socket.io" });
  hub = new TeachingHub(io as never, { recheckMs: 1000 });
  registry = new WorkspaceRegistry({ databaseUrl: url, io: io as never, idleMinutes: 1, hooks: hub.hooks });
  access = attachSockets(io as never, registry, SECRET, (t, s) => teachesStudent(prisma, t, s));
  hub.bind(registry);
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const c of clients) c.close();
  await hub?.close();
  access?.close();
  await registry?.shutdown();
  await new Promise<void>((r) => io.close(() => r()));
  await prisma.classroom.deleteMany({ where: { teacherId: { in: made } } });
  await prisma.user.deleteMany({ where: { id: { in: made } } });
  await prisma.$disconnect();
});

describe("live teaching", () => {
  it("only the class's teacher subscribes; a flag reaches them within a second of the third NotFound", async () => {
    const teacher = await client("teacher");
    const other = await client("other");
    const s2sock = await client("s2");
    const sub = await teacher.emitWithAck("live:subscribe", { classId });
    expect(sub.ok).toBe(true);
    expect((sub.data as LiveSnapshot).students.map((x) => x.id).sort()).toEqual(
      [ids["s1"], ids["s2"]].sort(),
    );
    // Another teacher and a student of the class are refused, and hear nothing.
    expect(await other.emitWithAck("live:subscribe", { classId })).toEqual({ ok: false, error: "forbidden" });
    expect(await s2sock.emitWithAck("live:subscribe", { classId })).toEqual({
      ok: false,
      error: "forbidden",
    });
    expect((await other.emitWithAck("live:subscribe", { classId: otherClassId })).ok).toBe(true);
    const overheard: unknown[] = [];
    other.on("live:student", (m) => {
      if ((m as { classId: string }).classId === classId) overheard.push(m);
    });
    s2sock.on("live:student", (m) => overheard.push(m));
    s2sock.on("live:fault", (m) => overheard.push(m));

    const seen: LiveStudent[] = [];
    teacher.on("live:student", (m: { student: LiveStudent }) => seen.push(m.student));
    const s1 = await student("s1");
    for (const n of [1, 2]) {
      s1.run(`kubectl get pod nope-${n}`);
      await until(() => s1.out.text().includes(`"nope-${n}" not found`));
    }
    expect(seen.some((x) => x.flags.length > 0)).toBe(false);
    s1.run("kubectl get pod nope-3");
    await until(() => s1.out.text().includes(`"nope-3" not found`));
    const shown = Date.now();
    await until(
      () => seen.some((x) => x.id === ids["s1"] && x.flags.some((f) => f.rule === "not-found-repeated")),
      5000,
    );
    expect(Date.now() - shown).toBeLessThan(1000);
    const flag = seen.find((x) => x.flags.length > 0)?.flags[0];
    expect(flag?.line).toBe("kubectl get pod nope-3");

    // The hint goes to that student's lesson pane (and is there after a reload).
    const hints: Array<{ en: string }> = [];
    s1.s.on("lesson:hint", (h: { en: string }) => hints.push(h));
    expect(
      await other.emitWithAck("live:hint", { classId, studentId: ids["s1"]!, ruleId: "not-found-repeated" }),
    ).toEqual({ ok: false, error: "forbidden" });
    expect(
      (
        await teacher.emitWithAck("live:hint", {
          classId,
          studentId: ids["s1"]!,
          ruleId: "not-found-repeated",
        })
      ).ok,
    ).toBe(true);
    await until(() => hints.length === 1);
    expect(hints[0]?.en).toMatch(/kubectl get pods/);
    const latest = await s1.s.emitWithAck("hint:latest");
    expect(latest.data.en).toBe(hints[0]?.en);
    // A hint for a student of another class is refused.
    expect(
      await teacher.emitWithAck("live:hint", { classId, studentId: ids["s3"]!, ruleId: "legacy-exec" }),
    ).toEqual({ ok: false, error: "not in this class" });
    await new Promise((r) => setTimeout(r, 300));
    expect(overheard).toEqual([]);
  });

  it("a fault for the class reaches a live cluster at once and a stored one when it loads", async () => {
    const teacher = await client("teacher");
    await teacher.emitWithAck("live:subscribe", { classId });
    const log: FaultLogEntry[] = [];
    teacher.on("live:fault", (m: { entry: FaultLogEntry }) => log.push(m.entry));
    const s1 = await student("s1");
    // A student cannot inject, nor the other teacher.
    expect(
      await s1.s.emitWithAck("live:fault", { classId, students: "all", fault: { kind: "node-not-ready" } }),
    ).toEqual({ ok: false, error: "forbidden" });
    const other = await client("other");
    expect(
      await other.emitWithAck("live:fault", { classId, students: "all", fault: { kind: "node-not-ready" } }),
    ).toEqual({ ok: false, error: "forbidden" });
    expect(
      (await teacher.emitWithAck("live:fault", { classId, students: "all", fault: { kind: "rm" } })).ok,
    ).toBe(false);

    const r = await teacher.emitWithAck("live:fault", {
      classId,
      students: "all",
      fault: { kind: "node-not-ready" },
    });
    expect(r.ok).toBe(true);
    const entries = (r.data as { entries: FaultLogEntry[] }).entries;
    const mine = entries.find((e) => e.studentId === ids["s1"]);
    const theirs = entries.find((e) => e.studentId === ids["s2"]);
    expect(mine).toMatchObject({ ok: true, kind: "node-not-ready", detail: "node/minikube NotReady" });
    expect(theirs).toMatchObject({ appliedAt: null, ok: null });
    s1.run("kubectl get nodes");
    await until(() => /minikube\s+NotReady/.test(s1.out.text()));
    s1.run("kubectl describe node minikube | grep NodeNotReady");
    await until(() =>
      /Normal\s+NodeNotReady\s+\S+\s+node-controller\s+Node minikube status is now: NodeNotReady/.test(
        stripAnsi(s1.out.text()),
      ),
    );

    // s2's cluster was not in memory: the fault is applied when it loads.
    const s2 = await student("s2");
    s2.run("kubectl get nodes");
    await until(() => /minikube\s+NotReady/.test(s2.out.text()));
    await until(() => log.some((e) => e.studentId === ids["s2"] && e.ok === true && e.appliedAt !== null));
    // …once: a second load finds nothing pending.
    const again = await prisma.faultRecord.count({ where: { classId, appliedAt: null } });
    expect(again).toBe(0);

    // And back.
    const back = await teacher.emitWithAck("live:fault", {
      classId,
      students: [ids["s1"]!],
      fault: { kind: "node-ready" },
    });
    expect(back.data.entries[0]).toMatchObject({ ok: true, detail: "node/minikube Ready" });
    const before = s1.out.text().length;
    s1.run("kubectl get nodes");
    await until(() => /minikube\s+Ready\s/.test(s1.out.text().slice(before)));
  });

  it("a fault claimed for a cluster whose build fails waits for the next load", async () => {
    const row = await prisma.faultRecord.create({
      data: {
        classId: otherClassId,
        teacherId: ids["other"]!,
        studentId: ids["s3"]!,
        courseSlug: "kubernetes-basics",
        fault: { kind: "node-not-ready" },
      },
    });
    // What the registry does when a load fails after the claim (server/workspaces.ts): its join
    // statement claims the fault, the hook is told, the build fails.
    const read = await joinRead(
      registry.pool,
      { userId: ids["s3"]!, courseSlug: "kubernetes-basics", lessonId: null },
      { journalLimit: 10, claimFaults: true },
    );
    expect(read.faults.map((f) => f.id)).toEqual([row.id]);
    const loading = hub.hooks.loading?.(ids["s3"]!, "kubernetes-basics", read);
    expect((await prisma.faultRecord.findUniqueOrThrow({ where: { id: row.id } })).appliedAt).not.toBeNull();
    await loading?.abandoned();
    expect(await prisma.faultRecord.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      appliedAt: null,
      ok: null,
    });
    // …and the next load applies it.
    const s3 = await student("s3");
    s3.run("kubectl get nodes");
    await until(() => /minikube\s+NotReady/.test(s3.out.text()));
  });

  it("a replay opened right after a command shows it: the open chunk is written on request", async () => {
    const s1 = await student("s1");
    s1.run("echo replay-now-$((6*7))");
    await until(() => s1.out.text().includes("replay-now-42"));
    // The recorder holds a tab's chunk for seconds; the replay page asks for it first.
    await writePendingCasts(ids["s1"]!);
    const casts = await listCasts(registry.pool, ids["s1"]!);
    const texts = await Promise.all(
      casts.map(async (c) => (await castFile(registry.pool, ids["s1"]!, c.castId))?.text ?? ""),
    );
    expect(texts.join("")).toContain("replay-now-42");
    s1.s.disconnect();
  });

  it("records the tab as asciicast v2 that parses and holds what the student saw", async () => {
    await hub.flush();
    const casts = await listCasts(registry.pool, ids["s1"]!);
    expect(casts.length).toBeGreaterThan(0);
    const file = await castFile(registry.pool, ids["s1"]!, casts.at(-1)!.castId);
    expect(file).not.toBeNull();
    const { header, events } = parseCast(file!.text);
    expect(header).toMatchObject({ version: 2, width: 90, height: 24 });
    const text = events
      .filter((e) => e[1] === "o")
      .map((e) => e[2])
      .join("");
    expect(text).toContain("nope-3");
  });

  it("keeps each student's recordings within their byte bound, dropping the oldest chunks", async () => {
    const userId = ids["s3"]!;
    const random = (n: number) => randomBytes(n).toString("base64");
    for (let seq = 0; seq < 6; seq++)
      await saveChunk(
        registry.pool,
        {
          userId,
          courseSlug: "kubernetes-basics",
          castId: "boundtest",
          tab: "1",
          startedAt: Date.now(),
          width: 80,
          height: 24,
          seq,
          events: [[seq, "o", `chunk-${seq} ${random(3000)}\r\n`]],
        },
        6000,
      );
    const rows = await prisma.terminalCast.findMany({ where: { userId }, orderBy: { seq: "asc" } });
    const total = rows.reduce((n, r) => n + r.bytes, 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(6);
    // The newest survive; what is left still parses, and starts later.
    expect(rows.at(-1)?.seq).toBe(5);
    const file = await castFile(registry.pool, userId, "boundtest");
    const { events } = parseCast(file!.text);
    expect(events[0]?.[2]).toMatch(new RegExp(`^chunk-${rows[0]?.seq} `));
  });

  it("writes many tabs' chunks in one statement, and trims only a student past the bound", async () => {
    const [a, b] = [ids["s1"]!, ids["s2"]!];
    await prisma.terminalCast.deleteMany({ where: { userId: { in: [a, b] } } });
    let statements = 0;
    const counting = {
      query: (...args: Parameters<Pool["query"]>) => {
        statements++;
        return (registry.pool.query as (...x: unknown[]) => unknown)(...args);
      },
    } as unknown as Pool;
    const random = (n: number) => randomBytes(n).toString("base64");
    const chunk = (userId: string, tab: string, seq: number, size: number) =>
      encodeChunk({
        userId,
        courseSlug: "kubernetes-basics",
        castId: `batch-${tab}`,
        tab,
        startedAt: Date.now(),
        width: 80,
        height: 24,
        seq,
        events: [[seq, "o", `chunk-${seq} ${random(size)}\r\n`]],
      });
    const totals = new Map<string, number>();
    const bound = 9000;
    const stored = async (userId: string) =>
      (await prisma.terminalCast.findMany({ where: { userId }, orderBy: { id: "asc" } })).map((r) => ({
        seq: r.seq,
        tab: r.tab,
        bytes: r.bytes,
      }));
    // First batch: both students unknown → the insert and one read of their totals.
    await saveChunks(
      counting,
      [chunk(a, "1", 0, 2000), chunk(a, "2", 0, 2000), chunk(b, "1", 0, 10)],
      bound,
      totals,
    );
    expect(statements).toBe(2);
    expect(totals.get(a)).toBe((await stored(a)).reduce((n, r) => n + r.bytes, 0));
    // Known and under the bound: one statement for the whole batch.
    statements = 0;
    await saveChunks(counting, [chunk(a, "1", 1, 2000), chunk(b, "1", 1, 10)], bound, totals);
    expect(statements).toBe(1);
    // Past the bound: the trim runs for that student only, and the newest chunks stay.
    statements = 0;
    await saveChunks(counting, [chunk(a, "1", 2, 3000), chunk(a, "2", 1, 3000)], bound, totals);
    expect(statements).toBe(2);
    const left = await stored(a);
    expect(left.reduce((n, r) => n + r.bytes, 0)).toBeLessThanOrEqual(bound);
    expect(left.slice(-2)).toMatchObject([
      { tab: "1", seq: 2 },
      { tab: "2", seq: 1 },
    ]);
    expect((await stored(b)).map((r) => r.seq)).toEqual([0, 1]);
    // Each row holds its own chunk's bytes (they travel as one buffer cut apart in SQL).
    const bFile = parseCast((await castFile(registry.pool, b, "batch-1"))!.text);
    expect(bFile.events.map((e) => e[2].split(" ")[0])).toEqual(["chunk-0", "chunk-1"]);
    const aFile = parseCast((await castFile(registry.pool, a, "batch-2"))!.text);
    expect(aFile.events.at(-1)?.[2]).toMatch(/^chunk-1 /);
    // After a trim the student's total is read again with the next batch.
    expect(totals.has(a)).toBe(false);
  });
});
