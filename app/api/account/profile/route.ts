import { NextResponse } from "next/server";
import { LOCALE_COOKIE } from "@/i18n/request";
import { updateProfile } from "@/lib/classroom/accounts";
import { fields, handle } from "@/lib/classroom/http";

/** `{ name, locale }` for the signed-in account; the language cookie follows. */
export async function POST(req: Request) {
  return handle(req, async (c) => {
    await updateProfile(c.prisma, c.actor, c.body);
    const res = NextResponse.json({ ok: true });
    const locale = fields(c.body).locale === "en" ? "en" : "ja";
    res.cookies.set(LOCALE_COOKIE, locale, { path: "/", maxAge: 365 * 24 * 3600, sameSite: "lax" });
    return res;
  });
}
