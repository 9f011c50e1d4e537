/**
 * The student's own kubectl when their cluster lives in a worker thread (docs/adr/0031): each
 * workspace worker serves its clusters' faces (./index.ts) on a loopback-only port of its own, and
 * the product server, once the route (./route.ts) has admitted a request, forwards it there —
 * the request with its body, the response as it streams (watch, `logs -f`), and the `pods/exec`
 * upgrade as a byte pipe both ways. Ending the product side's request or socket (revocation,
 * expiry) ends the worker's, so its stream is closed there too.
 *
 * A worker port answers only requests that carry the pool's key (a random secret handed to the
 * workers at start) and name one of its workspaces: another process of the machine cannot reach
 * a student's cluster through it.
 */
import { timingSafeEqual } from "node:crypto";
import { type Agent, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { connect } from "node:net";
import type { Duplex } from "node:stream";
import { declaredTooLarge, refuseTooLarge } from "./index";

/** The pool's key and the workspace a forwarded request is for. */
export const KEY_HEADER = "x-kubeclass-worker-key";
export const CORE_HEADER = "x-kubeclass-workspace";

/** Where to forward: the worker's port, its key, the workspace there. */
export interface ForwardTarget {
  port: number;
  key: string;
  core: number;
  agent?: Agent;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) and ours: not passed on as they came. */
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te"]);
const OURS = new Set([KEY_HEADER, CORE_HEADER]);

/** The API server's 503 (kubectl waits a second and asks again, the route finds the workspace anew). */
export const UNAVAILABLE_STATUS = JSON.stringify({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: "the server is currently unable to handle the request",
  reason: "ServiceUnavailable",
  code: 503,
});

/**
 * Forwards one admitted request to the worker and its answer back; resolves once the answer's
 * headers are sent (a stream goes on flowing).
 */
/** Answers `res` with the API server's 503 and Retry-After. */
export function sendUnavailable(res: ServerResponse): void {
  res
    .writeHead(503, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(UNAVAILABLE_STATUS),
      "retry-after": "1",
    })
    .end(UNAVAILABLE_STATUS);
}

export function forwardRequest(to: ForwardTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Refused here, as the face would, without sending the worker a byte of it.
  if (declaredTooLarge(req)) {
    refuseTooLarge(res);
    return Promise.resolve();
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined && !HOP.has(k) && !OURS.has(k)) headers[k] = v;
  headers[KEY_HEADER] = to.key;
  headers[CORE_HEADER] = String(to.core);
  return new Promise((resolve) => {
    let done = false;
    const upstream = httpRequest({
      host: "127.0.0.1",
      port: to.port,
      method: req.method,
      path: req.url,
      headers,
      ...(to.agent ? { agent: to.agent } : {}),
    });
    upstream.on("response", (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
      // The worker closes after a refusal it did not read the body of (413): so does this side.
      if (answer.headers.connection === "close") out.connection = "close";
      res.writeHead(answer.statusCode ?? 502, out);
      // A watch may stay quiet for long: its headers go now.
      if (answer.headers["content-length"] === undefined) res.flushHeaders();
      answer.on("end", () => {
        done = true;
      });
      answer.on("error", () => res.destroy());
      answer.pipe(res);
      resolve();
    });
    upstream.on("error", () => {
      if (done) return;
      if (!res.headersSent) sendUnavailable(res);
      else res.destroy();
      resolve();
    });
    // Revoked, expired or gone: the worker's side ends as well (and with it the stream there).
    res.on("close", () => {
      if (!done) upstream.destroy();
    });
    req.pipe(upstream);
  });
}

/** Forwards an admitted upgrade (`pods/exec`): the request's head, then bytes both ways. */
export function forwardUpgrade(to: ForwardTarget, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const lines = [`${req.method ?? "GET"} ${req.url ?? "/"} HTTP/1.1`];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (!OURS.has((raw[i] as string).toLowerCase())) lines.push(`${raw[i]}: ${raw[i + 1]}`);
  lines.push(`${KEY_HEADER}: ${to.key}`, `${CORE_HEADER}: ${to.core}`);
  const upstream = connect(to.port, "127.0.0.1");
  upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
  if (head.length > 0) upstream.write(head);
  upstream.on("error", () => socket.destroy());
  socket.on("error", () => upstream.destroy());
  upstream.on("close", () => socket.destroy());
  socket.on("close", () => upstream.destroy());
  upstream.pipe(socket);
  socket.pipe(upstream);
}

/**
 * The worker's side: the workspace a forwarded request names, if it carries the pool's key
 * (the headers are taken off: the face sees the request as kubectl sent it).
 */
export function forwardedCore(req: IncomingMessage, key: string): number | null {
  const given = req.headers[KEY_HEADER];
  const core = Number(req.headers[CORE_HEADER]);
  delete req.headers[KEY_HEADER];
  delete req.headers[CORE_HEADER];
  if (typeof given !== "string") return null;
  const a = Buffer.from(given);
  const b = Buffer.from(key);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  return Number.isInteger(core) ? core : null;
}
