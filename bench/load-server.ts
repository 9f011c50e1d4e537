/**
 * The server under load: what `npm start` runs in production (NODE_ENV=production, the Next
 * build, socket.io, the workspace registry) on the database in DATABASE_URL, without the demo
 * seeding and the rebuild check of scripts/start.ts (the benchmark seeds its own class and must
 * not rebuild between runs). Prints `READY <url>` when listening and, when the registry has
 * write metrics, one `METRICS <json>` line per second and a last one after the shutdown flush.
 */
export {};

(process.env as Record<string, string>).NODE_ENV = "production";

const { startServer } = await import("../server/index");
const { db } = await import("../lib/db");
const server = await startServer({ dev: false });

type WithMetrics = { metrics?: () => unknown };
const metrics = () => (server.registry as unknown as WithMetrics).metrics?.();
// Printed only when it changed: an idle class's server must show no work of the benchmark's own.
let last = "";
const report = (always = false) => {
  const m = metrics();
  if (m === undefined) return;
  const line = `METRICS ${JSON.stringify(m)}`;
  if (always || line !== last) console.log(line);
  last = line;
};
const timer = setInterval(() => report(), 1000);

// `PROFILE_FILE`: SIGUSR2 starts a V8 CPU profile of this thread, the next SIGUSR2 writes it,
// so the profile covers exactly the window the benchmark marks (the students typing).
const profileFile = process.env.PROFILE_FILE;
if (profileFile) {
  const { Session } = await import("node:inspector/promises");
  const { writeFileSync } = await import("node:fs");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 1000 });
  let profiling = false;
  process.on("SIGUSR2", () => {
    profiling = !profiling;
    if (profiling) void session.post("Profiler.start");
    else
      void session.post("Profiler.stop").then(({ profile }) => {
        // Files are named from the repository's root, not the machine's (profiles get committed).
        const root = new URL("..", import.meta.url).href;
        for (const n of profile.nodes)
          if (n.callFrame.url.startsWith(root))
            n.callFrame.url = `file:///kubeclass/${n.callFrame.url.slice(root.length)}`;
        writeFileSync(profileFile, JSON.stringify(profile));
        console.log(`PROFILE ${profileFile}`);
      });
  });
}
// Event-loop delay while the class types: SIGUSR2 (the same signal as the profile's) starts a
// fresh histogram, the next one prints it (`LOOP <json>`, ms): what a line waits for before its
// handler even runs.
// Garbage-collection pauses in the same window (count, total and longest, minor and major), so
// the latency tail can be told apart: GC, or queueing behind the lines of everyone else.
const { monitorEventLoopDelay, PerformanceObserver, constants } = await import("node:perf_hooks");
// KUBECLASS_BLOCK_TRACE=1: each turn of the loop longer than 20 ms in the same window, with
// what ran in it (lib/block-trace.ts), printed as `BLOCKS <json>`.
const { startBlockTrace, blockReport } = await import("../lib/block-trace");
const loop = monitorEventLoopDelay({ resolution: 5 });
const gc = { count: 0, totalMs: 0, maxMs: 0, major: 0, majorMs: 0 };
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    gc.totalMs += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
    if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      gc.major++;
      gc.majorMs += e.duration;
    }
  }
});
// The workers' side of the same window (server/worker.ts): their loop delay, their turns over
// 10 ms and the hops both ways, printed as `WORKERS <json>` (with KUBECLASS_BLOCK_TRACE=1).
type Traced = { traceStart?: () => void; traceReport?: () => Promise<unknown[] | null> };
const host = (server.registry as unknown as { host: Traced }).host;
let workersReport: Promise<void> = Promise.resolve();
let looping = false;
process.on("SIGUSR2", () => {
  looping = !looping;
  if (looping) {
    host.traceStart?.();
    loop.reset();
    loop.enable();
    Object.assign(gc, { count: 0, totalMs: 0, maxMs: 0, major: 0, majorMs: 0 });
    gcObserver.observe({ entryTypes: ["gc"] });
    startBlockTrace(20);
    return;
  }
  const blocks = blockReport();
  if (blocks) console.log(`BLOCKS ${JSON.stringify(blocks)}`);
  workersReport = (host.traceReport?.() ?? Promise.resolve(null)).then(
    (w) => {
      if (w) console.log(`WORKERS ${JSON.stringify(w)}`);
    },
    (err: unknown) => console.error("[load-server] workers' trace", err),
  );
  loop.disable();
  gcObserver.disconnect();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const r = (v: number) => Math.round(v * 100) / 100;
  console.log(
    `LOOP ${JSON.stringify({
      p50: ms(loop.percentile(50)),
      p99: ms(loop.percentile(99)),
      max: ms(loop.max),
      mean: ms(loop.mean),
      gc: {
        count: gc.count,
        totalMs: r(gc.totalMs),
        maxMs: r(gc.maxMs),
        major: gc.major,
        majorMs: r(gc.majorMs),
      },
    })}`,
  );
});
console.log(`READY ${server.url}`);

let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  const t0 = performance.now();
  void workersReport
    .then(() => server.close())
    .then(() => db().$disconnect())
    .then(() => {
      report(true);
      console.log(`SHUTDOWN ${Math.round(performance.now() - t0)}`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error("[load-server] shutdown failed", err);
      process.exit(1);
    });
});
