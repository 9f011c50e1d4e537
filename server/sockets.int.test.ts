/**
 * Integration: the socket.io layer with real handshake auth (next-auth JWT cookies), real
 * PostgreSQL and real workspaces — what a hostile or broken client can and cannot do.
 */
import type { Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { output, ready, signedIn, until, useHarness } from "./socket-test-harness";

const h = await useHarness();
const prisma = h.prisma;
const cookieFor = (email: string) => h.cookieFor(email);
const client = (cookie?: string): Socket => h.client(cookie);

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
    const { socket: s, out, notices } = await signedIn(h, "student1@example.com");

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
    // (Other suites share this database and may have completed the step for student1: start clean.)
    const u = await prisma.user.findUniqueOrThrow({ where: { email: "student1@example.com" } });
    await prisma.stepProgress.deleteMany({ where: { userId: u.id, stepId: "check-app" } });
    s.emit("step:complete" as never, { stepId: "check-app" });
    // Events are handled in order: once this answers, the unknown event has been seen.
    expect((await s.emitWithAck("term:open", { tabId: "1", cols: 100, rows: 30 })).ok).toBe(true);
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
    // A's screen may be restored from earlier runs; B's pods must never show in it.
    const podB = /pod\/(\S+)/.exec(outB.text())?.[1];
    expect(podB).toBeDefined();
    expect(outA.text()).not.toContain(podB);
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

describe("origins, callbacks and tabs", () => {
  it("refuses a socket opened from another site's page, even with a valid cookie", async () => {
    const cookie = await cookieFor("student1@example.com");
    const evil = h.client(cookie, { origin: "https://evil.example" });
    expect(await new Promise<string>((r) => evil.on("connect_error", (e) => r(e.message)))).toBe(
      "forbidden origin",
    );
    const own = h.client(cookie, { origin: h.base });
    await ready(own);
    expect(own.connected).toBe(true);
  });

  it("a lesson:reset with a non-function callback is refused before it resets anything", async () => {
    const { socket: s, out, notices } = await signedIn(h, "student1@example.com");
    await s.emitWithAck("lesson:join", { courseSlug: "kubernetes-basics", lessonId: "pods-and-nodes" });
    await s.emitWithAck("term:open", { tabId: "1", cols: 100, rows: 30 });
    s.emit("term:input", { tabId: "1", data: "export KEPT=still-here\r" });
    await until(() => out.text().includes("KEPT=still-here\r\n"));
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on("uncaughtException", onError);
    s.emit("lesson:reset" as never, { not: "a function" } as never);
    await until(() => notices.some((n) => /invalid request: lesson:reset/.test(n)));
    s.emit("term:input", { tabId: "1", data: "echo $KEPT\r" });
    await until(() => /\r\nstill-here\r\n/.test(out.text()));
    process.off("uncaughtException", onError);
    expect(errors).toEqual([]);
    expect(notices.join("\n")).not.toMatch(/internal error/);
  });

  it("accepts the tabs the lesson page can open (1–6) and no others", async () => {
    const s = client(await cookieFor("student2@example.com"));
    await ready(s);
    await s.emitWithAck("lesson:join", { courseSlug: "kubernetes-basics", lessonId: "pods-and-nodes" });
    expect((await s.emitWithAck("term:open", { tabId: "6", cols: 80, rows: 24 })).ok).toBe(true);
    const seventh = await s.emitWithAck("term:open", { tabId: "7", cols: 80, rows: 24 });
    expect(seventh).toEqual({ ok: false, error: "invalid request: tab ids are 1–6" });
  });

  it("the teacher's mirror carries no OSC 8 links from the student's terminal", async () => {
    const student = await prisma.user.findUniqueOrThrow({ where: { email: "student1@example.com" } });
    const s = client(await cookieFor("student1@example.com"));
    const teacher = client(await cookieFor("teacher@example.com"));
    const out = output(s);
    await Promise.all([ready(s), ready(teacher)]);
    await s.emitWithAck("lesson:join", { courseSlug: "kubernetes-basics", lessonId: "pods-and-nodes" });
    await s.emitWithAck("term:open", { tabId: "1", cols: 100, rows: 30 });
    let seen = "";
    teacher.on("watch:output", (m: { data: string }) => {
      seen += m.data;
    });
    expect((await teacher.emitWithAck("watch:start", { studentId: student.id })).ok).toBe(true);
    s.emit("term:input", {
      tabId: "1",
      data: "printf '\\033]8;;http://evil.example/login\\033\\\\free-points\\033]8;;\\033\\\\ done\\n'\r",
    });
    await until(() => seen.includes("free-points done"));
    // The student's own terminal shows what they printed; the teacher's gets the text only.
    expect(out.text()).toContain("\x1b]8;;http://evil.example/login");
    expect(seen).not.toContain("\x1b]8;");
  });
});
