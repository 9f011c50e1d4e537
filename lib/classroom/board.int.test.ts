/**
 * Integration: the teacher board's grid, aggregated in SQL — the right cells for the right
 * teacher, in course order, decoded in the browser by board-grid.ts.
 */
import { describe, expect, it } from "vitest";
import { boardGrid } from "./board";
import { decodeBoardRow } from "./board-grid";
import { getCourse } from "./course";
import { seededDatabase } from "./seeded-database";

const db = seededDatabase();

describe("teacher board", () => {
  it("shows each of the teacher's students × every step, from the progress rows", async () => {
    const course = getCourse();
    const tag = Date.now().toString(36);
    const newTeacher = (key: string, name: string) =>
      db.prisma.user.create({
        data: { email: `board-${key}-${tag}@example.com`, name, role: "TEACHER", passwordHash: "x" },
      });
    const teacher = await newTeacher("t", "Board Teacher");
    const other = await newTeacher("o", "Other Teacher");
    const courseRow = await db.prisma.course.findUniqueOrThrow({ where: { slug: course.id } });
    const cls = await db.prisma.classroom.create({
      data: { name: "Board", teacherId: teacher.id, courseId: courseRow.id },
    });
    const [a, b] = await Promise.all(
      ["a", "b"].map((n) =>
        db.prisma.user.create({
          data: { email: `board-${n}-${tag}@example.com`, name: `Board ${n}`, passwordHash: "x" },
        }),
      ),
    );
    await db.prisma.enrollment.createMany({
      data: [a!, b!].map((u) => ({ classId: cls.id, userId: u.id })),
    });
    const lesson = course.lessons[2]!;
    const [s0, s1] = lesson.steps;
    await db.prisma.stepProgress.createMany({
      data: [
        {
          userId: a!.id,
          courseSlug: course.id,
          lessonId: lesson.id,
          stepId: s0!.id,
          commands: 4,
          errors: 1,
          completedAt: new Date(),
          firstAttemptMs: 61_400,
        },
        {
          userId: a!.id,
          courseSlug: course.id,
          lessonId: lesson.id,
          stepId: s1!.id,
          commands: 2,
          errors: 0,
          solutionShown: true,
          startedAt: new Date("2026-01-02T03:04:05.678Z"),
        },
      ],
    });

    const grid = await boardGrid(db.pool, teacher, course);
    const steps = course.lessons.reduce((n, l) => n + l.steps.length, 0);
    expect(grid.columns).toHaveLength(steps);
    expect(grid.students.map((s) => s.name).sort()).toEqual(["Board a", "Board b"]);
    const rowA = grid.students.find((s) => s.id === a!.id)!;
    const col0 = grid.columns.findIndex((c) => c.lessonId === lesson.id && c.stepId === s0!.id);
    const cells = decodeBoardRow(rowA);
    expect(cells).toHaveLength(steps);
    expect(cells[col0]).toEqual({
      started: true,
      done: true,
      solutionShown: false,
      commands: 4,
      errors: 1,
      seconds: 61,
    });
    expect(cells[col0 + 1]).toEqual({
      started: true,
      done: false,
      solutionShown: true,
      commands: 2,
      errors: 0,
      seconds: null,
    });
    expect(cells.filter((c) => c.started)).toHaveLength(2);
    // Where a is now: the started step that is not done.
    expect(rowA.current).toBe(col0 + 1);
    expect(rowA.since).toBe(Date.parse("2026-01-02T03:04:05.678Z"));
    const rowB = grid.students.find((s) => s.id === b!.id)!;
    expect(rowB.codes).toBe("-".repeat(steps));
    expect(rowB.current).toBeNull();

    // A row for every step (the board's usual shape, read as it comes from SQL): each cell in its
    // column, seconds rounded half up, the open step most recently started is where b is now.
    const all = course.lessons.flatMap((l) => l.steps.map((st) => ({ lessonId: l.id, stepId: st.id })));
    await db.prisma.stepProgress.createMany({
      data: all.map((c, i) => ({
        userId: b!.id,
        courseSlug: course.id,
        ...c,
        commands: i,
        errors: i % 3,
        startedAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
        ...(i % 2 === 0
          ? { completedAt: new Date(), firstAttemptMs: i * 1000 + (i % 4 === 0 ? 500 : 499) }
          : {}),
      })),
    });
    const full = (await boardGrid(db.pool, teacher, course)).students.find((s) => s.id === b!.id)!;
    expect(full.codes).toBe(all.map((_, i) => (i % 2 === 0 ? "d" : "s")).join(""));
    expect(full.stats).toBe(
      all.map((_, i) => `${i}.${i % 3}.${i % 2 === 0 ? i + (i % 4 === 0 ? 1 : 0) : ""}`).join(","),
    );
    const lastOpen = all.length - 1 - ((all.length - 1) % 2 === 0 ? 1 : 0);
    expect(full.current).toBe(lastOpen);
    expect(full.since).toBe(Date.UTC(2026, 0, 1, 0, lastOpen));
    await db.prisma.stepProgress.deleteMany({ where: { userId: b!.id } });

    // One class's board: its students only; a class of another teacher shows nothing to this one.
    const other2 = await db.prisma.classroom.create({
      data: { name: "Board 2", teacherId: teacher.id, courseId: courseRow.id },
    });
    await db.prisma.enrollment.create({ data: { classId: other2.id, userId: b!.id } });
    const one = await boardGrid(db.pool, teacher, course, { classId: other2.id });
    expect(one.students.map((s) => s.id)).toEqual([b!.id]);
    expect((await boardGrid(db.pool, other, course, { classId: cls.id })).students).toEqual([]);
    await db.prisma.classroom.delete({ where: { id: other2.id } });

    // Another teacher sees none of them; an admin sees them among everyone; a student nothing.
    expect((await boardGrid(db.pool, other, course)).students).toEqual([]);
    const admin = await boardGrid(db.pool, { id: "x", role: "ADMIN" }, course);
    expect(admin.students.some((s) => s.id === a!.id)).toBe(true);
    expect((await boardGrid(db.pool, { id: a!.id, role: "STUDENT" }, course)).students).toEqual([]);

    // Other tests of this run count the demo users: leave none of ours behind.
    await db.prisma.classroom.delete({ where: { id: cls.id } });
    await db.prisma.user.deleteMany({ where: { id: { in: [teacher.id, other.id, a!.id, b!.id] } } });
  });
});
