/**
 * Where the students' simulations run (docs/adr/0031-workspaces-on-worker-threads.md): in this
 * thread (`LocalHost`, KUBECLASS_WORKERS=0) or on worker threads (`WorkerPool`), each worker owning
 * whole workspaces. The socket side (server/workspaces.ts) sees the same `CoreHandle` either way:
 * commands that do not wait (keystrokes, resizes) and calls that answer with a promise, all kept
 * in the order they were made.
 *
 * Worker mode batches what crosses the thread boundary: everything one side has to say within a
 * turn of its event loop goes as one message (the worker's as one JSON string: terminal output,
 * checked lines, answers). A heartbeat watches every worker; one that exits, throws out of its
 * event loop or stops answering for `stallMs` is terminated and replaced, and the workspaces it
 * held hear `lost()` (the registry reloads them from their last save).
 */
import { randomBytes } from "node:crypto";
import { Agent, type IncomingMessage, type ServerResponse } from "node:http";
import { createHistogram, performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import { Worker } from "node:worker_threads";
import { isTracing, traced } from "../lib/block-trace";
import { forwardRequest, forwardUpgrade } from "./kube-api/forward";
import type { Locale } from "./locale";
import {
  type CoreCalls,
  type CoreEvents,
  type CoreInit,
  type JoinView,
  type LessonData,
  type LineResult,
  WorkspaceCore,
  warmSimulation,
} from "./workspace-core";

export interface HandleEvents extends CoreEvents {
  /** The worker holding this workspace stopped; nothing more comes from this handle. */
  lost(): void;
}

type CallResult<M extends keyof CoreCalls> = Awaited<ReturnType<CoreCalls[M]>>;

/** A join that comes with a workspace's build (answered with it: server/workspace-core.ts#join). */
export interface FirstJoin {
  lessonId: string;
  rows: LessonData;
}

/** A workspace's simulation as the socket side drives it. */
export interface CoreHandle {
  scenario: string;
  /** The answer to the join the build came with (`create`'s `join`), if any. */
  joined: JoinView | null;
  input(tabId: string, data: string): void;
  resize(tabId: string, cols: number, rows: number): void;
  closeTab(tabId: string): void;
  setLanguage(locale: Locale): void;
  enterLesson(lessonId: string): void;
  call<M extends keyof CoreCalls>(method: M, ...args: Parameters<CoreCalls[M]>): Promise<CallResult<M>>;
  /**
   * The student's own kubectl (server/kube-api/route.ts, admitted there): one request to the
   * cluster's API, its URL already the API's path; resolves once the answer has started.
   */
  kubeRequest(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** `kubectl exec`: the `pods/exec` websocket upgrade. */
  kubeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  dispose(): void;
}

export interface CoreHost {
  /** Worker threads (0: this thread). */
  readonly workers: number;
  /** Builds a workspace's simulation; with `join`, joins it too (one message both ways). */
  create(courseSlug: string, init: CoreInit, events: HandleEvents, join?: FirstJoin): Promise<CoreHandle>;
  /** Compiles the simulation's hot paths before the first student (every worker). */
  warm(courseSlug?: string): Promise<void>;
  close(): Promise<void>;
}

/** Scenario of the cluster a core starts with (known before it is built). */
function initScenario(init: CoreInit): string {
  return init.kind === "new" ? init.scenario : init.row.scenario;
}

/** The simulation in the server's own thread: calls run at once, in order with the commands. */
export class LocalHost implements CoreHost {
  readonly workers = 0;

  create(courseSlug: string, init: CoreInit, events: HandleEvents, join?: FirstJoin): Promise<CoreHandle> {
    try {
      const core = new WorkspaceCore(courseSlug, init, events);
      const handle: CoreHandle = {
        scenario: core.scenario,
        joined: join ? core.join(join.lessonId, join.rows) : null,
        input: (tabId, data) => core.input(tabId, data),
        resize: (tabId, cols, rows) => core.resize(tabId, cols, rows),
        closeTab: (tabId) => core.closeTab(tabId),
        setLanguage: (locale) => core.setLanguage(locale),
        enterLesson: (lessonId) => core.enterLesson(lessonId),
        call: (method, ...args) => {
          try {
            const fn = core[method] as (...a: unknown[]) => unknown;
            const value = fn.apply(core, args);
            if (method === "reset") handle.scenario = core.scenario;
            return Promise.resolve(value) as never;
          } catch (err) {
            return Promise.reject(err);
          }
        },
        kubeRequest: (req, res) => core.kubeFace().request(req, res),
        kubeUpgrade: (req, socket, head) => core.kubeFace().upgrade(req, socket, head),
        dispose: () => core.dispose(),
      };
      return Promise.resolve(handle);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  warm(courseSlug?: string): Promise<void> {
    return warmSimulation(courseSlug);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Main → worker, batched per turn of the main loop (server/worker.ts reads these). */
export type ToWorker =
  | ["create", number, number, string, CoreInit, FirstJoin | null]
  | ["in", number, string, string]
  | ["resize", number, string, number, number]
  | ["close", number, string]
  | ["lang", number, Locale]
  | ["enter", number, string]
  | ["call", number, number, keyof CoreCalls, unknown[]]
  | ["dispose", number]
  | ["warm", number, string | undefined]
  | ["ping"]
  | ["hang"]
  /** First in a batch while tracing: when the batch left (performance.timeOrigin + now, ms). */
  | ["t", number]
  /** The benchmark's window: start the worker's trace; answer its report. */
  | ["trace"]
  | ["trace-report", number];

/**
 * A checked line as it crosses from the worker: its step list (`outcome.update`, ~1 KB of JSON,
 * half of a plain line's reply) is null when it is the one this workspace's previous line of the
 * lesson sent — most lines change no step. The main thread puts the last one back (ADR 0042).
 */
export type LineOnWire = Omit<LineResult, "outcome"> & {
  outcome: Omit<LineResult["outcome"], "update"> & { update: LineResult["outcome"]["update"] | null };
};

/** Worker → main, batched per turn of the worker's loop and sent as one JSON string. */
export type FromWorker =
  | ["out", number, string, string]
  | ["line", number, LineOnWire]
  | ["res", number, true, unknown]
  | ["res", number, false, string]
  /** The loopback port the worker serves its clusters' own-kubectl API on (server/kube-api/forward.ts). */
  | ["kube", number]
  | ["pong"]
  /** Last in a batch while tracing: when the batch left the worker. */
  | ["t", number];

export interface WorkerPoolOptions {
  /** How often each worker is asked whether it is alive. */
  heartbeatMs?: number;
  /** A worker silent this long (its event loop held) is terminated and replaced (default 30 s). */
  stallMs?: number;
  /** Sees each reply of a worker as it crossed (its JSON), before it is handled (tests, measurements). */
  onReply?: (raw: string, worker: number) => void;
}

interface CoreEntry {
  events: HandleEvents;
  dead: boolean;
  /** Per lesson: the step list the workspace's last line brought (a line that repeats it sends null). */
  updates?: Map<string, LineResult["outcome"]["update"]>;
}

/** The line as the simulation reported it: its step list put back if the worker left it out. */
function fromWire(core: CoreEntry, wire: LineOnWire): LineResult {
  const { update } = wire.outcome;
  core.updates ??= new Map();
  if (update !== null) {
    core.updates.set(wire.lessonId, update);
    return wire as LineResult;
  }
  const last = core.updates.get(wire.lessonId);
  if (!last) throw new Error(`line of ${wire.lessonId} without a step list before it`);
  return { ...wire, outcome: { ...wire.outcome, update: last } };
}

interface Pending {
  resolve(v: unknown): void;
  reject(err: Error): void;
}

class WorkerSlot {
  worker!: Worker;
  readonly cores = new Map<number, CoreEntry>();
  readonly pending = new Map<number, Pending>();
  private outbox: ToWorker[] = [];
  private scheduled = false;
  lastPong = Date.now();
  /** When something other than a heartbeat was last sent to it (work it may be doing). */
  lastSent = Date.now();
  /** The worker has loaded its code and answered once (the watchdog starts then). */
  ready = false;
  restarts = 0;
  /** The worker's own-kubectl port, once it listens (a new worker, a new port). */
  kubePort!: Promise<number>;
  private kubePortKnown: (port: number) => void = () => {};
  private kubePortGone: (err: Error) => void = () => {};

  constructor(
    readonly index: number,
    private readonly kubeKey: string,
    private readonly onLost: (slot: WorkerSlot, why: string) => void,
    /** Work was sent: the watchdog must be watching. */
    private readonly onWork: () => void = () => {},
    private readonly onReply?: (raw: string, worker: number) => void,
  ) {
    this.spawn();
  }

  spawn(): void {
    const worker = new Worker(new URL("./worker-boot.mjs", import.meta.url), {
      name: `kubeclass-workspaces-${this.index}`,
      workerData: { kubeKey: this.kubeKey },
    });
    // A request still waiting for the previous worker's port gets the stopped worker's refusal.
    this.kubePortGone(new Error("workspace worker stopped"));
    this.kubePort = new Promise((resolve, reject) => {
      this.kubePortKnown = resolve;
      this.kubePortGone = reject;
    });
    this.kubePort.catch(() => {});
    // The server's sockets keep the process alive, not its workers (a test's forgotten registry).
    worker.unref();
    this.worker = worker;
    this.outbox = [];
    this.scheduled = false;
    this.lastPong = Date.now();
    this.ready = false;
    worker.on("message", (raw: string) => this.receive(raw));
    worker.on("error", (err) => {
      console.error(`[workers] worker ${this.index} threw`, err);
    });
    worker.on("exit", (code) => {
      // A replaced worker's exit is not news.
      if (this.worker === worker) this.onLost(this, `exited (code ${code})`);
    });
  }

  send(msg: ToWorker): void {
    if (msg[0] !== "ping") {
      this.lastSent = Date.now();
      this.onWork();
    }
    this.outbox.push(msg);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.outbox;
      this.outbox = [];
      if (batch.length === 0) return;
      if (tracing) batch.unshift(["t", performance.timeOrigin + performance.now()]);
      this.worker.postMessage(batch);
    });
  }

  /** Requests (messages answered with a result) sent to this slot's workers. */
  requests = 0;
  /** While tracing: the worker's batches' hop to this thread (µs; this loop was busy meanwhile). */
  readonly hopOut = createHistogram();

  request(build: (req: number) => ToWorker, onSent?: (req: number) => void): Promise<unknown> {
    const req = ++requestSeq;
    this.requests++;
    return new Promise((resolve, reject) => {
      this.pending.set(req, { resolve, reject });
      this.send(build(req));
      onSent?.(req);
    });
  }

  /** While tracing: the worker's replies and their JSON's length (what crossed, per line). */
  replies = 0;
  replyChars = 0;

  private receive(raw: string): void {
    this.onReply?.(raw, this.index);
    if (tracing) {
      this.replies++;
      this.replyChars += raw.length;
    }
    traced("worker-reply", () => this.handleReply(raw));
  }

  private handleReply(raw: string): void {
    this.lastPong = Date.now();
    this.ready = true;
    const batch = JSON.parse(raw) as FromWorker[];
    const stamp = batch[batch.length - 1];
    if (stamp?.[0] === "t")
      this.hopOut.record(
        Math.max(1, Math.round((performance.timeOrigin + performance.now() - stamp[1]) * 1000)),
      );
    for (const msg of batch) {
      try {
        switch (msg[0]) {
          case "out": {
            const core = this.cores.get(msg[1]);
            if (core && !core.dead) core.events.output(msg[2], msg[3]);
            break;
          }
          case "line": {
            const core = this.cores.get(msg[1]);
            if (core && !core.dead) core.events.line(fromWire(core, msg[2]));
            break;
          }
          case "res": {
            const p = this.pending.get(msg[1]);
            if (!p) break;
            this.pending.delete(msg[1]);
            if (msg[2]) p.resolve(msg[3]);
            else p.reject(new Error(msg[3]));
            break;
          }
          case "kube":
            this.kubePortKnown(msg[1]);
            break;
          case "pong":
            break;
          case "t":
            break;
        }
      } catch (err) {
        console.error("[workers]", err);
      }
    }
  }
}

/**
 * A worker silent this long is stuck (a loop that never yields): no message of it takes more
 * than a few ms, and a busy worker answers between its slices (server/worker.ts), so only a
 * starved machine comes near this.
 */
const STALL_MS = 30_000;
/** How long a new worker may take to load before it answers at all. */
const STARTUP_MS = 120_000;

let requestSeq = 0;
let coreSeq = 0;
const tracing = isTracing();

/** Workspaces on worker threads, each workspace on one worker for its whole life. */
export class WorkerPool implements CoreHost {
  private readonly slots: WorkerSlot[];
  /** Armed while a worker may be working (ADR 0033: an idle class wakes nothing). */
  private heartbeat: NodeJS.Timeout | null = null;
  private lastBeat = Date.now();
  private closing = false;
  /** Proves to a worker's own-kubectl port that a request comes from this pool. */
  private readonly kubeKey = randomBytes(24).toString("base64url");
  /** Connections to the workers' own-kubectl ports, kept for the next request. */
  private readonly kubeAgent = new Agent({ keepAlive: true });

  constructor(
    readonly workers: number,
    private readonly opts: WorkerPoolOptions = {},
  ) {
    this.slots = Array.from(
      { length: workers },
      (_, i) =>
        new WorkerSlot(
          i,
          this.kubeKey,
          (s, why) => this.lost(s, why),
          () => this.watch(),
          opts.onReply,
        ),
    );
    this.watch();
  }

  /**
   * Arms the heartbeat (if it is not): work was sent, or a worker is loading. The workers were
   * not asked while it was off, so their silence until now says nothing.
   */
  private watch(): void {
    if (this.heartbeat || this.closing) return;
    const now = Date.now();
    this.lastBeat = now;
    for (const slot of this.slots ?? []) slot.lastPong = Math.max(slot.lastPong, now);
    this.heartbeat = setInterval(() => this.beat(), this.opts.heartbeatMs ?? 1_000);
    this.heartbeat.unref();
  }

  private beat(): void {
    const stallMs = this.opts.stallMs ?? STALL_MS;
    const every = this.opts.heartbeatMs ?? 1_000;
    const now = Date.now();
    const late = now - this.lastBeat - every;
    this.lastBeat = now;
    for (const slot of this.slots) {
      // This thread was held itself: the workers' answers may be waiting in its queue.
      if (late > stallMs / 2) slot.lastPong = now;
      // Loading the code (and, on a busy machine, compiling it) is not a stall.
      const allowed = slot.ready ? stallMs : Math.max(stallMs, STARTUP_MS);
      if (now - slot.lastPong > allowed) {
        console.error(`[workers] worker ${slot.index} silent for ${now - slot.lastPong} ms: restarting it`);
        const stuck = slot.worker;
        this.lost(slot, "stopped answering");
        void stuck.terminate();
      }
    }
    // Nothing sent for two beats, nothing awaited, every worker loaded and answering: the class is
    // idle and the heartbeat stops until the next work is sent. A worker cannot get stuck on
    // nothing; one held by its own timers (a background job) is watched again from the next
    // message a student sends it.
    const quiet = this.slots.every(
      (s) => s.ready && s.pending.size === 0 && now - s.lastSent > 2 * every && now - s.lastPong <= 2 * every,
    );
    if (quiet && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
      return;
    }
    for (const slot of this.slots) slot.send(["ping"]);
  }

  /** A worker is gone: a new one takes its place and its workspaces are told. */
  private lost(slot: WorkerSlot, why: string): void {
    if (this.closing) return;
    console.error(`[workers] worker ${slot.index} ${why}; its ${slot.cores.size} workspace(s) reload`);
    const err = new Error(`workspace worker ${why}`);
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
    const cores = [...slot.cores.values()];
    slot.cores.clear();
    slot.restarts++;
    slot.spawn();
    for (const c of cores) {
      c.dead = true;
      try {
        c.events.lost();
      } catch (e) {
        console.error("[workers]", e);
      }
    }
  }

  /** Requests sent to the workers so far (a join's cost in round trips; tests and metrics). */
  requestsSent(): number {
    return this.slots.reduce((n, s) => n + s.requests, 0);
  }

  /** Workspaces per worker now (for tests and metrics). */
  load(): number[] {
    return this.slots.map((s) => s.cores.size);
  }

  /** Stops a worker as a crash would (tests of the restart path). */
  kill(index: number): Promise<number> {
    return this.slots[index]?.worker.terminate() ?? Promise.resolve(0);
  }

  /** Holds a worker in an endless loop, as a runaway simulation would (tests of the watchdog). */
  hang(index: number): void {
    this.slots[index]?.send(["hang"]);
  }

  create(courseSlug: string, init: CoreInit, events: HandleEvents, join?: FirstJoin): Promise<CoreHandle> {
    // The least loaded worker; ties go to the first.
    const slot = this.slots.reduce((a, b) => (b.cores.size < a.cores.size ? b : a));
    const id = ++coreSeq;
    const entry: CoreEntry = { events, dead: false };
    slot.cores.set(id, entry);
    const live = () => !entry.dead && slot.cores.get(id) === entry;
    const command = (msg: ToWorker) => {
      if (live()) slot.send(msg);
    };
    const handle: CoreHandle = {
      scenario: initScenario(init),
      joined: null,
      input: (tabId, data) => command(["in", id, tabId, data]),
      resize: (tabId, cols, rows) => command(["resize", id, tabId, cols, rows]),
      closeTab: (tabId) => command(["close", id, tabId]),
      setLanguage: (locale) => command(["lang", id, locale]),
      enterLesson: (lessonId) => command(["enter", id, lessonId]),
      call: (method, ...args) => {
        if (!live()) return Promise.reject(new Error("workspace worker stopped"));
        return slot
          .request((req) => ["call", id, req, method, args])
          .then((value) => {
            if (method === "reset") handle.scenario = args[0] as string;
            return value;
          }) as never;
      },
      kubeRequest: async (req, res) => {
        const port = live() ? await slot.kubePort : null;
        if (port === null || !live()) throw new Error("workspace worker stopped");
        await forwardRequest({ port, key: this.kubeKey, core: id, agent: this.kubeAgent }, req, res);
      },
      kubeUpgrade: (req, socket, head) => {
        if (!live()) throw new Error("workspace worker stopped");
        slot.kubePort.then(
          (port) => {
            if (live()) forwardUpgrade({ port, key: this.kubeKey, core: id }, req, socket, head);
            else socket.destroy();
          },
          () => socket.destroy(),
        );
      },
      dispose: () => {
        command(["dispose", id]);
        if (slot.cores.get(id) === entry) slot.cores.delete(id);
      },
    };
    return slot
      .request((req) => ["create", id, req, courseSlug, init, join ?? null])
      .then(
        (joined) => {
          handle.joined = joined as JoinView | null;
          return handle;
        },
        (err: unknown) => {
          if (slot.cores.get(id) === entry) slot.cores.delete(id);
          throw err;
        },
      );
  }

  /** Starts every worker's trace window (KUBECLASS_BLOCK_TRACE=1; bench/load-server.ts). */
  traceStart(): void {
    for (const s of this.slots) {
      s.hopOut.reset();
      s.replies = 0;
      s.replyChars = 0;
      s.send(["trace"]);
    }
  }

  /** Each worker's loop delay, long turns and hops since `traceStart` (null: not tracing). */
  async traceReport(): Promise<unknown[] | null> {
    if (!tracing) return null;
    const us = (v: number) => Math.round(v / 10) / 100;
    return Promise.all(
      this.slots.map(async (s) => {
        const own = (await s.request((req) => ["trace-report", req])) as Record<string, unknown>;
        const h = s.hopOut;
        const hopOut = h.count
          ? { count: h.count, p50: us(h.percentile(50)), p99: us(h.percentile(99)), max: us(h.max) }
          : null;
        return { worker: s.index, ...own, hopOut, replies: s.replies, replyChars: s.replyChars };
      }),
    );
  }

  async warm(courseSlug?: string): Promise<void> {
    await Promise.all(this.slots.map((s) => s.request((req) => ["warm", req, courseSlug])));
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.kubeAgent.destroy();
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** The host for `workers` threads (0: this thread). */
export function createHost(workers: number, opts?: WorkerPoolOptions): CoreHost {
  return workers > 0 ? new WorkerPool(workers, opts) : new LocalHost();
}
