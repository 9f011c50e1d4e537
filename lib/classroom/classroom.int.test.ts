/**
 * Integration: the classroom data layer against a real PostgreSQL (a database created for this
 * run by scripts/test.ts, migrated with the real Prisma migrations).
 */
import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { writeLines } from "./journal";
import {
  courseProgress,
  lessonProgress,
  loadLessonTallies,
  type StepTally,
  tallyLine,
  tallySolutionShown,
  upsertProgress,
} from "./progress";
import { DEMO_ACCOUNTS, seedDemo } from "./seed";
import { seededDatabase } from "./seeded-database";

const db = seededDatabase();

describe("seed", () => {
  it("creates the demo course, a teacher, students and a class, idempotently", async () => {
    await seedDemo(db.prisma);
    expect(await db.prisma.course.count({ where: { slug: "kubernetes-basics" } })).toBe(1);
    expect(await db.prisma.user.count({ where: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) } } })).toBe(
      DEMO_ACCOUNTS.length,
    );
    const teacher = await db.prisma.user.findUniqueOrThrow({ where: { email: "teacher@example.com" } });
    expect(teacher.role).toBe("TEACHER");
    expect(await bcrypt.compare("teacher-demo", teacher.passwordHash)).toBe(true);
    expect(teacher.passwordHash).not.toContain("teacher-demo");
    const cls = await db.prisma.classroom.findFirstOrThrow({
      where: { name: "Demo class" },
      include: { enrollments: true, assignments: true },
    });
    expect(cls.enrollments).toHaveLength(3);
    expect(cls.joinCode).toMatch(/^[A-Z2-9]{8}$/);
    expect(cls.assignments.map((a) => a.title)).toEqual(["Pods and Nodes"]);
  });
});

describe("progress", () => {
  const tallies = () => new Map<string, StepTally>();

  it("counts commands and errors per open step and completes steps once", async () => {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "student1@example.com" } });
    const key = { userId: user.id, courseSlug: "kubernetes-basics", lessonId: "03-pods-and-nodes" };
    const t0 = Date.parse("2026-11-30T03:00:00Z");
    const t = tallies();
    const write = (changed: StepTally[]) =>
      upsertProgress(
        db.pool,
        changed.map((tally) => ({ ...key, tally })),
      );
    await write(tallyLine(t, { openSteps: ["a", "b"], failed: true, completed: [], at: t0 }));
    await write(tallyLine(t, { openSteps: ["a", "b"], failed: false, completed: ["a"], at: t0 + 65_000 }));
    await write(tallyLine(t, { openSteps: ["b"], failed: false, completed: [], at: t0 + 90_000 }));

    const a = await db.prisma.stepProgress.findUniqueOrThrow({
      where: { userId_courseSlug_lessonId_stepId: { ...key, stepId: "a" } },
    });
    expect(a.commands).toBe(2);
    expect(a.errors).toBe(1);
    expect(a.completedAt?.toISOString()).toBe("2026-11-30T03:01:05.000Z");
    expect(a.startedAt.toISOString()).toBe("2026-11-30T03:00:00.000Z");
    expect(a.firstAttemptMs).toBe(65_000);
    const b = await db.prisma.stepProgress.findUniqueOrThrow({
      where: { userId_courseSlug_lessonId_stepId: { ...key, stepId: "b" } },
    });
    expect(b.commands).toBe(3);
    expect(b.completedAt).toBeNull();

    expect([...(await lessonProgress(db.prisma, key.userId, key.courseSlug, key.lessonId))]).toEqual(["a"]);
    const all = await courseProgress(db.prisma, key.userId, key.courseSlug);
    expect(all.get(key.lessonId)?.has("a")).toBe(true);
    // What the live session loads back is what it wrote.
    const loaded = await loadLessonTallies(db.pool, key);
    expect(loaded.get("a")).toEqual(t.get("a"));
    expect(loaded.get("b")).toEqual(t.get("b"));

    await write([tallySolutionShown(t, "b", t0 + 100_000)]);
    const b2 = await db.prisma.stepProgress.findUniqueOrThrow({
      where: { userId_courseSlug_lessonId_stepId: { ...key, stepId: "b" } },
    });
    expect(b2.solutionShown).toBe(true);
    expect(b2.commands).toBe(3);
  });

  it("is idempotent and monotone: a retried or late write never double-counts or un-completes", async () => {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "student2@example.com" } });
    const key = { userId: user.id, courseSlug: "kubernetes-basics", lessonId: "03-pods-and-nodes" };
    const t0 = Date.parse("2026-11-30T04:00:00Z");
    const t = tallies();
    const first = tallyLine(t, { openSteps: ["a"], failed: false, completed: ["a"], at: t0 });
    const rows = (changed: StepTally[]) => changed.map((tally) => ({ ...key, tally }));
    await upsertProgress(db.pool, rows(first));
    await upsertProgress(db.pool, rows(first));
    const second = tallyLine(t, { openSteps: ["a"], failed: true, completed: ["a"], at: t0 + 1000 });
    await upsertProgress(db.pool, rows(second));
    // The first write arrives again after the second (a retry of an old batch).
    await upsertProgress(db.pool, rows(first));
    const a = await db.prisma.stepProgress.findUniqueOrThrow({
      where: { userId_courseSlug_lessonId_stepId: { ...key, stepId: "a" } },
    });
    expect(a.completedAt?.toISOString()).toBe(new Date(t0).toISOString());
    expect(a.commands).toBe(2);
    expect(a.errors).toBe(1);
  });
});

describe("a batch of lines in one statement", () => {
  it("writes journal and step rows together, and a retried batch changes nothing", async () => {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "student3@example.com" } });
    const key = { userId: user.id, courseSlug: "kubernetes-basics", lessonId: "lines-in-one" };
    const t0 = Date.parse("2026-11-30T05:00:00Z");
    const tag = `lines-${Date.now().toString(36)}`;
    const t = new Map<string, StepTally>();
    const journal = [0, 1].map((i) => ({
      ...key,
      lineKey: `${tag}.${i}`,
      entry: {
        tab: "1",
        line: `echo ${i}`,
        commands: [["echo", `${i}`]],
        exitCode: 0,
        output: `${i}\n`,
        at: t0 + i,
      },
    }));
    tallyLine(t, { openSteps: ["a"], failed: false, completed: [], at: t0 });
    const changed = tallyLine(t, { openSteps: ["a"], failed: false, completed: ["a"], at: t0 + 1 });
    const progress = changed.map((tally) => ({ ...key, tally }));
    await writeLines(db.pool, journal, progress);
    await writeLines(db.pool, journal, progress);
    const lines = await db.prisma.commandRecord.findMany({ where: { lineKey: { startsWith: `${tag}.` } } });
    expect(lines.map((l) => l.line).sort()).toEqual(["echo 0", "echo 1"]);
    const a = await db.prisma.stepProgress.findUniqueOrThrow({
      where: { userId_courseSlug_lessonId_stepId: { ...key, stepId: "a" } },
    });
    expect(a.commands).toBe(2);
    expect(a.completedAt?.toISOString()).toBe(new Date(t0 + 1).toISOString());
    // A step row the database refuses (no such user) takes the batch's journal rows with it:
    // they commit together or not at all.
    const orphan = { ...progress[0]!, userId: "nobody" };
    const more = [{ ...journal[0]!, lineKey: `${tag}.2` }];
    await expect(writeLines(db.pool, more, [orphan])).rejects.toThrow(/foreign key/);
    expect(await db.prisma.commandRecord.count({ where: { lineKey: `${tag}.2` } })).toBe(0);
    // Other tests of the run count the demo users' rows: leave none of ours behind.
    await db.prisma.commandRecord.deleteMany({ where: { lineKey: { startsWith: `${tag}.` } } });
    await db.prisma.stepProgress.deleteMany({ where: { userId: user.id, lessonId: key.lessonId } });
  });
});
