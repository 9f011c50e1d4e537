/**
 * The custom Node server: one HTTP port hosting Next.js (pages, auth routes) and socket.io
 * (terminals, live progress). Started by scripts/start.ts once the database is ready.
 */
import { createServer, type Server as HttpServer } from "node:http";
import path from "node:path";
import next from "next";
import { Server } from "socket.io";
import { teachesStudent } from "../lib/classroom/access";
import { onAccountDisabled } from "../lib/classroom/accounts";
import { db } from "../lib/db";
import type { ClientToServer, ServerToClient } from "../lib/protocol/socket";
import { env } from "./env";
import { attachSockets, type SocketData } from "./sockets";
import { WorkspaceRegistry } from "./workspaces";

export interface RunningServer {
  http: HttpServer;
  io: Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>;
  registry: WorkspaceRegistry;
  url: string;
  close(): Promise<void>;
}

export async function startServer(opts: { dev: boolean }): Promise<RunningServer> {
  const cfg = env();
  const dir = path.resolve(import.meta.dirname, "..");
  const app = next({ dev: opts.dev, dir, hostname: cfg.HOST, port: cfg.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();

  const http = createServer((req, res) => {
    void handle(req, res);
  });
  const io = new Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>(http, {
    path: "/socket.io",
    // Keystrokes are small; anything near this is refused by socket.io before it reaches us.
    maxHttpBufferSize: 256 * 1024,
    serveClient: false,
  });
  const registry = new WorkspaceRegistry({ prisma: db(), io, idleMinutes: cfg.CLUSTER_IDLE_MINUTES });
  attachSockets(io, registry, cfg.NEXTAUTH_SECRET, (teacher, studentId) =>
    teachesStudent(db(), teacher, studentId),
  );

  // A disabled account loses its live terminals at once (lib/classroom/accounts.ts#setDisabled).
  const stopListening = onAccountDisabled((userId) => io.in(`user:${userId}`).disconnectSockets(true));

  await new Promise<void>((resolve, reject) => {
    http.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new Error(`Port ${cfg.PORT} is already in use (set PORT to another one)`)
          : err,
      ),
    );
    http.listen(cfg.PORT, cfg.HOST, resolve);
  });
  const shownHost = cfg.HOST === "0.0.0.0" ? "localhost" : cfg.HOST;
  const url = `http://${shownHost}:${cfg.PORT}`;

  return {
    http,
    io,
    registry,
    url,
    async close() {
      stopListening();
      io.close();
      await registry.shutdown();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
