import { NextResponse } from "next/server";
import { z } from "zod";
import { LOCALE_COOKIE } from "@/i18n/request";
import { currentUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { crossSiteRefusal } from "@/lib/same-origin";

const body = z.object({ locale: z.enum(["ja", "en"]) });

export async function POST(req: Request) {
  const refused = crossSiteRefusal(req);
  if (refused) return refused;
  const parsed = body.safeParse(await req.json().catch(() => null));
  if (!parsed.success) return NextResponse.json({ error: "locale must be ja or en" }, { status: 400 });
  const user = await currentUser();
  if (user) await db().user.update({ where: { id: user.id }, data: { locale: parsed.data.locale } });
  const res = NextResponse.json({ locale: parsed.data.locale });
  res.cookies.set(LOCALE_COOKIE, parsed.data.locale, { path: "/", maxAge: 365 * 24 * 3600, sameSite: "lax" });
  return res;
}
