import { NextResponse } from "next/server";
import { z } from "zod";
import { currentUser } from "@/lib/auth";
import { getCourse } from "@/lib/classroom/course";
import { db } from "@/lib/db";
import { KUBE_TOKEN_TTL_S, kubeconfigYaml, mintKubeToken } from "@/lib/kube-access";
import { crossSiteRefusal } from "@/lib/same-origin";

const body = z.object({ courseSlug: z.string().min(1).max(100) });

/**
 * `POST { courseSlug }` → the signed-in user's kubeconfig for their cluster of that course
 * (docs/adr/0029-own-kubectl.md). Only the owner gets it: the token is minted for the session's
 * user at the session's version, never for a user named in the request. The server address is
 * the origin of the page that asked (same-origin checked), so it is the address the browser
 * reached this site at.
 */
export async function POST(req: Request) {
  const refused = crossSiteRefusal(req);
  if (refused) return refused;
  const user = await currentUser();
  if (!user) return NextResponse.json({ error: "sign in first" }, { status: 401 });
  const parsed = body.safeParse(await req.json().catch(() => null));
  if (!parsed.success) return NextResponse.json({ error: "courseSlug is required" }, { status: 400 });
  try {
    getCourse(parsed.data.courseSlug);
  } catch {
    return NextResponse.json({ error: "unknown course" }, { status: 404 });
  }
  const row = await db().user.findUnique({ where: { id: user.id }, select: { sessionVersion: true } });
  if (!row) return NextResponse.json({ error: "sign in first" }, { status: 401 });
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) return NextResponse.json({ error: "internal error" }, { status: 500 });
  const origin = req.headers.get("origin") ?? process.env.NEXTAUTH_URL ?? new URL(req.url).origin;
  const exp = Math.floor(Date.now() / 1000) + KUBE_TOKEN_TTL_S;
  const token = mintKubeToken(secret, {
    userId: user.id,
    courseSlug: parsed.data.courseSlug,
    sessionVersion: row.sessionVersion,
    exp,
  });
  const yaml = kubeconfigYaml({ origin: new URL(origin).origin, courseSlug: parsed.data.courseSlug, token });
  return NextResponse.json(
    { kubeconfig: yaml, expiresAt: new Date(exp * 1000).toISOString() },
    { headers: { "cache-control": "no-store" } },
  );
}
