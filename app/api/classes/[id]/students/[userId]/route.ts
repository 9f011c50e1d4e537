import { removeStudent } from "@/lib/classroom/classes";
import { handle } from "@/lib/classroom/http";

/** Removes a student from the class; their progress stays theirs. */
export async function DELETE(req: Request, { params }: { params: Promise<{ id: string; userId: string }> }) {
  const { id, userId } = await params;
  return handle(req, async (c) => {
    await removeStudent(c.prisma, c.actor, id, userId);
    return { ok: true };
  });
}
