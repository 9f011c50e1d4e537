/** The course content, loaded once per process from courses/ (validated by lib/course). */
import path from "node:path";
import { loadCourse } from "../course/loader";
import type { Course, Lesson } from "../course/schema";

const cache = new Map<string, Course>();

/**
 * The course a student's workspace and a teacher's view of it belong to when nothing names
 * another (the app serves one course today; the demo seed creates it).
 */
export const DEFAULT_COURSE_SLUG = "kubernetes-basics";

export function courseDir(slug: string): string {
  return path.join(process.cwd(), "courses", slug);
}

export function getCourse(slug = DEFAULT_COURSE_SLUG): Course {
  let c = cache.get(slug);
  if (!c) {
    c = loadCourse(courseDir(slug));
    cache.set(slug, c);
  }
  return c;
}

export function getLesson(courseSlug: string, lessonId: string): Lesson | undefined {
  return getCourse(courseSlug).lessons.find((l) => l.id === lessonId || l.slug === lessonId);
}
