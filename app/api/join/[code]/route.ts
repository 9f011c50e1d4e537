import { joinWithCode } from "@/lib/classroom/classes";
import { handle } from "@/lib/classroom/http";

/** A signed-in student joins the class with this code. */
export async function POST(req: Request, { params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return handle(req, async (c) => joinWithCode(c.prisma, c.actor, code));
}
