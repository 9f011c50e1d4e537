import { setPasswordWithToken } from "@/lib/classroom/accounts";
import { fields, handle } from "@/lib/classroom/http";

/** Public: `{ token, password }` from an invitation or reset link (one use). */
export async function POST(req: Request) {
  return handle(req, async (c) => {
    const f = fields(c.body);
    return setPasswordWithToken(c.prisma, { token: f.token, password: f.password }, c.now);
  });
}
