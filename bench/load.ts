/**
 * `npm run bench:load`: the lecture-hall benchmark (issue F). For each class size N it starts
 * the production server on a fresh test database, seeds N students, logs them in like a browser
 * and drives N socket.io clients typing `kubectl get pods` + Enter every 2 s; then it drives a
 * bare socket.io echo server with the same clients and rate. After the server's shutdown flush it
 * counts what reached Postgres. Prints one table and writes JSON under bench/results/.
 *
 *   npm run bench:load                       N = 100, 500, 1000; 60 s each
 *   npm run bench:load -- --n 100,500 --duration 30 --label before
 *   npm run bench:load -- --cpu-prof         a V8 CPU profile of the server per N, while typing
 *                                            (bench/profile-summary.ts groups it by part)
 *   npm run bench:load -- --cpu-prof idle    … while the class sits joined and idle instead
 *                                            (with --idle S: how long; the loop figures too)
 *   npm run bench:load -- --ci               N = 50, 10 s; exit 1 on a failed write or lost output
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createTestDatabase, stopTestServer } from "../scripts/test-db";
import { type DriveResult, drive } from "./load-clients";
import { login, loginAll, seedClass } from "./load-setup";

const root = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2).filter((a) => a !== "--");
function flag(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
const ci = args.includes("--ci");
const sizes = (flag("n") ?? (ci ? "50" : "100,500,1000")).split(",").map(Number);
const durationMs = Number(flag("duration") ?? (ci ? 10 : 60)) * 1000;
const periodMs = Number(flag("period") ?? 2) * 1000;
const joinRate = Number(flag("join-rate") ?? 50);
/** Seconds the joined class sits idle before typing: the server's CPU with nobody typing. */
const idleMs = Number(flag("idle") ?? (ci ? 0 : 5)) * 1000;
const withEcho = !ci && !args.includes("--no-echo");
const cpuProf = args.includes("--cpu-prof");
/** The window the profile and the loop histogram cover: the students typing, or sitting idle. */
const profWindow = flag("cpu-prof") === "idle" ? "idle" : "typing";
/** `--board`: only the teacher-board figure; `--no-board` leaves it out. */
const boardOnly = args.includes("--board");
const withBoard = !ci && !args.includes("--no-board");
const label = flag("label") ?? (ci ? "ci" : "run");
const port = Number(flag("port") ?? 3470);
const echoPort = Number(flag("echo-port") ?? 3480);
const LESSON = "pods-and-nodes";
const SECRET = "load-benchmark-secret-0123456789abcdef0123456789";

/** One worker thread's side of the trace window (server/worker.ts `traceReport`). */
interface WorkerTrace {
  worker: number;
  loop: { p50: number; p99: number; max: number; mean: number };
  hopIn: { count: number; p50: number; p99: number; max: number } | null;
  /** A line's Enter in the worker's inbox until its turn. */
  inboxWait: { count: number; p50: number; p99: number; max: number } | null;
  /** The worker thread's CPU, % of one core. */
  cpuPct: number;
  hopOut: { count: number; p50: number; p99: number; max: number } | null;
  /** The worker's replies in the window and the length of their JSON (characters). */
  replies?: number;
  replyChars?: number;
  blocks: {
    thresholdMs: number;
    count: number;
    byCause: Record<string, { dominant: number; ms: number }>;
    gc: { count: number; totalMs: number; maxMs: number; majorMs: number };
  } | null;
}

interface ProcStats {
  /** CPU in % of one core while the students typed (2 cores = 200 %). */
  cpuPct: number;
  /** CPU milliseconds per line answered while the students typed. */
  cpuMsPerLine: number;
  /** CPU in % of one core while the class sat joined and idle (NaN when there was no idle window). */
  idleCpuPct: number;
  rssMaxMb: number;
}

/** CPU time (utime + stime, clock ticks) and RSS of a process from /proc. */
function procSample(pid: number): { ticks: number; rssKb: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { ticks, rssKb };
  } catch {
    return null;
  }
}

/** Samples a process during the typing phase of a drive: CPU over that window, peak RSS. */
async function measured(
  pid: number | undefined,
  work: (onPhase: (phase: "joined" | "typing" | "stopped") => void) => Promise<DriveResult>,
): Promise<[DriveResult, ProcStats]> {
  let rssMax = 0;
  let joined: { ticks: number; at: number } | null = null;
  let first: { ticks: number; at: number } | null = null;
  let last: { ticks: number; at: number } | null = null;
  const answeredAtStart = 0;
  let result: DriveResult | null = null;
  const timer = setInterval(() => {
    const s = pid ? procSample(pid) : null;
    if (s) rssMax = Math.max(rssMax, s.rssKb);
  }, 500);
  try {
    result = await work((phase) => {
      const s = pid ? procSample(pid) : null;
      if (!s) return;
      if (phase === "joined") joined = { ticks: s.ticks, at: performance.now() };
      else if (phase === "typing") first = { ticks: s.ticks, at: performance.now() };
      else last = { ticks: s.ticks, at: performance.now() };
    });
    const f = first as { ticks: number; at: number } | null;
    const l = last as { ticks: number; at: number } | null;
    const j = joined as { ticks: number; at: number } | null;
    const cpuMs = f && l ? ((l.ticks - f.ticks) / 100) * 1000 : Number.NaN;
    const idleCpuPct = j && f ? ((f.ticks - j.ticks) / 100 / ((f.at - j.at) / 1000)) * 100 : Number.NaN;
    const seconds = f && l ? (l.at - f.at) / 1000 : Number.NaN;
    return [
      result,
      {
        cpuPct: (cpuMs / 1000 / seconds) * 100,
        cpuMsPerLine: cpuMs / Math.max(1, result.answered - answeredAtStart),
        idleCpuPct,
        rssMaxMb: rssMax / 1024,
      },
    ];
  } finally {
    clearInterval(timer);
  }
}

function startChild(
  script: string,
  childArgs: string[],
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<{ child: ChildProcess; url: string; stderr: () => string; stdout: () => string }> {
  const child = spawn(process.execPath, [...nodeFlags, "--import", "tsx", script, ...childArgs], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, stderr: () => err, stdout: () => out });
    });
    child.on("exit", (code) => reject(new Error(`${script} exited (${code}) before it was ready:\n${err}`)));
  });
}

function stop(child: ChildProcess, ms = 60_000): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const force = setTimeout(() => child.kill("SIGKILL"), ms);
    child.once("exit", (code) => {
      clearTimeout(force);
      resolve(code);
    });
    child.kill("SIGTERM");
  });
}

function pct(samples: number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

function summary(samples: number[]) {
  return {
    p50: pct(samples, 0.5),
    p95: pct(samples, 0.95),
    p99: pct(samples, 0.99),
    max: samples.length ? Math.max(...samples) : Number.NaN,
  };
}

/** What reached Postgres: journal rows and per-step counters against the lines answered. */
async function verifyDatabase(url: string, students: Array<{ id: string }>, drove: DriveResult) {
  /** The first step stops counting with the line that completed it. */
  const FIRST_STEP = "check-app";
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const ids = students.map((s) => s.id);
    const journal = await c.query<{ userId: string; n: string }>(
      `SELECT "userId", count(*) AS n FROM "CommandRecord" WHERE "userId" = ANY($1) AND "lessonId" = $2 GROUP BY 1`,
      [ids, LESSON],
    );
    const progress = await c.query<{ userId: string; stepId: string; commands: number }>(
      `SELECT "userId", "stepId", commands FROM "StepProgress" WHERE "userId" = ANY($1) AND "lessonId" = $2`,
      [ids, LESSON],
    );
    const snapshots = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM "ClusterSnapshot" WHERE "userId" = ANY($1)`,
      [ids],
    );
    const rows = new Map(journal.rows.map((r) => [r.userId, Number(r.n)]));
    const steps = new Map<string, Array<{ stepId: string; commands: number }>>();
    for (const r of progress.rows) steps.set(r.userId, [...(steps.get(r.userId) ?? []), r]);
    let journalMissing = 0;
    let journalDuplicates = 0;
    let progressWrong = 0;
    const stepCount = 4;
    students.forEach((s, i) => {
      const answered = drove.answeredBy[i] ?? 0;
      const have = rows.get(s.id) ?? 0;
      // A line the student saw answered must be in the journal; one still in flight at the end
      // (lost) may or may not be.
      if (have < answered) journalMissing += answered - have;
      if (have > answered + (drove.answeredBy[i] === undefined ? 0 : 1)) journalDuplicates += have - answered;
      const counters = steps.get(s.id) ?? [];
      if (answered > 0 && counters.length < stepCount) progressWrong += stepCount - counters.length;
      const completedAt = drove.completedAtLine[i] ?? -1;
      for (const { stepId, commands } of counters) {
        const expected =
          stepId === FIRST_STEP && completedAt >= 0 && completedAt < have ? completedAt + 1 : have;
        if (commands !== expected) progressWrong++;
      }
    });
    return {
      journalRows: journal.rows.reduce((a, r) => a + Number(r.n), 0),
      journalMissing,
      journalDuplicates,
      progressRows: progress.rowCount ?? 0,
      progressWrong,
      snapshots: Number(snapshots.rows[0]?.n ?? 0),
    };
  } finally {
    await c.end();
  }
}

async function runKubeclass(n: number) {
  const db = await createTestDatabase("kubeclass_load");
  try {
    const cls = await seedClass(db.url, n);
    const profDir = path.join(root, "bench/results/profiles");
    if (cpuProf) mkdirSync(profDir, { recursive: true });
    const server = await startChild("bench/load-server.ts", [], {
      DATABASE_URL: db.url,
      NEXTAUTH_SECRET: SECRET,
      NEXTAUTH_URL: `http://localhost:${port}`,
      PORT: String(port),
      HOST: "127.0.0.1",
      ...(cpuProf ? { PROFILE_FILE: path.join(profDir, `${label}-n${n}.cpuprofile`) } : {}),
    });
    // A run that fails half-way (a login refused, a client error) must not leave the server
    // holding the port for the next N.
    try {
      const base = `http://127.0.0.1:${port}`;
      const t0 = performance.now();
      const cookies = await loginAll(
        base,
        cls.students.map((s) => s.email),
      );
      const loginS = (performance.now() - t0) / 1000;
      const teacherCookie = await login(base, `${cls.teacherId}@bench.test`);
      const [drove, proc] = await measured(server.child.pid, (onPhase) =>
        drive({
          ...driveOptions(base, cookies),
          idleMs,
          teacher: { cookie: teacherCookie, studentIds: cls.students.map((s) => s.id) },
          onPhase: (phase) => {
            onPhase(phase);
            // The server's profile and event-loop histogram cover the typing window only, or
            // the idle one (bench/load-server.ts).
            if (profWindow === "idle" ? phase !== "stopped" : phase !== "joined")
              server.child.kill("SIGUSR2");
          },
        }),
      );
      // The lines the profile covers, so bench/profile-summary.ts can give CPU ms per line.
      if (cpuProf)
        writeFileSync(
          path.join(profDir, `${label}-n${n}.meta.json`),
          `${JSON.stringify({ n, window: profWindow, lines: profWindow === "idle" ? 0 : drove.answered, cpuMsPerLine: proc.cpuMsPerLine, loadAverage: os.loadavg() })}\n`,
        );
      const t1 = performance.now();
      const code = await stop(server.child);
      const shutdownMs = performance.now() - t1;
      const metricLines = server
        .stdout()
        .split("\n")
        .filter((l) => l.startsWith("METRICS "));
      const lastMetrics = metricLines.length ? JSON.parse(metricLines.at(-1)!.slice(8)) : null;
      const loopLine = server
        .stdout()
        .split("\n")
        .find((l) => l.startsWith("LOOP "));
      const loop = loopLine
        ? (JSON.parse(loopLine.slice(5)) as {
            p50: number;
            p99: number;
            max: number;
            mean: number;
            gc: { count: number; totalMs: number; maxMs: number; major: number; majorMs: number };
          })
        : null;
      const blocksLine = server
        .stdout()
        .split("\n")
        .find((l) => l.startsWith("BLOCKS "));
      const blocks = blocksLine ? JSON.parse(blocksLine.slice(7)) : null;
      const workersLine = server
        .stdout()
        .split("\n")
        .find((l) => l.startsWith("WORKERS "));
      /** Each worker thread's loop delay, long turns and hops (KUBECLASS_BLOCK_TRACE=1). */
      const workers = workersLine ? (JSON.parse(workersLine.slice(8)) as WorkerTrace[]) : null;
      const errorLines = server
        .stderr()
        .split("\n")
        .filter((l) => /\[workspace\]|\[write-queue\]|P20\d\d|Error/.test(l));
      const serverErrors = errorLines.length;
      // Counted in the table; the first few are shown so a count can be explained.
      for (const l of errorLines.slice(0, 5)) console.log(`  server: ${l.slice(0, 300)}`);
      const verified = await verifyDatabase(db.url, cls.students, drove);
      return {
        drove,
        proc,
        loginS,
        shutdownMs,
        exitCode: code,
        metrics: lastMetrics,
        loop,
        blocks,
        workers,
        serverErrors,
        verified,
      };
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
    }
  } finally {
    await db.drop();
  }
}

/** What every run drives: the same students' pace, joining rate and lesson, against `url`. */
function driveOptions(url: string, cookies: string[]) {
  return { url, cookies, durationMs, periodMs, joinRate, graceMs: 15_000, lessonId: LESSON };
}

async function runEcho(n: number) {
  const server = await startChild("bench/load-echo.ts", [String(echoPort)], {});
  try {
    const cookies = Array.from({ length: n }, () => "none=1");
    const [drove, proc] = await measured(server.child.pid, (onPhase) =>
      drive({ ...driveOptions(server.url, cookies), onPhase }),
    );
    return { drove, proc };
  } finally {
    await stop(server.child);
  }
}

const fmt = (v: number) => (Number.isNaN(v) ? "–" : v >= 100 ? v.toFixed(0) : v.toFixed(1));

async function main() {
  const results: unknown[] = [];
  const table: string[][] = [
    [
      "N",
      "p50",
      "p95",
      "p99",
      "max",
      "echo p99",
      "×echo",
      "join p50/p99",
      "lost",
      "failed writes",
      "CPU %",
      "idle CPU %",
      "CPU ms/line",
      "loop p99/max",
      "worker loop p99/max",
      "GC max",
      "step→teacher p50/p99",
      "RSS MB",
      "load",
    ],
  ];
  let failures = 0;
  const started = performance.now();
  let board: Awaited<ReturnType<typeof import("./load-board").benchBoard>> | null = null;
  if (withBoard) {
    // Imported only here: the board query is newer than some trees this benchmark measures.
    const { benchBoard } = await import("./load-board");
    board = await benchBoard();
    console.log(
      `Teacher board ${board.students} × ${board.steps}: ${fmt(board.cpuMs)} ms CPU per board (Postgres ${fmt(board.pgCpuMs)}), ` +
        `${fmt(board.p50Ms)} ms p50 wall (max ${fmt(board.maxMs)}), ${fmt(board.kilobytes)} KB as JSON, ${fmt(board.pageKilobytes)} KB in the page (goal ≤ 150 ms, ≤ 500 KB)`,
    );
  }
  for (const n of boardOnly ? [] : sizes) {
    console.log(`\n▶ N = ${n}: kubeclass (${durationMs / 1000} s) …`);
    const k = await runKubeclass(n);
    const lat = summary(k.drove.latencyMs);
    const join = summary(k.drove.joinMs);
    // The first burst (the joins of the first 100 ms) meets a server that has just started.
    const firstBurst = k.drove.joinByArrival.slice(0, Math.max(1, Math.round(joinRate / 10)));
    console.log(`  first joins (arrival order): ${firstBurst.map((ms) => fmt(ms)).join(", ")} ms`);
    const teacher = summary(k.drove.teacherMs);
    let echo: Awaited<ReturnType<typeof runEcho>> | null = null;
    if (withEcho) {
      console.log(`▶ N = ${n}: echo baseline …`);
      echo = await runEcho(n);
    }
    const echoLat = echo ? summary(echo.drove.latencyMs) : null;
    const failedWrites =
      k.verified.journalMissing +
      k.verified.journalDuplicates +
      k.verified.progressWrong +
      (k.metrics?.failed ?? 0);
    const lost =
      k.drove.lost + (k.drove.clients - k.drove.connected) + k.drove.errors.length + k.drove.teacherMissing;
    if (ci && (failedWrites > 0 || lost > 0)) failures++;
    table.push([
      String(n),
      fmt(lat.p50),
      fmt(lat.p95),
      fmt(lat.p99),
      fmt(lat.max),
      echoLat ? fmt(echoLat.p99) : "–",
      echoLat ? fmt(lat.p99 / echoLat.p99) : "–",
      `${fmt(join.p50)}/${fmt(join.p99)}`,
      `${lost}/${k.drove.sent}`,
      String(failedWrites),
      fmt(k.proc.cpuPct),
      fmt(k.proc.idleCpuPct),
      k.proc.cpuMsPerLine.toFixed(2),
      k.loop ? `${fmt(k.loop.p99)}/${fmt(k.loop.max)}` : "–",
      k.workers?.length ? k.workers.map((w) => `${fmt(w.loop.p99)}/${fmt(w.loop.max)}`).join(" ") : "–",
      k.loop ? fmt(k.loop.gc.maxMs) : "–",
      `${fmt(teacher.p50)}/${fmt(teacher.p99)}${k.drove.teacherMissing ? ` (${k.drove.teacherMissing} missing)` : ""}`,
      fmt(k.proc.rssMaxMb),
      os.loadavg()[0]!.toFixed(1),
    ]);
    const {
      answeredBy: _a,
      latencyMs: _l,
      joinMs: _j,
      joinByArrival: _ja,
      teacherMs: _t,
      completedAtLine: _c,
      ...drove
    } = k.drove;
    results.push({
      n,
      /** The machine's load while this N ran (other work on the same cores skews every figure). */
      loadAverage: os.loadavg(),
      durationMs,
      periodMs,
      joinRate,
      latencyMs: lat,
      joinMs: join,
      /** The first burst's joins in arrival order: what the first students after a start wait. */
      firstJoinsMs: firstBurst,
      /** Enter of the line completing a step → the teacher's socket hears of it. */
      stepToTeacherMs: { ...teacher, heard: k.drove.teacherMs.length, missing: k.drove.teacherMissing },
      /** The server's event-loop delay while the class typed (perf_hooks, ms). */
      eventLoopDelayMs: k.loop,
      /** Turns of the loop over 20 ms and what ran in them (KUBECLASS_BLOCK_TRACE=1; lib/block-trace.ts). */
      blocks: k.blocks,
      /** The worker threads' loop delay, turns over 10 ms and hops both ways (ms). */
      workers: k.workers,
      echo: echo
        ? { latencyMs: echoLat, cpuPct: echo.proc.cpuPct, lost: echo.drove.lost, sent: echo.drove.sent }
        : null,
      lost,
      failedWrites,
      server: { ...k.proc, exitCode: k.exitCode, shutdownMs: k.shutdownMs, errorLines: k.serverErrors },
      writeMetrics: k.metrics,
      database: k.verified,
      clients: drove,
      loginSeconds: k.loginS,
    });
    if (k.blocks) {
      const causes = Object.entries(k.blocks.byCause as Record<string, { dominant: number; ms: number }>)
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([c, v]) => `${c} ${v.dominant}/${Math.round(v.ms)} ms`)
        .join(", ");
      console.log(
        `  blocks > ${k.blocks.thresholdMs} ms: ${k.blocks.count} (cause: dominant in / ms in all) ${causes}`,
      );
    }
    for (const w of k.workers ?? []) {
      const causes = Object.entries(w.blocks?.byCause ?? {})
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, 8)
        .map(([c, v]) => `${c} ${v.dominant}/${Math.round(v.ms)} ms`)
        .join(", ");
      const hop = (h: WorkerTrace["hopIn"]) => (h ? `${fmt(h.p50)}/${fmt(h.p99)}/${fmt(h.max)}` : "–");
      console.log(
        `  worker ${w.worker}: loop p50/p99/max ${fmt(w.loop.p50)}/${fmt(w.loop.p99)}/${fmt(w.loop.max)} ms, ` +
          `CPU ${fmt(w.cpuPct ?? Number.NaN)} %, hop in ${hop(w.hopIn)}, inbox ${hop(w.inboxWait)}, hop out ${hop(w.hopOut)} ms (p50/p99/max), ` +
          `replies ${w.replies ?? "–"} (${w.replyChars === undefined ? "–" : Math.round(w.replyChars / Math.max(1, k.drove.answered))} chars/line), ` +
          `GC max ${fmt(w.blocks?.gc.maxMs ?? Number.NaN)} ms; turns > ${w.blocks?.thresholdMs ?? "–"} ms: ${w.blocks?.count ?? "–"} ${causes}`,
      );
    }
    console.log(
      `  answered ${k.drove.answered}/${k.drove.sent}, late ticks ${k.drove.late}, output messages ${k.drove.outputMessages} ` +
        `(lines ${k.drove.frames.lines}: echo apart ${k.drove.frames.echoApart}, answer split ${k.drove.frames.split}), ` +
        `journal rows ${k.verified.journalRows}, progress rows ${k.verified.progressRows}, snapshots ${k.verified.snapshots}, ` +
        `server error lines ${k.serverErrors}, shutdown ${Math.round(k.shutdownMs)} ms` +
        (k.drove.errors.length ? `, client errors: ${k.drove.errors.slice(0, 3).join("; ")}` : ""),
    );
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  console.log(`\nEnter → prompt after output, ms (${label}; CPU in % of one core, 2 cores = 200 %)`);
  for (const row of table) console.log(row.map((c, i) => c.padStart(widths[i]!)).join("  "));
  mkdirSync(path.join(root, "bench/results"), { recursive: true });
  const file = path.join(
    root,
    "bench/results",
    `load-${label}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
  );
  writeFileSync(file, `${JSON.stringify({ label, sizes, board, results }, null, 2)}\n`);
  console.log(
    `\nResults: ${path.relative(root, file)} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
  if (failures) {
    console.error(`✘ ${failures} run(s) lost output or failed a database write`);
    process.exitCode = 1;
  }
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => stopTestServer());
