import { describe, expect, it } from "vitest";
import { classesOf, seesStudents } from "./access";

describe("the teacher-access rule the board and the watch view share", () => {
  it("lets teachers and admins look at students, not students", () => {
    expect(seesStudents({ id: "t", role: "TEACHER" })).toBe(true);
    expect(seesStudents({ id: "a", role: "ADMIN" })).toBe(true);
    expect(seesStudents({ id: "s", role: "STUDENT" })).toBe(false);
  });
  it("shows a teacher their own classes and an admin all of them", () => {
    expect(classesOf({ id: "t1", role: "TEACHER" })).toEqual({ teacherId: "t1" });
    expect(classesOf({ id: "a1", role: "ADMIN" })).toEqual({});
  });
});
