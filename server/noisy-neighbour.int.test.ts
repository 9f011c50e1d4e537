/**
 * Noisy-neighbour suite (issue 12): each attack a hostile student can make — a Deployment scaled
 * to a huge replica count, Deployments created in a loop, huge annotations, regex bombs, 128 KB
 * typed one key at a time, thousands of variables, hundreds of background jobs, a flood of
 * socket events — runs while a bystander student types `kubectl get pods`. The bystander's round
 * trip (key press to the next prompt) is measured idle and under each attack: its p99 stays
 * within 2× the idle p99, and the server stays up.
 *
 * The idle p99 is floored at FLOOR_MS (timer granularity makes a few milliseconds meaningless).
 * `NOISY_LONG=1` (test/stress, on a quiet machine) runs the attacks at full size with more
 * samples and holds every attack to 2× the idle p99. The fast version runs inside `npm test`
 * beside the other suites, where the idle figure itself is noise: it prints the same figures,
 * marks each attack over 2×, and fails on a freeze (p99 or the longest event-loop block over
 * FREEZE_MS) or a server that stops answering. Each attack's longest event-loop block
 * (perf_hooks.monitorEventLoopDelay) is printed: it says what the attack costs everyone and is
 * much less disturbed by machine load than the bystander's p99. `NOISY_ONLY=<attack name prefix>`
 * runs one attack; `NOISY_PROFILE=<dir>` writes a CPU profile of the server per attack.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, ready, startHarness, until } from "./socket-test-harness";

const LONG = process.env.NOISY_LONG === "1";
const SAMPLES = LONG ? 200 : 40;
const FLOOR_MS = 10;
const FREEZE_MS = 1000;

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Term {
  socket: Socket;
  /** Output since the last `take()`. */
  take(): string;
  /** Resolves once the output since the last `take()` matches (event-driven, no polling). */
  waitFor(re: RegExp, ms?: number): Promise<void>;
}

async function openStudent(email: string): Promise<Term & { cookie: string }> {
  await h.makeUser(email, "STUDENT");
  const cookie = await h.cookieFor(email);
  const socket = h.client(cookie);
  let pending = "";
  let waiter: { re: RegExp; done: () => void } | null = null;
  socket.on("term:output", (m: { data: string }) => {
    pending += m.data;
    if (pending.length > 200_000) pending = pending.slice(-100_000);
    if (waiter?.re.test(pending)) {
      const w = waiter;
      waiter = null;
      w.done();
    }
  });
  await ready(socket);
  const join = await socket.emitWithAck("lesson:join", {
    courseSlug: "kubernetes-basics",
    lessonId: "pods-and-nodes",
  });
  expect(join.ok).toBe(true);
  expect((await socket.emitWithAck("term:open", { tabId: "1", cols: 120, rows: 30 })).ok).toBe(true);
  await until(() => pending.includes("$ "));
  return {
    socket,
    cookie,
    take: () => {
      const t = pending;
      pending = "";
      return t;
    },
    waitFor: (re, ms = 30_000) =>
      new Promise<void>((resolve) => {
        if (re.test(pending)) return resolve();
        const timer = setTimeout(() => {
          waiter = null;
          resolve();
        }, ms);
        waiter = {
          re,
          done: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      }),
  };
}

/** The bystander's round trip: `kubectl get pods` typed, until its table and the next prompt. */
async function roundTrip(b: Term): Promise<number> {
  b.take();
  const t0 = performance.now();
  b.socket.emit("term:input", { tabId: "1", data: "kubectl get pods\r" });
  await b.waitFor(/Running[\s\S]*\$ $/);
  const ms = performance.now() - t0;
  if (!/Running[\s\S]*\$ $/.test(b.take())) throw new Error("bystander got no answer in 30 s");
  return ms;
}

async function samples(b: Term, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await roundTrip(b));
    await sleep(5);
  }
  return out;
}

function p99(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] ?? 0;
}

const n = (small: number, large: number) => (LONG ? large : small);

/**
 * A shell loop of `count` iterations around `body` ($i is the counter), in the shell subset
 * the workstation has.
 */
const loop = (count: number, body: string) => `i=0; while [ $i -lt ${count} ]; do ${body}; i=$((i+1)); done`;

/**
 * Types `total` keys, one message each (a pause of 1 ms every 200), from a socket of the
 * attacker's own in a worker thread: the attacker's browser is not on the server, so the cost
 * of encoding and sending its keys must not land on the server's event loop, where an
 * in-process client put a 200-key synchronous burst every millisecond. Resolves with what the
 * worker sent and whether its socket was still connected at the end.
 */
function typeFromWorker(
  cookie: string,
  total: number,
  stopped: () => boolean,
): Promise<{ sent: number; connected: boolean }> {
  const code = `
    const { parentPort, workerData: w } = require("node:worker_threads");
    const { io } = require(w.client);
    const stop = new Int32Array(w.stop);
    const s = io(w.base, { path: "/socket.io", transports: ["websocket"], extraHeaders: { cookie: w.cookie }, reconnection: false, forceNew: true });
    let out = "";
    s.on("term:output", (m) => { out = (out + m.data).slice(-200); });
    (async () => {
      await new Promise((r) => s.once("connect", r));
      await s.emitWithAck("lesson:join", { courseSlug: "kubernetes-basics", lessonId: "pods-and-nodes" });
      await s.emitWithAck("term:open", { tabId: "1", cols: 120, rows: 30 });
      let sent = 0;
      for (let i = 0; i < w.total && Atomics.load(stop, 0) === 0; i++) {
        s.emit("term:input", { tabId: "1", data: "x" });
        sent++;
        if (i % 200 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      s.emit("term:input", { tabId: "1", data: "\x03" });
      await new Promise((r) => setTimeout(r, 50));
      parentPort.postMessage({ sent, connected: s.connected });
      s.close();
    })().catch((e) => parentPort.postMessage({ error: String(e) }));
  `;
  const stop = new SharedArrayBuffer(4);
  const worker = new Worker(code, {
    eval: true,
    workerData: {
      client: createRequire(import.meta.url).resolve("socket.io-client"),
      base: h.base,
      cookie,
      total,
      stop,
    },
  });
  const watch = setInterval(() => {
    if (stopped()) Atomics.store(new Int32Array(stop), 0, 1);
  }, 20);
  return new Promise((resolve, reject) => {
    worker.once("message", (m: { sent: number; connected: boolean; error?: string }) => {
      clearInterval(watch);
      void worker.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    });
    worker.once("error", reject);
  });
}

interface Attack {
  name: string;
  /** Lines the attacker types again and again while the bystander is measured. */
  lines?: string[];
  /** Or a driver of its own (socket-level attacks), run until `stop()`. */
  drive?: (a: Term, stopped: () => boolean, cookie: string) => Promise<string | undefined>;
  /** What must hold of the attacker afterwards. */
  after?: (a: Term) => void;
}

const ATTACKS: Attack[] = [
  {
    name: `scale-${n(1000, 100000)}`,
    lines: [
      `kubectl scale deploy/kubernetes-bootcamp --replicas=${n(1000, 100000)}`,
      "kubectl get pods | wc -l",
    ],
  },
  {
    name: "create-deployment-loop",
    lines: [loop(n(200, 1000), "kubectl create deployment d$i-$RANDOM --image=nginx > /dev/null")],
  },
  {
    name: "huge-annotations",
    lines: [
      loop(
        n(20, 100),
        "kubectl annotate deploy/kubernetes-bootcamp a$i=$(printf '%200000d' 0) --overwrite > /dev/null",
      ),
    ],
  },
  {
    name: "regex-bombs",
    lines: [
      "printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\\n' | grep -E '^(a+)+$'",
      "echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | awk '/^(a|aa)+$/'",
      "echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxy | sed -E 's/(x+x+)+y/z/'",
    ],
  },
  {
    name: `typed-${n(32, 128)}KB-one-key-at-a-time`,
    drive: async (_a, stopped, cookie) => {
      const r = await typeFromWorker(cookie, n(32, 128) * 1024, stopped);
      return `${r.sent} keys sent, ${r.connected ? "still connected" : "disconnected"}`;
    },
  },
  {
    name: "many-variables",
    lines: [loop(n(2000, 10000), `export V$i="$(printf '%1000d' $i)"`)],
  },
  {
    name: "many-background-jobs",
    lines: [loop(n(300, 2000), "sleep 1000 &"), "jobs | wc -l"],
  },
  {
    name: "socket-event-flood",
    drive: async (a, stopped) => {
      while (!stopped()) {
        for (let i = 0; i < 100; i++) {
          a.socket.emit("term:resize", { tabId: "1", cols: 80 + (i % 40), rows: 24 });
          a.socket.emit("term:input", { tabId: "1", data: "ab" });
          a.socket.emit("no:such:event", { x: i });
        }
        await sleep(10);
      }
      return undefined;
    },
    // This client shares the server's event loop, so it is served one message per turn as fast
    // as it sends and need not be ended; a client that outpaces the server is ended as a flood
    // (server/rate-limit.int.test.ts › "a client that writes faster than it is served …").
  },
];

/** Types the attack's lines one after another (each once its prompt is back) until stopped. */
async function runLines(a: Term, lines: string[], stopped: () => boolean): Promise<undefined> {
  let k = 0;
  while (!stopped()) {
    a.take();
    a.socket.emit("term:input", { tabId: "1", data: `${lines[k % lines.length]}\r` });
    k++;
    await a.waitFor(/\$ $/, 60_000);
  }
  a.socket.emit("term:input", { tabId: "1", data: "\x03" });
  return undefined;
}

describe("noisy neighbours", () => {
  it("no attack freezes a bystander's `kubectl get pods` or the server (2× its idle p99 in the long run)", {
    timeout: LONG ? 3_600_000 : 600_000,
  }, async () => {
    const bystander = await openStudent("noisy-bystander@example.com");
    await samples(bystander, 5); // warm-up
    const idleElu0 = performance.eventLoopUtilization();
    const idle = p99(await samples(bystander, SAMPLES));
    const idleElu = performance.eventLoopUtilization(idleElu0).utilization;
    const twice = 2 * Math.max(idle, FLOOR_MS);
    const bound = LONG ? twice : Math.max(twice, FREEZE_MS);
    const lines = [
      `noisy-neighbour: bystander p99 idle ${idle.toFixed(1)} ms (bound ${bound.toFixed(1)} ms), event loop busy ${(idleElu * 100).toFixed(0)} %, load average ${loadavg()[0]?.toFixed(1)}`,
    ];
    const results: { name: string; p: number; blockMs: number }[] = [];
    for (const [k, attack] of ATTACKS.entries()) {
      // NOISY_ONLY=many-variables runs one attack (for profiling with NOISY_PROFILE=dir)
      if (process.env.NOISY_ONLY && !attack.name.startsWith(process.env.NOISY_ONLY)) continue;
      const attacker = await openStudent(`noisy-attacker-${k}@example.com`);
      let stop = false;
      const stopped = () => stop;
      const running = attack.drive
        ? attack.drive(attacker, stopped, attacker.cookie)
        : runLines(attacker, attack.lines ?? [], stopped);
      await sleep(300); // the attack is under way
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const prof = process.env.NOISY_PROFILE ? new Session() : null;
      if (prof) {
        prof.connect();
        await prof.post("Profiler.enable");
        await prof.post("Profiler.start");
      }
      const elu0 = performance.eventLoopUtilization();
      const p = p99(await samples(bystander, SAMPLES));
      const elu = performance.eventLoopUtilization(elu0).utilization;
      delay.disable();
      if (prof) {
        const { profile } = await prof.post("Profiler.stop");
        writeFileSync(`${process.env.NOISY_PROFILE}/${attack.name}.cpuprofile`, JSON.stringify(profile));
        prof.disconnect();
      }
      const blockMs = delay.max / 1e6;
      stop = true;
      const note = await running;
      attack.after?.(attacker);
      attacker.socket.close();
      results.push({ name: attack.name, p, blockMs });
      lines.push(
        `noisy-neighbour: bystander p99 under ${attack.name} ${p.toFixed(1)} ms (${(p / Math.max(idle, FLOOR_MS)).toFixed(1)}×), max event-loop block ${blockMs.toFixed(0)} ms, event loop busy ${(elu * 100).toFixed(0)} %${note ? ` (${note})` : ""}${p > twice ? " — over 2×" : ""}`,
      );
    }
    // The server is still up and answering.
    expect(await roundTrip(bystander)).toBeLessThan(5000);
    console.log(lines.join("\n"));
    for (const r of results)
      expect(r.p, `${r.name}: p99 ${r.p.toFixed(1)} ms > ${bound.toFixed(1)} ms`).toBeLessThanOrEqual(bound);
    // The longest the attack held the event loop (every student's events wait that long). On a
    // quiet machine it is tens of milliseconds; a loaded one adds whole scheduler slices, so the
    // fast version holds it to the freeze bound only.
    for (const r of results)
      expect(r.blockMs, `${r.name}: event loop held ${r.blockMs.toFixed(0)} ms`).toBeLessThan(FREEZE_MS);
  });
});
