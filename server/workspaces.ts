/**
 * Live workspaces: one per student and course — the simulated cluster, the workstation (shell
 * state shared by the tabs) and the open terminal tabs. Loaded lazily from Postgres on the first
 * socket, evicted when idle once everything is written (tldraw-sync style rooms).
 *
 * The hot path never waits for the database (docs/adr/0014-live-session-write-path.md): a finished line is
 * checked in memory, its journal row and step tallies go to the instance's write queue, and the
 * learner's step list (and the teachers' board) hear about it only once those rows are
 * committed, so the screen never claims a step that Postgres does not have. Terminal output is
 * coalesced: one emit per tab per turn of the event loop, however many chunks a line printed.
 */
import { createHash, randomBytes, randomInt } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Server, Socket } from "socket.io";
import { traced } from "../lib/block-trace";
import { getCourse } from "../lib/classroom/course";
import { teachersOf } from "../lib/classroom/enrollment";
import { type AccountNow, accountNow, type JoinRead, joinRead } from "../lib/classroom/join-read";
import { loadJournal, writeLines } from "../lib/classroom/journal";
import { JOURNAL_LIMIT } from "../lib/classroom/lesson-progress";
import { type LessonKey, loadLessonTallies, type StepTally } from "../lib/classroom/progress";
import { loadSnapshot, type SnapshotRow, saveSnapshots } from "../lib/classroom/snapshots";
import { createPool, type Pool } from "../lib/classroom/sql";
import { WriteQueue, type WriteQueueMetrics, type WriteUnit } from "../lib/classroom/write-queue";
import type { Fault, FaultResult } from "../lib/cluster/faults";
import type { Course, Lesson } from "../lib/course/schema";
import type { ClientToServer, ProgressUpdate, ServerToClient } from "../lib/protocol/socket";
import type { JournalEntry } from "../lib/shell/types";
import { Deadlines } from "./due";
import { type Locale, uiLocale } from "./locale";
import { Osc8Stripper } from "./mirror-filter";
import type { SessionSnapshot } from "./session-factory";
import {
  type CoreHandle,
  type CoreHost,
  createHost,
  type FirstJoin,
  type HandleEvents,
  type WorkerPoolOptions,
} from "./worker-pool";
import type { CoreInit, JoinView, LessonData, LineResult } from "./workspace-core";

type IO = Server<ClientToServer, ServerToClient, Record<string, never>, unknown>;
type AnySocket = Socket<ClientToServer, ServerToClient, Record<string, never>, unknown>;

/** When a busy workspace's cluster is saved: after this much quiet, and at least this often. */
const SNAPSHOT_QUIET_MS = 10_000;
const SNAPSHOT_MAX_WAIT_MS = 60_000;
/**
 * How long the write queue lets the first line of a batch wait for others: a trickle of lines
 * (50/s for 100 students) becomes one statement every 250 ms instead of one per line. Nothing
 * anyone sees waits for it: output never does, and a line that completes a step is urgent (its
 * batch starts at once). Each statement costs the server a round trip's system calls and wake-ups
 * (ADR 0032).
 */
const WRITE_LINGER_MS = 250;
/**
 * Connections of the live pool: all opened before the first student (with the join's reads run
 * on each, so no join meets a fresh Postgres backend) and kept open when idle — an idle backend
 * costs no CPU, a connect and a cold backend cost the first joins of a class tens of ms.
 */
const LIVE_CONNECTIONS = 10;

/**
 * Where the live teaching tools (server/teaching/hub.ts) listen in: recordings, stuck detection,
 * faults waiting for a cluster that was not in memory. Called synchronously on the live path;
 * a hook must not throw and must not block.
 */
/** What a `loading` hook does once the workspace is built, or if it never is. */
export interface Loading {
  built(ws: Workspace): Promise<void>;
  abandoned(): Promise<void>;
}

/** What the join's statement read for the hooks: the faults it claimed, the student's classes. */
export type LoadRead = Pick<JoinRead, "faults" | "classIds">;

export interface WorkspaceHooks {
  /**
   * A workspace's rows are read (with `loading` set, the join's one statement also claims the
   * faults waiting for this cluster and reads the student's classes): returns what to do once it
   * is built, before anyone uses it (the claimed faults are applied then), or if it never is.
   */
  loading?(userId: string, courseSlug: string, read: LoadRead): Loading;
  /** The server warms a connection of the live pool: the hooks' join statements on it. */
  warm?(connection: Pool): Promise<void>;
  /** A tab opened or changed size. */
  tabSize?(ws: Workspace, tabId: string, cols: number, rows: number): void;
  /** What a tab printed (coalesced, as the student's browser gets it). */
  output?(ws: Workspace, tabId: string, data: string): void;
  tabClosed?(ws: Workspace, tabId: string): void;
  /** A line finished in a lesson (before its rows are written). */
  line?(ws: Workspace, entry: JournalEntry, lessonId: string): void;
  /** The student's step list changed (after the rows were committed), or they entered a lesson. */
  progress?(ws: Workspace, update: ProgressUpdate): void;
  /** The workspace leaves memory. */
  disposed?(ws: Workspace): void;
}

interface WorkspaceDeps {
  io: IO;
  host: CoreHost;
  hooks?: WorkspaceHooks;
  pool: Pool;
  queue: WriteQueue;
  onIdle(ws: Workspace): void;
  /** Drops a workspace that cannot be used any more (without saving it). */
  forget(ws: Workspace): void;
  idleMs: number;
  snapshotQuietMs: number;
  snapshotMaxWaitMs: number;
  /** When each workspace's cluster is next saved: one timer for all of them (server/due.ts). */
  saves: Deadlines<Workspace>;
}

type LessonRows = [JournalEntry[], Map<string, StepTally>];

/**
 * A lesson's journal (the newest lines since `since`; null: since the saved cluster's
 * journalSince) and step rows: two statements, sent at once.
 */
function lessonRows(pool: Pool, key: LessonKey, since: number | null): Promise<LessonRows> {
  return Promise.all([
    loadJournal(pool, { ...key, since, limit: JOURNAL_LIMIT }),
    loadLessonTallies(pool, key),
  ]);
}

export class Workspace {
  private readonly sockets = new Map<string, AnySocket>();
  /** Lessons whose rows the simulation has (it checks their lines), or is being sent. */
  private readonly lessons = new Set<string>();
  private readonly loadingLessons = new Map<string, Promise<void>>();
  private currentLesson: string | null = null;
  /** The step list last sent to the student's sockets, per lesson (a repeat is not sent again). */
  private readonly lastProgress = new Map<string, string>();
  /** Terminal output not emitted yet, per tab (flushed once per turn of the event loop). */
  private readonly outBuf = new Map<string, string>();
  private outScheduled = false;
  /** Line keys: unique per workspace instance (random) and line (sequence). */
  private readonly instanceKey = randomBytes(9).toString("base64url");
  private seq = 0;
  private dirtySince: number | null = null;
  /**
   * This workspace's longest wait before a save while its student keeps typing: between half
   * and all of `snapshotMaxWaitMs`, drawn once. A class that starts typing on the teacher's "go"
   * would otherwise have every cluster fall due in the same two seconds (1,000 serialisations
   * of ~60 KB and their statements at once); spread, they come a few a second
   * (docs/adr/0035-long-blocks-sliced.md).
   */
  private readonly maxWaitMs: number;
  idleTimer: NodeJS.Timeout | null = null;
  private locale: Locale | undefined;
  /** The pods' waiting reasons sent with the last checked line (the stuck rules' input). */
  private waiting: readonly string[] = [];
  /** The tabs a browser opened, with their size (reopened if the simulation is reloaded). */
  private readonly openTabs = new Map<string, { cols: number; rows: number }>();
  /** Set while the simulation is being reloaded after its worker stopped. */
  private recovering: Promise<void> | null = null;
  private disposed = false;

  constructor(
    private readonly deps: WorkspaceDeps,
    readonly userId: string,
    readonly course: Course,
    private journalSince: number,
    /** Teachers of the student's classes as last asked (at load, then at each completion). */
    public teacherIds: string[],
    /** The user's saved locale as the join's statement read it (undefined: ask when attaching). */
    private savedLocale?: string,
  ) {
    this.maxWaitMs = Math.round((deps.snapshotMaxWaitMs * randomInt(500, 1001)) / 1000);
  }

  /** The simulation: set by `start`, replaced if its worker stops. */
  private session!: CoreHandle;

  /** The answer to the join the build came with, until that join asks for it. */
  private firstJoin: { lessonId: string; view: JoinView } | null = null;

  /**
   * Builds (or restores) the simulation where it runs; once, before the workspace is used. With
   * `join` (the lesson the loading join asked for, its rows read meanwhile) it is joined in the
   * same message.
   */
  async start(init: CoreInit, join?: FirstJoin): Promise<void> {
    this.session = await this.deps.host.create(this.course.id, init, this.events, join);
    if (join && this.session.joined) {
      this.lessons.add(join.lessonId);
      this.currentLesson = join.lessonId;
      this.firstJoin = { lessonId: join.lessonId, view: this.session.joined };
    }
  }

  /** What the simulation reports, wherever it runs (bound before it is built). */
  readonly events: HandleEvents = {
    output: (tabId, data) => {
      this.outBuf.set(tabId, (this.outBuf.get(tabId) ?? "") + data);
      if (!this.outScheduled) {
        this.outScheduled = true;
        setImmediate(() => traced("output", () => this.flushOutput()));
      }
    },
    line: (result) => this.afterLine(result),
    lost: () => {
      this.recovering ??= this.recover().finally(() => {
        this.recovering = null;
      });
    },
  };

  private readonly mirrorFilters = new Map<string, Osc8Stripper>();

  private mirrorFilter(tabId: string): Osc8Stripper {
    const f = this.mirrorFilters.get(tabId) ?? new Osc8Stripper();
    this.mirrorFilters.set(tabId, f);
    return f;
  }

  get key(): string {
    return `${this.userId}:${this.course.id}`;
  }

  private get room(): string {
    return `user:${this.userId}`;
  }

  private flushOutput(): void {
    this.outScheduled = false;
    if (this.outBuf.size === 0) return;
    const watchers = `watch:${this.userId}`;
    // socket.io encodes a packet even for a room nobody is in: the mirror's frame is built only
    // while a teacher watches (the filter still sees every chunk, so a link cut between two
    // chunks is removed whenever watching starts).
    const watched = this.deps.io.sockets.adapter.rooms.has(watchers);
    for (const [tabId, data] of this.outBuf) {
      this.deps.io.to(this.room).emit("term:output", { tabId, data });
      this.deps.hooks?.output?.(this, tabId, data);
      // The teacher's mirror gets no clickable links from the student (server/mirror-filter.ts).
      const mirrored = this.mirrorFilter(tabId).push(data);
      if (mirrored && watched)
        this.deps.io.to(watchers).emit("watch:output", { studentId: this.userId, tabId, data: mirrored });
    }
    this.outBuf.clear();
  }

  lesson(id: string): Lesson | undefined {
    return this.course.lessons.find((l) => l.id === id);
  }

  tabIds(): Promise<string[]> {
    return this.session.call("tabIds");
  }

  screens(): Promise<Array<{ tabId: string; screen: string }>> {
    return this.session.call("screens");
  }

  /** The start state the student's current cluster came from. */
  get scenario(): string {
    return this.session.scenario;
  }

  /**
   * A student socket attaches. `savedLocale`: the user's saved locale as the join's account read
   * found it (no statement of its own then); else the one read with the workspace, else asked.
   */
  attach(socket: AnySocket, savedLocale?: string): void {
    this.sockets.set(socket.id, socket);
    const saved = savedLocale ?? this.savedLocale;
    this.savedLocale = undefined;
    void uiLocale(
      async (id) =>
        saved ??
        (await this.deps.pool.query<{ locale: string }>('SELECT locale FROM "User" WHERE id = $1', [id]))
          .rows[0]?.locale,
      this.userId,
      socket.request?.headers.cookie,
    )
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

  /**
   * A student joins `lessonId`: it is the current lesson from now on, and the open tabs and the
   * step list are answered — by one request to the simulation (with the lesson's rows the first
   * time), or by none when the build already answered this join (docs/adr/0033).
   */
  async join(lessonId: string): Promise<JoinView> {
    this.currentLesson = lessonId;
    let view: JoinView;
    if (this.firstJoin?.lessonId === lessonId) view = this.firstJoin.view;
    else view = await this.withLesson(lessonId, (rows) => this.session.call("join", lessonId, rows));
    this.firstJoin = null;
    // The joining socket gets this list; the next change goes to every tab again.
    this.lastProgress.delete(lessonId);
    this.deps.hooks?.progress?.(this, view.progress);
    return view;
  }

  async enterLesson(lessonId: string): Promise<void> {
    await this.join(lessonId);
  }

  /** The lesson the student is in now (the last one they joined). */
  get lessonId(): string | null {
    return this.currentLesson;
  }

  /**
   * The student's own kubectl (server/kube-api/route.ts, authenticated there): one request to
   * the cluster's API, its URL already the API's path, served where the cluster is (this thread,
   * or forwarded to its worker's loopback port: server/kube-api/forward.ts). A write is saved as
   * a terminal line is.
   */
  kubeApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") this.markDirty();
    return this.session.kubeRequest(req, res);
  }

  /** `kubectl exec` of the student's own kubectl: the websocket upgrade of `pods/exec`. */
  kubeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.session.kubeUpgrade(req, socket, head);
  }

  /** Why the cluster's pod containers waited after the last checked line (the stuck rules' input). */
  waitingReasons(): readonly string[] {
    return this.waiting;
  }

  /** A teacher's fault (server/teaching/hub.ts), applied to the live cluster and saved soon. */
  async applyFault(fault: Fault): Promise<FaultResult> {
    const result = await this.session.call("applyFault", fault);
    this.markDirty();
    return result;
  }

  /**
   * Asks the simulation something about a lesson: with the lesson's rows (read from Postgres)
   * the first time, so loading them and the question are one request; with null once it has them.
   */
  private withLesson<T>(lessonId: string, ask: (rows: LessonData | null) => Promise<T>): Promise<T> {
    if (this.lessons.has(lessonId)) return ask(null);
    const loading = this.loadingLessons.get(lessonId);
    if (loading) return loading.then(() => ask(null));
    if (!this.lesson(lessonId)) return Promise.reject(new Error(`unknown lesson ${lessonId}`));
    const rows = lessonRows(
      this.deps.pool,
      { userId: this.userId, courseSlug: this.course.id, lessonId },
      this.journalSince,
    );
    const session = this.session;
    // Lines that finished while loading are counted there, in order.
    const answer = rows.then(([journal, tallies]) => ask({ journal, tallies: [...tallies.values()] }));
    const loaded = answer
      .then(() => {
        if (session === this.session) this.lessons.add(lessonId);
      })
      .finally(() => this.loadingLessons.delete(lessonId));
    this.loadingLessons.set(lessonId, loaded);
    return loaded.then(() => answer);
  }

  /** The lesson's rows, handed to the simulation the first time it is needed. */
  private lessonState(lessonId: string): Promise<void> {
    return this.withLesson(lessonId, async (rows) => {
      if (rows) await this.session.call("loadLesson", lessonId, rows.journal, rows.tallies);
    });
  }

  openTab(tabId: string, cols: number, rows: number, socketId: string): void {
    // Output still buffered is part of the replay below; send it to the others first.
    this.flushOutput();
    this.openTabs.set(tabId, { cols, rows });
    this.deps.hooks?.tabSize?.(this, tabId, cols, rows);
    const replay = this.session.call("openTab", tabId, cols, rows);
    // Only the (re)attaching browser needs the replay; the others already show it.
    void replay.then(
      (data) => {
        if (data !== null) this.sockets.get(socketId)?.emit("term:output", { tabId, data });
      },
      (err: unknown) => console.error("[workspace] open tab", err),
    );
  }

  /** A line of kubeclass's own in every open tab of the student (not part of the session). */
  private tellTabs(text: string): void {
    this.flushOutput();
    for (const tabId of this.openTabs.keys())
      this.deps.io
        .to(this.room)
        .emit("term:output", { tabId, data: `\r\n\x1b[33mkubeclass: ${text}\x1b[0m\r\n` });
  }

  /**
   * Keystrokes for a tab. While the write queue is over its bound (the database cannot keep
   * up), Enter is refused with a message instead of piling up more unwritten lines.
   */
  input(tabId: string, data: string): void {
    if (this.deps.queue.full && /[\r\n]/.test(data)) {
      this.deps.queue.refused();
      this.events.output(
        tabId,
        "\r\n\x1b[33mkubeclass: saving your work is behind (the database is slow); press Enter again in a moment\x1b[0m\r\n",
      );
      return;
    }
    if (this.recovering) return;
    this.session.input(tabId, data);
  }

  resize(tabId: string, cols: number, rows: number): void {
    if (this.openTabs.has(tabId)) this.openTabs.set(tabId, { cols, rows });
    this.session.resize(tabId, cols, rows);
    this.deps.hooks?.tabSize?.(this, tabId, cols, rows);
  }

  closeTab(tabId: string): void {
    this.openTabs.delete(tabId);
    this.session.closeTab(tabId);
    this.deps.hooks?.tabClosed?.(this, tabId);
  }

  private afterLine({ entry, lessonId, outcome, waiting }: LineResult): void {
    this.waiting = waiting;
    this.deps.hooks?.line?.(this, entry, lessonId);
    const lessonKey = { userId: this.userId, courseSlug: this.course.id, lessonId };
    const completedAt = new Date(entry.at).toISOString();
    const completes = outcome.newlyCompleted.length > 0;
    // Who teaches this student is asked again at each completion (rare: a few per lesson), not
    // taken from the load: a teacher removed from the class hears nothing more. Asked while the
    // rows are written, so the tick leaves as soon as they are committed; asked again then if
    // the database could not say (the rows themselves wait out an outage; so does the tick).
    const teachers = completes
      ? teachersOf(this.deps.pool, this.userId).then(
          (ids) => {
            this.teacherIds = ids;
            return ids;
          },
          () => null,
        )
      : null;
    this.deps.queue.enqueue({
      // A completed step goes out without waiting for the batch's linger.
      urgent: completes,
      owner: this.key,
      // A line still in progress (inside `exec -ti … bash`) is recorded when it ends.
      journal: entry.inProgress
        ? []
        : [{ lineKey: `${this.instanceKey}.${++this.seq}`, ...lessonKey, entry }],
      progress: outcome.changed.map((tally) => ({ ...lessonKey, tally })),
      committed: () => {
        this.sendProgress(outcome.update);
        this.deps.hooks?.progress?.(this, outcome.update);
        if (!teachers) return;
        void teachers
          .then((ids) => ids ?? this.currentTeachers())
          .then((ids) => {
            if (ids.length === 0) return;
            const rooms = ids.map((id) => `teacher:${id}`);
            for (const stepId of outcome.newlyCompleted)
              this.deps.io
                .to(rooms)
                .emit("student:progress", { userId: this.userId, lessonId, stepId, completedAt });
          });
      },
    });
    this.markDirty();
  }

  /** The student's teachers now; none when the database cannot say (fail closed). */
  private currentTeachers(): Promise<string[]> {
    return teachersOf(this.deps.pool, this.userId).then(
      (ids) => {
        this.teacherIds = ids;
        return ids;
      },
      (err: unknown) => {
        console.error("[workspace] teachers", err);
        return [];
      },
    );
  }

  /**
   * The step list to every tab of the student, unless it is the one they already have: most
   * lines change no step (the tallies are the teacher's, not shown here), and an unchanged list
   * would cost a frame per line per socket for nothing.
   */
  private sendProgress(update: ProgressUpdate): void {
    const json = JSON.stringify(update);
    if (this.lastProgress.get(update.lessonId) === json) return;
    this.lastProgress.set(update.lessonId, json);
    this.deps.io.to(this.room).emit("progress", update);
  }

  async progress(lessonId: string): Promise<ProgressUpdate> {
    if (!this.lesson(lessonId)) throw new Error(`unknown lesson ${lessonId}`);
    await this.lessonState(lessonId);
    return this.session.call("progress", lessonId);
  }

  async solutionShown(lessonId: string, stepId: string): Promise<void> {
    if (!this.lesson(lessonId)) return;
    await this.lessonState(lessonId);
    const tally = await this.session.call("solutionShown", lessonId, stepId, Date.now());
    if (!tally) return;
    await this.write({
      owner: this.key,
      progress: [{ userId: this.userId, courseSlug: this.course.id, lessonId, tally }],
    });
  }

  /** Back to the lesson's start state: a fresh cluster and workstation; earned steps stay. */
  async resetLesson(lessonId: string): Promise<void> {
    const lesson = this.lesson(lessonId);
    if (!lesson) return;
    this.flushOutput();
    await this.session.call("reset", lesson.scenario);
    this.journalSince = Date.now();
    await this.write(await this.snapshotUnit());
    this.lastProgress.delete(lessonId);
    this.sendProgress(await this.progress(lessonId));
  }

  /** Enqueues a unit and resolves once it is committed (rejects if the database refused it). */
  private write(unit: WriteUnit): Promise<void> {
    return new Promise((resolve, reject) => {
      this.deps.queue.enqueue({ ...unit, committed: resolve, rejected: reject });
    });
  }

  /** The cluster as it is now, ready to save (asked of the simulation, wherever it runs). */
  private async snapshotUnit(): Promise<WriteUnit> {
    this.deps.saves.delete(this);
    const since = this.dirtySince;
    this.dirtySince = null;
    let snap: SessionSnapshot;
    try {
      snap = await traced("snapshot", () => this.session.call("snapshot"));
    } catch (err) {
      // Not saved (its worker stopped): still to save.
      this.dirtySince ??= since ?? Date.now();
      throw err;
    }
    const row: SnapshotRow = {
      userId: this.userId,
      courseSlug: this.course.id,
      scenario: snap.scenario,
      cluster: snap.cluster,
      workstation: snap.workstation,
      journalSince: this.journalSince,
    };
    return { owner: this.key, snapshot: row };
  }

  /** The save asked of the simulation and not enqueued yet (a flush waits for it too). */
  private saving: Promise<void> = Promise.resolve();

  private saveNow(): Promise<void> {
    const saved = this.snapshotUnit().then(
      (unit) => this.deps.queue.enqueue(unit),
      (err: unknown) => console.error("[workspace] snapshot", err),
    );
    this.saving = saved;
    return saved;
  }

  /**
   * The cluster changed: save it once the student has been quiet for a while, and at least every
   * `maxWaitMs` (at most `snapshotMaxWaitMs`) while they keep typing (never once per line).
   * Eviction and shutdown save it at once; progress and journal never wait for it. A line moves
   * the deadline (a map write); no timer is armed per line or per workspace.
   */
  markDirty(): void {
    const now = Date.now();
    this.dirtySince ??= now;
    const at = Math.min(now + this.deps.snapshotQuietMs, this.dirtySince + this.maxWaitMs);
    this.deps.saves.set(this, at, this.saveDue);
  }

  private readonly saveDue = (): void => void this.saveNow();

  /**
   * Saves the cluster now if it changed since its last save (an unchanged one is not serialised
   * again: eviction of an idle workspace writes nothing) and waits until everything of this
   * workspace is in Postgres.
   */
  async flush(): Promise<void> {
    this.flushOutput();
    await this.recovering;
    await this.saving;
    await this.saveSoon();
    await this.deps.queue.whenWritten(this.key);
  }

  /**
   * Saves the cluster if it changed since it was last saved; resolves once it is queued
   * (shutdown drains the queue for everyone at once).
   */
  saveSoon(): Promise<void> {
    return this.dirtySince !== null ? this.saveNow() : Promise.resolve();
  }

  /**
   * The worker holding this simulation stopped (server/worker-pool.ts): what it had not saved is
   * gone. The student is told in every open tab; the workspace is built again from its last saved
   * snapshot, the lesson's rows (everything reported before is committed first) and the same tabs.
   */
  private async recover(): Promise<void> {
    this.tellTabs("the simulation of your workspace stopped unexpectedly; restoring it from your last save…");
    this.deps.saves.delete(this);
    this.dirtySince = null;
    this.lessons.clear();
    this.loadingLessons.clear();
    try {
      await this.deps.queue.whenWritten(this.key);
      const row = await loadSnapshot(this.deps.pool, { userId: this.userId, courseSlug: this.course.id });
      if (this.disposed) return;
      const lesson = this.currentLesson ? this.lesson(this.currentLesson) : undefined;
      const init: CoreInit = row
        ? { kind: "restore", row, prompt: this.course.workstation }
        : {
            kind: "new",
            scenario: lesson?.scenario ?? "explore-app",
            seed: firstSeed(this.userId, this.course.id),
            prompt: this.course.workstation,
          };
      this.session = await this.deps.host.create(this.course.id, init, this.events);
      // A fresh cluster (nothing was saved) is the student's first one again, not saved until it
      // changes, like a new workspace's.
      this.journalSince = row?.journalSince ?? Date.now();
      if (this.disposed) {
        this.session.dispose();
        return;
      }
      if (this.locale !== undefined) this.session.setLanguage(this.locale);
      if (this.currentLesson) {
        this.session.enterLesson(this.currentLesson);
        await this.lessonState(this.currentLesson);
      }
      for (const [tabId, size] of this.openTabs)
        await this.session.call("openTab", tabId, size.cols, size.rows);
      if (this.currentLesson) {
        this.lastProgress.delete(this.currentLesson);
        this.sendProgress(await this.progress(this.currentLesson));
      }
      this.tellTabs(
        row
          ? "restored from your last save; commands typed since may need to be run again."
          : "restarted from the lesson's start state (nothing was saved yet).",
      );
    } catch (err) {
      console.error("[workspace] reload after a worker stopped", err);
      this.tellTabs("your workspace could not be restored; reconnecting…");
      // Out of memory: the browser reconnects and the next join loads it afresh.
      this.deps.forget(this);
      this.deps.io.in(this.room).disconnectSockets(true);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.deps.hooks?.disposed?.(this);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.deps.saves.delete(this);
    this.session.dispose();
  }
}

export interface RegistryDeps {
  io: IO;
  /** PostgreSQL for the live sessions' reads and batched writes (a pool of its own). */
  databaseUrl: string;
  idleMinutes: number;
  snapshotQuietMs?: number;
  snapshotMaxWaitMs?: number;
  /** The write queue's linger (ms); see WRITE_LINGER_MS. */
  writeLingerMs?: number;
  /** How long shutdown waits for the last writes (the server's force-exit is 10 s). */
  drainMs?: number;
  /** The live teaching tools' hook points (server/teaching/hub.ts). */
  hooks?: WorkspaceHooks;
  /**
   * Worker threads that run the students' simulations (0: this thread). Unset: the
   * KUBECLASS_WORKERS environment variable, else 1 (server/index.ts passes the server's setting).
   */
  workers?: number;
  /** The workers' watchdog (server/worker-pool.ts). */
  workerOptions?: WorkerPoolOptions;
}

/** KUBECLASS_WORKERS as a count (unset or unreadable: 1, the default; docs/adr/0033). */
export function workersFromEnv(): number {
  const n = Number(process.env.KUBECLASS_WORKERS || 1);
  return Number.isInteger(n) && n >= 0 ? n : 1;
}

/**
 * The seed of a student's first cluster of a course, drawn from who they are: a new cluster is
 * not saved until something changes it (a line, a fault, a write of their own kubectl), and one
 * that was never saved is built again the same — the same pod names, uids and addresses — after
 * an eviction or a restart, with nothing written (docs/adr/0038-one-statement-per-join.md).
 * "Reset this lesson" draws a random seed (and saves at once).
 */
export function firstSeed(userId: string, courseSlug: string): number {
  return createHash("sha256").update(`${userId}\0${courseSlug}`).digest().readUInt32BE(0) & 0x7fffffff;
}

/** Where a load hands the account its statement read (to a join; `acquire` passes none). */
interface AccountSink {
  resolve(account: AccountNow | null): void;
  reject(err: unknown): void;
}

export class WorkspaceRegistry {
  private readonly live = new Map<string, Workspace>();
  private readonly loading = new Map<string, Promise<Workspace | null>>();
  readonly pool: Pool;
  readonly queue: WriteQueue;
  /** Where the simulations run (this thread or worker threads). */
  readonly host: CoreHost;
  /** The live workspaces' snapshot deadlines, behind one timer. */
  private readonly saves = new Deadlines<Workspace>(1000);

  constructor(private readonly deps: RegistryDeps) {
    this.host = createHost(deps.workers ?? workersFromEnv(), deps.workerOptions);
    this.pool = createPool(deps.databaseUrl, LIVE_CONNECTIONS, LIVE_CONNECTIONS);
    const pool = this.pool;
    this.queue = new WriteQueue(
      {
        lines: (journal, progress) => writeLines(pool, journal, progress),
        snapshots: (rows) => saveSnapshots(pool, rows),
      },
      {
        lingerMs: deps.writeLingerMs ?? WRITE_LINGER_MS,
        // Students whose work is waiting are told why their step list stops ticking, and again
        // when it is saved.
        onTrouble: () =>
          this.noticeWaiting(
            "info",
            "Saving is delayed: the database is not answering. Your work is kept and will be saved.",
          ),
        onRecovered: () => this.noticeWaiting("info", "Saved: the database is back."),
      },
    );
  }

  /**
   * Before the first student arrives: opens the live pool's connections, loads the course on
   * this thread and builds (and drops) one session per start state of the course with a tab
   * open, so the first joins of a class do not pay for connecting to Postgres, for reading the
   * course and for the simulation's first, unoptimised run (one cold cluster took 0.5 s while the
   * class was arriving). Nothing is written. Failures are logged, not fatal: the joins do the
   * same work anyway.
   */
  async warm(courseSlug?: string): Promise<void> {
    // Connections first: building clusters holds the event loop, and a connect whose answer
    // waits behind it times out (seen on a starved machine).
    // Each connection held at once (so each is a different one) and asked what a join asks.
    const clients = await Promise.all(
      Array.from({ length: LIVE_CONNECTIONS }, () => this.pool.connect()),
    ).catch((err: unknown) => {
      console.error("[workspace] warm-up", err);
      return [];
    });
    const nobody = { userId: "warm-up", courseSlug: courseSlug ?? "warm-up", lessonId: "warm-up" };
    await Promise.all(
      clients.map(async (c) => {
        const one = c as unknown as Pool;
        try {
          // The join's statement prepared on each connection (named: parsed and planned once).
          await joinRead(one, nobody, { journalLimit: JOURNAL_LIMIT, claimFaults: false });
          await accountNow(one, nobody.userId);
          await lessonRows(one, nobody, 0);
          await this.deps.hooks?.warm?.(one);
        } catch (err) {
          console.error("[workspace] warm-up", err);
        } finally {
          c.release();
        }
      }),
    );
    // The workers build their clusters while this thread loads the course: a join's first
    // `getCourse` here read, parsed and validated the course's files (~70 ms of this loop,
    // every socket waiting; docs/adr/0043).
    const simulation = this.host.warm(courseSlug).catch((err: unknown) => {
      console.error("[workspace] warm-up", err);
    });
    try {
      getCourse(courseSlug);
    } catch (err) {
      console.error("[workspace] warm-up", err);
    }
    await simulation;
  }

  private noticeWaiting(level: "info" | "error", message: string): void {
    for (const ws of this.live.values())
      if (this.queue.pending(ws.key) > 0)
        this.deps.io.to(`user:${ws.userId}`).emit("notice", { level, message });
  }

  get size(): number {
    return this.live.size;
  }

  /** The student's workspace if it is in memory now (never loads one). */
  peek(userId: string, courseSlug: string): Workspace | undefined {
    return this.live.get(`${userId}:${courseSlug}`);
  }

  metrics(): WriteQueueMetrics & { live: number } {
    return { ...this.queue.metrics(), live: this.live.size };
  }

  /** The live workspace, loaded or created on first use (a new one starts in `lessonId`'s state). */
  acquire(userId: string, courseSlug: string, lessonId?: string): Promise<Workspace | null> {
    const key = `${userId}:${courseSlug}`;
    const ws = this.live.get(key);
    if (ws) return Promise.resolve(ws);
    return this.loading.get(key) ?? this.startLoad(userId, courseSlug, lessonId, null);
  }

  /**
   * A student's socket joins: their workspace (loaded or created on first use) and their
   * account as the database has it now. When the workspace is loaded for this join, the account
   * is read by the load's own statement (one statement for the whole join); otherwise by one of
   * its own. Nothing waits for the other: the caller checks the account before using the
   * workspace (a workspace loaded for a void session is released to the idle timer).
   */
  joining(
    userId: string,
    courseSlug: string,
    lessonId?: string,
  ): { workspace: Promise<Workspace | null>; account: Promise<AccountNow | null> } {
    const key = `${userId}:${courseSlug}`;
    const ws = this.live.get(key);
    if (ws) return { workspace: Promise.resolve(ws), account: this.account(userId) };
    const inFlight = this.loading.get(key);
    // A load already under way read the account before this join asked: read it again.
    if (inFlight) return { workspace: inFlight, account: this.account(userId) };
    let account!: AccountSink;
    const read = new Promise<AccountNow | null>((resolve, reject) => {
      account = { resolve, reject };
    });
    return { workspace: this.startLoad(userId, courseSlug, lessonId, account), account: read };
  }

  private startLoad(
    userId: string,
    courseSlug: string,
    lessonId: string | undefined,
    account: AccountSink | null,
  ): Promise<Workspace | null> {
    const key = `${userId}:${courseSlug}`;
    const p = this.load(userId, courseSlug, lessonId, account).finally(() => this.loading.delete(key));
    this.loading.set(key, p);
    return p;
  }

  /** The account now (session version, role, saved locale): one prepared statement. */
  account(userId: string): Promise<AccountNow | null> {
    return accountNow(this.pool, userId);
  }

  private async load(
    userId: string,
    courseSlug: string,
    lessonId: string | undefined,
    account: AccountSink | null,
  ): Promise<Workspace | null> {
    let course: Course;
    try {
      course = getCourse(courseSlug);
    } catch {
      if (account) this.account(userId).then(account.resolve, account.reject);
      return null;
    }
    const lesson = course.lessons.find((l) => l.id === lessonId);
    const hooks = this.deps.hooks;
    // ONE statement: the account, the saved cluster, teachers and classes, the lesson's journal
    // (from the snapshot's journalSince, read by the statement) and step rows, and the faults
    // waiting for this cluster, claimed (only when the teaching hooks are there to apply them).
    let read: JoinRead;
    try {
      read = await joinRead(
        this.pool,
        { userId, courseSlug, lessonId: lesson?.id ?? null },
        { journalLimit: JOURNAL_LIMIT, claimFaults: !!hooks?.loading },
      );
    } catch (err) {
      account?.reject(err);
      throw err;
    }
    account?.resolve(read.account);
    let hooked: Loading | undefined;
    let ws: Workspace;
    const row = read.snapshot;
    try {
      hooked = hooks?.loading?.(userId, courseSlug, read);
      const deps: WorkspaceDeps = {
        io: this.deps.io,
        ...(hooks ? { hooks } : {}),
        pool: this.pool,
        queue: this.queue,
        idleMs: this.deps.idleMinutes * 60_000,
        snapshotQuietMs: this.deps.snapshotQuietMs ?? SNAPSHOT_QUIET_MS,
        snapshotMaxWaitMs: this.deps.snapshotMaxWaitMs ?? SNAPSHOT_MAX_WAIT_MS,
        saves: this.saves,
        onIdle: (w: Workspace) => void this.evict(w),
        forget: (w: Workspace) => {
          if (this.live.get(w.key) === w) this.live.delete(w.key);
          w.dispose();
        },
        host: this.host,
      };
      ws = new Workspace(
        deps,
        userId,
        course,
        row?.journalSince ?? Date.now(),
        read.teacherIds,
        read.account?.locale,
      );
      // The cluster is built (or restored) where it will run: a worker thread, off the sockets'. The
      // join that loads it is answered in the same message (its tabs, its step list). A new one
      // is not saved: until something changes it, it is what its seed builds (see firstSeed).
      await ws.start(
        row
          ? { kind: "restore", row, prompt: course.workstation }
          : {
              kind: "new",
              scenario: lesson?.scenario ?? "explore-app",
              seed: firstSeed(userId, courseSlug),
              prompt: course.workstation,
            },
        lesson ? { lessonId: lesson.id, rows: { journal: read.journal, tallies: read.tallies } } : undefined,
      );
    } catch (err) {
      // Faults claimed for a cluster that was never built wait for the next load.
      await hooked?.abandoned().catch((e: unknown) => console.error("[workspace] loading hook", e));
      throw err;
    }
    await hooked?.built(ws).catch((err: unknown) => console.error("[workspace] loaded hook", err));
    this.live.set(ws.key, ws);
    return ws;
  }

  /** Evicts an idle workspace once everything it produced is written. */
  private async evict(ws: Workspace): Promise<void> {
    if (ws.socketCount > 0) return;
    await ws.flush();
    // Someone came back while the last rows were being written: keep it.
    if (ws.socketCount > 0 || this.live.get(ws.key) !== ws) return;
    ws.dispose();
    this.live.delete(ws.key);
  }

  async flushAll(): Promise<void> {
    await Promise.all([...this.live.values()].map((w) => w.flush()));
  }

  /**
   * Server shutdown: every live cluster saved, everything queued written (or, if the database
   * stays away past `drainMs`, reported as not written), then released.
   */
  async shutdown(): Promise<void> {
    await Promise.allSettled(this.loading.values());
    // Each changed cluster is asked for at once (a stuck worker is not waited for past the drain).
    await Promise.race([
      Promise.allSettled([...this.live.values()].map((w) => w.saveSoon())),
      new Promise((resolve) => setTimeout(resolve, (this.deps.drainMs ?? 8_000) / 2).unref()),
    ]);
    const drained = await this.queue.drain(this.deps.drainMs ?? 8_000);
    if (!drained) await this.queue.close();
    for (const w of this.live.values()) w.dispose();
    this.live.clear();
    await this.host.close();
    await this.pool.end().catch(() => {});
  }
}
