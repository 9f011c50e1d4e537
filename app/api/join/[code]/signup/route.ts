import { signUpAndJoin } from "@/lib/classroom/classes";
import { handle } from "@/lib/classroom/http";

/** Public: `{ name, email, password }` creates a student account enrolled in the class. */
export async function POST(req: Request, { params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return handle(req, async (c) => {
    const r = await signUpAndJoin(c.prisma, code, c.body, c.locale);
    return { email: r.email, classId: r.classId };
  });
}
