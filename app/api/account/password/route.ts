import { changePassword } from "@/lib/classroom/accounts";
import { fields, handle } from "@/lib/classroom/http";

/** `{ current, next }` for the signed-in account. */
export async function POST(req: Request) {
  return handle(req, async (c) => {
    const f = fields(c.body);
    await changePassword(c.prisma, c.actor, { current: f.current, next: f.next });
    return { ok: true };
  });
}
