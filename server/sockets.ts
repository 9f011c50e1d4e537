/**
 * socket.io handlers: authenticate in the handshake, validate every payload with zod, and hand
 * the work to the student's workspace. Nothing a client sends can mark a step done: progress
 * only ever comes from the server's own evaluation of the journal and the cluster.
 */
import type { Server, Socket } from "socket.io";
import type { z } from "zod";
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

export function attachSockets(
  io: IO,
  registry: WorkspaceRegistry,
  secret: string,
  mayWatch: MayWatch = async () => false,
): void {
  io.use(async (socket, next) => {
    const mismatch = protocolMismatch(socket.handshake.auth);
    if (mismatch) return next(new Error(mismatch));
    const user = await userFromHandshake(socket.request, secret);
    if (!user) return next(new Error("unauthorized"));
    socket.data.user = user;
    next();
  });

  io.on("connection", (socket: S) => {
    const user = socket.data.user;
    void socket.join(`user:${user.id}`);
    if (user.role !== "STUDENT") void socket.join(`teacher:${user.id}`);

    // Handlers never throw into socket.io (an exception there would take the process down).
    const guard =
      <A extends unknown[]>(fn: (...args: A) => Promise<void> | void) =>
      (...args: A) => {
        Promise.resolve()
          .then(() => fn(...args))
          .catch((err: unknown) => {
            console.error("[socket]", err);
            const ack = args.find((a) => typeof a === "function") as Ack | undefined;
            ack?.({ ok: false, error: "internal error" });
          });
      };

    socket.on(
      "lesson:join",
      guard(async (raw: unknown, ack?: Ack<JoinReply>) => {
        const req = parse(joinSchema, raw, socket, ack);
        if (!req) return;
        const ws = await registry.acquire(user.id, req.courseSlug, req.lessonId);
        if (!ws) return ack?.({ ok: false, error: "unknown course" });
        const lesson = ws.lesson(req.lessonId);
        if (!lesson) return ack?.({ ok: false, error: "unknown lesson" });
        if (socket.data.workspace && socket.data.workspace !== ws) socket.data.workspace.detach(socket.id);
        socket.data.workspace = ws;
        socket.data.lessonId = lesson.id;
        ws.attach(socket);
        await ws.enterLesson(lesson.id);
        ack?.({
          ok: true,
          data: { tabs: ws.tabIds(), clusterScenario: ws.scenario, lessonScenario: lesson.scenario },
        });
        socket.emit("progress", await ws.progress(lesson.id));
      }),
    );

    socket.on(
      "term:open",
      guard((raw: unknown, ack?: Ack) => {
        const req = parse(openSchema, raw, socket, ack);
        const ws = socket.data.workspace;
        if (!req) return;
        if (!ws) return ack?.({ ok: false, error: "join a lesson first" });
        ws.openTab(req.tabId, req.cols, req.rows, socket.id);
        ack?.({ ok: true });
      }),
    );

    socket.on(
      "term:input",
      guard((raw: unknown) => {
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
        const req = r.data;
        socket.data.workspace?.input(req.tabId, req.data);
      }),
    );

    socket.on(
      "term:resize",
      guard((raw: unknown) => {
        const req = parse(resizeSchema, raw, socket);
        if (req) socket.data.workspace?.resize(req.tabId, req.cols, req.rows);
      }),
    );

    socket.on(
      "term:close",
      guard((raw: unknown) => {
        const req = parse(closeSchema, raw, socket);
        if (req) socket.data.workspace?.closeTab(req.tabId);
      }),
    );

    socket.on(
      "lesson:reset",
      guard(async (ack?: Ack) => {
        const ws = socket.data.workspace;
        const lessonId = socket.data.lessonId;
        if (!ws || !lessonId) return ack?.({ ok: false, error: "join a lesson first" });
        await ws.resetLesson(lessonId);
        ack?.({ ok: true });
      }),
    );

    socket.on(
      "lesson:solution",
      guard(async (raw: unknown, ack?: Ack) => {
        const req = parse(stepSchema, raw, socket, ack);
        const ws = socket.data.workspace;
        const lessonId = socket.data.lessonId;
        if (!req) return;
        if (!ws || !lessonId) return ack?.({ ok: false, error: "join a lesson first" });
        await ws.solutionShown(lessonId, req.stepId);
        ack?.({ ok: true });
      }),
    );

    socket.on(
      "watch:start",
      guard(async (raw: unknown, ack?: Ack<{ tabs: Array<{ tabId: string; screen: string }> }>) => {
        const req = parse(watchSchema, raw, socket, ack);
        if (!req) return;
        if (user.role === "STUDENT" || !(await mayWatch(user, req.studentId)))
          return ack?.({ ok: false, error: "forbidden" });
        const ws = await registry.acquire(req.studentId, "kubernetes-basics");
        ws?.releaseIfIdle();
        await socket.join(`watch:${req.studentId}`);
        ack?.({ ok: true, data: { tabs: ws?.screens() ?? [] } });
      }),
    );

    socket.on(
      "watch:stop",
      guard(async (raw: unknown) => {
        const req = parse(watchSchema, raw, socket);
        if (req) await socket.leave(`watch:${req.studentId}`);
      }),
    );

    socket.on("disconnect", () => {
      socket.data.workspace?.detach(socket.id);
    });
  });
}
