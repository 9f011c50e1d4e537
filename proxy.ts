/**
 * Runs before every page request.
 *
 * Content-Security-Policy with a fresh nonce per request: Next.js reads the nonce from the
 * request's CSP header and puts it on its own inline and bundle scripts ('strict-dynamic' lets
 * those load the rest), so no other script runs. Styles allow 'unsafe-inline': React's style
 * attributes and xterm.js's injected <style> need it, and styles cannot run code. Pages cannot be
 * framed (frame-ancestors, with X-Frame-Options from next.config.js for old browsers).
 *
 * It also keeps an active user's session cookie fresh: cookies are
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

export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    // React's dev build evaluates code for its error overlay; production needs no eval.
    // 'wasm-unsafe-eval': the replay player (asciinema-player) runs its terminal as WebAssembly;
    // it allows compiling Wasm only, not eval of JavaScript.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // 'self' covers the same-origin WebSocket of socket.io in current browsers; ws: for dev reloads.
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export async function proxy(req: NextRequest): Promise<NextResponse> {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set("x-nonce", nonce);
  const res = NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set("content-security-policy", csp);
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
