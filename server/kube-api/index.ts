/**
 * The HTTP and websocket face of a simulated cluster's Kubernetes API: requests go to the
 * cluster's API handler (lib/cluster), streams (watch, logs -f) are kept flowing, and `pods/exec`
 * upgrades to the websocket remote-command protocol (./exec.ts). `createKubeFace` is that face
 * for one cluster; `serveApi` serves it on a port of its own (`npm run sim -- --api`, the
 * real-kubectl tests) and the product server mounts one per student workspace behind
 * authentication (./route.ts).
 * Lives outside the pure core: it owns sockets and the timers that keep streams flowing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Cluster } from "../../lib/cluster";
import { MAX_REQUEST_BYTES, requestTooLarge } from "../../lib/cluster/limits";
import type { ApiRequest, Clock, HttpMethod } from "../../lib/cluster/types";
import "../openapi";
import type { Slices } from "../slices";
import { createExecBridge } from "./exec";

export { createExecBridge, EXEC_PROTOCOLS, exitStatus, parseExecUrl } from "./exec";

const METHODS = new Set<HttpMethod>(["GET", "POST", "PUT", "PATCH", "DELETE"]);
/** How often an open stream (watch, logs -f) touches the cluster so due transitions happen. */
const STREAM_TICK_MS = 250;

/**
 * How much of a refused body is still read before the 413 goes out: Go's HTTP server discards
 * up to 256 KiB of a body its handler left unread before it answers and closes, so a client
 * that is still writing a body just over the limit reads the 413 instead of a broken pipe.
 */
const DISCARD_AFTER_LIMIT = 256 * 1024;

/**
 * The request says it is longer than the API server's `--max-request-bytes` plus what is
 * discarded before a refusal (DISCARD_AFTER_LIMIT): answered at once, nothing of it read.
 */
export function declaredTooLarge(req: IncomingMessage): boolean {
  return Number(req.headers["content-length"] ?? 0) > MAX_REQUEST_BYTES + DISCARD_AFTER_LIMIT;
}

/** The API server's 413, and the connection closed (the rest of the body is not read). */
export function refuseTooLarge(res: ServerResponse): void {
  const status = JSON.stringify(requestTooLarge().toStatus());
  res.writeHead(413, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(status),
    connection: "close",
  });
  res.end(status);
}

/**
 * The request body as a string: UTF-8 text, except binary protobuf bodies
 * (`application/vnd.kubernetes.protobuf`, what kubectl's typed clients send), which are handed
 * over one char per byte (latin1) for lib/cluster's decoder. Null when it is longer than the API
 * server's `--max-request-bytes`: nothing past the limit is kept, and the rest is discarded up to
 * DISCARD_AFTER_LIMIT before the answer (further than that, the connection is closed on it).
 */
function readBody(req: IncomingMessage): Promise<string | null> {
  const binary = (req.headers["content-type"] ?? "").startsWith("application/vnd.kubernetes.protobuf");
  if (declaredTooLarge(req)) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES + DISCARD_AFTER_LIMIT) {
        req.off("data", onData);
        resolve(null);
        return;
      }
      if (size > MAX_REQUEST_BYTES) {
        refused = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    };
    req.on("data", onData);
    req.on("end", () => resolve(refused ? null : Buffer.concat(chunks).toString(binary ? "latin1" : "utf8")));
    req.on("error", reject);
  });
}

/**
 * Answers one HTTP request from the cluster's API handler (a stream stays open until it ends).
 * `streams`: where the open stream registers how to end it (the face ends them all on close).
 */
export async function handleKubeApi(
  cluster: Cluster,
  req: IncomingMessage,
  res: ServerResponse,
  streams?: Set<() => void>,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const method = (req.method ?? "GET").toUpperCase() as HttpMethod;
  if (!METHODS.has(method)) {
    res.writeHead(405).end();
    return;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k.toLowerCase()] = v;
  const body = await readBody(req);
  if (body === null) {
    refuseTooLarge(res);
    return;
  }
  const apiReq: ApiRequest = { method, path: url.pathname, query: url.searchParams, headers };
  if (body) apiReq.body = body;
  const out = cluster.handle(apiReq);
  if (!out.stream) {
    res.writeHead(out.status, { ...out.headers, "content-length": Buffer.byteLength(out.body) });
    res.end(out.body);
    return;
  }
  const { "transfer-encoding": _te, ...streamHeaders } = out.headers;
  res.writeHead(out.status, streamHeaders);
  // A watch may stay quiet for a long time: send the headers now, or clients wait for them.
  res.flushHeaders();
  const stream = out.stream;
  const timeoutSeconds = Number(url.searchParams.get("timeoutSeconds") ?? "0");
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    streams?.delete(finish);
    clearInterval(ticker);
    if (deadline) clearTimeout(deadline);
    stream.close();
    res.end();
  };
  streams?.add(finish);
  const ticker = setInterval(() => cluster.tick(), STREAM_TICK_MS);
  const deadline = timeoutSeconds > 0 ? setTimeout(finish, timeoutSeconds * 1000) : undefined;
  req.on("close", finish);
  stream.start((chunk) => {
    if (!ended) res.write(chunk);
  }, finish);
}

/** One cluster's API as an HTTP server serves it: requests, streams and `pods/exec`. */
export interface KubeFace {
  /** Answers a request whose URL is the API's path (`/api/v1/…`), streams included. */
  request(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Answers an `upgrade` (`pods/exec`; anything else gets the API server's 400). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open watches, `logs -f` and exec sessions. */
  readonly openStreams: number;
  /** Ends every open stream and exec session; the face answers nothing afterwards. */
  close(): void;
}

/**
 * The face of `cluster`. `opts.clock`: the cluster's clock when it is not the wall clock (`date`
 * in an exec shell); `opts.slices`: the turns its exec shells take (the student's own, so they
 * share the student's CPU limit with the terminal: server/slices.ts).
 */
export function createKubeFace(cluster: Cluster, opts: { clock?: Clock; slices?: Slices } = {}): KubeFace {
  const streams = new Set<() => void>();
  const exec = createExecBridge(cluster, {
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.slices ? { slices: opts.slices } : {}),
  });
  const sessions = new Set<Duplex>();
  let closed = false;
  return {
    async request(req, res) {
      if (closed) {
        res.writeHead(503).end();
        return;
      }
      try {
        await handleKubeApi(cluster, req, res, streams);
      } catch (e) {
        if (res.headersSent) res.destroy();
        else res.writeHead(500, { "content-type": "text/plain" }).end(String(e));
      }
    },
    upgrade(req, socket, head) {
      if (!closed && exec.handleUpgrade(req, socket, head)) {
        sessions.add(socket);
        socket.once("close", () => sessions.delete(socket));
        return;
      }
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    },
    get openStreams() {
      return streams.size + sessions.size;
    },
    close() {
      closed = true;
      for (const finish of [...streams]) finish();
      exec.close();
    },
  };
}

export function serveApi(
  cluster: Cluster,
  host: string,
  port: number,
  opts: { clock?: Clock } = {},
): Promise<{ close(): Promise<void>; port: number }> {
  const face = createKubeFace(cluster, opts);
  const server = createServer((req, res) => void face.request(req, res));
  // `pods/exec` over websockets (kubectl exec).
  server.on("upgrade", (req, socket, head) => face.upgrade(req, socket, head));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const addr = server.address();
      const bound = typeof addr === "object" && addr ? addr.port : port;
      resolve({
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            face.close();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
