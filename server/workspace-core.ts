/**
 * The simulation side of a student's workspace: the session (cluster, workstation, terminals)
 * and the lesson checks that read its state. It runs where the cluster lives — in the server's
 * own thread (KUBECLASS_WORKERS=0) or in a worker thread (server/worker.ts) — and talks to the
 * socket side (server/workspaces.ts) only through what `CoreEvents` and `CoreCalls` carry: strings
 * and small plain objects, so the same code serves both (docs/adr/0031-workspaces-on-worker-threads.md).
 *
 * A finished line is checked here, against the cluster it ran on, and leaves as one `line` event
 * with everything the socket side needs to write and tell about it: the journal entry, the step
 * rows that changed, the step list, and the pods' waiting reasons for the stuck rules.
 */
import { randomInt } from "node:crypto";
import { traced } from "../lib/block-trace";
import { getCourse } from "../lib/classroom/course";
import { JOURNAL_LIMIT, LessonProgress, type LineOutcome } from "../lib/classroom/lesson-progress";
import type { StepTally } from "../lib/classroom/progress";
import type { Fault, FaultResult } from "../lib/cluster/faults";
import type { Lesson } from "../lib/course/schema";
import type { ProgressUpdate } from "../lib/protocol/socket";
import type { JournalEntry } from "../lib/shell/types";
import type { KubeFace } from "./kube-api";
import type { Locale } from "./locale";
import {
  createSession,
  type Prompt,
  restoreSession,
  type SessionSnapshot,
  type StudentSession,
} from "./session-factory";

/** A finished line, checked: what the socket side writes and sends. */
export interface LineResult {
  entry: JournalEntry;
  lessonId: string;
  outcome: LineOutcome;
  /** Why the pods wait now (lib/course/stuck.ts), for the stuck rules; empty for a line in progress. */
  waiting: readonly string[];
}

export interface CoreEvents {
  output(tabId: string, data: string): void;
  line(result: LineResult): void;
}

/** A lesson's journal and step rows as the socket side read them from Postgres. */
export interface LessonData {
  journal: JournalEntry[];
  tallies: StepTally[];
}

/** What a join needs of the simulation, answered at once: the open tabs and the step list. */
export interface JoinView {
  tabs: string[];
  progress: ProgressUpdate;
}

/** How a core starts: a fresh cluster of a start state, or the saved one. */
export type CoreInit =
  | { kind: "new"; scenario: string; seed: number; prompt: Prompt }
  | { kind: "restore"; row: SessionSnapshot; prompt: Prompt };

/**
 * What the socket side asks of a core and waits for. The same names are the worker protocol's
 * calls (server/worker-pool.ts), so a method here is reachable in both modes.
 */
export interface CoreCalls {
  openTab(tabId: string, cols: number, rows: number): Promise<string | null> | string | null;
  tabIds(): string[];
  screens(): Array<{ tabId: string; screen: string }>;
  /** A lesson's journal and step rows (read from Postgres by the socket side). */
  loadLesson(lessonId: string, journal: JournalEntry[], tallies: StepTally[]): void;
  progress(lessonId: string): ProgressUpdate;
  /**
   * A student joins `lessonId`: it becomes the current lesson, its rows are loaded (`rows`: null
   * when they already are), and the tabs and step list are answered — one round trip a join.
   */
  join(lessonId: string, rows: LessonData | null): JoinView;
  solutionShown(lessonId: string, stepId: string, at: number): StepTally | null;
  /** Back to a start state: a fresh cluster and workstation, the same tabs; earned steps stay. */
  reset(scenario: string): void;
  snapshot(): SessionSnapshot;
  applyFault(fault: Fault): FaultResult;
}

/** What the socket side sends without waiting (ordered with the calls). */
export interface CoreCommands {
  input(tabId: string, data: string): void;
  resize(tabId: string, cols: number, rows: number): void;
  closeTab(tabId: string): void;
  setLanguage(locale: Locale): void;
  /** The lesson the student is in now: its lines are checked against it. */
  enterLesson(lessonId: string): void;
  dispose(): void;
}

export class WorkspaceCore implements CoreCalls, CoreCommands {
  private session: StudentSession;
  private readonly lessons = new Map<string, LessonProgress>();
  private current: string | null = null;
  /** Lines finished while their lesson's rows were still on the way (kept in order). */
  private readonly early: JournalEntry[] = [];
  private locale: Locale | undefined;
  private readonly prompt: Prompt;

  constructor(
    private readonly courseSlug: string,
    init: CoreInit,
    private readonly events: CoreEvents,
  ) {
    this.prompt = init.prompt;
    this.session =
      init.kind === "new"
        ? createSession({ scenario: init.scenario, seed: init.seed, prompt: init.prompt })
        : restoreSession(init.row, init.prompt);
    this.bind();
  }

  get scenario(): string {
    return this.session.scenario;
  }

  private bind(): void {
    this.session.onOutput = (tabId, data) => this.events.output(tabId, data);
    this.session.onJournal = (entry) => this.afterLine(entry);
    if (this.locale !== undefined) this.session.setLanguage(this.locale);
  }

  private lesson(id: string): Lesson {
    const lesson = getCourse(this.courseSlug).lessons.find((l) => l.id === id);
    if (!lesson) throw new Error(`unknown lesson ${id}`);
    return lesson;
  }

  private afterLine(entry: JournalEntry): void {
    const lessonId = this.current;
    if (!lessonId) return;
    const state = this.lessons.get(lessonId);
    if (!state) {
      this.early.push(entry);
      return;
    }
    this.checks.push({ entry, lessonId, state, prepared: false });
    this.runChecks();
  }

  /** Finished lines waiting for their check, in order (the first may be being prepared). */
  private readonly checks: Array<{
    entry: JournalEntry;
    lessonId: string;
    state: LessonProgress;
    prepared: boolean;
  }> = [];
  /** Renewed when a preparation is abandoned (flushChecks): a pending one then stops. */
  private preparing: object | null = null;

  /**
   * Checks finished lines in order. A long line's commands are read first in paced pieces
   * (LessonProgress.prepare, charged to the student like the line's own slices); the check itself
   * then runs in one piece. A short line is checked at once, in the turn it ended.
   */
  private runChecks(): void {
    while (this.preparing === null && this.checks.length > 0) {
      const job = this.checks[0] as (typeof this.checks)[number];
      if (!job.prepared) {
        job.prepared = true;
        const token = {};
        this.preparing = token;
        const pending = job.state.prepare(
          job.entry,
          this.session.pacer(() => this.preparing === token),
        );
        if (!pending) this.preparing = null;
        else {
          void pending.then(() => {
            if (this.preparing !== token) return;
            this.preparing = null;
            this.runChecks();
          });
          return;
        }
      }
      this.checks.shift();
      this.check(job);
    }
  }

  /** Checks every waiting line now, without waiting for turns (before a reset or the end). */
  private flushChecks(): void {
    this.preparing = null;
    for (const job of this.checks.splice(0)) this.check(job);
  }

  private check(job: { entry: JournalEntry; lessonId: string; state: LessonProgress }): void {
    const { entry, lessonId, state } = job;
    traced("check", () => {
      const outcome = state.line(entry, this.session.api, this.session.stateVersion());
      const waiting = entry.inProgress ? [] : this.session.waitingReasons();
      this.events.line({ entry, lessonId, outcome, waiting });
    });
  }

  enterLesson(lessonId: string): void {
    this.current = lessonId;
  }

  loadLesson(lessonId: string, journal: JournalEntry[], tallies: StepTally[]): void {
    if (this.lessons.has(lessonId)) return;
    const state = new LessonProgress(
      this.lesson(lessonId),
      journal,
      new Map(tallies.map((t) => [t.stepId, t])),
      this.session.api,
      JOURNAL_LIMIT,
      (ns, name) => this.session.podExisted?.(ns, name) ?? false,
    );
    this.lessons.set(lessonId, state);
    // Lines that finished while loading are counted now, in order.
    for (const entry of this.early.splice(0)) this.afterLine(entry);
  }

  private loaded(lessonId: string): LessonProgress {
    const state = this.lessons.get(lessonId);
    if (!state) throw new Error(`lesson ${lessonId} not loaded`);
    return state;
  }

  progress(lessonId: string): ProgressUpdate {
    return this.loaded(lessonId).view(this.session.api, this.session.stateVersion());
  }

  join(lessonId: string, rows: LessonData | null): JoinView {
    this.enterLesson(lessonId);
    if (rows) this.loadLesson(lessonId, rows.journal, rows.tallies);
    return { tabs: this.tabIds(), progress: this.progress(lessonId) };
  }

  solutionShown(lessonId: string, stepId: string, at: number): StepTally | null {
    return this.loaded(lessonId).solutionShown(stepId, at);
  }

  reset(scenario: string): void {
    // The lines before the reset are checked against the cluster they ran on.
    this.flushChecks();
    const tabs = this.session.tabIds();
    this.session.dispose();
    this.session = createSession({ scenario, seed: randomInt(2 ** 31), prompt: this.prompt });
    this.bind();
    for (const id of tabs) void this.session.openTab(id, 80, 24);
    for (const state of this.lessons.values()) state.clearJournal(this.session.api);
  }

  openTab(tabId: string, cols: number, rows: number): Promise<string> | null {
    return this.session.openTab(tabId, cols, rows);
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

  setLanguage(locale: Locale): void {
    this.locale = locale;
    this.session.setLanguage(locale);
  }

  tabIds(): string[] {
    return this.session.tabIds();
  }

  screens(): Array<{ tabId: string; screen: string }> {
    return this.session.screens();
  }

  snapshot(): SessionSnapshot {
    return this.session.snapshot();
  }

  applyFault(fault: Fault): FaultResult {
    return this.session.applyFault(fault);
  }

  /** The cluster's HTTP face (in-process only: it holds sockets of this thread). */
  kubeFace(): KubeFace {
    return this.session.kubeFace();
  }

  dispose(): void {
    // A check still waiting for its turn is dropped with the workspace, as a line still running
    // is (the socket side has stopped listening; at shutdown its writes were drained before).
    this.preparing = null;
    this.checks.length = 0;
    this.session.dispose();
  }
}

/**
 * Builds one workspace per lesson of the course (its start state, a tab open, the lesson's
 * step list worked out) and drops it, so the first joins of a class do not pay for the
 * simulation's and the step checks' first, unoptimised runs (a cold lesson entry took 0.2 s
 * while the class was arriving; docs/adr/0034).
 */
export async function warmSimulation(courseSlug?: string): Promise<void> {
  const course = getCourse(courseSlug);
  const quiet: CoreEvents = { output: () => {}, line: () => {} };
  for (const lesson of course.lessons) {
    const core = new WorkspaceCore(
      course.id,
      { kind: "new", scenario: lesson.scenario, seed: 1, prompt: course.workstation },
      quiet,
    );
    await core.openTab("warm", 80, 24);
    core.enterLesson(lesson.id);
    core.loadLesson(lesson.id, [], []);
    core.progress(lesson.id);
    core.dispose();
    // A turn of the event loop between builds (a worker answers its heartbeat meanwhile).
    await new Promise((resolve) => setImmediate(resolve));
  }
}
