/**
 * next-auth v4 with email + password (bcrypt) and JWT sessions. The same secret verifies the
 * session cookie on socket.io handshakes (server/socket-auth.ts).
 *
 * Sessions are short and revocable (ADR 0015): a cookie lives SESSION_MAX_AGE_S and is re-issued
 * while the user is active (proxy.ts); it carries the user's `sessionVersion`, checked against
 * the database on every request, so sign-out, disabling and removal end it at once.
 */
import bcrypt from "bcryptjs";
import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "./db";
import { CLIENT_ADDRESS_HEADER, LoginThrottle } from "./login-throttle";
import { revokeUser } from "./revoke";
import { SESSION_MAX_AGE_S, SESSION_UPDATE_AGE_S } from "./session";

export type Role = "STUDENT" | "TEACHER" | "ADMIN";
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: "ja" | "en";
}

/** Thrown in the jwt callback when a cookie's session was revoked (next-auth then clears it). */
export const SESSION_REVOKED = "SessionRevoked";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  password: z.string().min(1).max(200),
});

const throttle = new LoginThrottle(() => Date.now());

/**
 * Thrown when this client must wait before trying again; the login form reads the seconds
 * after the colon ("TooManyAttempts:12") and says how long.
 */
export const TOO_MANY_ATTEMPTS = "TooManyAttempts";
/** Thrown when the database does not answer in time; the form shows a plain message. */
export const UNAVAILABLE = "Unavailable";
/** How long a login waits for the database before giving up. */
export const LOGIN_DB_TIMEOUT_MS = 4000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export type LoginResult = (SessionUser & { sessionVersion: number }) | null;

interface StoredUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: string;
  passwordHash: string;
  sessionVersion: number;
  /** Set when an administrator disabled the account: it cannot log in. */
  disabledAt?: Date | null;
}
export type UserLookup = (email: string) => Promise<StoredUser | null>;

/**
 * Checks an e-mail and password. `client` is the caller's address (throttling is per account
 * and per client, lib/login-throttle.ts). Throws TOO_MANY_ATTEMPTS or UNAVAILABLE.
 */
export async function verifyCredentials(
  raw: unknown,
  client: string | null = null,
  lookup: UserLookup = (email) => db().user.findUnique({ where: { email } }),
): Promise<LoginResult> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return null;
  const email = parsed.data.email;
  const wait = throttle.check(email, client);
  if (wait) throw new Error(`${TOO_MANY_ATTEMPTS}:${Math.ceil(wait.retryAfterMs / 1000)}`);
  let user: StoredUser | null;
  try {
    user = await withTimeout(lookup(email), LOGIN_DB_TIMEOUT_MS);
  } catch (err) {
    // The raw driver message is for the log, not for the person at the login form.
    console.error("[auth] user lookup failed:", err instanceof Error ? err.message : err);
    throw new Error(UNAVAILABLE);
  }
  // Compare against a fixed hash when the user is unknown so timing does not reveal accounts.
  const hash = user?.passwordHash ?? "$2b$10$CwTycUXWue0Thq9StjUM0uJ8Vq5dDl0nqvGg4bM6qv2oYyCk1mQ9u";
  const ok = await bcrypt.compare(parsed.data.password, hash);
  if (!user || !ok || user.disabledAt) {
    throttle.failed(email, client);
    return null;
  }
  throttle.succeeded(email, client);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    locale: user.locale === "en" ? "en" : "ja",
    sessionVersion: user.sessionVersion,
  };
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S, updateAge: SESSION_UPDATE_AGE_S },
  pages: { signIn: "/login" },
  providers: [
    Credentials({
      name: "Email",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(creds, req) {
        const header = req?.headers?.[CLIENT_ADDRESS_HEADER];
        const u = await verifyCredentials(creds, typeof header === "string" ? header : null);
        return u
          ? {
              id: u.id,
              email: u.email,
              name: u.name,
              role: u.role,
              locale: u.locale,
              sessionVersion: u.sessionVersion,
            }
          : null;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        const u = user as unknown as SessionUser & { sessionVersion: number };
        token.uid = u.id;
        token.role = u.role;
        token.locale = u.locale;
        token.sv = u.sessionVersion;
        return token;
      }
      // Every later use: the session must still be current, and role/name come from the database.
      const row =
        typeof token.uid === "string"
          ? await db().user.findUnique({
              where: { id: token.uid },
              select: { sessionVersion: true, role: true, name: true, email: true, locale: true },
            })
          : null;
      if (!row || row.sessionVersion !== token.sv) throw new Error(SESSION_REVOKED);
      token.role = row.role;
      token.name = row.name;
      token.email = row.email;
      token.locale = row.locale === "en" ? "en" : "ja";
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
  events: {
    // Signing out ends every session of the user (their other browsers and open sockets too):
    // the cookie itself would otherwise stay valid until it expires.
    async signOut({ token }) {
      if (typeof token?.uid === "string") await revokeUser(db(), token.uid);
    },
  },
  logger: {
    error(code, metadata) {
      // A revoked session is expected, not an error worth a stack trace in the log.
      const message =
        metadata instanceof Error ? metadata.message : (metadata as { message?: string })?.message;
      if (code === "JWT_SESSION_ERROR" && message === SESSION_REVOKED) return;
      console.error(`[next-auth][error][${code}]`, metadata);
    },
  },
};

/** The signed-in user in a server component or route handler, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const session = (await getServerSession(authOptions)) as { user?: SessionUser } | null;
  if (!session?.user?.id) return null;
  return session.user;
}
