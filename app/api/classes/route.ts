import { createClass, listClasses } from "@/lib/classroom/classes";
import { handle } from "@/lib/classroom/http";

export async function GET(req: Request) {
  return handle(req, async (c) => ({
    classes: (await listClasses(c.prisma, c.actor)).map((k) => ({
      id: k.id,
      name: k.name,
      term: k.term,
      course: k.course.slug,
      students: k._count.enrollments,
    })),
  }));
}

/** `{ name, courseSlug, term?, timeZone? }` */
export async function POST(req: Request) {
  return handle(req, async (c) => {
    const k = await createClass(c.prisma, c.actor, c.body);
    return { id: k.id, joinCode: k.joinCode };
  });
}
