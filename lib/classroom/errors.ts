/**
 * One error type for the classroom services; route handlers map it to HTTP once
 * (lib/classroom/http.ts). Messages are written for the person who gets them.
 */
import { seesStudents } from "./access";
export type ClassroomErrorCode = "unauthenticated" | "forbidden" | "not_found" | "invalid" | "conflict";

export class ClassroomError extends Error {
  constructor(
    readonly code: ClassroomErrorCode,
    message: string,
    /** Extra data for the client, e.g. a roster report that explains a refusal. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ClassroomError";
  }
}

export const HTTP_STATUS: Record<ClassroomErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
};

export type Role = "STUDENT" | "TEACHER" | "ADMIN";

/** Who is asking: a signed-in, enabled account read from the database for this request. */
export interface Actor {
  id: string;
  role: Role;
  name: string;
  email: string;
}

export function requireSignedIn(actor: Actor | null): Actor {
  if (!actor) throw new ClassroomError("unauthenticated", "Sign in first.");
  return actor;
}

export function requireAdmin(actor: Actor | null): Actor {
  const a = requireSignedIn(actor);
  if (a.role !== "ADMIN") throw new ClassroomError("forbidden", "Only an administrator can do this.");
  return a;
}

export function requireTeacher(actor: Actor | null): Actor {
  const a = requireSignedIn(actor);
  if (!seesStudents(a)) throw new ClassroomError("forbidden", "Only teachers can do this.");
  return a;
}
