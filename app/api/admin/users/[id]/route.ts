import { sendPasswordReset, setDisabled } from "@/lib/classroom/accounts";
import { ClassroomError } from "@/lib/classroom/errors";
import { fields, handle } from "@/lib/classroom/http";

/** `{ action: "disable" | "enable" | "reset" }` on one account. */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle(req, async (c) => {
    const action = fields(c.body).action;
    if (action === "disable" || action === "enable") {
      await setDisabled(c.prisma, c.actor, id, action === "disable", c.now);
      return { ok: true };
    }
    if (action === "reset") {
      const r = await sendPasswordReset(c.prisma, c.actor, id, c.links);
      return { mailed: r.mailed, expiresAt: r.expiresAt, link: r.mailed ? undefined : r.link };
    }
    throw ClassroomError.t("invalid", "adminAction");
  });
}
