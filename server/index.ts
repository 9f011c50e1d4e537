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
import { revokeUser } from "../lib/revoke";
import { CLIENT_ADDRESS_HEADER, clientAddress } from "./client-address";
import { env } from "./env";
import { createKubeRoute } from "./kube-api/route";
import { SOCKET_SERVER_OPTIONS } from "./rate-limit";
import { attachSockets, type SocketData } from "./sockets";
import { TeachingHub } from "./teaching/hub";
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

  // The student's own kubectl (`/kube/<course>/…`, server/kube-api/route.ts); bound below.
  let kube: ReturnType<typeof createKubeRoute> | undefined;
  const http = createServer((req, res) => {
    req.headers[CLIENT_ADDRESS_HEADER] = clientAddress(req, cfg.TRUST_PROXY);
    if (kube?.request(req, res)) return;
    void handle(req, res);
  });
  const io = new Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>(http, {
    ...SOCKET_SERVER_OPTIONS,
    serveClient: false,
    // engine.io ends other paths' upgrades that have written nothing after this long; `kubectl
    // exec` (/kube/…) answers once its token is checked and the workspace is loaded.
    destroyUpgradeTimeout: 15_000,
  });
  // Stuck detection, faults, recordings (issue 13): listens to the workspaces through hooks.
  const teaching = new TeachingHub(io);
  const registry = new WorkspaceRegistry({
    databaseUrl: cfg.DATABASE_URL,
    io,
    idleMinutes: cfg.CLUSTER_IDLE_MINUTES,
    hooks: teaching.hooks,
    workers: cfg.KUBECLASS_WORKERS,
  });
  // Asked at every handshake and kubectl request: one prepared statement on the live sessions'
  // pg pool, not an ORM query (Prisma's query compiler was most of a join's CPU; ADR 0014). A
  // join that loads a workspace reads the account in its own statement (ADR 0038).
  const currentAccount = (id: string) => registry.account(id);
  const sockets = attachSockets(
    io,
    registry,
    cfg.NEXTAUTH_SECRET,
    (teacher, studentId) => teachesStudent(db(), teacher, studentId),
    { publicUrl: cfg.NEXTAUTH_URL ?? process.env.NEXTAUTH_URL, currentAccount },
  );
  kube = createKubeRoute({
    workspaces: registry,
    secret: cfg.NEXTAUTH_SECRET,
    currentVersion: async (id) => (await currentAccount(id))?.sessionVersion ?? null,
  });
  const kubeRoute = kube;
  http.on("upgrade", (req, socket, head) => kubeRoute.upgrade(req, socket, head));

  teaching.bind(registry);
  // The first joins of a class find connections open, statements prepared, the course loaded
  // on this thread and the simulation compiled on the workers (docs/adr/0043).
  await registry.warm();

  // A disabled account loses its live terminals at once (lib/classroom/accounts.ts#setDisabled).
  const stopListening = onAccountDisabled((userId) => {
    io.in(`user:${userId}`).disconnectSockets(true);
    // …and every cookie it holds (lib/revoke.ts: the session version moves on).
    revokeUser(db(), userId).catch((err: unknown) => console.error("[revoke]", err));
  });

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
    /** Stops taking sockets and requests, then saves every live workspace (the database stays open). */
    async close() {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      // Disconnects every socket; a browser that reconnects now finds nobody listening.
      stopListening();
      kubeRoute.close();
      sockets.close();
      io.close();
      await teaching.close();
      await registry.shutdown();
      http.closeAllConnections();
      await closed;
    },
  };
}
