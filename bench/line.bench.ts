/**
 * The server's share of one typed line without the network: the student's live session
 * (server/session-factory.ts: cluster, shell, kubectl, terminal, the headless screen) plus the
 * lesson's incremental checks (lib/classroom/lesson-progress.ts), the way the live workspace
 * runs them. `kubectl get pods` typed as the load benchmark types it (the command, then Enter).
 * CPU per line here is what `bench:load` reports as CPU ms/line minus socket.io and Postgres.
 */
import { Session } from "node:inspector/promises";
import { getCourse } from "../lib/classroom/course";
import { LessonProgress } from "../lib/classroom/lesson-progress";
import type { JournalEntry } from "../lib/shell/types";
import { createSession } from "../server/session-factory";
import { type BenchRow, msRow, stats } from "./measure";

const PROMPT_END = "student@minikube:~$ ";
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

interface HeapNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: HeapNode[];
}

/** Where an allocation is charged: the innermost frame of ours on its stack, by part. */
const ALLOC_PARTS: Array<[string, RegExp]> = [
  ["kubectl", /\/lib\/kubectl\//],
  ["cluster API", /\/lib\/cluster\//],
  ["shell", /\/lib\/shell\//],
  ["step checks", /\/lib\/(course|classroom)\//],
  ["terminal", /\/lib\/terminal\/|@xterm/],
  ["session", /\/server\//],
];

/**
 * Bytes allocated per line (V8's sampling heap profiler, keeping the objects minor and major
 * GCs collected, so this is what the line allocates, not what it keeps), in all and by the part
 * of ours innermost on the stack (JSON.parse inside kubectl's client counts as kubectl).
 */
export async function lineAlloc(lines: number): Promise<{ perLine: number; parts: Map<string, number> }> {
  const inspector = new Session();
  inspector.connect();
  let profile: { head: HeapNode } | undefined;
  await lineCost(lines, {
    around: {
      start: async () => {
        await inspector.post("HeapProfiler.startSampling", {
          samplingInterval: 256,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        } as object);
      },
      stop: async () => {
        profile = ((await inspector.post("HeapProfiler.stopSampling")) as { profile: { head: HeapNode } })
          .profile;
      },
    },
  });
  inspector.disconnect();
  const parts = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode, part: string): void => {
    const own = ALLOC_PARTS.find(([, re]) => re.test(n.callFrame.url))?.[0] ?? part;
    total += n.selfSize;
    parts.set(own, (parts.get(own) ?? 0) + n.selfSize / lines);
    for (const c of n.children) walk(c, own);
  };
  if (profile) walk(profile.head, "other");
  return { perLine: total / lines, parts };
}

export async function lineCost(
  lines: number,
  opts: {
    lessonId?: string;
    warm?: number;
    around?: { start: () => Promise<void>; stop: () => Promise<void> };
  } = {},
) {
  const course = getCourse();
  const lesson = course.lessons.find((l) => l.id === (opts.lessonId ?? "pods-and-nodes"))!;
  const session = createSession({ scenario: lesson.scenario, seed: 7, prompt: course.workstation });
  const progress = new LessonProgress(lesson, [], new Map(), session.api);
  let out = "";
  let waiter: (() => void) | null = null;
  session.onOutput = (_tab, data) => {
    out += data.replace(ANSI, "");
    if (waiter && out.endsWith(PROMPT_END) && out.includes("\n")) {
      const w = waiter;
      waiter = null;
      w();
    }
  };
  session.onJournal = (entry: JournalEntry) => {
    progress.line(entry, session.api, session.stateVersion());
  };
  session.openTab("1", 120, 30);
  await new Promise((r) => setTimeout(r, 20));
  const samples: number[] = [];
  const warm = opts.warm ?? 30;
  const cpu0 = { value: process.cpuUsage() };
  for (let i = 0; i < lines + warm; i++) {
    if (i === warm) {
      await opts.around?.start();
      cpu0.value = process.cpuUsage();
    }
    out = "";
    const t = performance.now();
    const answered = new Promise<void>((r) => {
      waiter = r;
    });
    session.input("1", "kubectl get pods");
    session.input("1", "\r");
    await answered;
    if (i >= warm) samples.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0.value);
  await opts.around?.stop();
  session.dispose();
  return { samples, cpuMsPerLine: (cpu.user + cpu.system) / 1000 / lines };
}

export async function run(): Promise<BenchRow[]> {
  const { samples, cpuMsPerLine } = await lineCost(300);
  const kb = (await lineAlloc(300)).perLine / 1024;
  return [
    msRow("server line: `kubectl get pods` in a live session + checks", samples, "p95 ≤ 1"),
    { name: "server line: CPU per line", median: cpuMsPerLine, p95: cpuMsPerLine, unit: "ms", goal: "≤ 0.5" },
    {
      name: "server line: bytes allocated per line",
      median: kb,
      p95: kb,
      unit: "KB",
      goal: "≤ 100 (ADR 0050)",
    },
  ];
}

if (process.argv[1]?.endsWith("line.bench.ts") && process.argv.includes("--alloc")) {
  const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 500);
  const a = await lineAlloc(n);
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  console.log(`lines ${n}: ${kb(a.perLine)} allocated per line`);
  for (const [part, b] of [...a.parts].sort((x, y) => y[1] - x[1]))
    console.log(`  ${part.padEnd(12)} ${kb(b)}`);
} else if (process.argv[1]?.endsWith("line.bench.ts")) {
  const n = Number(process.argv[2] ?? 500);
  const r = await lineCost(n);
  console.log(
    `lines ${n}: CPU ${r.cpuMsPerLine.toFixed(3)} ms/line, median ${stats(r.samples).median.toFixed(3)} ms, p95 ${stats(r.samples).p95.toFixed(3)} ms`,
  );
}
