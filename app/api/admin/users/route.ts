import { inviteStaff, listUsers } from "@/lib/classroom/accounts";
import { handle } from "@/lib/classroom/http";

export async function GET(req: Request) {
  return handle(req, async (c) => ({ users: await listUsers(c.prisma, c.actor) }));
}

/** Invite a teacher or administrator: `{ email, name, role, locale? }` → the link, or that it was mailed. */
export async function POST(req: Request) {
  return handle(req, async (c) => {
    const r = await inviteStaff(c.prisma, c.actor, c.body, c.links);
    return {
      userId: r.userId,
      mailed: r.mailed,
      expiresAt: r.expiresAt,
      link: r.mailed ? undefined : r.link,
    };
  });
}
