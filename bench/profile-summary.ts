/**
 * Where a V8 CPU profile's time went. Three views of the same samples:
 *
 * - **per stage of a line** (inclusive): each sample goes to the innermost stage on its stack —
 *   the command (shell, kubectl, cluster), the step checks, stuck rules, the recorder, the
 *   headless screens, socket.io frames, the write queue … — so "stuck rules" includes the
 *   cluster API call they make, and "the command" does not.
 * - **self time by part**: the leaf's file (lib/cluster, socket.io, GC …).
 * - **heaviest functions** (self).
 *
 * With the number of lines answered while it was taken (`--lines N`, or the `.meta.json` that
 * `npm run bench:load -- --cpu-prof` writes beside the profile, which also holds the server's
 * CPU ms per line from /proc) every figure is also given in CPU ms per line. Several profiles print side by side (before / after):
 *
 *   npx tsx bench/profile-summary.ts bench/results/profiles/<label>-n100.cpuprofile [more…]
 *   npx tsx bench/profile-summary.ts --md a.cpuprofile b.cpuprofile   # a Markdown table
 */
import { existsSync, readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface Node {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time: the part of the system the leaf function belongs to (first match wins). */
const PARTS: Array<[string, RegExp]> = [
  ["idle", /^\(idle\)$/],
  ["gc", /^\(garbage collector\)$/],
  ["prisma", /@prisma|generated\/prisma|query_compiler/],
  ["pg driver", /node_modules\/(pg|pg-protocol|pg-types|pg-pool)\//],
  [
    "socket.io / engine.io / ws",
    /node_modules\/(socket\.io|engine\.io|ws|socket\.io-parser|socket\.io-adapter)/,
  ],
  ["xterm (headless)", /node_modules\/@xterm\//],
  ["next.js", /node_modules\/next\//],
  ["lib/cluster", /\/lib\/cluster\//],
  ["lib/kubectl", /\/lib\/kubectl\//],
  ["lib/shell", /\/lib\/shell\//],
  ["lib/terminal", /\/lib\/terminal\//],
  ["lib/course", /\/lib\/course\//],
  ["lib/classroom", /\/lib\/classroom\//],
  ["server/teaching", /\/server\/teaching\//],
  ["server/", /\/server\//],
  ["zod", /node_modules\/zod/],
  ["tsx / module loading", /node_modules\/(tsx|esbuild)/],
  ["zlib", /^node:zlib$|zlib/],
  ["node internals", /^node:|^internal\//],
];

function part(f: CallFrame): string {
  for (const [name, re] of PARTS) if (re.test(f.url) || re.test(f.functionName)) return name;
  if (f.functionName === "(program)") return "program (native)";
  if (f.url === "") return `native: ${f.functionName || "(anonymous)"}`;
  return "other";
}

/**
 * Inclusive: the stages of a line, recognised by a frame on the stack (function name and file).
 * A sample belongs to the innermost stage on its stack.
 */
const STAGES: Array<[string, (f: CallFrame) => boolean]> = [
  // the profiler's own work (bench/load-server.ts posts to the inspector), not the server's
  ["profiler (not the server)", (f) => f.url === "node:inspector" || f.functionName === "dispatch"],
  ["socket.io / ws (frames in and out)", (f) => /node_modules\/(socket\.io|engine\.io|ws)\//.test(f.url)],
  ["pg driver", (f) => /node_modules\/(pg|pg-protocol|pg-pool)\//.test(f.url)],
  [
    "write queue (batches, SQL text)",
    (f) => /lib\/classroom\/(write-queue|journal|progress|snapshots|sql)\.ts/.test(f.url),
  ],
  [
    "snapshot (cluster + screens JSON)",
    (f) => /^(snapshot|snapshotUnit|packWorkstation|toJSON)$/.test(f.functionName) && /server\//.test(f.url),
  ],
  ["recording (asciicast)", (f) => /server\/teaching\/recorder|lib\/classroom\/casts/.test(f.url)],
  [
    "stuck rules",
    (f) =>
      /lib\/course\/stuck/.test(f.url) || (f.functionName === "line" && /server\/teaching\/hub/.test(f.url)),
  ],
  ["teacher fan-out (live rooms, mirror)", (f) => /server\/teaching\/hub|server\/mirror-filter/.test(f.url)],
  [
    "step checks (lesson progress)",
    (f) => /lib\/classroom\/lesson-progress|lib\/course\/(checks|argv)/.test(f.url),
  ],
  ["headless screens (replay, snapshot)", (f) => /server\/screens/.test(f.url)],
  ["kubectl + cluster (the command)", (f) => /lib\/kubectl\//.test(f.url)],
  ["shell", (f) => /lib\/shell\//.test(f.url)],
  // wiring.ts is only the pipe from kubectl to the cluster's API: that is the command's time
  ["terminal driver", (f) => /lib\/terminal\//.test(f.url) && !/lib\/terminal\/wiring/.test(f.url)],
  ["output fan-out (workspace)", (f) => f.functionName === "flushOutput"],
  ["workspace (line bookkeeping)", (f) => /server\/workspaces/.test(f.url)],
  ["socket handlers", (f) => /server\/sockets/.test(f.url)],
  ["next.js / http", (f) => /node_modules\/next\//.test(f.url)],
];
/** Stages that count only when no stage above is on the stack (the cluster is called from many). */
const WEAK_STAGES: Array<[string, (f: CallFrame) => boolean]> = [
  ["lib/cluster (outside a command: ticks, timers)", (f) => /lib\/cluster\//.test(f.url)],
  ["xterm (outside the screens)", (f) => /node_modules\/@xterm\//.test(f.url)],
];

interface Summary {
  file: string;
  totalUs: number;
  busyUs: number;
  lines: number | null;
  /** The server's CPU ms per line from /proc (the benchmark's figure), when known. */
  cpuMsPerLine: number | null;
  parts: Map<string, number>;
  stages: Map<string, number>;
  fns: Map<string, number>;
  stacks: Map<string, number>;
}

function summarize(file: string, lines: number | null, cpuMsPerLine: number | null): Summary {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The innermost stage of each node, computed once per node (samples share nodes).
  const innermost = (list: typeof STAGES) => {
    const memo = new Map<number, string>();
    const find = (id: number): string => {
      const hit = memo.get(id);
      if (hit !== undefined) return hit;
      const n = byId.get(id)!;
      const own = list.find(([, test]) => test(n.callFrame))?.[0];
      const up = parent.get(id);
      const s = own ?? (up === undefined ? "" : find(up));
      memo.set(id, s);
      return s;
    };
    return find;
  };
  const strong = innermost(STAGES);
  const weak = innermost(WEAK_STAGES);
  /** pg and socket.io are transports: they say which stage called them (when it is on the stack). */
  const TRANSPORTS = new Set(["pg driver", "socket.io / ws (frames in and out)"]);
  const callerStage = (id: number): string => {
    for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
      const s = strong(up);
      if (!TRANSPORTS.has(s)) return s || weak(up) || "a callback (no caller on the stack)";
    }
    return "a callback (no caller on the stack)";
  };
  const stage = (id: number): string => {
    const s = strong(id);
    if (!TRANSPORTS.has(s)) return s || weak(id);
    let top = id;
    while (parent.has(top) && strong(parent.get(top)!) === s) top = parent.get(top)!;
    return `${s} ← ${callerStage(top)}`;
  };
  /** `--stacks RE`: the stacks (innermost frames) under which functions matching RE ran. */
  const stackOf = (id: number, depth: number): string => {
    const out: string[] = [];
    for (let at: number | undefined = id; at !== undefined && out.length < depth; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (f.functionName === "(root)") break;
      out.push(
        `${f.functionName || "(anon)"}@${f.url.replace(/^.*\/(node_modules|lib|server|bench)\//, "$1/").replace(/^node_modules\//, "")}`,
      );
    }
    return out.join(" < ");
  };
  const s: Summary = {
    file,
    totalUs: 0,
    busyUs: 0,
    lines,
    cpuMsPerLine,
    parts: new Map(),
    stages: new Map(),
    fns: new Map(),
    stacks: new Map(),
  };
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const n = byId.get(id);
    if (!n) return;
    s.totalUs += dt;
    const g = part(n.callFrame);
    if (g === "idle") return;
    s.busyUs += dt;
    add(s.parts, g, dt);
    const st = stage(id);
    const name = n.callFrame.functionName;
    add(
      s.stages,
      st ||
        (name === "(garbage collector)"
          ? "gc (not on a stack)"
          : name === "(program)"
            ? "program (native, no JS stack)"
            : "other / no stage"),
      dt,
    );
    const fn = `${name || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/(node_modules|lib|server|bench)\//, "$1/")}:${n.callFrame.lineNumber + 1}`;
    add(s.fns, fn, dt);
    if (stacksRe) {
      const onStack = (() => {
        for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
          const f = byId.get(at)!.callFrame;
          if (stacksRe.test(`${f.functionName} ${f.url}`)) return true;
        }
        return false;
      })();
      if (onStack) add(s.stacks, stackOf(id, stackDepth), dt);
    }
  });
  return s;
}

function metaFor(file: string): { lines?: number; cpuMsPerLine?: number } {
  const meta = file.replace(/\.cpuprofile$/, ".meta.json");
  return existsSync(meta) ? (JSON.parse(readFileSync(meta, "utf8")) as { lines?: number }) : {};
}

const args = process.argv.slice(2).filter((a) => a !== "--");
const md = args.includes("--md");
const valued = new Map<string, string>();
for (const name of ["--lines", "--stacks", "--depth"]) {
  const i = args.indexOf(name);
  if (i >= 0) valued.set(name, args.splice(i, 2)[1] ?? "");
}
const explicitLines = valued.has("--lines") ? Number(valued.get("--lines")) : undefined;
const stacksRe = valued.has("--stacks") ? new RegExp(valued.get("--stacks")!) : null;
const stackDepth = Number(valued.get("--depth") ?? 8);
const files = args.filter((a) => !a.startsWith("--"));
if (files.length === 0)
  throw new Error(
    "usage: profile-summary [--md] [--lines N] [--stacks RE [--depth N]] <file.cpuprofile> [more.cpuprofile…]",
  );
const sums = files.map((f) => {
  const meta = metaFor(f);
  return summarize(f, explicitLines ?? meta.lines ?? null, meta.cpuMsPerLine ?? null);
});

const pct = (s: Summary, us: number) => `${((us / s.busyUs) * 100).toFixed(1)} %`;
/**
 * CPU ms per line of a share of the profile. The profile's clock is wall time, so on a machine
 * where the server waits for a core its "busy" time runs long; when the benchmark's /proc figure
 * is known the share is scaled to it instead (share of busy × CPU ms per line).
 */
const perLine = (s: Summary, us: number) =>
  s.cpuMsPerLine
    ? ((us / s.busyUs) * s.cpuMsPerLine).toFixed(3)
    : s.lines
      ? (us / 1000 / s.lines).toFixed(3)
      : "–";

function table(title: string, pick: (s: Summary) => Map<string, number>, top: number): void {
  const keys = new Map<string, number>();
  for (const s of sums) for (const [k, v] of pick(s)) keys.set(k, Math.max(keys.get(k) ?? 0, v / s.busyUs));
  const rows = [...keys].sort((a, b) => b[1] - a[1]).slice(0, top);
  if (md) {
    const head = sums.map((_, i) => `#${i + 1} ms/line | #${i + 1} %`).join(" | ");
    console.log(`\n**${title}**\n\n| | ${head} |\n|---|${sums.map(() => "---|---|").join("")}`);
    for (const [k] of rows)
      console.log(
        `| ${k} | ${sums.map((s) => `${perLine(s, pick(s).get(k) ?? 0)} | ${pct(s, pick(s).get(k) ?? 0)}`).join(" | ")} |`,
      );
    console.log(`| **busy** | ${sums.map((s) => `**${perLine(s, s.busyUs)}** | 100 %`).join(" | ")} |`);
    return;
  }
  console.log(`\n${title} — ms/line, % of busy${sums.length > 1 ? " (one column pair per profile)" : ""}:`);
  for (const [k] of rows)
    console.log(
      `  ${sums.map((s) => `${perLine(s, pick(s).get(k) ?? 0).padStart(6)} ${pct(s, pick(s).get(k) ?? 0).padStart(7)}`).join("   ")}  ${k}`,
    );
}

sums.forEach((s, i) => {
  console.log(
    `#${i + 1} ${s.file}: ${(s.totalUs / 1e6).toFixed(1)} s, busy ${(s.busyUs / 1e6).toFixed(1)} s (${((s.busyUs / s.totalUs) * 100).toFixed(0)} %)` +
      (s.lines ? `, ${s.lines} lines, ${(s.busyUs / 1000 / s.lines).toFixed(2)} ms busy per line` : "") +
      (s.cpuMsPerLine
        ? `, ${s.cpuMsPerLine.toFixed(2)} CPU ms/line (/proc; the ms/line below are shares of it)`
        : ""),
  );
});
table("per stage of a line (inclusive, innermost stage)", (s) => s.stages, 24);
table("self time by part", (s) => s.parts, 20);
table("heaviest functions (self)", (s) => s.fns, 30);
if (stacksRe) table(`stacks with a frame matching ${stacksRe} (innermost first)`, (s) => s.stacks, 25);
