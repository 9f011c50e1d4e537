/**
 * The live teaching events (issue 13) of the socket protocol: what a class's teachers send and
 * receive on a class's live session page, and the hint a student's lesson pane receives. Only a
 * teacher of the class (or an admin) is answered; everything live goes to the room
 * `live:CLASS`, which only they may join (server/teaching/hub.ts).
 */
import { z } from "zod";
import { FAULT_KINDS } from "../cluster/faults";

const id = z.string().regex(/^[a-z0-9]{1,40}$/);
const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/);
const slug = z.string().regex(/^[a-z0-9-]{1,64}$/);

export const liveClassSchema = z.object({ classId: id }).strict();
export const liveFaultSchema = z
  .object({
    classId: id,
    /** The students to hit; "all" is the whole class. */
    students: z.union([z.literal("all"), z.array(id).min(1).max(500)]),
    fault: z
      .object({ kind: z.enum(FAULT_KINDS), target: k8sName.optional(), namespace: k8sName.optional() })
      .strict(),
  })
  .strict();
export const liveHintSchema = z.object({ classId: id, studentId: id, ruleId: slug }).strict();
export const liveThresholdSchema = z
  .object({
    classId: id,
    lessonId: slug,
    stepId: slug,
    seconds: z
      .number()
      .int()
      .min(30)
      .max(24 * 3600),
  })
  .strict();

export interface LiveFlag {
  rule: string;
  /** Epoch ms when it was raised. */
  at: number;
  /** The line that raised it (mistakes), if any. */
  line?: string;
}

export interface LiveStudent {
  id: string;
  /** Their cluster is in memory (they are, or were a moment ago, in a lesson). */
  live: boolean;
  lessonId: string | null;
  stepId: string | null;
  /** Epoch ms since when they are on that step (as this server saw it). */
  since: number | null;
  flags: LiveFlag[];
}

export interface FaultLogEntry {
  id: string;
  studentId: string;
  kind: string;
  target: string | null;
  /** ISO time it was asked for, and when it reached the student's cluster (null: when next loaded). */
  createdAt: string;
  appliedAt: string | null;
  ok: boolean | null;
  detail: string | null;
}

export interface LiveSnapshot {
  students: LiveStudent[];
  faults: FaultLogEntry[];
  /** The class's own thresholds, "lesson/step" → seconds. */
  thresholds: Record<string, number>;
}

export interface TeacherHintView {
  id: string;
  ja: string;
  en: string;
  at: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the default accepts any payload type
type Ack<T = any> = (res: { ok: true; data?: T } | { ok: false; error: string }) => void;

export interface TeachingClientToServer {
  "live:subscribe": (req: z.infer<typeof liveClassSchema>, ack?: Ack<LiveSnapshot>) => void;
  "live:unsubscribe": (req: z.infer<typeof liveClassSchema>) => void;
  "live:fault": (req: z.infer<typeof liveFaultSchema>, ack?: Ack<{ entries: FaultLogEntry[] }>) => void;
  "live:hint": (req: z.infer<typeof liveHintSchema>, ack?: Ack) => void;
  "live:dismiss": (req: z.infer<typeof liveHintSchema>, ack?: Ack) => void;
  "live:threshold": (req: z.infer<typeof liveThresholdSchema>, ack?: Ack) => void;
  /** The student's lesson pane asks for the newest hint their teacher pushed. */
  "hint:latest": (ack?: Ack<TeacherHintView | null>) => void;
}

export interface TeachingServerToClient {
  "live:student": (msg: { classId: string; student: LiveStudent }) => void;
  "live:fault": (msg: { classId: string; entry: FaultLogEntry }) => void;
  "lesson:hint": (msg: TeacherHintView) => void;
}
