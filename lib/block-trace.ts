/**
 * Long blocks of the event loop, with what ran in them (KUBECLASS_BLOCK_TRACE=1; off, `traced`
 * is one branch). The server's periodic and per-line work is wrapped in `traced(label, fn)`,
 * which keeps each span's self time (nested spans are subtracted from their parent) in a ring of
 * typed arrays, so tracing makes no garbage of its own. A 1 ms timer chain sees each turn of the
 * loop that ran long; `blockReport()` attributes every block over the threshold to the spans and
 * the garbage-collection pauses inside it, and leaves the rest as `other` (socket.io and pg
 * parsing, promise continuations outside a span). Read by bench/load-server.ts (docs/performance.md,
 * "Long blocks at 1,000").
 */
import { openSync, readSync } from "node:fs";
import { constants, PerformanceObserver, performance } from "node:perf_hooks";

const enabled = process.env.KUBECLASS_BLOCK_TRACE === "1";

/** Whether spans are being kept (callers that would stamp or allocate only for the tracer ask). */
export function isTracing(): boolean {
  return enabled;
}

const RING = 1 << 18;
const spanStart = new Float64Array(RING);
const spanEnd = new Float64Array(RING);
const spanSelf = new Float64Array(RING);
const spanLabel = new Uint16Array(RING);
/** CPU time of this thread over the span (ms; on a shared machine wall time includes preemption). */
const spanCpu = new Float64Array(RING);
const stackCpu = new Float64Array(64);
let spans = 0;
const labels: string[] = [];
const labelIds = new Map<string, number>();
const stackStart = new Float64Array(64);
const stackChild = new Float64Array(64);
let depth = 0;

function labelId(label: string): number {
  let id = labelIds.get(label);
  if (id === undefined) {
    id = labels.push(label) - 1;
    labelIds.set(label, id);
  }
  return id;
}

/** Runs `fn`, timing its synchronous part under `label` while tracing is on. */
export function traced<T>(label: string, fn: () => T): T {
  if (!enabled || depth >= 64) return fn();
  const d = depth++;
  stackStart[d] = performance.now();
  stackCpu[d] = threadCpuMs();
  stackChild[d] = 0;
  try {
    return fn();
  } finally {
    const end = performance.now();
    const cpu = threadCpuMs() - stackCpu[d]!;
    depth = d;
    const total = end - stackStart[d]!;
    if (d > 0) stackChild[d - 1]! += total;
    const i = spans++ & (RING - 1);
    spanStart[i] = stackStart[d]!;
    spanEnd[i] = end;
    spanSelf[i] = total - stackChild[d]!;
    spanLabel[i] = labelId(label);
    spanCpu[i] = cpu;
  }
}

let schedFd: number | null | undefined;
const schedBuf = Buffer.alloc(64);

/**
 * This thread's CPU time (ms): Linux's per-thread scheduler clock (/proc/thread-self/schedstat,
 * ns, read with one pread on a descriptor opened in this thread, ~2 µs), so a worker thread's
 * figures are its own and the main thread's leave the workers out. Elsewhere the process's CPU
 * time (every thread's).
 */
export function threadCpuMs(): number {
  if (schedFd === undefined) {
    try {
      schedFd = openSync("/proc/thread-self/schedstat", "r");
    } catch {
      schedFd = null;
    }
  }
  if (schedFd !== null) {
    const n = readSync(schedFd, schedBuf, 0, 64, 0);
    const space = schedBuf.indexOf(32);
    return Number(schedBuf.toString("latin1", 0, space > 0 && space < n ? space : n)) / 1e6;
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Block {
  from: number;
  to: number;
  /** CPU time of this thread in the block (ms): less than its length when the machine took the core. */
  cpu: number;
}
interface Gc {
  start: number;
  ms: number;
  major: boolean;
}

let blocks: Block[] = [];
let gcs: Gc[] = [];
let windowStart = 0;
let timer: NodeJS.Timeout | null = null;
let observer: PerformanceObserver | null = null;
let thresholdMs = 20;

/** Starts a window: blocks longer than `threshold` ms are kept until `blockReport`. */
export function startBlockTrace(threshold = 20): boolean {
  if (!enabled) return false;
  stopTimers();
  thresholdMs = threshold;
  blocks = [];
  gcs = [];
  windowStart = performance.now();
  let last = windowStart;
  let lastCpu = threadCpuMs();
  const tick = () => {
    const now = performance.now();
    const cpu = threadCpuMs();
    // The timer was due 1 ms after `last`; everything past that was one turn that ran long.
    if (now - last - 1 > thresholdMs) blocks.push({ from: last, to: now, cpu: cpu - lastCpu });
    last = now;
    lastCpu = cpu;
    timer = setTimeout(tick, 1);
    timer.unref();
  };
  timer = setTimeout(tick, 1);
  timer.unref();
  observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      gcs.push({
        start: e.startTime,
        ms: e.duration,
        major: (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR,
      });
  });
  observer.observe({ entryTypes: ["gc"] });
  return true;
}

function stopTimers(): void {
  if (timer) clearTimeout(timer);
  timer = null;
  observer?.disconnect();
  observer = null;
}

export interface BlockReport {
  thresholdMs: number;
  windowMs: number;
  count: number;
  /** The longest blocks, each with its causes (ms of self time inside it). */
  longest: Array<{ atMs: number; ms: number; cpuMs: number; causes: Record<string, number> }>;
  /** Blocks whose process CPU time was over the threshold too (work, not preemption). */
  cpuCount: number;
  /** Per cause: blocks where it was the largest part, and its ms summed over all blocks. */
  byCause: Record<string, { dominant: number; ms: number }>;
  /** Every span of the window: how many, total and longest self time (ms). */
  spans: Record<string, { count: number; totalMs: number; maxMs: number; maxCpuMs: number; cpuMs: number }>;
  gc: { count: number; totalMs: number; maxMs: number; majorMs: number };
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** Ends the window and attributes each block over the threshold to what ran in it. */
export function blockReport(): BlockReport | null {
  if (!enabled) return null;
  stopTimers();
  const now = performance.now();
  const first = Math.max(0, spans - RING);
  const spanStats: BlockReport["spans"] = {};
  for (let k = first; k < spans; k++) {
    const i = k & (RING - 1);
    if (spanEnd[i]! < windowStart) continue;
    const label = labels[spanLabel[i]!]!;
    const s = spanStats[label] ?? { count: 0, totalMs: 0, maxMs: 0, cpuMs: 0, maxCpuMs: 0 };
    spanStats[label] = s;
    s.count++;
    s.totalMs += spanSelf[i]!;
    s.maxMs = Math.max(s.maxMs, spanSelf[i]!);
    s.cpuMs += spanCpu[i]!;
    s.maxCpuMs = Math.max(s.maxCpuMs, spanCpu[i]!);
  }
  for (const s of Object.values(spanStats)) {
    s.totalMs = r2(s.totalMs);
    s.maxMs = r2(s.maxMs);
    s.cpuMs = r2(s.cpuMs);
    s.maxCpuMs = r2(s.maxCpuMs);
  }
  const attributed = blocks.map((b) => {
    const causes: Record<string, number> = {};
    for (let k = first; k < spans; k++) {
      const i = k & (RING - 1);
      if (spanEnd[i]! <= b.from || spanStart[i]! >= b.to) continue;
      const label = labels[spanLabel[i]!]!;
      causes[label] = (causes[label] ?? 0) + spanSelf[i]!;
    }
    for (const g of gcs)
      if (g.start < b.to && g.start + g.ms > b.from) {
        const label = g.major ? "gc-major" : "gc-minor";
        causes[label] = (causes[label] ?? 0) + g.ms;
      }
    const ms = b.to - b.from - 1;
    const known = Object.values(causes).reduce((a, v) => a + v, 0);
    causes.other = Math.max(0, ms - known);
    return { atMs: b.from - windowStart, ms, cpuMs: b.cpu, causes };
  });
  const byCause: BlockReport["byCause"] = {};
  for (const b of attributed) {
    let top = "other";
    for (const [label, ms] of Object.entries(b.causes)) {
      const c = byCause[label] ?? { dominant: 0, ms: 0 };
      byCause[label] = c;
      c.ms += ms;
      if (ms > (b.causes[top] ?? 0)) top = label;
    }
    byCause[top]!.dominant++;
  }
  for (const c of Object.values(byCause)) c.ms = r2(c.ms);
  const longest = attributed
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 25)
    .map((b) => ({
      atMs: Math.round(b.atMs),
      ms: r2(b.ms),
      cpuMs: r2(b.cpuMs),
      causes: Object.fromEntries(
        Object.entries(b.causes)
          .filter(([, v]) => v >= 0.5)
          .sort((x, y) => y[1] - x[1])
          .map(([k, v]) => [k, r2(v)]),
      ),
    }));
  return {
    thresholdMs,
    windowMs: Math.round(now - windowStart),
    count: blocks.length,
    cpuCount: blocks.filter((b) => b.cpu > thresholdMs).length,
    longest,
    byCause,
    spans: spanStats,
    gc: {
      count: gcs.length,
      totalMs: r2(gcs.reduce((a, g) => a + g.ms, 0)),
      maxMs: r2(gcs.reduce((a, g) => Math.max(a, g.ms), 0)),
      majorMs: r2(gcs.filter((g) => g.major).reduce((a, g) => a + g.ms, 0)),
    },
  };
}
