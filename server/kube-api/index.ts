/**
 * The HTTP and websocket face of a simulated cluster's Kubernetes API: requests go to the
 * cluster's API handler (lib/cluster), streams (watch, logs -f) are kept flowing, and `pods/exec`
 * upgrades to the websocket remote-command protocol (./exec.ts). `serveApi` serves it on its own
 * port (`npm run sim -- --api`, the real-kubectl tests); `handleKubeApi` and the exec bridge are
 * what an HTTP server mounts to serve it beside other routes.
 * Lives outside the pure core: it owns sockets and the timers that keep streams flowing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Cluster } from "../../lib/cluster";
import type { ApiRequest, Clock, HttpMethod } from "../../lib/cluster/types";
import "../openapi";
import { createExecBridge } from "./exec";

export { createExecBridge, EXEC_PROTOCOLS, exitStatus, parseExecUrl } from "./exec";

const METHODS = new Set<HttpMethod>(["GET", "POST", "PUT", "PATCH", "DELETE"]);
/** How often an open stream (watch, logs -f) touches the cluster so due transitions happen. */
const STREAM_TICK_MS = 250;

/**
 * The request body as a string: UTF-8 text, except binary protobuf bodies
 * (`application/vnd.kubernetes.protobuf`, what kubectl's typed clients send), which are handed
 * over one char per byte (latin1) for lib/cluster's decoder.
 */
function readBody(req: IncomingMessage): Promise<string> {
  const binary = (req.headers["content-type"] ?? "").startsWith("application/vnd.kubernetes.protobuf");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString(binary ? "latin1" : "utf8")));
    req.on("error", reject);
  });
}

/** Answers one HTTP request from the cluster's API handler (a stream stays open until it ends). */
export async function handleKubeApi(
  cluster: Cluster,
  req: IncomingMessage,
  res: ServerResponse,
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
    clearInterval(ticker);
    if (deadline) clearTimeout(deadline);
    stream.close();
    res.end();
  };
  const ticker = setInterval(() => cluster.tick(), STREAM_TICK_MS);
  const deadline = timeoutSeconds > 0 ? setTimeout(finish, timeoutSeconds * 1000) : undefined;
  req.on("close", finish);
  stream.start((chunk) => {
    if (!ended) res.write(chunk);
  }, finish);
}

export function serveApi(
  cluster: Cluster,
  host: string,
  port: number,
  opts: { clock?: Clock } = {},
): Promise<{ close(): Promise<void>; port: number }> {
  const server = createServer((req, res) => {
    handleKubeApi(cluster, req, res).catch((e: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(e));
    });
  });
  // `pods/exec` over websockets (kubectl exec); any other upgrade gets the API server's 400.
  // `opts.clock`: the cluster's clock when it is not the wall clock (`date` in an exec shell).
  const exec = createExecBridge(cluster, opts.clock ? { clock: opts.clock } : {});
  server.on("upgrade", (req, socket, head) => {
    if (exec.handleUpgrade(req, socket, head)) return;
    socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const addr = server.address();
      const bound = typeof addr === "object" && addr ? addr.port : port;
      resolve({
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            exec.close();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
