/**
 * The live teaching tools (issue 13) on the server: stuck detection per student, faults a
 * teacher injects, terminal recordings, and hints pushed to a student's lesson pane.
 *
 * It listens to the workspaces through their hook points (server/workspaces.ts WorkspaceHooks)
 * and answers the `live:*` socket events. Everything live about a class goes to the room
 * `live:CLASS`; a socket joins it only after `mayTeachClass` (the class's teacher or an admin,
 * read from the database), every action asks again, and open subscriptions are re-checked every
 * few seconds, so a teacher who loses the class stops hearing about it.
 *
 * Nothing here runs on a clock while nobody needs it (docs/adr/0034): time on a step is one
 * deadline per student behind one timer (server/due.ts), and the re-check runs only while a
 * `live:` room is open.
 */
import { randomBytes } from "node:crypto";
import type { Server, Socket } from "socket.io";
import type { z } from "zod";
import { setPendingCastWriter } from "../../lib/classroom/casts";
import { getCourse } from "../../lib/classroom/course";
import {
  claimFaults,
  classesOfStudent,
  classStudents,
  faultApplied,
  faultEntry,
  faultLog,
  latestHint,
  liveClass,
  mayTeachClass,
  pushHint,
  releaseFaults,
  setThreshold,
  storeFaults,
  thresholds,
} from "../../lib/classroom/live-teaching";
import type { Pool } from "../../lib/classroom/sql";
import type { Fault } from "../../lib/cluster/faults";
import { defaultStepSeconds, overTime, StuckDetector, stuckRule } from "../../lib/course/stuck";
import type { ClientToServer, ServerToClient } from "../../lib/protocol/socket";
import {
  type FaultLogEntry,
  type LiveFlag,
  type LiveSnapshot,
  type LiveStudent,
  liveClassSchema,
  liveFaultSchema,
  liveHintSchema,
  liveThresholdSchema,
} from "../../lib/protocol/teaching";
import type { JournalEntry } from "../../lib/shell/types";
import { Deadlines, whileRooms } from "../due";
import type { SocketData } from "../sockets";
import type { Loading, LoadRead, Workspace, WorkspaceHooks, WorkspaceRegistry } from "../workspaces";
import { Recorder } from "./recorder";

type IO = Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>;
type S = Socket<ClientToServer, ServerToClient, Record<string, never>, SocketData>;
// biome-ignore lint/suspicious/noExplicitAny: acks carry any payload
type AnyAck = (res: { ok: true; data?: any } | { ok: false; error: string }) => void;

interface StudentState {
  userId: string;
  courseSlug: string;
  lessonId: string | null;
  stepId: string | null;
  since: number | null;
  detector: StuckDetector;
  flags: Map<string, LiveFlag>;
}

const CLASS_CACHE_MS = 30_000;

export interface HubOptions {
  /** How often open subscriptions are re-authorised (ms; only while a `live:` room is open). */
  recheckMs?: number;
  now?: () => number;
}

export class TeachingHub {
  private registry: WorkspaceRegistry | undefined;
  private pool: Pool | undefined;
  private recorder: Recorder | undefined;
  private readonly students = new Map<string, StudentState>();
  /** The same states by student (one per course they have a workspace of). */
  private readonly byUser = new Map<string, StudentState[]>();
  private readonly classesOf = new Map<string, { ids: string[]; at: number }>();
  private readonly thresholdsOf = new Map<string, Record<string, number>>();
  /** When each student on a step goes over its time (keyed like `students`). */
  private readonly timeUps: Deadlines<string>;
  private rechecks: { close(): void } | undefined;
  private readonly now: () => number;

  constructor(
    private readonly io: IO,
    private readonly options: HubOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.timeUps = new Deadlines<string>(250, this.now);
  }

  /** The workspaces' hook points (pass to the registry before `bind`). */
  readonly hooks: WorkspaceHooks = {
    loading: (userId, courseSlug, read) => this.loading(userId, courseSlug, read),
    warm: async (connection) => {
      await claimFaults(connection, "warm-up", "warm-up");
      await classesOfStudent(connection, "warm-up");
    },
    tabSize: (ws, tab, cols, rows) => this.recorder?.size(ws.userId, ws.course.id, tab, cols, rows),
    output: (ws, tab, data) => this.recorder?.output(ws.userId, ws.course.id, tab, data),
    tabClosed: (ws, tab) => this.recorder?.end(ws.userId, ws.course.id, tab),
    line: (ws, entry, lessonId) => this.line(ws, entry, lessonId),
    progress: (ws, update) => this.step(ws, update.lessonId, update.current),
    disposed: (ws) => {
      this.timeUps.delete(ws.key);
      this.recorder?.end(ws.userId, ws.course.id);
      const st = this.students.get(ws.key);
      if (st) this.emitStudent(st);
    },
  };

  bind(registry: WorkspaceRegistry): void {
    this.registry = registry;
    this.pool = registry.pool;
    const recorder = new Recorder(registry.pool);
    this.recorder = recorder;
    setPendingCastWriter((userId) => recorder.flushUser(userId));
    this.io.on("connection", (socket) => this.connection(socket));
    this.rechecks = whileRooms(this.io.of("/").adapter, "live:", this.options.recheckMs ?? 5000, () =>
      this.recheckRooms(),
    );
  }

  /** Writes what the recorder holds (shutdown, tests). */
  flush(): Promise<void> {
    return this.recorder?.flush() ?? Promise.resolve();
  }

  close(): Promise<void> {
    this.rechecks?.close();
    this.timeUps.clear();
    setPendingCastWriter(null);
    return this.flush();
  }

  // ——— students ———

  private state(ws: Workspace): StudentState {
    let st = this.students.get(ws.key);
    if (!st) {
      st = {
        userId: ws.userId,
        courseSlug: ws.course.id,
        lessonId: null,
        stepId: null,
        since: null,
        detector: new StuckDetector(),
        flags: new Map(),
      };
      this.students.set(ws.key, st);
      this.byUser.set(ws.userId, [...(this.byUser.get(ws.userId) ?? []), st]);
    }
    return st;
  }

  private view(st: StudentState): LiveStudent {
    return {
      id: st.userId,
      live: !!this.registry?.peek(st.userId, st.courseSlug),
      lessonId: st.lessonId,
      stepId: st.stepId,
      since: st.since,
      flags: [...st.flags.values()],
    };
  }

  private async classes(userId: string): Promise<string[]> {
    const hit = this.classesOf.get(userId);
    if (hit && this.now() - hit.at < CLASS_CACHE_MS) return hit.ids;
    if (!this.pool) return [];
    const ids = await classesOfStudent(this.pool, userId);
    this.knownClasses(userId, ids);
    return ids;
  }

  /** A student's classes as just read (by `classes`, or by the join's statement). */
  private knownClasses(userId: string, ids: string[]): void {
    const before = this.classesOf.get(userId)?.ids;
    this.classesOf.set(userId, { ids, at: this.now() });
    // Their classes decide their thresholds.
    if (before?.join() !== ids.join()) for (const st of this.byUser.get(userId) ?? []) this.armTime(st);
  }

  /** Every student's time deadline again (a class's thresholds were read or changed). */
  private rearmAll(): void {
    for (const st of this.students.values()) this.armTime(st);
  }

  /** Sends a student's state to the live rooms of their classes (at once when the classes are known). */
  private emitStudent(st: StudentState): void {
    const send = (ids: string[]) => {
      const student = this.view(st);
      for (const classId of ids) this.io.to(`live:${classId}`).emit("live:student", { classId, student });
    };
    const hit = this.classesOf.get(st.userId);
    if (hit) send(hit.ids);
    if (!hit || this.now() - hit.at >= CLASS_CACHE_MS)
      void this.classes(st.userId)
        .then((ids) => {
          if (!hit) send(ids);
        })
        .catch((err: unknown) => console.error("[teaching]", err));
  }

  private line(ws: Workspace, entry: JournalEntry, lessonId: string): void {
    if (entry.inProgress) return;
    const st = this.state(ws);
    st.lessonId = lessonId;
    // Read from the pod list only when the cluster changed (most lines change nothing).
    const fresh = st.detector.line(entry, ws.waitingReasons());
    if (fresh.length === 0) return;
    for (const rule of fresh) st.flags.set(rule, { rule, at: entry.at, line: entry.line.slice(0, 200) });
    this.emitStudent(st);
  }

  private step(ws: Workspace, lessonId: string, stepId: string | null): void {
    const st = this.state(ws);
    if (st.lessonId === lessonId && st.stepId === stepId && st.since !== null) return;
    st.lessonId = lessonId;
    st.stepId = stepId;
    st.since = this.now();
    // A new step: earlier mistakes and time are history.
    st.detector.clear();
    st.flags.clear();
    this.armTime(st);
    this.emitStudent(st);
  }

  private thresholdFor(classIds: string[], courseSlug: string, lessonId: string, stepId: string): number {
    for (const c of classIds) {
      const own = this.thresholdsOf.get(c)?.[`${lessonId}/${stepId}`];
      if (own !== undefined) return own;
    }
    try {
      const step = getCourse(courseSlug)
        .lessons.find((l) => l.id === lessonId)
        ?.steps.find((s) => s.id === stepId);
      return step ? defaultStepSeconds(step) : Number.POSITIVE_INFINITY;
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  }

  /** The student's threshold on their step now (seconds; infinite: none), or null: not timed. */
  private timedFor(st: StudentState): number | null {
    if (st.since === null || !st.lessonId || !st.stepId || st.flags.has("time-on-step")) return null;
    const classIds = this.classesOf.get(st.userId)?.ids ?? [];
    const seconds = this.thresholdFor(classIds, st.courseSlug, st.lessonId, st.stepId);
    return Number.isFinite(seconds) ? seconds : null;
  }

  /**
   * Sets (or drops) the deadline at which the student goes over time on their step: whenever
   * the step, its threshold, the student's classes or their flag change, and when their
   * workspace is loaded again (a student away is not flagged).
   */
  private armTime(st: StudentState): void {
    const key = `${st.userId}:${st.courseSlug}`;
    const seconds = this.timedFor(st);
    if (seconds === null || st.since === null) this.timeUps.delete(key);
    else this.timeUps.set(key, st.since + seconds * 1000, () => this.timeUp(st));
  }

  private timeUp(st: StudentState): void {
    const seconds = this.timedFor(st);
    if (seconds === null || st.since === null) return;
    if (!this.registry?.peek(st.userId, st.courseSlug)) return;
    const now = this.now();
    // Woken a little early (deadlines share wake-ups), or the threshold moved: not yet.
    if (!overTime(st.since, now, seconds)) {
      this.armTime(st);
      return;
    }
    st.flags.set("time-on-step", { rule: "time-on-step", at: now });
    this.emitStudent(st);
  }

  // ——— faults ———

  /**
   * A workspace loads: the faults waiting for it were claimed by the join's statement (with the
   * student's classes), and are applied once it is built, before anyone uses it.
   */
  private loading(userId: string, _courseSlug: string, read: LoadRead): Loading {
    const pool = this.pool;
    this.knownClasses(userId, read.classIds);
    const claimed = read.faults;
    if (!pool) return { built: async () => {}, abandoned: async () => {} };
    return {
      built: async (ws) => {
        const st = this.students.get(ws.key);
        if (st) this.armTime(st);
        for (const c of claimed) await this.apply(ws, c.id, c.fault);
      },
      // The cluster was not built: the faults go back to waiting for the next load.
      abandoned: () =>
        releaseFaults(
          pool,
          claimed.map((c) => c.id),
        ),
    };
  }

  private async apply(ws: Workspace, id: string, fault: Fault | null): Promise<FaultLogEntry | null> {
    if (!this.pool) return null;
    const result = fault ? await ws.applyFault(fault) : { ok: false, detail: "unreadable fault" };
    const row = await faultApplied(this.pool, id, result);
    if (!row) return null;
    const entry = faultEntry(row);
    this.io.to(`live:${row.classId}`).emit("live:fault", { classId: row.classId, entry });
    return entry;
  }

  /** Injects a fault for some or all students of a class (the teacher is already authorised). */
  async inject(
    teacherId: string,
    classId: string,
    students: "all" | string[],
    fault: Fault,
  ): Promise<FaultLogEntry[]> {
    const pool = this.pool;
    const cls = pool && (await liveClass(pool, classId));
    if (!pool || !cls) return [];
    const enrolled = await classStudents(pool, classId);
    const targets = students === "all" ? enrolled : students.filter((s) => enrolled.includes(s));
    const rows = await storeFaults(
      pool,
      targets.map((studentId) => ({
        id: `f${randomBytes(12).toString("hex")}`,
        classId,
        teacherId,
        studentId,
        courseSlug: cls.courseSlug,
        fault,
      })),
    );
    const out: FaultLogEntry[] = [];
    for (const row of rows) {
      const ws = this.registry?.peek(row.studentId, cls.courseSlug);
      let entry: FaultLogEntry | null = null;
      if (ws) {
        // Claimed first: a load racing this applies it once, here or there.
        const [claimed] = await claimFaults(pool, row.studentId, cls.courseSlug, [row.id]);
        if (claimed) entry = await this.apply(ws, claimed.id, claimed.fault);
      }
      if (!entry) {
        entry = faultEntry(row);
        this.io.to(`live:${classId}`).emit("live:fault", { classId, entry });
      }
      out.push(entry);
    }
    return out;
  }

  // ——— sockets ———

  private async snapshot(classId: string): Promise<LiveSnapshot> {
    const pool = this.pool;
    const cls = pool && (await liveClass(pool, classId));
    if (!pool || !cls) return { students: [], faults: [], thresholds: {} };
    const [ids, faults, own] = await Promise.all([
      classStudents(pool, classId),
      faultLog(pool, classId),
      thresholds(pool, classId),
    ]);
    this.thresholdsOf.set(classId, own);
    this.rearmAll();
    const students = ids.map((id) => {
      const st = this.students.get(`${id}:${cls.courseSlug}`);
      return st
        ? this.view(st)
        : {
            id,
            live: !!this.registry?.peek(id, cls.courseSlug),
            lessonId: null,
            stepId: null,
            since: null,
            flags: [],
          };
    });
    return { students, faults, thresholds: own };
  }

  private async recheckRooms(): Promise<void> {
    const pool = this.pool;
    if (!pool) return;
    const rooms = [...this.io.of("/").adapter.rooms.keys()].filter((r) => r.startsWith("live:"));
    for (const room of rooms) {
      const classId = room.slice("live:".length);
      for (const s of await this.io.in(room).fetchSockets()) {
        const u = s.data.user;
        if (this.now() >= u.expiresAt || !(await mayTeachClass(pool, u, classId).catch(() => false)))
          s.leave(room);
      }
    }
  }

  private connection(socket: S): void {
    const user = socket.data.user;
    const on = <T>(
      event: keyof ClientToServer,
      schema: z.ZodType<T>,
      fn: (req: T, ack: AnyAck | undefined) => Promise<void>,
    ): void => {
      socket.on(event, (...args: unknown[]) => {
        const ack = typeof args[1] === "function" ? (args[1] as AnyAck) : undefined;
        const r = schema.safeParse(args[0]);
        if (!r.success || args.length > 2) {
          ack?.({ ok: false, error: `invalid request: ${r.error?.issues[0]?.message ?? "bad arguments"}` });
          return;
        }
        const classId = (r.data as { classId: string }).classId;
        const pool = this.pool;
        if (!pool || user.role === "STUDENT" || this.now() >= user.expiresAt) {
          ack?.({ ok: false, error: "forbidden" });
          return;
        }
        mayTeachClass(pool, user, classId)
          .then((ok) => (ok ? fn(r.data, ack) : ack?.({ ok: false, error: "forbidden" })))
          .catch((err: unknown) => {
            console.error("[teaching]", err);
            ack?.({ ok: false, error: "internal error" });
          });
      });
    };

    on("live:subscribe", liveClassSchema, async ({ classId }, ack) => {
      await socket.join(`live:${classId}`);
      ack?.({ ok: true, data: await this.snapshot(classId) });
    });

    socket.on("live:unsubscribe", (raw: unknown) => {
      const r = liveClassSchema.safeParse(raw);
      if (r.success) void socket.leave(`live:${r.data.classId}`);
    });

    on("live:fault", liveFaultSchema, async (req, ack) => {
      const entries = await this.inject(user.id, req.classId, req.students, req.fault);
      ack?.({ ok: true, data: { entries } });
    });

    on("live:hint", liveHintSchema, async (req, ack) => {
      const pool = this.pool;
      const rule = stuckRule(req.ruleId);
      if (!pool || !rule) return ack?.({ ok: false, error: "unknown rule" });
      if (!(await classStudents(pool, req.classId)).includes(req.studentId))
        return ack?.({ ok: false, error: "not in this class" });
      const hint = await pushHint(pool, {
        id: `h${randomBytes(12).toString("hex")}`,
        classId: req.classId,
        studentId: req.studentId,
        teacherId: user.id,
        ruleId: rule.id,
        ja: rule.hint.ja,
        en: rule.hint.en,
      });
      this.io.to(`user:${req.studentId}`).emit("lesson:hint", hint);
      ack?.({ ok: true, data: hint });
    });

    on("live:dismiss", liveHintSchema, async (req, ack) => {
      for (const st of this.students.values())
        if (st.userId === req.studentId && st.flags.delete(req.ruleId)) {
          st.detector.clear(req.ruleId);
          this.armTime(st);
          this.emitStudent(st);
        }
      ack?.({ ok: true });
    });

    on("live:threshold", liveThresholdSchema, async (req, ack) => {
      if (!this.pool) return;
      await setThreshold(this.pool, req.classId, req.lessonId, req.stepId, req.seconds);
      this.thresholdsOf.set(req.classId, await thresholds(this.pool, req.classId));
      // A raised time flag is re-judged against the new threshold.
      for (const st of this.students.values())
        if (st.lessonId === req.lessonId && st.stepId === req.stepId && st.flags.delete("time-on-step"))
          this.emitStudent(st);
      this.rearmAll();
      ack?.({ ok: true });
    });

    socket.on("hint:latest", (...args: unknown[]) => {
      const ack = typeof args[0] === "function" ? (args[0] as AnyAck) : undefined;
      if (!ack || !this.pool) return;
      latestHint(this.pool, user.id)
        .then((h) => ack({ ok: true, data: h }))
        .catch(() => ack({ ok: false, error: "internal error" }));
    });
  }
}
