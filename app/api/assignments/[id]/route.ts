import { deleteAssignment, updateAssignment } from "@/lib/classroom/assignments";
import { handle } from "@/lib/classroom/http";

type P = { params: Promise<{ id: string }> };

export async function PUT(req: Request, { params }: P) {
  const { id } = await params;
  return handle(req, async (c) => ({ id: (await updateAssignment(c.prisma, c.actor, id, c.body)).id }));
}

export async function DELETE(req: Request, { params }: P) {
  const { id } = await params;
  return handle(req, async (c) => {
    await deleteAssignment(c.prisma, c.actor, id);
    return { ok: true };
  });
}
