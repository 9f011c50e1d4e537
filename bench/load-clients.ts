/**
 * The load benchmark's students: N socket.io clients (websocket transport, the browser's session
 * cookie) that join a lesson, open a terminal and type `kubectl get pods` + Enter every period
 * for a fixed time. One latency sample per line: Enter sent → the prompt printed after the
 * output. A line whose prompt does not come back before the grace period ends is lost, and so is
 * one whose output does not show the lesson's pod.
 */
import { io as connect, type Socket } from "socket.io-client";
import { PROTOCOL_VERSION } from "../lib/protocol/socket";

export interface DriveOptions {
  url: string;
  cookies: string[];
  durationMs: number;
  periodMs: number;
  /** New connections per second while the class arrives. */
  joinRate: number;
  graceMs: number;
  lessonId: string;
  /** Told when the class has joined (and sits idle), when typing starts, and when it stops. */
  onPhase?: (phase: "joined" | "typing" | "stopped") => void;
  /** Seconds the joined class sits idle before typing (the server's CPU with nobody typing). */
  idleMs?: number;
  /**
   * Step completion → teacher: each student types `kubectl describe pods` once, as line
   * 3 + (i mod 10), which completes the lesson's first step; a teacher socket (this cookie)
   * times the `student:progress` it receives against that Enter. Ids in the order of `cookies`.
   */
  teacher?: { cookie: string; studentIds: string[] };
}

export interface DriveResult {
  clients: number;
  connected: number;
  joinMs: number[];
  /** Each student's join (ms) in the order the class arrived (NaN: it failed); the first burst is a cold server's. */
  joinByArrival: number[];
  latencyMs: number[];
  sent: number;
  answered: number;
  lost: number;
  /** Answered, but without the pod in the output (a broken answer counts as lost too). */
  wrong: number;
  /** Ticks skipped because the previous line had not come back yet. */
  late: number;
  outputMessages: number;
  /**
   * How the answered lines' output arrived, in frames from Enter to the prompt: `echoApart` — the
   * typed command echoed in a frame of its own; `split` — the answer (after the newline) in more
   * than one frame. A line with neither came back in one frame.
   */
  frames: { lines: number; echoApart: number; split: number };
  /** Lines answered per student id, to compare with the journal rows in the database. */
  answeredBy: number[];
  /** Per student: the index of the line that completed the first step (-1: not typed). */
  completedAtLine: number[];
  /** Enter of the completing line → the teacher's `student:progress`, ms. */
  teacherMs: number[];
  /** Completing lines answered whose tick never reached the teacher. */
  teacherMissing: number;
  errors: string[];
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const PROMPT_END = "student@minikube:~$ ";
const POD_LINE = /kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running/;
const COMMAND = "kubectl get pods";
/** Completes the first step of pods-and-nodes (with an earlier `kubectl get pods`). */
const COMPLETING = "kubectl describe pods";
const DESCRIBED = /Name:\s+kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]{5}/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Student {
  socket: Socket;
  private screen = "";
  private pendingSince: number | null = null;
  private afterEnter = "";
  /** Frames since the Enter, and how many of them came after the answer's newline. */
  private framesSince = 0;
  private framesAfterNewline = 0;
  private promptWaiter: (() => void) | null = null;
  answered = 0;
  /** Lines typed so far; the one at `completeAt` is the completing command. */
  lines = 0;
  completeAt = -1;
  joinedMs = Number.NaN;
  completedLine = -1;
  completedEnter: number | null = null;
  private expect = POD_LINE;

  constructor(
    url: string,
    cookie: string,
    private readonly result: DriveResult,
  ) {
    this.socket = connect(url, {
      path: "/socket.io",
      transports: ["websocket"],
      extraHeaders: { cookie },
      auth: { protocol: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
      autoConnect: false,
      timeout: 60_000,
    });
    this.socket.on("term:output", (m: { tabId: string; data: string }) => this.output(m.data));
  }

  private output(data: string): void {
    this.result.outputMessages++;
    const text = data.replace(ANSI, "");
    if (this.pendingSince !== null) {
      const before = this.afterEnter.includes("\n");
      this.afterEnter += text;
      this.framesSince++;
      if (before || text.includes("\n")) this.framesAfterNewline++;
      if (this.afterEnter.endsWith(PROMPT_END) && this.afterEnter.includes("\n")) {
        const f = this.result.frames;
        f.lines++;
        if (this.framesSince > this.framesAfterNewline) f.echoApart++;
        if (this.framesAfterNewline > 1) f.split++;
        this.result.latencyMs.push(performance.now() - this.pendingSince);
        this.result.answered++;
        this.answered++;
        if (!this.expect.test(this.afterEnter)) this.result.wrong++;
        this.pendingSince = null;
        this.afterEnter = "";
      }
      return;
    }
    this.screen = (this.screen + text).slice(-400);
    if (this.promptWaiter && this.screen.endsWith(PROMPT_END)) {
      this.promptWaiter();
      this.promptWaiter = null;
    }
  }

  async join(lessonId: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once("connect", () => resolve());
      this.socket.once("connect_error", (e) => reject(new Error(`connect: ${e.message}`)));
      this.socket.connect();
    });
    this.result.connected++;
    const t0 = performance.now();
    const reply = (await this.socket
      .timeout(60_000)
      .emitWithAck("lesson:join", { courseSlug: "kubernetes-basics", lessonId })) as {
      ok: boolean;
      error?: string;
    };
    if (!reply.ok) throw new Error(`join: ${reply.error}`);
    this.joinedMs = performance.now() - t0;
    this.result.joinMs.push(this.joinedMs);
    const prompt = new Promise<void>((r) => {
      this.promptWaiter = r;
    });
    const open = (await this.socket
      .timeout(60_000)
      .emitWithAck("term:open", { tabId: "1", cols: 120, rows: 30 })) as { ok: boolean; error?: string };
    if (!open.ok) throw new Error(`term:open: ${open.error}`);
    // A workspace that already had the tab open replays its screen, which ends in the prompt.
    await Promise.race([prompt, sleep(10_000)]);
  }

  get idle(): boolean {
    return this.pendingSince === null;
  }

  type(): void {
    const completing = this.lines === this.completeAt;
    this.expect = completing ? DESCRIBED : POD_LINE;
    this.socket.emit("term:input", { tabId: "1", data: completing ? COMPLETING : COMMAND });
    this.pendingSince = performance.now();
    this.afterEnter = "";
    this.framesSince = 0;
    this.framesAfterNewline = 0;
    this.socket.emit("term:input", { tabId: "1", data: "\r" });
    if (completing) {
      this.completedLine = this.lines;
      this.completedEnter = this.pendingSince;
    }
    this.lines++;
    this.result.sent++;
  }

  /** The typed text echoes before Enter's output; only what follows the Enter's newline counts. */
  get pending(): boolean {
    return this.pendingSince !== null;
  }
}

export async function drive(opts: DriveOptions): Promise<DriveResult> {
  const result: DriveResult = {
    clients: opts.cookies.length,
    connected: 0,
    joinMs: [],
    joinByArrival: [],
    latencyMs: [],
    sent: 0,
    answered: 0,
    lost: 0,
    wrong: 0,
    late: 0,
    outputMessages: 0,
    frames: { lines: 0, echoApart: 0, split: 0 },
    answeredBy: [],
    completedAtLine: [],
    teacherMs: [],
    teacherMissing: 0,
    errors: [],
  };
  const students = opts.cookies.map((c) => new Student(opts.url, c, result));
  let teacher: Socket | null = null;
  if (opts.teacher) {
    const byId = new Map(opts.teacher.studentIds.map((id, i) => [id, students[i]!]));
    students.forEach((s, i) => {
      s.completeAt = 3 + (i % 10);
    });
    const heard = new Set<string>();
    teacher = connect(opts.url, {
      path: "/socket.io",
      transports: ["websocket"],
      extraHeaders: { cookie: opts.teacher.cookie },
      auth: { protocol: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
    });
    teacher.on("student:progress", (m: { userId: string; stepId: string }) => {
      const s = byId.get(m.userId);
      if (!s || s.completedEnter === null || heard.has(m.userId)) return;
      heard.add(m.userId);
      result.teacherMs.push(performance.now() - s.completedEnter);
    });
    await new Promise<void>((resolve, reject) => {
      teacher!.once("connect", () => resolve());
      teacher!.once("connect_error", (e) => reject(new Error(`teacher connect: ${e.message}`)));
    });
  }
  // The class arrives at joinRate per second; each join is timed on its own.
  // (The teacher socket, if any, is already listening.)
  const joins: Promise<void>[] = [];
  for (let i = 0; i < students.length; i++) {
    joins.push(
      students[i]!.join(opts.lessonId).catch((e: unknown) => {
        result.errors.push(e instanceof Error ? e.message : String(e));
      }),
    );
    if ((i + 1) % Math.max(1, Math.round(opts.joinRate / 10)) === 0) await sleep(100);
  }
  await Promise.all(joins);
  result.joinByArrival = students.map((s) => s.joinedMs);
  if (opts.idleMs) {
    opts.onPhase?.("joined");
    await sleep(opts.idleMs);
  }
  // The echo of the typed command arrives before the Enter is handled; ignore it by starting the
  // measurement window only at Enter (type() sends both at once).
  const started = performance.now();
  opts.onPhase?.("typing");
  const timers: NodeJS.Timeout[] = [];
  await new Promise<void>((resolve) => {
    for (const s of students) {
      const phase = Math.random() * opts.periodMs;
      const tick = () => {
        if (performance.now() - started >= opts.durationMs) return;
        if (s.idle) s.type();
        else result.late++;
        timers.push(setTimeout(tick, opts.periodMs));
      };
      timers.push(setTimeout(tick, phase));
    }
    setTimeout(resolve, opts.durationMs);
  });
  opts.onPhase?.("stopped");
  const end = performance.now() + opts.graceMs;
  while (students.some((s) => s.pending) && performance.now() < end) await sleep(50);
  for (const t of timers) clearTimeout(t);
  result.lost = students.filter((s) => s.pending).length + result.wrong;
  result.answeredBy = students.map((s) => s.answered);
  result.completedAtLine = students.map((s) => s.completedLine);
  if (teacher) {
    // Ticks still on their way (one write batch behind the output) get a moment to arrive.
    const expected = students.filter((s) => s.completedLine >= 0 && s.completedLine < s.answered).length;
    const until = performance.now() + 5_000;
    while (result.teacherMs.length < expected && performance.now() < until) await sleep(50);
    result.teacherMissing = Math.max(0, expected - result.teacherMs.length);
    teacher.disconnect();
  }
  for (const s of students) s.socket.disconnect();
  return result;
}
