/**
 * Live workspaces: one per student and course — the simulated cluster, the workstation (shell
 * state shared by the tabs) and the open terminal tabs. Loaded lazily from Postgres on the first
 * socket, saved after every command line, evicted when idle (tldraw-sync style rooms).
 */
import { randomInt } from "node:crypto";
import type { Server, Socket } from "socket.io";
import { getCourse } from "../lib/classroom/course";
import { lessonProgress, markSolutionShown, recordLine } from "../lib/classroom/progress";
import { evaluateLesson } from "../lib/course/checks";
import type { Course, Lesson } from "../lib/course/schema";
import type { PrismaClient } from "../lib/generated/prisma/client";
import type { ClientToServer, ProgressUpdate, ServerToClient } from "../lib/protocol/socket";
import type { JournalEntry } from "../lib/shell/types";
import { type Locale, uiLocale } from "./locale";
import { Osc8Stripper } from "./mirror-filter";
import { createSession, restoreSession, type StudentSession } from "./session-factory";

type IO = Server<ClientToServer, ServerToClient, Record<string, never>, unknown>;
type AnySocket = Socket<ClientToServer, ServerToClient, Record<string, never>, unknown>;

/** Lines of the current lesson the checks look at (the newest; ≤ 4 KiB of output each). */
const JOURNAL_LIMIT = 500;

export class Workspace {
  private readonly sockets = new Map<string, AnySocket>();
  private journal: JournalEntry[] = [];
  private journalLesson: string | null = null;
  private readonly done = new Map<string, Set<string>>();
  private currentLesson: string | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private saveTimer: NodeJS.Timeout | null = null;
  idleTimer: NodeJS.Timeout | null = null;
  private locale: Locale | undefined;

  constructor(
    private readonly deps: { prisma: PrismaClient; io: IO; onIdle(ws: Workspace): void; idleMs: number },
    readonly userId: string,
    readonly course: Course,
    private session: StudentSession,
    private journalSince: Date,
    /** Teachers of the classes this student is enrolled in (they see progress live). */
    private readonly teacherIds: string[],
  ) {
    this.bindSession();
  }

  private readonly mirrorFilters = new Map<string, Osc8Stripper>();

  private mirrorFilter(tabId: string): Osc8Stripper {
    const f = this.mirrorFilters.get(tabId) ?? new Osc8Stripper();
    this.mirrorFilters.set(tabId, f);
    return f;
  }

  private get room(): string {
    return `user:${this.userId}`;
  }

  private bindSession(): void {
    this.session.onOutput = (tabId, data) => {
      this.deps.io.to(this.room).emit("term:output", { tabId, data });
      // The teacher's mirror gets no clickable links from the student (server/mirror-filter.ts).
      const mirrored = this.mirrorFilter(tabId).push(data);
      if (mirrored)
        this.deps.io
          .to(`watch:${this.userId}`)
          .emit("watch:output", { studentId: this.userId, tabId, data: mirrored });
    };
    this.session.onJournal = (entry) => {
      this.enqueue(() => this.afterLine(entry));
    };
    if (this.locale !== undefined) this.session.setLanguage(this.locale);
  }

  /** Serialises database work so lines are recorded in the order they finished. */
  private enqueue(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn).catch((err: unknown) => console.error("[workspace]", err));
    this.chain = next;
    return next;
  }

  lesson(id: string): Lesson | undefined {
    return this.course.lessons.find((l) => l.id === id);
  }

  tabIds(): string[] {
    return this.session.tabIds();
  }

  screens(): Array<{ tabId: string; screen: string }> {
    return this.session.screens();
  }

  /** The start state the student's current cluster came from. */
  get scenario(): string {
    return this.session.scenario;
  }

  attach(socket: AnySocket): void {
    this.sockets.set(socket.id, socket);
    void uiLocale(this.deps.prisma, this.userId, socket.request.headers.cookie)
      .then((l) => {
        this.locale = l;
        this.session.setLanguage(l);
      })
      .catch((err: unknown) => console.error("[workspace] locale", err));
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  detach(socketId: string): void {
    this.sockets.delete(socketId);
    this.releaseIfIdle();
  }

  /** Starts the idle countdown when no student socket is attached (e.g. loaded for a watcher). */
  releaseIfIdle(): void {
    if (this.sockets.size === 0) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => this.deps.onIdle(this), this.deps.idleMs);
      this.idleTimer.unref();
    }
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  async enterLesson(lessonId: string): Promise<void> {
    this.currentLesson = lessonId;
    await this.loadJournal(lessonId);
  }

  private async loadJournal(lessonId: string): Promise<void> {
    if (this.journalLesson === lessonId) return;
    const rows = await this.deps.prisma.commandRecord.findMany({
      where: { userId: this.userId, courseSlug: this.course.id, lessonId, at: { gte: this.journalSince } },
      orderBy: { at: "desc" },
      take: JOURNAL_LIMIT,
    });
    rows.reverse();
    this.journal = rows.map((r) => ({
      tab: r.tab,
      line: r.line,
      commands: r.argv as string[][],
      exitCode: r.exitCode,
      output: r.output,
      at: r.at.getTime(),
    }));
    this.journalLesson = lessonId;
    this.done.set(lessonId, await lessonProgress(this.deps.prisma, this.userId, this.course.id, lessonId));
  }

  openTab(tabId: string, cols: number, rows: number, socketId: string): void {
    const replay = this.session.openTab(tabId, cols, rows);
    // Only the (re)attaching browser needs the replay; the others already show it.
    void replay?.then((data) => this.sockets.get(socketId)?.emit("term:output", { tabId, data }));
  }

  input(tabId: string, data: string): void {
    this.session.input(tabId, data);
  }

  resize(tabId: string, cols: number, rows: number): void {
    this.session.resize(tabId, cols, rows);
  }

  closeTab(tabId: string): void {
    this.session.closeTab(tabId);
  }

  private async afterLine(entry: JournalEntry): Promise<void> {
    const lessonId = this.currentLesson;
    if (!lessonId) return;
    const lesson = this.lesson(lessonId);
    if (!lesson) return;
    await this.loadJournal(lessonId);
    const at = new Date(entry.at);
    // A line still in progress (inside `exec -ti … bash`) is recorded when it ends.
    if (!entry.inProgress)
      await this.deps.prisma.commandRecord.create({
        data: {
          userId: this.userId,
          courseSlug: this.course.id,
          lessonId,
          tab: entry.tab,
          line: entry.line.slice(0, 4096),
          argv: entry.commands,
          exitCode: entry.exitCode,
          output: entry.output,
          at,
        },
      });
    this.journal.push(entry);
    if (this.journal.length > JOURNAL_LIMIT) this.journal.splice(0, this.journal.length - JOURNAL_LIMIT);
    const done = this.done.get(lessonId) ?? new Set<string>();
    const result = evaluateLesson(lesson, { journal: this.journal, api: this.session.api }, done);
    const openSteps = lesson.steps.filter((s) => !done.has(s.id)).map((s) => s.id);
    await recordLine(this.deps.prisma, {
      userId: this.userId,
      courseSlug: this.course.id,
      lessonId,
      // In progress: counted only where it completes a step (its end is counted for the rest).
      openSteps: entry.inProgress ? result.newlyCompleted : openSteps,
      failed: entry.exitCode !== 0,
      completed: result.newlyCompleted,
      at,
    });
    for (const id of result.newlyCompleted) done.add(id);
    this.done.set(lessonId, done);
    const update = this.progressFrom(lesson, done, result.results, result.current);
    this.deps.io.to(this.room).emit("progress", update);
    for (const stepId of result.newlyCompleted) {
      const rooms = this.teacherIds.map((id) => `teacher:${id}`);
      if (rooms.length)
        this.deps.io
          .to(rooms)
          .emit("student:progress", { userId: this.userId, lessonId, stepId, completedAt: at.toISOString() });
    }
    this.scheduleSave();
  }

  private progressFrom(
    lesson: Lesson,
    done: Set<string>,
    results: Record<string, { missing: Array<{ ja: string; en: string }> }>,
    current: string | null,
  ): ProgressUpdate {
    return {
      lessonId: lesson.id,
      current,
      steps: lesson.steps.map((s) => ({
        id: s.id,
        done: done.has(s.id),
        missing: results[s.id]?.missing ?? [],
      })),
    };
  }

  async progress(lessonId: string): Promise<ProgressUpdate> {
    const lesson = this.lesson(lessonId);
    if (!lesson) throw new Error(`unknown lesson ${lessonId}`);
    await this.loadJournal(lessonId);
    const done = this.done.get(lessonId) ?? new Set<string>();
    const result = evaluateLesson(lesson, { journal: this.journal, api: this.session.api }, done);
    return this.progressFrom(lesson, done, result.results, result.current);
  }

  async solutionShown(lessonId: string, stepId: string): Promise<void> {
    if (!this.lesson(lessonId)?.steps.some((s) => s.id === stepId)) return;
    await markSolutionShown(this.deps.prisma, {
      userId: this.userId,
      courseSlug: this.course.id,
      lessonId,
      stepId,
    });
  }

  /** Back to the lesson's start state: a fresh cluster and workstation; earned steps stay. */
  async resetLesson(lessonId: string): Promise<void> {
    const lesson = this.lesson(lessonId);
    if (!lesson) return;
    await this.enqueue(async () => {
      const tabs = this.session.tabIds();
      this.session.dispose();
      this.session = createSession({
        scenario: lesson.scenario,
        seed: randomInt(2 ** 31),
        prompt: this.course.workstation,
      });
      this.bindSession();
      this.journalSince = new Date();
      this.journal = [];
      this.journalLesson = lessonId;
      for (const id of tabs) this.session.openTab(id, 80, 24);
      await this.save();
      this.deps.io.to(this.room).emit("progress", await this.progress(lessonId));
    });
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.enqueue(() => this.save());
    }, 300);
    this.saveTimer.unref();
  }

  async save(): Promise<void> {
    const snap = this.session.snapshot();
    await this.deps.prisma.clusterSnapshot.upsert({
      where: { userId_courseSlug: { userId: this.userId, courseSlug: this.course.id } },
      create: {
        userId: this.userId,
        courseSlug: this.course.id,
        scenario: snap.scenario,
        cluster: snap.cluster,
        workstation: snap.workstation,
        journalSince: this.journalSince,
      },
      update: {
        scenario: snap.scenario,
        cluster: snap.cluster,
        workstation: snap.workstation,
        journalSince: this.journalSince,
        version: { increment: 1 },
      },
    });
  }

  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    await this.enqueue(() => this.save());
  }

  dispose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    // A save the last line scheduled while flush() waited for it: flush saved that state already,
    // and the database may be closing (server shutdown).
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    this.session.dispose();
  }
}

export class WorkspaceRegistry {
  private readonly live = new Map<string, Workspace>();
  private readonly loading = new Map<string, Promise<Workspace | null>>();

  constructor(private readonly deps: { prisma: PrismaClient; io: IO; idleMinutes: number }) {}

  get size(): number {
    return this.live.size;
  }

  /** The live workspace, loaded or created on first use (a new one starts in `lessonId`'s state). */
  acquire(userId: string, courseSlug: string, lessonId?: string): Promise<Workspace | null> {
    const key = `${userId}:${courseSlug}`;
    const ws = this.live.get(key);
    if (ws) return Promise.resolve(ws);
    let p = this.loading.get(key);
    if (!p) {
      p = this.load(userId, courseSlug, lessonId).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  private async load(userId: string, courseSlug: string, lessonId?: string): Promise<Workspace | null> {
    let course: Course;
    try {
      course = getCourse(courseSlug);
    } catch {
      return null;
    }
    const row = await this.deps.prisma.clusterSnapshot.findUnique({
      where: { userId_courseSlug: { userId, courseSlug } },
    });
    const deps = {
      prisma: this.deps.prisma,
      io: this.deps.io,
      idleMs: this.deps.idleMinutes * 60_000,
      onIdle: (w: Workspace) => void this.evict(w),
    };
    const classes = await this.deps.prisma.enrollment.findMany({
      where: { userId },
      select: { classroom: { select: { teacherId: true } } },
    });
    const teachers = [...new Set(classes.map((c) => c.classroom.teacherId))];
    let ws: Workspace;
    if (row) {
      ws = new Workspace(
        deps,
        userId,
        course,
        restoreSession(row, course.workstation),
        row.journalSince,
        teachers,
      );
    } else {
      const scenario = course.lessons.find((l) => l.id === lessonId)?.scenario ?? "explore-app";
      ws = new Workspace(
        deps,
        userId,
        course,
        createSession({ scenario, seed: randomInt(2 ** 31), prompt: course.workstation }),
        new Date(),
        teachers,
      );
      await ws.save();
    }
    this.live.set(`${userId}:${courseSlug}`, ws);
    return ws;
  }

  private async evict(ws: Workspace): Promise<void> {
    if (ws.socketCount > 0) return;
    await ws.flush();
    ws.dispose();
    this.live.delete(`${ws.userId}:${ws.course.id}`);
  }

  async flushAll(): Promise<void> {
    await Promise.all([...this.live.values()].map((w) => w.flush()));
  }

  /** Saves every live workspace and releases it (server shutdown). */
  async shutdown(): Promise<void> {
    await Promise.all(this.loading.values());
    await this.flushAll();
    for (const w of this.live.values()) w.dispose();
    this.live.clear();
  }
}
