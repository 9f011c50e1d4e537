import { gradebook } from "@/lib/classroom/gradebook";
import { handle } from "@/lib/classroom/http";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle(req, async (c) => {
    const book = await gradebook(c.prisma, c.actor, id);
    return {
      class: { id: book.cls.id, name: book.cls.name },
      assignments: book.assignments.map((a) => ({ id: a.id, title: a.title, dueAt: a.dueAt })),
      students: book.students,
    };
  });
}
