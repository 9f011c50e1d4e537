/**
 * Isolation suite (issue 12): hundreds of attempts by other students, a teacher of another class
 * and anonymous or forged clients to see or touch one student's terminal — with that student's
 * real ids in every socket event, forged and stale cookies, and foreign origins. Every message
 * the attackers receive is recorded; a leak is any of them carrying the victim's output, id, or
 * a successful acknowledgement of a forbidden request. Prints the figure.
 */
import { randomBytes } from "node:crypto";
import { encode } from "next-auth/jwt";
import type { Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { output, ready, SECRET, until, useHarness } from "./socket-test-harness";

const h = await useHarness({ watchRecheckMs: 0 });

interface Attacker {
  name: string;
  socket: Socket;
  received: string[];
}

function record(name: string, socket: Socket): Attacker {
  const a: Attacker = { name, socket, received: [] };
  socket.onAny((event: string, ...args: unknown[]) => a.received.push(`${event} ${JSON.stringify(args)}`));
  return a;
}

describe("isolation", () => {
  it("≥ 500 attempts by students, another class's teacher and anonymous clients: 0 leaks", async () => {
    const tag = randomBytes(3).toString("hex");
    const victimId = await h.makeUser(`iso-victim-${tag}@example.com`, "STUDENT");
    const peerId = await h.makeUser(`iso-peer-${tag}@example.com`, "STUDENT");
    const ownTeacherId = await h.makeUser(`iso-teacher-${tag}@example.com`, "TEACHER");
    const otherTeacherId = await h.makeUser(`iso-other-teacher-${tag}@example.com`, "TEACHER");
    const course = await h.prisma.course.findUniqueOrThrow({ where: { slug: "kubernetes-basics" } });
    const own = await h.prisma.classroom.create({
      data: { name: `iso-${tag}`, teacherId: ownTeacherId, courseId: course.id },
    });
    const other = await h.prisma.classroom.create({
      data: { name: `iso-other-${tag}`, teacherId: otherTeacherId, courseId: course.id },
    });
    await h.prisma.enrollment.create({ data: { classId: own.id, userId: victimId } });
    await h.prisma.enrollment.create({ data: { classId: other.id, userId: peerId } });

    // The victim works in their terminal; their own teacher watches (the legitimate path).
    const secret = `victim-secret-${tag}`;
    const victim = h.client(await h.cookieFor(`iso-victim-${tag}@example.com`));
    const victimOut = output(victim);
    await ready(victim);
    await victim.emitWithAck("lesson:join", { courseSlug: "kubernetes-basics", lessonId: "pods-and-nodes" });
    await victim.emitWithAck("term:open", { tabId: "1", cols: 100, rows: 30 });
    const teacher = h.client(await h.cookieFor(`iso-teacher-${tag}@example.com`));
    await ready(teacher);
    let teacherSaw = "";
    teacher.on("watch:output", (m: { data: string }) => {
      teacherSaw += m.data;
    });
    expect((await teacher.emitWithAck("watch:start", { studentId: victimId })).ok).toBe(true);

    let attempts = 0;
    let leaks = 0;
    const leak = (what: string) => {
      leaks += 1;
      console.error(`LEAK: ${what}`);
    };

    // Signed-in attackers: a student of another class, and that class's teacher.
    const attackers: Attacker[] = [];
    for (const [name, email] of [
      ["peer student", `iso-peer-${tag}@example.com`],
      ["other class's teacher", `iso-other-teacher-${tag}@example.com`],
    ] as const) {
      const s = h.client(await h.cookieFor(email));
      await ready(s);
      attackers.push(record(name, s));
      await s.emitWithAck("lesson:join", { courseSlug: "kubernetes-basics", lessonId: "pods-and-nodes" });
    }

    const idVariants = [
      victimId,
      victimId.toUpperCase(),
      ` ${victimId}`,
      `${victimId}\u0000`,
      `../${victimId}`,
      `${victimId}/..`,
      [victimId],
      { id: victimId },
      `user:${victimId}`,
      `watch:${victimId}`,
    ];
    for (const a of attackers) {
      for (const id of idVariants) {
        // Asking to watch the victim, in every shape.
        attempts += 1;
        const r = await a.socket.emitWithAck("watch:start", { studentId: id });
        if (r.ok) leak(`${a.name}: watch:start ${JSON.stringify(id)} accepted`);
        attempts += 1;
        const r2 = await a.socket.emitWithAck("watch:start", { studentId: id, extra: 1 });
        if (r2.ok) leak(`${a.name}: watch:start with extra field accepted`);
        // The victim's id wherever a payload takes an id or a name.
        for (const [event, payload] of [
          ["lesson:join", { courseSlug: "kubernetes-basics", lessonId: id }],
          ["lesson:join", { courseSlug: id, lessonId: "pods-and-nodes" }],
          ["lesson:solution", { stepId: id }],
          ["term:open", { tabId: id, cols: 80, rows: 24 }],
          ["term:open", { tabId: "1", cols: 80, rows: 24, userId: id }],
          ["term:input", { tabId: "1", data: `echo attacker-${tag}`, userId: id }],
          ["term:input", { tabId: id, data: "echo x\r" }],
          ["term:resize", { tabId: id, cols: 80, rows: 24 }],
          ["term:close", { tabId: id }],
          ["watch:stop", { studentId: id }],
          ["watch:output", { studentId: id, tabId: "1", data: "spoofed" }],
          ["term:output", { tabId: "1", data: "spoofed" }],
          ["step:complete", { userId: id, stepId: "check-app" }],
          ["lesson:reset", { userId: id }],
          [`user:${victimId}`, { data: "x" }],
        ] as const) {
          attempts += 1;
          a.socket.emit(event as never, payload as never);
        }
      }
      // A line typed into the attacker's own terminal must not appear in the victim's.
      attempts += 1;
      await a.socket.emitWithAck("term:open", { tabId: "1", cols: 80, rows: 24 });
      a.socket.emit("term:input", { tabId: "1", data: `echo from-${a.name.replace(/\W/g, "-")}-${tag}\r` });
    }

    // Anonymous, forged, stale and foreign-origin handshakes.
    const victimRow = await h.prisma.user.findUniqueOrThrow({ where: { id: victimId } });
    const forge = (claims: Record<string, unknown>, secretUsed = SECRET, maxAge = 3600) =>
      encode({ token: claims, secret: secretUsed, maxAge }).then((t) => `next-auth.session-token=${t}`);
    const good = { uid: victimId, email: victimRow.email, role: "STUDENT", sv: victimRow.sessionVersion };
    const cookies: Array<[string, string | undefined, Record<string, string>?]> = [
      ["no cookie", undefined],
      ["garbage", "next-auth.session-token=garbage"],
      ["empty", "next-auth.session-token="],
      ["huge", `next-auth.session-token=${"a".repeat(20_000)}`],
      ["victim's uid, another secret", await forge(good, "not-the-server-secret-0123456789abcdef")],
      ["victim's uid, old session version", await forge({ ...good, sv: good.sv - 1 })],
      ["victim's uid, no session version", await forge({ uid: victimId, role: "STUDENT" })],
      ["victim's uid, expired", await forge(good, SECRET, -10)],
      ["unknown uid", await forge({ ...good, uid: "nosuchuser" })],
      ["admin role claimed by a deleted-looking uid", await forge({ ...good, uid: "x", role: "ADMIN" })],
      [
        "alg none",
        `next-auth.session-token=${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify(good)).toString("base64url")}.`,
      ],
      [
        "valid cookie, foreign origin",
        await h.cookieFor(victimRow.email),
        { origin: "https://evil.example" },
      ],
      ["valid cookie, null origin", await h.cookieFor(victimRow.email), { origin: "null" }],
    ];
    for (let round = 0; round < 15; round++) {
      for (const [name, cookie, headers] of cookies) {
        attempts += 1;
        const s = h.client(cookie, headers);
        const a = record(`anonymous (${name})`, s);
        const result = await new Promise<string>((resolve) => {
          s.once("connect_error", (e) => resolve(e.message));
          s.once("connect", () => resolve("connected"));
        });
        if (result === "connected") {
          leak(`${a.name}: handshake accepted`);
          const r = await s.emitWithAck("watch:start", { studentId: victimId }).catch(() => ({ ok: false }));
          if (r.ok) leak(`${a.name}: watch:start accepted`);
        }
        attackers.push(a);
        s.close();
      }
    }

    // The victim keeps working while all this happens; their teacher still sees it.
    victim.emit("term:input", { tabId: "1", data: `echo ${secret}\r` });
    await until(() => victimOut.text().includes(`${secret}\r\n`));
    await until(() => teacherSaw.includes(`${secret}\r\n`));
    // Give stray deliveries time to arrive.
    await new Promise((r) => setTimeout(r, 300));

    for (const a of attackers) {
      for (const m of a.received) {
        if (m.includes(secret)) leak(`${a.name} received the victim's output: ${m.slice(0, 120)}`);
        if (m.includes(victimId) && !m.startsWith("notice"))
          leak(`${a.name} received the victim's id: ${m.slice(0, 120)}`);
        if (m.startsWith("watch:output")) leak(`${a.name} received a mirror`);
      }
    }
    if (
      victimOut.text().includes(`attacker-${tag}`) ||
      new RegExp(`from-[\\w-]*-${tag}`).test(victimOut.text())
    )
      leak("attacker input reached the victim");
    const done = await h.prisma.stepProgress.count({
      where: { userId: victimId, completedAt: { not: null } },
    });
    if (done > 0) leak("a step was marked done for the victim");

    console.log(`isolation: ${attempts} attempts, ${leaks} leaks`);
    expect(attempts).toBeGreaterThanOrEqual(500);
    expect(leaks).toBe(0);
  }, 120_000);
});
