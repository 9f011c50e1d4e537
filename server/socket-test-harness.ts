/**
 * For the socket integration tests: the real socket layer (handshake auth, zod, workspaces) on
 * a loopback port with a real PostgreSQL, and helpers to mint session cookies the way next-auth
 * does. Not a test itself; imported by server/*.int.test.ts.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import bcrypt from "bcryptjs";
import { encode, type JWT } from "next-auth/jwt";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { teachesStudent } from "../lib/classroom/access";
import { seedDemo } from "../lib/classroom/seed";
import { createPrisma } from "../lib/db";
import type { PrismaClient } from "../lib/generated/prisma/client";
import { SOCKET_SERVER_OPTIONS } from "./rate-limit";
import { attachSockets, type SocketOptions } from "./sockets";
import { WorkspaceRegistry } from "./workspaces";

export const SECRET = "integration-secret-0123456789abcdef0123";

export interface Harness {
  prisma: PrismaClient;
  base: string;
  registry: WorkspaceRegistry;
  access: ReturnType<typeof attachSockets>;
  /** A session cookie for the user as next-auth issues it (`overrides` forge or age it). */
  cookieFor(email: string, overrides?: Partial<JWT> & { maxAge?: number }): Promise<string>;
  client(cookie?: string, headers?: Record<string, string>): Socket;
  /** A user of its own (so a test may revoke or move it without touching the demo accounts). */
  makeUser(email: string, role: "STUDENT" | "TEACHER" | "ADMIN"): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(options: SocketOptions = {}): Promise<Harness> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run the integration tests through `npm test`");
  const prisma = createPrisma(url);
  await seedDemo(prisma);
  const http: HttpServer = createServer();
  const io = new Server(http, SOCKET_SERVER_OPTIONS);
  const registry = new WorkspaceRegistry({ databaseUrl: url as string, io: io as never, idleMinutes: 1 });
  const access = attachSockets(
    io as never,
    registry,
    SECRET,
    (teacher, studentId) => teachesStudent(prisma, teacher, studentId),
    {
      currentAccount: (id) =>
        prisma.user.findUnique({ where: { id }, select: { sessionVersion: true, role: true } }),
      ...options,
    },
  );
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clients: Socket[] = [];
  /** Users made by the test: removed again on close (other suites count the demo users). */
  const made: string[] = [];

  return {
    prisma,
    base,
    registry,
    access,
    async cookieFor(email, overrides = {}) {
      const u = await prisma.user.findUniqueOrThrow({ where: { email } });
      const { maxAge = 3600, ...claims } = overrides;
      const token = await encode({
        token: { uid: u.id, email: u.email, name: u.name, role: u.role, sv: u.sessionVersion, ...claims },
        secret: SECRET,
        maxAge,
      });
      return `next-auth.session-token=${token}`;
    },
    client(cookie, headers = {}) {
      const s = connect(base, {
        path: "/socket.io",
        transports: ["websocket"],
        extraHeaders: { ...(cookie ? { cookie } : {}), ...headers },
        reconnection: false,
        forceNew: true,
      });
      clients.push(s);
      return s;
    },
    async makeUser(email, role) {
      const existing = await prisma.user.findUnique({ where: { email } });
      if (existing) return existing.id;
      const u = await prisma.user.create({
        data: { email, name: email.split("@")[0] ?? email, role, passwordHash: await bcrypt.hash("x", 4) },
      });
      made.push(u.id);
      return u.id;
    },
    async close() {
      for (const c of clients) c.close();
      access.close();
      await registry.shutdown();
      await new Promise<void>((r) => io.close(() => r()));
      await prisma.classroom.deleteMany({ where: { teacherId: { in: made } } });
      await prisma.user.deleteMany({ where: { id: { in: made } } });
      await prisma.$disconnect();
    },
  };
}

export function ready(s: Socket): Promise<void> {
  return s.connected ? Promise.resolve() : new Promise((r) => s.once("connect", () => r()));
}

export function output(s: Socket): { text: () => string } {
  let text = "";
  s.on("term:output", (m: { data: string }) => {
    text += m.data;
  });
  return { text: () => text };
}

/** Polls `cond` every `pollMs` until it holds; throws "timed out" after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms = 10_000, pollMs = 10): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export interface Emitted {
  room: string | string[];
  event: string;
  payload: unknown;
  at: number;
}

/** Just enough of socket.io's server for a WorkspaceRegistry without sockets: rooms and emits are recorded. */
export function recordingIo() {
  const emitted: Emitted[] = [];
  const io = {
    // nobody in any room (a teacher's mirror is built only for a room someone is in)
    sockets: { adapter: { rooms: new Map<string, Set<string>>() } },
    to(room: string | string[]) {
      return {
        emit(event: string, payload: unknown) {
          emitted.push({ room, event, payload, at: Date.now() });
          return true;
        },
      };
    },
  };
  return { io: io as unknown as ConstructorParameters<typeof WorkspaceRegistry>[0]["io"], emitted };
}
