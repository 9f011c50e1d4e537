/**
 * The socket.io protocol between the lesson page and the server: typed event maps for both ends
 * and zod schemas for everything a client sends (types are not validation).
 */
import { z } from "zod";
import type { TeachingClientToServer, TeachingServerToClient } from "./teaching";

// In the browser zod must not probe `new Function` for its JIT (it does so when an object schema
// is built, below): the page's Content-Security-Policy allows no eval, and Chromium reports the
// probe as a violation even though zod catches it. The server keeps the JIT.
if (typeof window !== "undefined") z.config({ jitless: true });
/**
 * The protocol's version. A client sends it in the handshake (`io({ auth: { protocol } })`); the
 * server refuses another version with `protocol` + the version it speaks, so a page left open
 * across a deploy reloads instead of misreading events. A handshake without one is taken as
 * version 1 (pages built before the field existed).
 */
export const PROTOCOL_VERSION = 1;

export const handshakeAuthSchema = z.object({ protocol: z.number().int().positive().optional() }).loose();

/** Why a handshake's protocol is not ours, or null when it is (or was not given). */
export function protocolMismatch(auth: unknown): string | null {
  const r = handshakeAuthSchema.safeParse(auth ?? {});
  if (!r.success)
    return `protocol: the handshake's auth is malformed (this server speaks ${PROTOCOL_VERSION})`;
  const v = r.data.protocol ?? 1;
  return v === PROTOCOL_VERSION
    ? null
    : `protocol: this server speaks ${PROTOCOL_VERSION}, the page ${v}; reload it`;
}

/** Largest keystroke/paste chunk accepted in one `term:input` (bigger pastes are refused). */
export const MAX_INPUT_CHARS = 4096;
export const MAX_TABS = 6;

/** The lesson page opens at most MAX_TABS tabs, numbered from 1; the server takes no others. */
const tabId = z.string().regex(new RegExp(`^[1-${MAX_TABS}]$`), `tab ids are 1–${MAX_TABS}`);
const courseSlug = z.string().regex(/^[a-z0-9-]{1,64}$/);
const lessonId = z.string().regex(/^[a-z0-9-]{1,64}$/);

export const joinSchema = z.object({ courseSlug, lessonId }).strict();
export const openSchema = z
  .object({ tabId, cols: z.number().int().min(10).max(500), rows: z.number().int().min(2).max(200) })
  .strict();
export const inputSchema = z.object({ tabId, data: z.string().min(1).max(MAX_INPUT_CHARS) }).strict();
export const resizeSchema = openSchema;
export const closeSchema = z.object({ tabId }).strict();
export const watchSchema = z.object({ studentId: z.string().regex(/^[a-z0-9]{1,40}$/) }).strict();
export const stepSchema = z.object({ stepId: z.string().regex(/^[a-z0-9-]{1,64}$/) }).strict();

export type JoinRequest = z.infer<typeof joinSchema>;

export interface JoinReply {
  /** Terminal tabs the workspace already has open. */
  tabs: string[];
  /** Start state the student's cluster was created from, and the one this lesson starts from. */
  clusterScenario: string;
  lessonScenario: string;
}

export interface StepView {
  id: string;
  done: boolean;
  /** What is still missing (only for the open steps); the page shows the learner's language. */
  missing: Array<{ ja: string; en: string }>;
}

export interface ProgressUpdate {
  lessonId: string;
  current: string | null;
  steps: StepView[];
}

// biome-ignore lint/suspicious/noExplicitAny: the default accepts any payload type
export type Ack<T = any> = (res: { ok: true; data?: T } | { ok: false; error: string }) => void;

export interface ClientToServer extends TeachingClientToServer {
  "lesson:join": (req: JoinRequest, ack?: Ack<JoinReply>) => void;
  "lesson:reset": (ack?: Ack) => void;
  "lesson:solution": (req: { stepId: string }, ack?: Ack) => void;
  "term:open": (req: z.infer<typeof openSchema>, ack?: Ack) => void;
  "term:input": (req: z.infer<typeof inputSchema>) => void;
  "term:resize": (req: z.infer<typeof resizeSchema>) => void;
  "term:close": (req: z.infer<typeof closeSchema>) => void;
  /** A teacher starts looking over a student's shoulder (read-only mirror of their tabs). */
  "watch:start": (
    req: z.infer<typeof watchSchema>,
    ack?: Ack<{ tabs: Array<{ tabId: string; screen: string }> }>,
  ) => void;
  "watch:stop": (req: z.infer<typeof watchSchema>) => void;
}

export interface ServerToClient extends TeachingServerToClient {
  "term:output": (msg: { tabId: string; data: string }) => void;
  "term:closed": (msg: { tabId: string }) => void;
  progress: (msg: ProgressUpdate) => void;
  /** To the student's teachers: a step was completed (the teacher board ticks it live). */
  "student:progress": (msg: {
    userId: string;
    lessonId: string;
    stepId: string;
    completedAt: string;
  }) => void;
  notice: (msg: { level: "error" | "info"; message: string }) => void;
  /** What a watched student's terminal printed (only to their own teachers). */
  "watch:output": (msg: { studentId: string; tabId: string; data: string }) => void;
}
