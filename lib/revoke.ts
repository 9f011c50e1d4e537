/**
 * Ending access now, from anywhere in the process. Sessions are stateless JWT cookies, so what
 * makes them revocable is the user's `sessionVersion`: every cookie and socket carries the
 * version it was issued under, and a bump voids them all. The live sockets are ended by the
 * socket layer (server/sockets.ts), which registers itself here on a process-wide key — Next.js
 * bundles its own copy of this module, so a plain module variable would not be shared between
 * a route handler and the custom server.
 *
 * The student's own kubectl (server/kube-api/route.ts) registers the same way: its bearer tokens
 * carry the version too, and its open streams end with the sockets.
 *
 * Callers: sign-out (lib/auth.ts), and whoever disables or deletes a user (`revokeUser`) or
 * changes who teaches whom (`revokeWatch` for one pair, `recheckWatches` after any change).
 */
import type { PrismaClient } from "./generated/prisma/client";

export interface SocketAccess {
  /** Disconnects every socket of the user that was opened under a version below `version`. */
  endUser(userId: string, version: number): Promise<void>;
  /** Stops the mirror of `studentId` on `teacherId`'s sockets. */
  endWatch(teacherId: string, studentId: string): Promise<void>;
  /** Re-asks who may watch `studentId` (everyone watched when omitted) and stops the others. */
  recheckWatches(studentId?: string): Promise<void>;
}

/** The student's own kubectl's open streams (server/kube-api/route.ts): watches, logs -f, exec. */
export interface KubeAccess {
  /** Ends every open stream of the user authorised under a version below `version`. */
  endUser(userId: string, version: number): void;
}

const KEY = Symbol.for("kubeclass.socketAccess");
const KUBE_KEY = Symbol.for("kubeclass.kubeAccess");
type Holder = { [KEY]?: SocketAccess; [KUBE_KEY]?: KubeAccess };

export function registerSocketAccess(access: SocketAccess | undefined): void {
  (globalThis as Holder)[KEY] = access;
}

export function registerKubeAccess(access: KubeAccess | undefined): void {
  (globalThis as Holder)[KUBE_KEY] = access;
}

function sockets(): SocketAccess | undefined {
  return (globalThis as Holder)[KEY];
}

/**
 * Ends every session of a user: their cookies stop working on the next request and their
 * sockets are disconnected now. Resolves to the new version (null when the user does not exist).
 */
export async function revokeUser(prisma: PrismaClient, userId: string): Promise<number | null> {
  const rows = await prisma.user.updateManyAndReturn({
    where: { id: userId },
    data: { sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  });
  const version = rows[0]?.sessionVersion ?? null;
  // A deleted user has no row left to bump; their sockets and kubectl streams end all the same.
  (globalThis as Holder)[KUBE_KEY]?.endUser(userId, version ?? Number.MAX_SAFE_INTEGER);
  await sockets()?.endUser(userId, version ?? Number.MAX_SAFE_INTEGER);
  return version;
}

/** A teacher no longer teaches a student: their open mirror of that student stops now. */
export async function revokeWatch(teacherId: string, studentId: string): Promise<void> {
  await sockets()?.endWatch(teacherId, studentId);
}

/** Who teaches whom changed (a class removed, a student moved): every open mirror is re-checked. */
export async function recheckWatches(studentId?: string): Promise<void> {
  await sockets()?.recheckWatches(studentId);
}
