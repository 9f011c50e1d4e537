/**
 * `/kube/<course>/…` on the product server: the student's own kubectl against their live
 * workspace's cluster (docs/adr/0029-own-kubectl.md). The kubeconfig's bearer token
 * (lib/kube-access.ts) names the student, the course and the session version it was issued
 * under; each request is checked against the database's version (sign-out, disabling and removal
 * void it, lib/revoke.ts), counted against the user's request budget and in-flight limit, and
 * handed to the workspace — the same one the browser's terminals use, loaded as a socket join
 * loads it — through its one narrow door (`Workspace.kubeApi` / `kubeUpgrade`). Open streams
 * (`get -w`, `logs -f`, `exec`) end when the access is revoked, when the token expires and when
 * the workspace leaves memory.
 *
 * Refusals are the API server's own Status objects, so the real kubectl prints its own words
 * ("error: You must be logged in to the server (Unauthorized)").
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { ApiError, type StatusDetails, type StatusReason } from "../../lib/cluster/errors";
import { bearerToken, KUBE_ROUTE_PREFIX, PATH_TOKEN_SEGMENT, verifyKubeToken } from "../../lib/kube-access";
import { registerKubeAccess } from "../../lib/revoke";
import { type BucketSpec, TokenBucket } from "../../lib/token-bucket";

/** What the route needs of a live workspace (server/workspaces.ts#Workspace). */
export interface KubeWorkspace {
  kubeApi(req: IncomingMessage, res: ServerResponse): Promise<void>;
  kubeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Starts (or restarts) the idle countdown when no browser is attached. */
  releaseIfIdle(): void;
}

export interface KubeRouteLimits {
  /** Requests per user (every request, exec and watches included). */
  requests: BucketSpec;
  /** Requests of one user open at once (watches, `logs -f` and exec sessions stay open). */
  inFlight: number;
}

/**
 * kubectl's first command in a fresh cache asks discovery a handful of times and a watch or exec
 * holds one request open; a script looping `kubectl get` stays far below these. Beyond them the
 * API server's 429 with Retry-After makes kubectl wait and retry by itself.
 */
export const DEFAULT_KUBE_LIMITS: KubeRouteLimits = {
  requests: { burst: 100, perSecond: 25 },
  inFlight: 16,
};

export interface KubeRouteOptions {
  /** The live workspaces (server/workspaces.ts#WorkspaceRegistry). */
  workspaces: { acquire(userId: string, courseSlug: string): Promise<KubeWorkspace | null> };
  /** NEXTAUTH_SECRET: the tokens' key is derived from it. */
  secret: string;
  /** The user's session version now; null when the account is gone. Rejects when unknown. */
  currentVersion(userId: string): Promise<number | null>;
  limits?: KubeRouteLimits;
  now?: () => number;
}

export interface KubeRoute {
  /** Serves the request when its path is under `/kube/`; false otherwise (not ours). */
  request(req: IncomingMessage, res: ServerResponse): boolean;
  /** Serves the upgrade (`kubectl exec`) when its path is under `/kube/`; false otherwise. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Ends the user's open streams authorised under a version below `version` (lib/revoke.ts). */
  endUser(userId: string, version: number): void;
  /** Open streams and requests of a user (tests, metrics). */
  inFlight(userId: string): number;
  /** Ends every open stream and stops listening to revocations. */
  close(): void;
}

const status = (code: number, reason: StatusReason, message: string, details?: StatusDetails): string =>
  JSON.stringify(new ApiError(code, reason, message, details).toStatus());

interface Refusal {
  code: number;
  body: string;
  headers?: Record<string, string>;
}

const UNAUTHORIZED: Refusal = { code: 401, body: status(401, "Unauthorized", "Unauthorized") };
const TOO_MANY: Refusal = {
  code: 429,
  body: status(429, "TooManyRequests", "Too many requests, please try again later.", {
    retryAfterSeconds: 1,
  }),
  headers: { "retry-after": "1" },
};
const UNAVAILABLE: Refusal = {
  code: 503,
  body: status(503, "ServiceUnavailable", "the server is currently unable to handle the request"),
  headers: { "retry-after": "1" },
};

const REASONS: Record<number, string> = {
  401: "Unauthorized",
  404: "Not Found",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

function notFound(path: string): Refusal {
  return {
    code: 404,
    body: status(404, "NotFound", `the server could not find the requested resource (${path})`),
  };
}

function send(res: ServerResponse, r: Refusal): void {
  res.writeHead(r.code, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(r.body),
    ...r.headers,
  });
  res.end(r.body);
}

function sendRaw(socket: Duplex, r: Refusal): void {
  const head = [
    `HTTP/1.1 ${r.code} ${REASONS[r.code] ?? "Error"}`,
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(r.body)}`,
    ...Object.entries(r.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    "Connection: close",
  ];
  socket.end(`${head.join("\r\n")}\r\n\r\n${r.body}`);
}

const KUBE_URL = new RegExp(
  `^${KUBE_ROUTE_PREFIX}/([^/?#]+)(?:/${PATH_TOKEN_SEGMENT}/([^/?#]+))?(/[^?#]*)?(\\?[^#]*)?`,
);

/**
 * `/kube/<course>[/token/<token>]/<api path>` → the course, the token named in the path (a plain
 * http kubeconfig's, lib/kube-access.ts) and the API's URL (query kept); null: not ours.
 */
export function splitKubeUrl(url: string): { courseSlug: string; pathToken?: string; apiUrl: string } | null {
  const m = KUBE_URL.exec(url);
  if (!m?.[1]) return null;
  let courseSlug: string;
  try {
    courseSlug = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  const apiUrl = `${m[3] || "/"}${m[4] ?? ""}`;
  return m[2] ? { courseSlug, pathToken: m[2], apiUrl } : { courseSlug, apiUrl };
}

interface Open {
  userId: string;
  version: number;
  end(): void;
}

export function createKubeRoute(opts: KubeRouteOptions): KubeRoute {
  const limits = opts.limits ?? DEFAULT_KUBE_LIMITS;
  const now = opts.now ?? (() => Date.now());
  const buckets = new Map<string, TokenBucket>();
  const open = new Map<string, Set<Open>>();
  /** Newest session version seen per user: a request checked under an older one is void. */
  const versions = new Map<string, number>();
  let calls = 0;

  const ours = (url: string | undefined): boolean =>
    url === KUBE_ROUTE_PREFIX || (url ?? "").startsWith(`${KUBE_ROUTE_PREFIX}/`);

  /** Forgets users whose budget is full again and who have nothing open. */
  const sweep = (t: number) => {
    for (const [id, b] of buckets) if (b.full(t) && !open.get(id)?.size) buckets.delete(id);
  };

  /**
   * Who is asking and their workspace, or the refusal. The token's mac and expiry first (no
   * database for a forged or stale one), then the budget, then the version in the database.
   */
  async function admit(
    req: IncomingMessage,
  ): Promise<{ ok: true; ws: KubeWorkspace; entry: Open; exp: number } | { ok: false; refusal: Refusal }> {
    const split = splitKubeUrl(req.url ?? "");
    if (!split) return { ok: false, refusal: notFound(req.url ?? "/") };
    const token = bearerToken(req.headers.authorization) ?? split.pathToken ?? null;
    const claims = token ? verifyKubeToken(opts.secret, token, now()) : null;
    // A token of another course's cluster is not a credential of this one.
    if (!claims || claims.courseSlug !== split.courseSlug) return { ok: false, refusal: UNAUTHORIZED };
    const t = now();
    if (++calls % 256 === 0) sweep(t);
    let bucket = buckets.get(claims.userId);
    if (!bucket) {
      bucket = new TokenBucket(limits.requests, t);
      buckets.set(claims.userId, bucket);
    }
    if (!bucket.has(1, t) || (open.get(claims.userId)?.size ?? 0) >= limits.inFlight)
      return { ok: false, refusal: TOO_MANY };
    bucket.take(1);
    let current: number | null;
    try {
      current = await opts.currentVersion(claims.userId);
    } catch (err) {
      console.error("[kube-api] account lookup", err);
      return { ok: false, refusal: UNAVAILABLE };
    }
    if (current !== null) versions.set(claims.userId, Math.max(versions.get(claims.userId) ?? 0, current));
    if (current === null || current !== claims.sessionVersion) return { ok: false, refusal: UNAUTHORIZED };
    const ws = await opts.workspaces.acquire(claims.userId, claims.courseSlug);
    if (!ws) return { ok: false, refusal: notFound(req.url ?? "/") };
    // Revoked while the workspace was loading.
    if ((versions.get(claims.userId) ?? 0) > claims.sessionVersion)
      return { ok: false, refusal: UNAUTHORIZED };
    req.url = split.apiUrl;
    const entry: Open = { userId: claims.userId, version: claims.sessionVersion, end: () => {} };
    return { ok: true, ws, entry, exp: claims.exp };
  }

  /** Counts the request as open until `closed` fires; ends it at the token's expiry at the latest. */
  function track(entry: Open, exp: number, closed: (fn: () => void) => void): void {
    let set = open.get(entry.userId);
    if (!set) {
      set = new Set();
      open.set(entry.userId, set);
    }
    set.add(entry);
    const expiry = setTimeout(() => entry.end(), Math.min(Math.max(0, exp * 1000 - now()), 2 ** 31 - 1));
    expiry.unref();
    closed(() => {
      clearTimeout(expiry);
      set.delete(entry);
      if (set.size === 0 && open.get(entry.userId) === set) open.delete(entry.userId);
    });
  }

  const route: KubeRoute = {
    request(req, res) {
      if (!ours(req.url)) return false;
      void admit(req)
        .then((a) => {
          if (!a.ok) return send(res, a.refusal);
          a.entry.end = () => res.destroy();
          track(a.entry, a.exp, (fn) => res.once("close", fn));
          return a.ws.kubeApi(req, res).finally(() => a.ws.releaseIfIdle());
        })
        .catch((err: unknown) => {
          console.error("[kube-api]", err);
          if (!res.headersSent) send(res, UNAVAILABLE);
          else res.destroy();
        });
      return true;
    },
    upgrade(req, socket, head) {
      if (!ours(req.url)) return false;
      socket.on("error", () => {});
      void admit(req)
        .then((a) => {
          if (!a.ok) return sendRaw(socket, a.refusal);
          a.entry.end = () => socket.destroy();
          track(a.entry, a.exp, (fn) => socket.once("close", fn));
          a.ws.kubeUpgrade(req, socket, head);
          a.ws.releaseIfIdle();
        })
        .catch((err: unknown) => {
          console.error("[kube-api]", err);
          sendRaw(socket, UNAVAILABLE);
        });
      return true;
    },
    endUser(userId, version) {
      versions.set(userId, Math.max(versions.get(userId) ?? 0, version));
      for (const entry of [...(open.get(userId) ?? [])]) if (entry.version < version) entry.end();
    },
    inFlight(userId) {
      return open.get(userId)?.size ?? 0;
    },
    close() {
      registerKubeAccess(undefined);
      for (const set of [...open.values()]) for (const entry of [...set]) entry.end();
    },
  };
  registerKubeAccess(route);
  return route;
}

/**
 * Serves `route` alone on a port of its own (any other path: 404), as the product server mounts
 * it beside Next.js (server/index.ts): the tests' server.
 */
export async function listenKubeRoute(
  route: KubeRoute,
  port = 0,
  host = "127.0.0.1",
): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (!route.request(req, res)) res.writeHead(404).end();
  });
  server.on("upgrade", (req, socket, head) => {
    if (!route.upgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((r) => server.listen(port, host, r));
  return {
    origin: `http://${host}:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((done) => {
        route.close();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
