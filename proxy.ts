/**
 * Runs before every page request. Keeps an active user's session cookie fresh: cookies are
 * short-lived (lib/session.ts) and re-issued here once they are older than the update age —
 * server components cannot set cookies, so without this a user working on one page would be
 * signed out after SESSION_MAX_AGE_S. Whether the session is still valid (not revoked) is decided
 * by lib/auth.ts on the same request; re-signing a revoked cookie does not revive it.
 */
import { type NextRequest, NextResponse } from "next/server";
import { decode, encode } from "next-auth/jwt";
import { SESSION_MAX_AGE_S, SESSION_UPDATE_AGE_S, sessionCookieName } from "./lib/session";

async function refreshedSession(
  req: NextRequest,
): Promise<{ name: string; value: string; secure: boolean } | null> {
  const secret = process.env.NEXTAUTH_SECRET;
  const secure = (process.env.NEXTAUTH_URL ?? "").startsWith("https://");
  const name = sessionCookieName(secure);
  const current = req.cookies.get(name)?.value;
  if (!secret || !current) return null;
  const token = await decode({ token: current, secret }).catch(() => null);
  if (!token || typeof token.iat !== "number") return null;
  if (Date.now() / 1000 - token.iat < SESSION_UPDATE_AGE_S) return null;
  const { iat: _iat, exp: _exp, jti: _jti, ...claims } = token;
  return { name, value: await encode({ token: claims, secret, maxAge: SESSION_MAX_AGE_S }), secure };
}

export async function proxy(req: NextRequest): Promise<NextResponse> {
  const res = NextResponse.next();
  const fresh = await refreshedSession(req);
  if (fresh)
    res.cookies.set(fresh.name, fresh.value, {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: fresh.secure,
      maxAge: SESSION_MAX_AGE_S,
    });
  return res;
}

export const config = {
  // Pages only: not the auth routes (next-auth sets its own cookies there) nor static files.
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)",
      missing: [{ type: "header", key: "next-router-prefetch" }],
    },
  ],
};
