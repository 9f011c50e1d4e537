/**
 * Integration: accounts, classes, roster, assignments and the gradebook against a real
 * PostgreSQL (a database made for this run by scripts/test.ts), including who may do what.
 */
import bcrypt from "bcryptjs";
import { parse } from "csv-parse/sync";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "../db";
import type { PrismaClient } from "../generated/prisma/client";
import {
  actorById,
  changePassword,
  ensureAdminFromEnv,
  inviteStaff,
  type LinkContext,
  listUsers,
  onAccountDisabled,
  sendPasswordReset,
  setDisabled,
  setPasswordWithToken,
  tokenInfo,
  updateProfile,
} from "./accounts";
import { createAssignment, deleteAssignment, overrideGrade, updateAssignment } from "./assignments";
import { classBoard } from "./class-board";
import {
  classByCode,
  classDetail,
  createClass,
  joinWithCode,
  listClasses,
  regenerateCode,
  removeStudent,
  setJoining,
  signUpAndJoin,
} from "./classes";
import type { Actor } from "./errors";
import { gradebook, gradebookCsv, studentAssignments } from "./gradebook";
import { importRoster, previewRoster } from "./roster";
import { seedDemo } from "./seed";
import { createPool, type Pool } from "./sql";

const url = process.env.TEST_DATABASE_URL;
let prisma: PrismaClient;
let pool: Pool;
let admin: Actor;
let teacher: Actor;
let otherTeacher: Actor;
let student: Actor;
const NOW = new Date("2026-12-01T00:00:00Z");

function ctx(now = NOW, mailer: LinkContext["mailer"] = null): LinkContext {
  return { baseUrl: "http://kubeclass.test", mailer, now };
}

function tokenOf(link: string): string {
  return new URL(link).searchParams.get("token") ?? "";
}

async function actor(email: string): Promise<Actor> {
  const u = await prisma.user.findUniqueOrThrow({ where: { email } });
  const a = await actorById(prisma, u.id);
  if (!a) throw new Error(`${email} is disabled`);
  return a;
}

beforeAll(async () => {
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run the integration tests through `npm test`");
  prisma = createPrisma(url);
  pool = createPool(url, 2);
  await seedDemo(prisma);
  await ensureAdminFromEnv(prisma, { ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "root-password-1" });
  admin = await actor("root@example.com");
  teacher = await actor("teacher@example.com");
  student = await actor("student1@example.com");
  const invite = await inviteTeacher("other@example.com", "Other Teacher");
  await setPasswordWithToken(prisma, { token: tokenOf(invite.link), password: "other-password" }, NOW);
  otherTeacher = await actor("other@example.com");
});

afterAll(async () => {
  await pool?.end();
  await prisma?.$disconnect();
});

/** The administrator invites a teacher (by `email`, called `name`). */
const inviteTeacher = (email: string, name: string) =>
  inviteStaff(prisma, admin, { email, name, role: "TEACHER" }, ctx());

describe("accounts", () => {
  it("ADMIN_EMAIL creates the admin once and never resets a changed password", async () => {
    const env = { ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "root-password-1" };
    expect(await ensureAdminFromEnv(prisma, env)).toBe("unchanged");
    const u = await prisma.user.findUniqueOrThrow({ where: { email: "root@example.com" } });
    expect(u.role).toBe("ADMIN");
    expect(await bcrypt.compare("root-password-1", u.passwordHash)).toBe(true);
    await expect(ensureAdminFromEnv(prisma, { ADMIN_EMAIL: "x@example.com" })).rejects.toThrow(
      /ADMIN_PASSWORD/,
    );
  });

  it("an invitation is a one-time, hashed link that expires", async () => {
    const inv = await inviteTeacher("New.Teacher@Example.com", "New");
    expect(inv.mailed).toBe(false);
    const token = tokenOf(inv.link);
    expect(token.length).toBeGreaterThanOrEqual(40);
    const row = await prisma.accountToken.findFirstOrThrow({ where: { userId: inv.userId } });
    expect(row.tokenHash).not.toContain(token);
    expect(row.expiresAt.getTime() - NOW.getTime()).toBe(7 * 24 * 3600_000);
    expect(await tokenInfo(prisma, token, NOW)).toMatchObject({
      email: "new.teacher@example.com",
      kind: "INVITE",
    });
    // The invited account cannot log in before choosing a password.
    const pending = await prisma.user.findUniqueOrThrow({ where: { id: inv.userId } });
    expect(await bcrypt.compare("", pending.passwordHash)).toBe(false);

    const late = new Date(row.expiresAt.getTime());
    await expect(setPasswordWithToken(prisma, { token, password: "password-123" }, late)).rejects.toThrow(
      /expired/,
    );
    await setPasswordWithToken(prisma, { token, password: "password-123" }, NOW);
    await expect(setPasswordWithToken(prisma, { token, password: "password-456" }, NOW)).rejects.toThrow(
      /already used/,
    );
    const u = await prisma.user.findUniqueOrThrow({ where: { id: inv.userId } });
    expect(await bcrypt.compare("password-123", u.passwordHash)).toBe(true);
  });

  it("two uses of one link at once: exactly one wins", async () => {
    const inv = await inviteTeacher("race@example.com", "Race");
    const token = tokenOf(inv.link);
    const results = await Promise.allSettled([
      setPasswordWithToken(prisma, { token, password: "first-password" }, NOW),
      setPasswordWithToken(prisma, { token, password: "second-password" }, NOW),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("mails the link when SMTP is configured (nodemailer JSON transport)", async () => {
    const transport = nodemailer.createTransport({ jsonTransport: true });
    const sent: string[] = [];
    transport.on("idle", () => {});
    const mailer = { transport, from: "kubeclass <no-reply@example.com>" };
    const original = transport.sendMail.bind(transport);
    transport.sendMail = (async (mail: Parameters<typeof original>[0]) => {
      const info = await original(mail);
      sent.push(String((info as unknown as { message: string }).message));
      return info;
    }) as typeof transport.sendMail;
    const res = await sendPasswordReset(prisma, admin, student.id, ctx(NOW, mailer));
    expect(res.mailed).toBe(true);
    expect(sent).toHaveLength(1);
    const msg = JSON.parse(sent[0] ?? "{}") as {
      to: Array<{ address: string }>;
      subject: string;
      text: string;
    };
    expect(msg.to[0]?.address).toBe("student1@example.com");
    expect(msg.text).toContain(res.link);
    expect(msg.subject).toBe("kubeclass パスワードの再設定");
  });

  it("a disabled account cannot act, its links die, and the socket server is told", async () => {
    const inv = await inviteTeacher("gone@example.com", "Gone");
    const heard: string[] = [];
    const off = onAccountDisabled((id) => heard.push(id));
    await setDisabled(prisma, admin, inv.userId, true, NOW);
    off();
    expect(heard).toEqual([inv.userId]);
    expect(await actorById(prisma, inv.userId)).toBeNull();
    expect(await tokenInfo(prisma, tokenOf(inv.link), NOW)).toBeNull();
    await expect(setDisabled(prisma, admin, admin.id, true, NOW)).rejects.toThrow(/your own account/);
    await setDisabled(prisma, admin, inv.userId, false, NOW);
    expect(await actorById(prisma, inv.userId)).not.toBeNull();
  });

  it("a user changes name, language and password (current password required)", async () => {
    const me = await actor("student3@example.com");
    await updateProfile(prisma, me, { name: "Alex S.", locale: "ja" });
    await expect(changePassword(prisma, me, { current: "wrong", next: "new-password-1" })).rejects.toThrow(
      /not correct/,
    );
    await expect(changePassword(prisma, me, { current: "student-demo", next: "short" })).rejects.toThrow(
      /8 characters/,
    );
    await changePassword(prisma, me, { current: "student-demo", next: "new-password-1" });
    const u = await prisma.user.findUniqueOrThrow({ where: { id: me.id } });
    expect(u.name).toBe("Alex S.");
    expect(u.locale).toBe("ja");
    expect(await bcrypt.compare("new-password-1", u.passwordHash)).toBe(true);
  });
});

describe("classes and roster", () => {
  it("create, join by code (any spelling), close joining, regenerate, remove", async () => {
    const cls = await createClass(prisma, teacher, {
      name: "Cloud 101",
      courseSlug: "kubernetes-basics",
      term: "2026 Autumn",
      timeZone: "Asia/Tokyo",
    });
    expect(cls.joinCode).toMatch(/^[A-Z2-9]{8}$/);
    const code = cls.joinCode ?? "";
    const spelled = `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`;
    expect((await classByCode(prisma, spelled))?.name).toBe("Cloud 101");
    await joinWithCode(prisma, student, spelled);
    await joinWithCode(prisma, student, code);
    expect(await prisma.enrollment.count({ where: { classId: cls.id } })).toBe(1);
    await expect(joinWithCode(prisma, teacher, code)).rejects.toThrow(/do not join/);

    /** A latecomer signs up with the class's code (the address in whatever case they type it). */
    const lateSignUp = (email = "late@example.com") =>
      signUpAndJoin(prisma, code, { name: "Late", email, password: "late-password" }, "en");
    await setJoining(prisma, teacher, cls.id, false);
    await expect(lateSignUp()).rejects.toThrow(/not accepting/);
    await setJoining(prisma, teacher, cls.id, true);
    const joined = await lateSignUp();
    expect(joined.classId).toBe(cls.id);
    await expect(lateSignUp("LATE@example.com")).rejects.toThrow(/already exists/);

    const fresh = await regenerateCode(prisma, teacher, cls.id);
    expect(fresh).not.toBe(code);
    expect(await classByCode(prisma, code)).toBeNull();
    await expect(joinWithCode(prisma, student, code)).rejects.toThrow(/No class has this join code/);

    await removeStudent(prisma, teacher, cls.id, joined.userId);
    const detail = await classDetail(prisma, teacher, cls.id);
    expect(detail.students.map((s) => s.email)).toEqual(["student1@example.com"]);
    await expect(removeStudent(prisma, teacher, cls.id, joined.userId)).rejects.toThrow(/not in this class/);
  });

  it("roster: preview per row, bad rows refuse the whole import, a good file imports at once", async () => {
    const cls = await createClass(prisma, teacher, { name: "Roster class", courseSlug: "kubernetes-basics" });
    const bad = [
      "name,email,student number",
      "Sato Hana,student1@example.com,S001",
      '"Yamada, Taro",yamada@example.com,S002',
      "Broken,not-an-email",
      "Twice,YAMADA@example.com",
      `${"x".repeat(101)},long@example.com`,
      "Teacher,teacher@example.com",
    ].join("\n");
    const preview = await previewRoster(prisma, teacher, cls.id, bad);
    expect(preview.map((r) => [r.line, r.action, r.error])).toEqual([
      [2, "enrol-existing", null],
      [3, "create-and-invite", null],
      [4, "rejected", "bad e-mail: not an e-mail address"],
      [5, "rejected", "duplicate of line 3"],
      [6, "rejected", "name is too long (100 characters at most)"],
      [7, "rejected", "this e-mail belongs to a teacher or administrator account"],
    ]);
    expect(preview[1]?.name).toBe("Yamada, Taro");
    const before = await prisma.user.count();
    await expect(importRoster(prisma, teacher, cls.id, bad, ctx())).rejects.toThrow(/nothing was imported/);
    expect(await prisma.user.count()).toBe(before);
    expect(await prisma.enrollment.count({ where: { classId: cls.id } })).toBe(0);

    const good = '\uFEFFSato Hana,student1@example.com,S001\n"Yamada, Taro",yamada@example.com,S002\n';
    const report = await importRoster(prisma, teacher, cls.id, good, ctx());
    expect(report.map((r) => r.action)).toEqual(["enrol-existing", "create-and-invite"]);
    expect(report[1]?.link).toMatch(/\/account\/set-password\?token=/);
    const enrolled = await prisma.enrollment.findMany({
      where: { classId: cls.id },
      include: { user: true },
    });
    expect(enrolled.map((e) => [e.user.email, e.studentNumber]).sort()).toEqual([
      ["student1@example.com", "S001"],
      ["yamada@example.com", "S002"],
    ]);
    expect((await previewRoster(prisma, teacher, cls.id, good)).map((r) => r.action)).toEqual([
      "already-enrolled",
      "already-enrolled",
    ]);
    await expect(previewRoster(prisma, teacher, cls.id, 'a,"unclosed\n')).rejects.toThrow(
      /Not a readable CSV/,
    );
  });
});

/** The Pods and Nodes lesson set by the teacher, open on Dec 10 from 09:00 to 17:00 (class time). */
function assignPodsAndNodes(classId: string, extra: { title: string } & Record<string, unknown>) {
  return createAssignment(prisma, teacher, classId, {
    lessonIds: ["pods-and-nodes"],
    opensAt: "2026-12-10T09:00",
    dueAt: "2026-12-10T17:00",
    ...extra,
  });
}

describe("assignments and gradebook", () => {
  it("partial and late credit, overrides with who/when, CSV equal to the database", async () => {
    const cls = await createClass(prisma, teacher, { name: "Graded 組", courseSlug: "kubernetes-basics" });
    const s1 = await actor("student1@example.com");
    const s2 = await actor("student2@example.com");
    await joinWithCode(prisma, s1, cls.joinCode ?? "");
    await joinWithCode(prisma, s2, cls.joinCode ?? "");
    const a = await assignPodsAndNodes(cls.id, {
      title: "Pods and Nodes",
      latePolicy: "PENALTY",
      latePenaltyPct: 50,
    });
    expect(a.dueAt.toISOString()).toBe("2026-12-10T08:00:00.000Z");
    for (const [lessonId, opensAt, dueAt, refusal] of [
      ["pods-and-nodes", "2026-12-10T17:00", "2026-12-10T09:00", /after the opening time/],
      ["nope", "2026-12-10T09:00", "2026-12-10T17:00", /no lesson nope/],
    ] as const)
      await expect(
        createAssignment(prisma, teacher, cls.id, { title: "x", lessonIds: [lessonId], opensAt, dueAt }),
      ).rejects.toThrow(refusal);

    const key = { courseSlug: "kubernetes-basics", lessonId: "pods-and-nodes" };
    const due = a.dueAt.getTime();
    const put = (userId: string, stepId: string, at: number | null, solutionShown = false) =>
      prisma.stepProgress.upsert({
        where: { userId_courseSlug_lessonId_stepId: { userId, ...key, stepId } },
        create: {
          userId,
          ...key,
          stepId,
          completedAt: at === null ? null : new Date(at),
          solutionShown,
          commands: 1,
        },
        update: { completedAt: at === null ? null : new Date(at), solutionShown },
      });
    await prisma.stepProgress.deleteMany({ where: { userId: { in: [s1.id, s2.id] } } });
    await put(s1.id, "check-app", due - 60_000);
    await put(s1.id, "view-app", due);
    await put(s1.id, "view-logs", due + 60_000);
    await put(s2.id, "check-app", due - 60_000, true);

    let book = await gradebook(prisma, teacher, cls.id);
    const row = (id: string) => book.students.find((s) => s.id === id);
    // s1: 2 on time + 1 late at 50 % = 2.5 of 4.
    expect(row(s1.id)?.grades[a.id]?.score).toBe(62.5);
    expect(row(s1.id)?.grades[a.id]?.late).toBe(1);
    expect(row(s2.id)?.grades[a.id]?.score).toBe(25);

    await updateAssignment(prisma, teacher, a.id, {
      title: "Pods and Nodes",
      lessonIds: ["pods-and-nodes"],
      opensAt: "2026-12-10T09:00",
      dueAt: "2026-12-10T17:00",
      latePolicy: "IGNORE",
      solutionCounts: false,
    });
    book = await gradebook(prisma, teacher, cls.id);
    expect(row(s1.id)?.grades[a.id]?.score).toBe(50);
    expect(row(s2.id)?.grades[a.id]?.score).toBe(0);

    await overrideGrade(prisma, teacher, a.id, { userId: s2.id, score: 80, comment: "worked on paper" });
    await expect(
      overrideGrade(prisma, teacher, a.id, { userId: s2.id, score: 80, comment: " " }),
    ).rejects.toThrow(/comment/);
    await expect(
      overrideGrade(prisma, teacher, a.id, { userId: otherTeacher.id, score: 1, comment: "x" }),
    ).rejects.toThrow(/not in this class/);
    book = await gradebook(prisma, teacher, cls.id);
    const g2 = row(s2.id)?.grades[a.id];
    expect(g2?.score).toBe(80);
    expect(g2?.computed).toBe(0);
    expect(g2?.override).toMatchObject({ comment: "worked on paper", by: "Tanaka Sensei" });

    const csv = await gradebookCsv(prisma, teacher, cls.id, "ja");
    expect(csv.body.startsWith("\uFEFF")).toBe(true);
    const parsed = parse(csv.body, { bom: true }) as string[][];
    expect(parsed[0]).toEqual(["氏名", "メールアドレス", "学籍番号", "Pods and Nodes", "合計"]);
    const fromDb = (
      await prisma.enrollment.findMany({ where: { classId: cls.id }, include: { user: true } })
    ).map((e) => e.user.email);
    expect(
      parsed
        .slice(1)
        .map((r) => r[1])
        .sort(),
    ).toEqual(fromDb.sort());
    for (const r of parsed.slice(1)) {
      const s = book.students.find((x) => x.email === r[1]);
      expect(r[0]).toBe(s?.name);
      expect(Number(r[3])).toBe(s?.grades[a.id]?.score);
      expect(Number(r[4])).toBe(s?.total);
    }

    const mine = await studentAssignments(prisma, s1.id, new Date(due + 3600_000));
    expect(mine.find((m) => m.id === a.id)).toMatchObject({
      phase: "closed",
      done: 3,
      late: 1,
      total: 4,
      score: 50,
    });
    expect(await studentAssignments(prisma, s1.id, new Date("2026-12-01T00:00:00Z"))).not.toContainEqual(
      expect.objectContaining({ id: a.id }),
    );

    const board = await classBoard(prisma, pool, teacher, cls.id);
    expect(board.grid.students.map((s) => s.email).sort()).toEqual([
      "student1@example.com",
      "student2@example.com",
    ]);
    await deleteAssignment(prisma, teacher, a.id);
    expect(await prisma.gradeOverride.count({ where: { assignmentId: a.id } })).toBe(0);
  });
});

describe("authorisation: student, another class's teacher, anonymous", () => {
  it("every service refuses with a clear error and returns nothing", async () => {
    const cls = await createClass(prisma, teacher, { name: "Private", courseSlug: "kubernetes-basics" });
    await joinWithCode(prisma, student, cls.joinCode ?? "");
    const a = await assignPodsAndNodes(cls.id, { title: "A" });
    const calls: Array<[string, (who: Actor | null) => Promise<unknown>]> = [
      ["classDetail", (w) => classDetail(prisma, w, cls.id)],
      ["gradebook", (w) => gradebook(prisma, w, cls.id)],
      ["gradebookCsv", (w) => gradebookCsv(prisma, w, cls.id, "en")],
      ["classBoard", (w) => classBoard(prisma, pool, w, cls.id)],
      ["setJoining", (w) => setJoining(prisma, w, cls.id, false)],
      ["regenerateCode", (w) => regenerateCode(prisma, w, cls.id)],
      ["removeStudent", (w) => removeStudent(prisma, w, cls.id, student.id)],
      ["previewRoster", (w) => previewRoster(prisma, w, cls.id, "A,a@example.com")],
      ["importRoster", (w) => importRoster(prisma, w, cls.id, "A,a@example.com", ctx())],
      ["createAssignment", (w) => createAssignment(prisma, w, cls.id, { title: "x" })],
      ["updateAssignment", (w) => updateAssignment(prisma, w, a.id, { title: "x" })],
      ["deleteAssignment", (w) => deleteAssignment(prisma, w, a.id)],
      [
        "overrideGrade",
        (w) => overrideGrade(prisma, w, a.id, { userId: student.id, score: 1, comment: "x" }),
      ],
    ];
    for (const [name, call] of calls) {
      await expect(call(student), `${name} as student`).rejects.toMatchObject({ code: "forbidden" });
      await expect(call(otherTeacher), `${name} as other teacher`).rejects.toMatchObject({
        code: "forbidden",
        message: "Only this class's teacher can do this.",
      });
      await expect(call(null), `${name} anonymously`).rejects.toMatchObject({ code: "unauthenticated" });
    }
    // Admin-only services.
    for (const who of [student, teacher, null]) {
      await expect(listUsers(prisma, who)).rejects.toMatchObject({
        code: who ? "forbidden" : "unauthenticated",
      });
      await expect(
        inviteStaff(prisma, who, { email: "z@example.com", name: "Z", role: "ADMIN" }, ctx()),
      ).rejects.toMatchObject({ code: who ? "forbidden" : "unauthenticated" });
      await expect(sendPasswordReset(prisma, who, student.id, ctx())).rejects.toMatchObject({
        code: who ? "forbidden" : "unauthenticated",
      });
      await expect(setDisabled(prisma, who, student.id, true, NOW)).rejects.toMatchObject({
        code: who ? "forbidden" : "unauthenticated",
      });
    }
    await expect(listClasses(prisma, student)).rejects.toMatchObject({ code: "forbidden" });
    expect((await listClasses(prisma, otherTeacher)).map((c) => c.id)).not.toContain(cls.id);
    expect((await listClasses(prisma, admin)).map((c) => c.id)).toContain(cls.id);
    // Admins see every class; nothing above changed anything.
    expect((await classDetail(prisma, admin, cls.id)).students).toHaveLength(1);
    expect(await prisma.assignment.count({ where: { classId: cls.id } })).toBe(1);
  });
});
