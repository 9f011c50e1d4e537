import { classDetail, regenerateCode, setJoining } from "@/lib/classroom/classes";
import { ClassroomError } from "@/lib/classroom/errors";
import { fields, handle } from "@/lib/classroom/http";

type P = { params: Promise<{ id: string }> };

export async function GET(req: Request, { params }: P) {
  const { id } = await params;
  return handle(req, async (c) => {
    const d = await classDetail(c.prisma, c.actor, id);
    return {
      id: d.cls.id,
      name: d.cls.name,
      term: d.cls.term,
      timeZone: d.cls.timeZone,
      joinCode: d.cls.joinCode,
      joinOpen: d.cls.joinOpen,
      students: d.students,
      assignments: d.assignments,
    };
  });
}

/** `{ joinOpen: boolean }` or `{ regenerateCode: true }` */
export async function PATCH(req: Request, { params }: P) {
  const { id } = await params;
  return handle(req, async (c) => {
    const f = fields(c.body);
    if (typeof f.joinOpen === "boolean") {
      await setJoining(c.prisma, c.actor, id, f.joinOpen);
      return { ok: true };
    }
    if (f.regenerateCode === true) return { joinCode: await regenerateCode(c.prisma, c.actor, id) };
    throw ClassroomError.t("invalid", "classPatch");
  });
}
