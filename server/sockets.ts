/**
 * socket.io handlers: authenticate in the handshake, validate every payload with zod, and hand
 * the work to the student's workspace. Nothing a client sends can mark a step done: progress
 * only ever comes from the server's own evaluation of the journal and the cluster.
 */
import type { Server, Socket } from "socket.io";
import type { z } from "zod";
import type { Role } from "../lib/auth";
import { traced } from "../lib/block-trace";
import { seesStudents } from "../lib/classroom/access";
import { DEFAULT_COURSE_SLUG } from "../lib/classroom/course";
import {
  type Ack,
  type ClientToServer,
  closeSchema,
  inputSchema,
  type JoinReply,
  joinSchema,
  MAX_INPUT_CHARS,
  openSchema,
  protocolMismatch,
  resizeSchema,
  type ServerToClient,
  stepSchema,
  watchSchema,
} from "../lib/protocol/socket";
import { registerSocketAccess, type SocketAccess } from "../lib/revoke";
import { sameOrigin } from "../lib/same-origin";
import { whileRooms } from "./due";
import { stripOsc8 } from "./mirror-filter";
import {
  allowInput,
  EVENT_FLOOD,
  FLOOD_ENDED,
  flooding,
  oneMessagePerTurnPolling,
  TokenBucket,
} from "./rate-limit";
import { type SocketUser, userFromHandshake } from "./socket-auth";
import type { Workspace, WorkspaceRegistry } from "./workspaces";

export interface SocketData {
  user: SocketUser;
  workspace?: Workspace;
  lessonId?: string;
}

type IO = Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>;
type S = Socket<ClientToServer, ServerToClient, Record<string, never>, SocketData>;

function parse<T extends z.ZodType>(schema: T, raw: unknown, socket: S, ack?: Ack): z.infer<T> | null {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const message = `invalid request: ${r.error.issues[0]?.message ?? "bad payload"}`;
  if (typeof ack === "function") ack({ ok: false, error: message });
  else socket.emit("notice", { level: "error", message });
  return null;
}

/** Whether `teacher` may look at `studentId`'s terminal: an admin, or a teacher of one of their classes. */
export type MayWatch = (teacher: SocketUser, studentId: string) => Promise<boolean>;

/** The account as the database has it now, or null when it is gone. */
export type CurrentAccount = (userId: string) => Promise<{ sessionVersion: number; role: Role } | null>;

export interface SocketOptions {
  /** Looked up at every handshake: a revoked or deleted account's cookie opens no socket. */
  currentAccount?: CurrentAccount;
  /** How often open mirrors are re-authorised against the database (ms; 0 = never). */
  watchRecheckMs?: number;
  /** The site's public URL (NEXTAUTH_URL): browsers may open sockets from its origin. */
  publicUrl?: string;
}

/**
 * Whether a handshake's Origin may open a socket: the site's public origin or the origin of the
 * Host it was sent to (a page served by this server). A browser always sends Origin on a
 * WebSocket or cross-origin request, so a page elsewhere riding the user's cookie is refused;
 * clients that send no Origin (not browsers) carry no one else's cookie.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  publicUrl?: string,
): boolean {
  return origin === undefined || sameOrigin(origin, host, publicUrl);
}

export interface SocketControl extends SocketAccess {
  /** Users whose sockets currently receive `studentId`'s mirror. */
  watchersOf(studentId: string): Promise<string[]>;
  close(): void;
}

export const SESSION_ENDED = "Your session has ended. Sign in again.";

export function attachSockets(
  io: IO,
  registry: WorkspaceRegistry,
  secret: string,
  mayWatch: MayWatch = async () => false,
  options: SocketOptions = {},
): SocketControl {
  const { currentAccount, watchRecheckMs = 1000, publicUrl } = options;
  // long polling hands over one packet per turn, as the WebSocket engine does (server/rate-limit.ts)
  oneMessagePerTurnPolling(io.engine);
  /** Newest session version seen per user: a socket opened under an older one is void. */
  const versions = new Map<string, number>();

  const isCurrent = (u: SocketUser): boolean =>
    Date.now() < u.expiresAt && (versions.get(u.id) ?? u.sessionVersion) <= u.sessionVersion;

  const end = (socket: S, message = SESSION_ENDED): void => {
    if (!socket.connected) return;
    socket.emit("notice", { level: "error", message });
    socket.disconnect(true);
  };

  io.use(async (socket, next) => {
    const { origin, host } = socket.request.headers;
    if (!originAllowed(origin, host, publicUrl)) return next(new Error("forbidden origin"));
    const mismatch = protocolMismatch(socket.handshake.auth);
    if (mismatch) return next(new Error(mismatch));
    const user = await userFromHandshake(socket.request, secret);
    if (!user || Date.now() >= user.expiresAt) return next(new Error("unauthorized"));
    if (currentAccount) {
      const account = await currentAccount(user.id).catch(() => undefined);
      if (account === undefined) return next(new Error("server unavailable"));
      if (!account || account.sessionVersion !== user.sessionVersion) return next(new Error("unauthorized"));
      user.role = account.role;
      versions.set(user.id, Math.max(versions.get(user.id) ?? 0, account.sessionVersion));
    }
    socket.data.user = user;
    next();
  });

  io.on("connection", (socket: S) => {
    const user = socket.data.user;
    /**
     * For the privileged events (join, reset, watch): asks the database, not only this process.
     * `read`: the account as a statement of the event's own already read it (a join's).
     */
    const stillCurrent = async (read?: Promise<Awaited<ReturnType<CurrentAccount>>>): Promise<boolean> => {
      if (!isCurrent(user)) return false;
      if (!currentAccount) return true;
      const account = await (read ?? currentAccount(user.id));
      if (!account || account.sessionVersion !== user.sessionVersion) {
        versions.set(user.id, account?.sessionVersion ?? Number.MAX_SAFE_INTEGER);
        return false;
      }
      user.role = account.role;
      return true;
    };
    // A flood of events of any kind ends the socket: decoding and refusing them one by one
    // would still cost every other student (the input limits below only see term:input).
    const events = new TokenBucket(EVENT_FLOOD, Date.now());
    socket.use((_packet, next) => {
      const now = Date.now();
      if (!events.has(1, now) || flooding(socket)) return end(socket, FLOOD_ENDED);
      events.take(1);
      next();
    });
    void socket.join(`user:${user.id}`);
    if (seesStudents(user)) void socket.join(`teacher:${user.id}`);
    // The socket lives no longer than the session it was opened with.
    const expiry = setTimeout(() => end(socket), Math.min(user.expiresAt - Date.now(), 2 ** 31 - 1));
    expiry.unref();

    /**
     * Registers a handler. socket.io hands over whatever the client sent: the arguments are
     * checked for shape first (the payload if the event has one, then at most an ack that must
     * be a function), so a malformed call is refused before anything runs. Every event is
     * re-authorised first, and handlers never throw into socket.io.
     */
    const on = <T, R = unknown>(
      event: string,
      schema: z.ZodType<T> | null,
      fn: (req: T, ack: Ack<R> | undefined) => Promise<void> | void,
    ): void => {
      socket.on(event as keyof ClientToServer, (...args: unknown[]) => {
        if (!isCurrent(user)) return end(socket);
        const ackAt = schema ? 1 : 0;
        const maybeAck = args[ackAt];
        const ack = typeof maybeAck === "function" ? (maybeAck as Ack<R>) : undefined;
        if (args.length > ackAt + 1 || (maybeAck !== undefined && !ack)) {
          socket.emit("notice", {
            level: "error",
            message: `invalid request: ${event} takes ${schema ? "a payload and " : ""}an optional callback`,
          });
          return;
        }
        let req = undefined as T;
        if (schema) {
          const parsed = parse(schema, args[0], socket, ack);
          if (parsed === null) return;
          req = parsed;
        }
        Promise.resolve()
          .then(() => traced(event, () => fn(req, ack)))
          .catch((err: unknown) => {
            console.error("[socket]", err);
            ack?.({ ok: false, error: "internal error" });
          });
      });
    };

    on<z.infer<typeof joinSchema>, JoinReply>("lesson:join", joinSchema, async (req, ack) => {
      // The account check and the workspace's reads are one statement when the workspace is
      // loaded for this join (the registry's), else the account's own; nothing is attached or
      // sent before the check says the session is current.
      const { workspace: loading, account } = registry.joining(user.id, req.courseSlug, req.lessonId);
      loading.catch(() => {});
      account.catch(() => {});
      if (!(await stillCurrent(account))) {
        void loading.then(
          (w) => w?.releaseIfIdle(),
          () => {},
        );
        return end(socket);
      }
      const ws = await loading;
      if (!ws) return ack?.({ ok: false, error: "unknown course" });
      const lesson = ws.lesson(req.lessonId);
      if (!lesson) return ack?.({ ok: false, error: "unknown lesson" });
      if (socket.data.workspace && socket.data.workspace !== ws) socket.data.workspace.detach(socket.id);
      socket.data.workspace = ws;
      socket.data.lessonId = lesson.id;
      // The saved locale came with the account (no statement of its own).
      ws.attach(socket, (await account.catch(() => null))?.locale);
      // One request to the simulation (none if the workspace was built for this join).
      const joined = await ws.join(lesson.id);
      ack?.({
        ok: true,
        data: { tabs: joined.tabs, clusterScenario: ws.scenario, lessonScenario: lesson.scenario },
      });
      socket.emit("progress", joined.progress);
    });

    on("term:open", openSchema, (req, ack) => {
      const ws = socket.data.workspace;
      if (!ws) return ack?.({ ok: false, error: "join a lesson first" });
      ws.openTab(req.tabId, req.cols, req.rows, socket.id);
      ack?.({ ok: true });
    });

    socket.on("term:input", (...args: unknown[]) => {
      if (!isCurrent(user)) return end(socket);
      const raw = args[0];
      const r = inputSchema.safeParse(raw);
      if (!r.success) {
        // Too much at once goes to the terminal it was meant for; anything else is a notice.
        const tab = inputSchema.shape.tabId.safeParse((raw as { tabId?: unknown } | null)?.tabId);
        const data = (raw as { data?: unknown } | null)?.data;
        if (tab.success && typeof data === "string" && data.length > MAX_INPUT_CHARS) {
          socket.emit("term:output", {
            tabId: tab.data,
            data: `\r\n\x1b[31mkubeclass: input refused: ${data.length} characters at once (the limit is ${MAX_INPUT_CHARS})\x1b[0m\r\n`,
          });
        } else parse(inputSchema, raw, socket);
        return;
      }
      try {
        if (allowInput(socket, r.data.tabId, r.data.data))
          traced("line", () => socket.data.workspace?.input(r.data.tabId, r.data.data));
      } catch (err) {
        console.error("[socket]", err);
      }
    });

    on("term:resize", resizeSchema, (req) => {
      socket.data.workspace?.resize(req.tabId, req.cols, req.rows);
    });

    on("term:close", closeSchema, (req) => {
      socket.data.workspace?.closeTab(req.tabId);
    });

    on<undefined>("lesson:reset", null, async (_req, ack) => {
      const ws = socket.data.workspace;
      const lessonId = socket.data.lessonId;
      if (!ws || !lessonId) return ack?.({ ok: false, error: "join a lesson first" });
      if (!(await stillCurrent())) return end(socket);
      await ws.resetLesson(lessonId);
      ack?.({ ok: true });
    });

    on("lesson:solution", stepSchema, async (req, ack) => {
      const ws = socket.data.workspace;
      const lessonId = socket.data.lessonId;
      if (!ws || !lessonId) return ack?.({ ok: false, error: "join a lesson first" });
      await ws.solutionShown(lessonId, req.stepId);
      ack?.({ ok: true });
    });

    on<z.infer<typeof watchSchema>, { tabs: Array<{ tabId: string; screen: string }> }>(
      "watch:start",
      watchSchema,
      async (req, ack) => {
        if (!(await stillCurrent())) return end(socket);
        if (!seesStudents(user) || !(await mayWatch(user, req.studentId)))
          return ack?.({ ok: false, error: "forbidden" });
        const ws = await registry.acquire(req.studentId, DEFAULT_COURSE_SLUG);
        ws?.releaseIfIdle();
        await socket.join(`watch:${req.studentId}`);
        const tabs = ((await ws?.screens()) ?? []).map((t) => ({
          tabId: t.tabId,
          screen: stripOsc8(t.screen),
        }));
        ack?.({ ok: true, data: { tabs } });
      },
    );

    on("watch:stop", watchSchema, async (req) => {
      await socket.leave(`watch:${req.studentId}`);
    });

    socket.on("disconnect", () => {
      clearTimeout(expiry);
      socket.data.workspace?.detach(socket.id);
    });
  });

  const watchedRooms = (): string[] =>
    [...io.of("/").adapter.rooms.keys()].filter((r) => r.startsWith("watch:"));

  const recheckWatches = async (studentId?: string): Promise<void> => {
    const rooms = studentId ? [`watch:${studentId}`] : watchedRooms();
    for (const room of rooms) {
      const student = room.slice("watch:".length);
      for (const s of await io.in(room).fetchSockets()) {
        const watcher = s.data.user;
        if (!isCurrent(watcher) || !(await mayWatch(watcher, student).catch(() => false))) s.leave(room);
      }
    }
  };

  // A backstop for changes nobody announced (a class edited in the database by hand), run only
  // while a teacher watches someone (nothing to re-check otherwise).
  const sweep =
    watchRecheckMs > 0
      ? whileRooms(io.of("/").adapter, "watch:", watchRecheckMs, () => recheckWatches())
      : undefined;

  const access: SocketControl = {
    async endUser(userId, version) {
      versions.set(userId, Math.max(versions.get(userId) ?? 0, version));
      for (const s of await io.in(`user:${userId}`).fetchSockets())
        if (s.data.user.sessionVersion < version) {
          s.emit("notice", { level: "error", message: SESSION_ENDED });
          s.disconnect(true);
        }
    },
    async endWatch(teacherId, studentId) {
      io.in(`user:${teacherId}`).socketsLeave(`watch:${studentId}`);
    },
    recheckWatches,
    async watchersOf(studentId) {
      return (await io.in(`watch:${studentId}`).fetchSockets()).map((s) => s.data.user.id);
    },
    close() {
      sweep?.close();
      registerSocketAccess(undefined);
    },
  };
  registerSocketAccess(access);
  return access;
}
