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
import { afterAll } from "vitest";
import { teachesStudent } from "../lib/classroom/access";
import { seedDemo } from "../lib/classroom/seed";
import { createPrisma } from "../lib/db";
import type { PrismaClient } from "../lib/generated/prisma/client";
import { SOCKET_SERVER_OPTIONS } from "./rate-limit";
import { attachSockets, type SocketOptions } from "./sockets";
import { TeachingHub } from "./teaching/hub";
import { type RegistryDeps, WorkspaceRegistry } from "./workspaces";

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

/** More of the real server than the socket layer: the live teaching tools, registry settings. */
export interface HarnessExtras {
  /** The teaching hub bound as server/index.ts binds it. */
  teaching?: boolean;
  registry?: Pick<RegistryDeps, "snapshotQuietMs" | "snapshotMaxWaitMs">;
  /** Worker threads for the students' simulations (unset: KUBECLASS_WORKERS, as the server reads it). */
  workers?: number;
}

export async function startHarness(
  options: SocketOptions = {},
  extras: HarnessExtras = {},
): Promise<Harness> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run the integration tests through `npm test`");
  const prisma = createPrisma(url);
  await seedDemo(prisma);
  const http: HttpServer = createServer();
  const io = new Server(http, SOCKET_SERVER_OPTIONS);
  const hub = extras.teaching ? new TeachingHub(io as never) : undefined;
  const registry = new WorkspaceRegistry({
    databaseUrl: url as string,
    io: io as never,
    idleMinutes: 1,
    ...(extras.workers !== undefined ? { workers: extras.workers } : {}),
    ...extras.registry,
    ...(hub ? { hooks: hub.hooks } : {}),
  });
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
  hub?.bind(registry);
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
      return sessionCookie(u, SECRET, { maxAge: 3600, ...overrides });
    },
    client(cookie, headers = {}) {
      const s = connectClient(base, cookie, headers);
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
      await hub?.close();
      access.close();
      await registry.shutdown();
      await new Promise<void>((r) => io.close(() => r()));
      await prisma.classroom.deleteMany({ where: { teacherId: { in: made } } });
      await prisma.user.deleteMany({ where: { id: { in: made } } });
      await prisma.$disconnect();
    },
  };
}

/**
 * The session cookie next-auth issues `user` (`overrides` forge or age it; an hour by default,
 * a JWT's own default without `maxAge`).
 */
export async function sessionCookie(
  u: { id: string; email: string; name: string | null; role: string; sessionVersion: number },
  secret: string,
  overrides: Partial<JWT> & { maxAge?: number } = {},
): Promise<string> {
  const { maxAge, ...claims } = overrides;
  const token = await encode({
    token: { uid: u.id, email: u.email, name: u.name, role: u.role, sv: u.sessionVersion, ...claims },
    secret,
    ...(maxAge !== undefined ? { maxAge } : {}),
  });
  return `next-auth.session-token=${token}`;
}

/** A socket.io client of the server at `base`, as the browser connects (websocket, no reconnection). */
export function connectClient(base: string, cookie?: string, headers: Record<string, string> = {}): Socket {
  return connect(base, {
    path: "/socket.io",
    transports: ["websocket"],
    extraHeaders: { ...(cookie ? { cookie } : {}), ...headers },
    reconnection: false,
    forceNew: true,
  });
}

/** Resolves once `s` is connected; rejects with its connect_error. */
export function connected(s: Socket): Promise<void> {
  return new Promise<void>((r, j) => {
    s.once("connect", () => r());
    s.once("connect_error", j);
  });
}

/** Joins a lesson of the course as the lesson page does: the acknowledgement. */
export function joinLesson(s: Socket, lessonId: string): Promise<{ ok: boolean }> {
  return s.emitWithAck("lesson:join", { courseSlug: "kubernetes-basics", lessonId });
}

/** Opens terminal tab `tabId` (100×30) as the lesson page does: the acknowledgement. */
export function openTab(s: Socket, tabId = "1"): Promise<{ ok: boolean }> {
  return s.emitWithAck("term:open", { tabId, cols: 100, rows: 30 });
}

/**
 * The harness of the calling test file: started as the file loads (top-level await), closed
 * after its last test.
 */
export async function useHarness(options: SocketOptions = {}, extras: HarnessExtras = {}): Promise<Harness> {
  const h = await startHarness(options, extras);
  afterAll(() => h.close());
  return h;
}

/** A client signed in as `email`, connected, with its terminal output and notices kept. */
export async function signedIn(
  h: Harness,
  email: string,
): Promise<{ socket: Socket; out: { text: () => string }; notices: string[] }> {
  const socket = h.client(await h.cookieFor(email));
  const out = output(socket);
  const notices: string[] = [];
  socket.on("notice", (n: { message: string }) => notices.push(n.message));
  await ready(socket);
  return { socket, out, notices };
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

/** What the terminals printed, in order (only `room`'s when given). */
export function emittedOutput(emitted: Emitted[], room?: string): string {
  return emitted
    .filter((e) => e.event === "term:output" && (room === undefined || e.room === room))
    .map((e) => (e.payload as { data: string }).data)
    .join("");
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
