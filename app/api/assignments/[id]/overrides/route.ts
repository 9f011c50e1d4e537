import { overrideGrade } from "@/lib/classroom/assignments";
import { handle } from "@/lib/classroom/http";

/** `{ userId, score (0–100), comment }`: recorded with who and when. */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle(req, async (c) => {
    const o = await overrideGrade(c.prisma, c.actor, id, c.body);
    return { id: o.id, at: o.at };
  });
}
