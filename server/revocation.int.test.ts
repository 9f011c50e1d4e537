/**
 * Revocation suite (issue 12): signing out, a session running out, disabling an account and a
 * teacher losing a class each end access — pages and sockets — within a second. Sign-in and
 * sign-out go through next-auth's own handler with the app's options, so the cookie tested is
 * the one a browser would hold.
 */
import { parse as parseSetCookie } from "cookie";
import type { NextApiRequest, NextApiResponse } from "next";
import NextAuth from "next-auth";
import type { Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { authOptions } from "../lib/auth";
import { revokeUser, revokeWatch } from "../lib/revoke";
import { output, ready, SECRET, until, useHarness } from "./socket-test-harness";

const options = { ...authOptions, secret: SECRET };
const SESSION_COOKIE = "next-auth.session-token";

// lib/auth reads the database through the process-wide client.
process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
process.env.NEXTAUTH_URL ??= "http://localhost:3000";
// The sweep is the backstop for unannounced changes; 250 ms keeps "within a second" honest.
const h = await useHarness({ watchRecheckMs: 250 });

interface AuthReply {
  status: number;
  body: unknown;
  /** Cookies set by the reply (an empty value = cleared). */
  cookies: Record<string, string>;
}

/** One request to next-auth's own handler (its API-route form), as the browser would send it. */
async function auth(
  path: string,
  method: "GET" | "POST",
  jar: Record<string, string>,
  body: Record<string, string> = {},
): Promise<AuthReply> {
  const headers = new Map<string, string[]>();
  const reply: AuthReply = { status: 200, body: undefined, cookies: {} };
  const res = {
    status(code: number) {
      reply.status = code;
      return res;
    },
    setHeader(name: string, value: string | string[]) {
      headers.set(name.toLowerCase(), Array.isArray(value) ? value : [value]);
      return res;
    },
    getHeader(name: string) {
      return headers.get(name.toLowerCase());
    },
    json(b: unknown) {
      reply.body = b;
    },
    send(b: unknown) {
      reply.body = b;
    },
    end() {},
  };
  const req = {
    method,
    query: { nextauth: path.split("/"), json: "true" },
    body: { ...body, json: "true" },
    cookies: jar,
    headers: { host: "localhost:3000", "content-type": "application/json" },
  };
  await NextAuth(req as unknown as NextApiRequest, res as unknown as NextApiResponse, options);
  for (const line of headers.get("set-cookie") ?? []) {
    const [pair] = line.split(";");
    const parsed = parseSetCookie(pair ?? "");
    for (const [k, v] of Object.entries(parsed)) reply.cookies[k] = v ?? "";
  }
  return reply;
}

/** Signs in through next-auth's credentials callback; returns the cookies a browser keeps. */
async function signIn(email: string, password: string): Promise<Record<string, string>> {
  const csrf = await auth("csrf", "GET", {});
  const jar = csrf.cookies;
  const res = await auth("callback/credentials", "POST", jar, {
    email,
    password,
    csrfToken: (csrf.body as { csrfToken: string }).csrfToken,
  });
  const got = { ...jar, ...res.cookies };
  if (!got[SESSION_COOKIE]) throw new Error(`sign-in failed: ${JSON.stringify(res.body)}`);
  return got;
}

async function sessionOf(jar: Record<string, string>): Promise<{ user?: { id: string } }> {
  return (await auth("session", "GET", jar)).body as { user?: { id: string } };
}

function cookieHeader(jar: Record<string, string>): string {
  return Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
}

/** Resolves with the time the socket was disconnected by the server. */
function disconnectedAt(s: Socket): Promise<number> {
  return new Promise((r) => s.once("disconnect", () => r(Date.now())));
}

async function refused(cookie: string): Promise<string> {
  const s = h.client(cookie);
  return new Promise((resolve) => {
    s.once("connect_error", (e) => resolve(e.message));
    s.once("connect", () => resolve("connected"));
  });
}

async function inLesson(s: Socket): Promise<{ text: () => string }> {
  const out = output(s);
  await ready(s);
  expect(
    (await s.emitWithAck("lesson:join", { courseSlug: "kubernetes-basics", lessonId: "pods-and-nodes" })).ok,
  ).toBe(true);
  expect((await s.emitWithAck("term:open", { tabId: "1", cols: 100, rows: 30 })).ok).toBe(true);
  await until(() => out.text().includes("$ "));
  return out;
}

describe("revocation", () => {
  it("sign-out ends the cookie and the user's open sockets within a second", async () => {
    await h.makeUser("revoke-signout@example.com", "STUDENT");
    const jar = await signIn("revoke-signout@example.com", "x");
    expect((await sessionOf(jar)).user?.id).toBeTruthy();
    const s = h.client(cookieHeader(jar));
    await inLesson(s);
    const gone = disconnectedAt(s);

    const t0 = Date.now();
    const csrf = await auth("csrf", "GET", jar);
    const out = await auth("signout", "POST", jar, {
      csrfToken: (csrf.body as { csrfToken: string }).csrfToken,
    });
    expect(out.cookies[SESSION_COOKIE]).toBe("");
    const elapsed = (await gone) - t0;
    console.log(`revocation: sign-out → socket ended in ${elapsed} ms`);
    expect(elapsed).toBeLessThan(1000);
    // The cookie the browser had (copied before sign-out) no longer opens a page or a socket.
    expect(await sessionOf(jar)).toEqual({});
    expect(await refused(cookieHeader(jar))).toBe("unauthorized");
  });

  it("a session that runs out ends its socket within a second, and an expired cookie opens nothing", async () => {
    await h.makeUser("revoke-expiry@example.com", "STUDENT");
    const cookie = await h.cookieFor("revoke-expiry@example.com", { maxAge: 3 });
    const expiresAt = (Math.floor(Date.now() / 1000) + 3) * 1000;
    const s = h.client(cookie);
    const out = await inLesson(s);
    const gone = disconnectedAt(s);
    s.emit("term:input", { tabId: "1", data: "echo before-expiry\r" });
    await until(() => out.text().includes("before-expiry\r\n"));
    const late = (await gone) - expiresAt;
    console.log(`revocation: expiry → socket ended ${late} ms after the session ran out`);
    expect(late).toBeLessThan(1000);
    expect(await refused(cookie)).toBe("unauthorized");
  });

  it("disabling a user ends their sockets within a second; their old cookie opens nothing", async () => {
    const id = await h.makeUser("revoke-disabled@example.com", "STUDENT");
    const cookie = await h.cookieFor("revoke-disabled@example.com");
    const s = h.client(cookie);
    await inLesson(s);
    const gone = disconnectedAt(s);
    const t0 = Date.now();
    await revokeUser(h.prisma, id);
    const elapsed = (await gone) - t0;
    console.log(`revocation: disabling → socket ended in ${elapsed} ms`);
    expect(elapsed).toBeLessThan(1000);
    expect(await refused(cookie)).toBe("unauthorized");
  });

  it("a session revoked elsewhere (another server) cannot join, reset or watch on this one", async () => {
    const id = await h.makeUser("revoke-elsewhere@example.com", "STUDENT");
    const s = h.client(await h.cookieFor("revoke-elsewhere@example.com"));
    await ready(s);
    // Another instance bumped the version: this process was not told.
    await h.prisma.user.update({ where: { id }, data: { sessionVersion: { increment: 1 } } });
    const gone = disconnectedAt(s);
    s.emit("lesson:join", { courseSlug: "kubernetes-basics", lessonId: "pods-and-nodes" });
    await gone;
    expect(s.connected).toBe(false);
  });

  async function classWith(teacherEmail: string, studentEmail: string) {
    const teacherId = await h.makeUser(teacherEmail, "TEACHER");
    const studentId = await h.makeUser(studentEmail, "STUDENT");
    const course = await h.prisma.course.findUniqueOrThrow({ where: { slug: "kubernetes-basics" } });
    const cls = await h.prisma.classroom.create({
      data: { name: teacherEmail, teacherId, courseId: course.id },
    });
    await h.prisma.enrollment.create({ data: { classId: cls.id, userId: studentId } });
    const student = h.client(await h.cookieFor(studentEmail));
    const studentOut = await inLesson(student);
    const teacher = h.client(await h.cookieFor(teacherEmail));
    await ready(teacher);
    let seen = "";
    teacher.on("watch:output", (m: { data: string }) => {
      seen += m.data;
    });
    expect((await teacher.emitWithAck("watch:start", { studentId })).ok).toBe(true);
    student.emit("term:input", { tabId: "1", data: "echo while-teaching\r" });
    await until(() => seen.includes("while-teaching\r\n"));
    return { teacherId, studentId, classId: cls.id, student, studentOut, teacher, seen: () => seen };
  }

  it.each([
    ["told (revokeWatch)", true],
    ["not told (the periodic re-check)", false],
  ])("a teacher removed from the class stops receiving the mirror within a second — %s", async (_n, told) => {
    const tag = told ? "told" : "sweep";
    const c = await classWith(`revoke-teacher-${tag}@example.com`, `revoke-pupil-${tag}@example.com`);
    const t0 = Date.now();
    await h.prisma.classroom.delete({ where: { id: c.classId } });
    if (told) await revokeWatch(c.teacherId, c.studentId);
    // The teacher's socket has left the student's mirror room (polled every 10 ms).
    await until(async () => {
      const rooms = await h.access.watchersOf(c.studentId);
      return !rooms.includes(c.teacherId);
    }, 1000);
    const elapsed = Date.now() - t0;
    console.log(`revocation: removal (${tag}) → mirror ended in ${elapsed} ms`);
    expect(elapsed).toBeLessThan(1000);
    c.student.emit("term:input", { tabId: "1", data: "echo after-removal\r" });
    await until(() => c.studentOut.text().includes("after-removal\r\n"));
    await new Promise((r) => setTimeout(r, 100));
    expect(c.seen()).not.toContain("after-removal");
    // And a new watch:start is refused.
    expect(await c.teacher.emitWithAck("watch:start", { studentId: c.studentId })).toEqual({
      ok: false,
      error: "forbidden",
    });
  });
});
