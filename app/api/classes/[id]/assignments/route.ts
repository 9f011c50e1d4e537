import { createAssignment } from "@/lib/classroom/assignments";
import { handle } from "@/lib/classroom/http";

/** `{ title, lessonIds, stepKeys?, opensAt, dueAt (class-zone wall times), latePolicy?, latePenaltyPct?, solutionCounts? }` */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle(req, async (c) => ({ id: (await createAssignment(c.prisma, c.actor, id, c.body)).id }));
}
