/**
 * Integration: the join's one statement (lib/classroom/join-read.ts) reads what the eight
 * statements it replaced read — the saved cluster, the lesson's journal since the snapshot's
 * journalSince (newest `limit`, oldest first), the step rows, teachers, classes, the account —
 * and claims the student's pending faults only when asked to, once.
 */
import { describe, expect, it } from "vitest";
import { teachersOf } from "./enrollment";
import { joinRead } from "./join-read";
import { appendJournal, loadJournal } from "./journal";
import { classesOfStudent, storeFaults } from "./live-teaching";
import { loadLessonTallies, upsertProgress } from "./progress";
import { seededDatabase } from "./seeded-database";
import { loadSnapshot, saveSnapshots } from "./snapshots";

const db = seededDatabase();
const COURSE = "kubernetes-basics";

describe("the join's statement", () => {
  it("reads what the separate statements read, and claims pending faults once", async () => {
    const tag = Date.now().toString(36);
    const user = await db.prisma.user.create({
      data: { email: `join-read-${tag}@example.com`, name: "Join Read", passwordHash: "x", locale: "en" },
    });
    const cls = await db.prisma.classroom.findFirstOrThrow({ where: { name: { not: "" } } });
    await db.prisma.enrollment.create({ data: { classId: cls.id, userId: user.id } });
    const key = { userId: user.id, courseSlug: COURSE, lessonId: "pods-and-nodes" };

    // Nothing saved yet: no cluster, no lines count (a new cluster starts now).
    const empty = await joinRead(db.pool, key, { journalLimit: 500, claimFaults: false });
    expect(empty).toMatchObject({ snapshot: null, journal: [], tallies: [], faults: [] });
    expect(empty.account).toEqual({ sessionVersion: 0, role: "STUDENT", locale: "en" });

    const since = Date.parse("2026-12-01T10:00:00.000Z");
    await saveSnapshots(db.pool, [
      { ...key, scenario: "explore-app", cluster: '{"v":1}', workstation: "{}", journalSince: since },
    ]);
    const line = (n: number, at: number, lessonId = key.lessonId) => ({
      lineKey: `${tag}.${n}`,
      ...key,
      lessonId,
      entry: {
        tab: "1",
        line: `echo ${n}`,
        commands: [["echo", String(n)]],
        exitCode: n % 2,
        output: `${n}\n`,
        ...(n === 4 ? { outputs: ["4\n"] } : {}),
        at,
      },
    });
    await appendJournal(db.pool, [
      line(1, since - 2000),
      line(2, since - 1),
      line(3, since),
      line(4, since + 1000),
      line(5, since + 2000),
      line(6, since + 3000, "other-lesson"),
    ]);
    const tally = (stepId: string, completedAt: number | null) => ({
      stepId,
      startedAt: since + 10,
      completedAt,
      firstAttemptMs: completedAt === null ? null : completedAt - since - 10,
      commands: 3,
      errors: 1,
      solutionShown: completedAt === null,
    });
    await upsertProgress(db.pool, [
      { ...key, tally: tally("a", since + 500) },
      { ...key, tally: tally("b", null) },
      { ...key, lessonId: "other-lesson", tally: tally("c", null) },
    ]);
    const [fault] = await storeFaults(db.pool, [
      {
        id: `f${tag}`,
        classId: cls.id,
        teacherId: cls.teacherId,
        studentId: user.id,
        courseSlug: COURSE,
        fault: { kind: "node-not-ready" },
      },
    ]);

    const read = await joinRead(db.pool, key, { journalLimit: 500, claimFaults: false });
    expect(read.snapshot).toEqual(await loadSnapshot(db.pool, key));
    const journal = await loadJournal(db.pool, { ...key, since: null, limit: 500 });
    expect(journal.map((e) => e.line)).toEqual(["echo 3", "echo 4", "echo 5"]);
    expect(read.journal).toEqual(journal);
    const byStep = (a: { stepId: string }, b: { stepId: string }) => a.stepId.localeCompare(b.stepId);
    expect([...read.tallies].sort(byStep)).toEqual(
      [...(await loadLessonTallies(db.pool, key)).values()].sort(byStep),
    );
    expect(read.tallies).toHaveLength(2);
    expect(read.teacherIds.sort()).toEqual((await teachersOf(db.pool, user.id)).sort());
    expect(read.teacherIds).toContain(cls.teacherId);
    expect(read.classIds.sort()).toEqual((await classesOfStudent(db.pool, user.id)).sort());
    // Not asked to claim: the fault still waits.
    expect(read.faults).toEqual([]);

    // The newest `limit` lines, oldest first, as loadJournal.
    const two = await joinRead(db.pool, key, { journalLimit: 2, claimFaults: false });
    expect(two.journal).toEqual(await loadJournal(db.pool, { ...key, since: null, limit: 2 }));
    expect(two.journal.map((e) => e.line)).toEqual(["echo 4", "echo 5"]);

    // No lesson (a teacher's mirror loads the workspace): no lines, no steps.
    const none = await joinRead(
      db.pool,
      { ...key, lessonId: null },
      { journalLimit: 500, claimFaults: false },
    );
    expect(none).toMatchObject({ journal: [], tallies: [] });

    const claiming = await joinRead(db.pool, key, { journalLimit: 500, claimFaults: true });
    expect(claiming.faults).toEqual([{ id: fault!.id, fault: { kind: "node-not-ready" } }]);
    const row = await db.prisma.faultRecord.findUniqueOrThrow({ where: { id: fault!.id } });
    expect(row.appliedAt).not.toBeNull();
    // Claimed once.
    expect((await joinRead(db.pool, key, { journalLimit: 500, claimFaults: true })).faults).toEqual([]);

    // A user that is gone: no account (the join ends the session), still one row.
    const gone = await joinRead(
      db.pool,
      { ...key, userId: `gone-${tag}` },
      { journalLimit: 5, claimFaults: true },
    );
    expect(gone).toMatchObject({ account: null, snapshot: null, teacherIds: [], classIds: [], faults: [] });
  });
});
