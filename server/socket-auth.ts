/**
 * socket.io handshake authentication from the next-auth session cookie. next-auth v4's getToken
 * reads `req.cookies` as an object, so the raw Cookie header is parsed first.
 */
import type { IncomingMessage } from "node:http";
import { parse as parseCookie } from "cookie";
import { getToken } from "next-auth/jwt";
import type { Role } from "../lib/auth";

export interface SocketUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** The session version the cookie was issued under (see lib/revoke.ts). */
  sessionVersion: number;
  /** When the cookie's session runs out (ms since the epoch); the socket ends then too. */
  expiresAt: number;
}

export async function userFromHandshake(req: IncomingMessage, secret: string): Promise<SocketUser | null> {
  const header = req.headers.cookie;
  if (!header || header.length > 16_384) return null;
  const cookies = parseCookie(header) as Record<string, string>;
  try {
    const token = await getToken({
      req: { cookies, headers: req.headers } as unknown as Parameters<typeof getToken>[0]["req"],
      secret,
    });
    if (!token || typeof token.uid !== "string") return null;
    if (typeof token.sv !== "number" || typeof token.exp !== "number") return null;
    return {
      id: token.uid,
      email: String(token.email ?? ""),
      name: String(token.name ?? ""),
      role: (token.role as Role) ?? "STUDENT",
      sessionVersion: token.sv,
      expiresAt: token.exp * 1000,
    };
  } catch {
    return null;
  }
}
