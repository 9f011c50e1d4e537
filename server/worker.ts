/**
 * A workspace worker thread (server/worker-pool.ts): owns whole workspaces' simulations
 * (server/workspace-core.ts) and answers the main thread in one JSON string per turn of its
 * event loop. A message that fails is answered with its error; an exception that escapes to the
 * event loop ends the thread, and the main thread's watchdog replaces it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createHistogram, monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { blockReport, isTracing, startBlockTrace, threadCpuMs, traced } from "../lib/block-trace";
import { forwardedCore, sendUnavailable } from "./kube-api/forward";
import type { FromWorker, LineOnWire, ToWorker } from "./worker-pool";
import { type LineResult, WorkspaceCore, warmSimulation } from "./workspace-core";

const port = parentPort;
if (!port) throw new Error("server/worker.ts runs as a worker thread");

const cores = new Map<number, WorkspaceCore>();
let batch: FromWorker[] = [];
let scheduled = false;

const tracing = isTracing();

function flush(): void {
  scheduled = false;
  if (batch.length === 0) return;
  // Traced: the batch carries when it left, so the main thread can time the hop back.
  if (tracing) batch.push(["t", performance.timeOrigin + performance.now()]);
  const out = traced("w-flush", () => JSON.stringify(batch));
  batch = [];
  port?.postMessage(out);
}

function send(msg: FromWorker): void {
  batch.push(msg);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

/** Output joins the previous message when that is the same tab's output (order is kept). */
function output(id: number, tabId: string, data: string): void {
  const last = batch[batch.length - 1];
  if (last && last[0] === "out" && last[1] === id && last[2] === tabId) last[3] += data;
  else send(["out", id, tabId, data]);
}

/**
 * Per workspace and lesson: the step list its last line sent, as JSON. Most lines change no step,
 * and the list (~1 KB, with both languages' hints) was half of each plain line's reply: copied
 * across the threads, parsed, then compared again on the main thread. A line that repeats it
 * sends null instead; server/worker-pool.ts puts the last one back (ADR 0042).
 */
const sentUpdates = new Map<number, Map<string, string>>();

function lineOnWire(id: number, result: LineResult): LineOnWire {
  const json = JSON.stringify(result.outcome.update);
  let sent = sentUpdates.get(id);
  if (!sent) {
    sent = new Map();
    sentUpdates.set(id, sent);
  }
  if (sent.get(result.lessonId) !== json) {
    sent.set(result.lessonId, json);
    return result;
  }
  return { ...result, outcome: { ...result.outcome, update: null } };
}

function answer(req: number, run: () => unknown): void {
  let value: unknown;
  try {
    value = run();
  } catch (err) {
    send(["res", req, false, err instanceof Error ? err.message : String(err)]);
    return;
  }
  if (value instanceof Promise)
    value.then(
      (v: unknown) => send(["res", req, true, v ?? null]),
      (err: unknown) => send(["res", req, false, err instanceof Error ? err.message : String(err)]),
    );
  else send(["res", req, true, value ?? null]);
}

function core(id: number): WorkspaceCore {
  const c = cores.get(id);
  if (!c) throw new Error(`no workspace ${id} on this worker`);
  return c;
}

/** Span labels of the messages (made once: `traced` is on the path of every keystroke). */
const labels = new Map<string, string>();
function spanLabel(msg: ToWorker): string {
  const key = msg[0] === "call" ? `call:${msg[3]}` : msg[0];
  let label = labels.get(key);
  if (label === undefined) {
    label = `w-${key}`;
    labels.set(key, label);
  }
  return label;
}

function handle(msg: ToWorker): void {
  switch (msg[0]) {
    case "create": {
      const [, id, req, courseSlug, init, join] = msg;
      answer(req, () => {
        const c = new WorkspaceCore(courseSlug, init, {
          output: (tabId, data) => output(id, tabId, data),
          line: (result) => send(["line", id, lineOnWire(id, result)]),
        });
        cores.set(id, c);
        // A join that came with the build is answered with it.
        return join ? c.join(join.lessonId, join.rows) : null;
      });
      return;
    }
    case "in":
      core(msg[1]).input(msg[2], msg[3]);
      return;
    case "resize":
      core(msg[1]).resize(msg[2], msg[3], msg[4]);
      return;
    case "close":
      core(msg[1]).closeTab(msg[2]);
      return;
    case "lang":
      core(msg[1]).setLanguage(msg[2]);
      return;
    case "enter":
      core(msg[1]).enterLesson(msg[2]);
      return;
    case "call": {
      const [, id, req, method, args] = msg;
      answer(req, () => {
        const c = core(id);
        return (c[method] as (...a: unknown[]) => unknown).apply(c, args);
      });
      return;
    }
    case "dispose":
      cores.get(msg[1])?.dispose();
      cores.delete(msg[1]);
      sentUpdates.delete(msg[1]);
      return;
    case "warm":
      answer(msg[1], () => warmSimulation(msg[2]));
      return;
    case "ping":
      send(["pong"]);
      return;
    case "t":
      return;
    case "trace":
      traceStart();
      return;
    case "trace-report":
      answer(msg[1], traceReport);
      return;
    case "hang":
      // A runaway loop, as a bug in the simulation would be (WorkerPool.hang: the watchdog's test).
      for (;;) {
        // never yields: no message, no heartbeat answer, until the pool terminates the thread
      }
  }
}

/**
 * Messages not handled yet, in order, handled in short turns of this thread's loop (ADR 0037).
 *
 * The main thread sends in one message every keystroke of a turn of its loop: at 1,000 students
 * a batch of many students' Enters. A line does its work after the message that carried its
 * Enter, in the promise continuations of its shell, checks and journal (lib/terminal), which run
 * only once the turn's synchronous part returns. A turn that handled a whole batch therefore ran
 * every line of it back to back, and what the first line printed left with the last (one flush a
 * turn): every student of the batch waited for the slowest of them all (Enter → prompt p99
 * 154 ms at 1,000 with the main thread's loop at 14.7 ms). So a turn:
 *
 * - first sends what the previous turn's lines printed (`flush`), before other lines begin;
 * - starts as many lines (`in` messages carrying Enter) as fit in `LINES_MS` by what lines cost
 *   lately, at least one: they run in this turn's continuations, and the turn ends there — while
 *   lines are cheap a few share a turn (and a message back), a slow line runs alone;
 * - otherwise handles messages for at most `TURN_MS` (keystrokes without Enter, resizes, calls:
 *   a save's serialisation, a join's cluster build), at least one of them.
 *
 * A long line still yields in slices (server/slices.ts) and waits for its student's turn there;
 * a turn of this drain goes between those slices as any other work does.
 */
let inbox: ToWorker[] = [];
/** While tracing: when each message of `inbox` arrived (its wait in the inbox is traced). */
let arrived: number[] = [];
let next = 0;
let draining = false;
/** The synchronous part of a turn (keystrokes, resizes, calls) ends past this. */
const TURN_MS = 5;
/** What the lines a turn starts may cost together, by `lineMs` (their continuations included). */
const LINES_MS = 8;
/** Lines a turn starts at most, whatever they cost lately. */
const MAX_LINES = 16;
/**
 * What a line costs, as the turns that ran back to back measured it: from one turn's start to
 * the next's, over the lines it started (an upper bound: the flush, other callbacks and any
 * preemption are counted in). Smoothed, so one slow turn (a GC pause) does not set it.
 */
let lineMs = 1;
/** The turn before, while the drain runs back to back: when it started and how many lines. */
let lastStart = 0;
let lastLines = 0;

/** Whether the message may start a line (an Enter in a tab's keystrokes). */
function startsLine(msg: ToWorker): boolean {
  return msg[0] === "in" && (msg[3].includes("\r") || msg[3].includes("\n"));
}

function drain(): void {
  const start = performance.now();
  if (lastLines > 0) lineMs = 0.7 * lineMs + (0.3 * (start - lastStart)) / lastLines;
  flush();
  const maxLines = Math.max(1, Math.min(MAX_LINES, Math.floor(LINES_MS / lineMs)));
  let lines = 0;
  while (next < inbox.length) {
    const msg = inbox[next++] as ToWorker;
    const line = startsLine(msg);
    if (tracing && line)
      inboxWait.record(Math.max(1, Math.round((performance.now() - (arrived[next - 1] ?? 0)) * 1000)));
    try {
      if (tracing) traced(spanLabel(msg), () => handle(msg));
      else handle(msg);
    } catch (err) {
      console.error("[worker]", err);
    }
    if (line && ++lines >= maxLines) break;
    if (performance.now() - start > TURN_MS) break;
  }
  if (next < inbox.length) {
    // A backlog that never empties must not keep every message it ever held.
    if (next >= 1024 && next * 2 >= inbox.length) {
      inbox = inbox.slice(next);
      if (tracing) arrived = arrived.slice(next);
      next = 0;
    }
    lastStart = start;
    lastLines = lines;
    setImmediate(drain);
    return;
  }
  lastLines = 0;
  inbox = [];
  arrived = [];
  next = 0;
  draining = false;
}

port.on("message", (msgs: ToWorker[]) => {
  // Traced: the main thread's batch says when it left (its hop here: this thread's loop was busy).
  const first = msgs[0];
  if (first?.[0] === "t")
    hopIn.record(Math.max(1, Math.round((performance.timeOrigin + performance.now() - first[1]) * 1000)));
  for (const m of msgs) inbox.push(m);
  if (tracing) {
    const now = performance.now();
    for (let k = 0; k < msgs.length; k++) arrived.push(now);
  }
  if (draining) return;
  draining = true;
  drain();
});

/**
 * The worker's side of the benchmark's trace (bench/load-server.ts, KUBECLASS_BLOCK_TRACE=1): its
 * own event-loop delay, its turns over 10 ms with the messages that ran in them, and how long the
 * main thread's batches took to reach it (µs).
 */
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
const hopIn = createHistogram();
/** While tracing: how long a line's Enter waited in the inbox before its turn (µs). */
const inboxWait = createHistogram();
let traceFrom = { at: 0, cpu: 0 };

function traceStart(): void {
  loopDelay.reset();
  loopDelay.enable();
  hopIn.reset();
  inboxWait.reset();
  traceFrom = { at: performance.now(), cpu: threadCpuMs() };
  startBlockTrace(10);
}

function traceReport(): unknown {
  const blocks = blockReport();
  loopDelay.disable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const us = (v: number) => Math.round(v / 10) / 100;
  const hist = (h: typeof hopIn) =>
    h.count ? { count: h.count, p50: us(h.percentile(50)), p99: us(h.percentile(99)), max: us(h.max) } : null;
  return {
    /** This thread's CPU over the window, in % of one core. */
    cpuPct: Math.round(((threadCpuMs() - traceFrom.cpu) / (performance.now() - traceFrom.at)) * 1000) / 10,
    inboxWait: hist(inboxWait),
    loop: {
      p50: ms(loopDelay.percentile(50)),
      p99: ms(loopDelay.percentile(99)),
      max: ms(loopDelay.max),
      mean: ms(loopDelay.mean),
    },
    hopIn: hist(hopIn),
    blocks,
  };
}

/**
 * The student's own kubectl (server/kube-api/forward.ts): the product server forwards each
 * admitted request for a workspace of this worker to this loopback-only port, with the pool's key.
 */
const { kubeKey } = workerData as { kubeKey: string };
const kube = createServer((req, res) => {
  const c = cores.get(forwardedCore(req, kubeKey) ?? -1);
  // Gone meanwhile (evicted, reset): kubectl asks again and the route loads it anew.
  if (!c) return sendUnavailable(res);
  void c.kubeFace().request(req, res);
});
kube.on("upgrade", (req, socket, head) => {
  const c = cores.get(forwardedCore(req, kubeKey) ?? -1);
  if (c) c.kubeFace().upgrade(req, socket, head);
  else socket.destroy();
});
// Streams may stay open for hours (a watch); the product side ends them.
kube.requestTimeout = 0;
kube.listen(0, "127.0.0.1", () => send(["kube", (kube.address() as AddressInfo).port]));

// Loaded: the main thread's watchdog starts counting from this answer.
send(["pong"]);
