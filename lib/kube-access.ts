/**
 * A student's own kubectl against their simulated cluster (docs/adr/0029-own-kubectl.md): the
 * bearer token their kubeconfig carries and the kubeconfig itself. The token names the student,
 * the course (one cluster per student and course) and the session version it was issued under
 * (lib/revoke.ts): signing out, being disabled or removed voids it as it voids the cookies.
 *
 * A token is `kc1.<payload>.<mac>`: the payload is base64url JSON, the mac an HMAC-SHA256 under
 * a key derived from the site's NEXTAUTH_SECRET (so it differs from the session cookies' key).
 * Shared by the route handler that hands the kubeconfig out (app/api/kubeconfig) and the server
 * route that serves the cluster (server/kube-api/route.ts); imports nothing but node:crypto.
 */
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/** Where the product server serves a course's cluster: `/kube/<course>` + the API's paths. */
export const KUBE_ROUTE_PREFIX = "/kube";
/** How long a kubeconfig's token is good for unless the session version moves on first. */
export const KUBE_TOKEN_TTL_S = 7 * 24 * 3600;

export interface KubeTokenClaims {
  userId: string;
  courseSlug: string;
  /** The user's session version when the token was issued (lib/revoke.ts). */
  sessionVersion: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const PREFIX = "kc1";

/** The derived key per secret (HKDF is most of a token check's CPU when derived each time). */
const keys = new Map<string, Buffer>();

function key(secret: string): Buffer {
  let k = keys.get(secret);
  if (!k) {
    k = Buffer.from(hkdfSync("sha256", secret, "kubeclass", "kube-api bearer token v1", 32));
    keys.set(secret, k);
  }
  return k;
}

function mac(secret: string, body: string): Buffer {
  return createHmac("sha256", key(secret)).update(body).digest();
}

export function mintKubeToken(secret: string, claims: KubeTokenClaims): string {
  const payload = Buffer.from(
    JSON.stringify({ u: claims.userId, c: claims.courseSlug, v: claims.sessionVersion, e: claims.exp }),
  ).toString("base64url");
  const body = `${PREFIX}.${payload}`;
  return `${body}.${mac(secret, body).toString("base64url")}`;
}

/**
 * The token's claims when its mac is right and it has not expired at `nowMs`; null otherwise
 * (whether the session version is still current is the caller's question: it needs the database).
 */
export function verifyKubeToken(secret: string, token: string, nowMs: number): KubeTokenClaims | null {
  if (token.length > 1024) return null;
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== PREFIX) return null;
  const body = `${parts[0]}.${parts[1]}`;
  const given = Buffer.from(parts[2] ?? "", "base64url");
  const want = mac(secret, body);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const p = raw as { u?: unknown; c?: unknown; v?: unknown; e?: unknown };
  if (typeof p.u !== "string" || typeof p.c !== "string") return null;
  if (typeof p.v !== "number" || typeof p.e !== "number") return null;
  if (nowMs >= p.e * 1000) return null;
  return { userId: p.u, courseSlug: p.c, sessionVersion: p.v, exp: p.e };
}

/** The bearer token of an `Authorization` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer +(\S+)\s*$/i.exec(header ?? "");
  return m?.[1] ?? null;
}

/** A YAML double-quoted scalar (JSON's escapes are YAML's). */
const q = (s: string): string => JSON.stringify(s);

/**
 * The path segment that carries the token where kubectl sends no credentials: over plain http,
 * client-go leaves out every credential of the kubeconfig (kubernetes/kubectl#744), so a dev
 * server's kubeconfig names the token in its server URL instead: `/kube/<course>/token/<token>`.
 */
export const PATH_TOKEN_SEGMENT = "token";

/**
 * The kubeconfig a student downloads: one cluster (`origin` + the course's route), one user, one
 * context, current. Over https the token is the user's bearer token, as on a real cluster, and
 * the site's certificate is checked against the system's roots (the one the browser trusted).
 * Over plain http (a laptop's dev server, a classroom LAN) kubectl would not send it, so it rides
 * in the server URL's path (PATH_TOKEN_SEGMENT).
 */
export function kubeconfigYaml(opts: {
  origin: string;
  courseSlug: string;
  token: string;
  /** Names the cluster, user and context (`kubeclass-<course>` by default). */
  name?: string;
}): string {
  const name = opts.name ?? `kubeclass-${opts.courseSlug}`;
  const origin = opts.origin.replace(/\/+$/, "");
  const secure = origin.startsWith("https:");
  const base = `${origin}${KUBE_ROUTE_PREFIX}/${encodeURIComponent(opts.courseSlug)}`;
  const server = secure ? base : `${base}/${PATH_TOKEN_SEGMENT}/${opts.token}`;
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${q(name)}`,
    "  cluster:",
    `    server: ${q(server)}`,
    "users:",
    `- name: ${q(name)}`,
    ...(secure
      ? ["  user:", `    token: ${q(opts.token)}`]
      : ["  # kubectl sends no token over plain http: it is part of the server URL above", "  user: {}"]),
    "contexts:",
    `- name: ${q(name)}`,
    "  context:",
    `    cluster: ${q(name)}`,
    `    user: ${q(name)}`,
    "    namespace: default",
    `current-context: ${q(name)}`,
    "",
  ].join("\n");
}
