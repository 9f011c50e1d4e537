/**
 * next-auth v4 with email + password (bcrypt) and JWT sessions. The same secret verifies the
 * session cookie on socket.io handshakes (server/socket-auth.ts).
 */
import bcrypt from "bcryptjs";
import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "./db";
import { LoginThrottle } from "./login-throttle";

export type Role = "STUDENT" | "TEACHER" | "ADMIN";
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: "ja" | "en";
}

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  password: z.string().min(1).max(200),
});

const throttle = new LoginThrottle(() => Date.now());

/** Thrown when an email had too many failed logins; the login form shows its own message. */
export const TOO_MANY_ATTEMPTS = "TooManyAttempts";

export async function verifyCredentials(raw: unknown): Promise<SessionUser | null> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return null;
  if (!throttle.allowed(parsed.data.email)) throw new Error(TOO_MANY_ATTEMPTS);
  const user = await db().user.findUnique({ where: { email: parsed.data.email } });
  // Compare against a fixed hash when the user is unknown so timing does not reveal accounts.
  const hash = user?.passwordHash ?? "$2b$10$CwTycUXWue0Thq9StjUM0uJ8Vq5dDl0nqvGg4bM6qv2oYyCk1mQ9u";
  const ok = await bcrypt.compare(parsed.data.password, hash);
  if (!user || !ok || user.disabledAt) {
    throttle.failed(parsed.data.email);
    return null;
  }
  throttle.succeeded(parsed.data.email);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    locale: user.locale === "en" ? "en" : "ja",
  };
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
  pages: { signIn: "/login" },
  providers: [
    Credentials({
      name: "Email",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(creds) {
        const u = await verifyCredentials(creds);
        return u ? { id: u.id, email: u.email, name: u.name, role: u.role, locale: u.locale } : null;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        const u = user as unknown as SessionUser;
        token.uid = u.id;
        token.role = u.role;
        token.locale = u.locale;
      }
      return token;
    },
    async session({ session, token }) {
      const s = session as typeof session & { user: SessionUser };
      s.user = {
        id: String(token.uid),
        email: String(token.email ?? ""),
        name: String(token.name ?? ""),
        role: (token.role as Role) ?? "STUDENT",
        locale: token.locale === "en" ? "en" : "ja",
      };
      return s;
    },
  },
};

/** The signed-in user in a server component or route handler, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const session = (await getServerSession(authOptions)) as { user?: SessionUser } | null;
  if (!session?.user?.id) return null;
  return session.user;
}
