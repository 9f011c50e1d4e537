/**
 * Where a V8 CPU profile's time went, by part of the system (self time of each sample's leaf,
 * grouped by the file it ran in) and the heaviest functions. Used for docs/performance.md:
 *
 *   npx tsx bench/profile-summary.ts bench/results/profiles/<name>.cpuprofile
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const GROUPS: Array<[string, RegExp]> = [
  ["idle", /^\(idle\)$/],
  ["gc", /^\(garbage collector\)$/],
  ["prisma", /@prisma|generated\/prisma|query_compiler/],
  ["pg driver", /node_modules\/(pg|pg-protocol|pg-types|pg-pool)\//],
  [
    "socket.io / engine.io / ws",
    /node_modules\/(socket\.io|engine\.io|ws|socket\.io-parser|socket\.io-adapter)/,
  ],
  ["next.js", /node_modules\/next\//],
  ["lib/cluster", /\/lib\/cluster\//],
  ["lib/kubectl", /\/lib\/kubectl\//],
  ["lib/shell", /\/lib\/shell\//],
  ["lib/terminal", /\/lib\/terminal\//],
  ["lib/course (checks)", /\/lib\/course\//],
  ["lib/classroom", /\/lib\/classroom\//],
  ["server/", /\/server\//],
  ["zod", /node_modules\/zod/],
  ["tsx / module loading", /node_modules\/(tsx|esbuild)/],
  ["node internals", /^node:|^internal\//],
];

function group(node: Node): string {
  const { url, functionName } = node.callFrame;
  for (const [name, re] of GROUPS) if (re.test(url) || re.test(functionName)) return name;
  if (functionName === "(program)") return "program (native)";
  if (url === "") return `native: ${functionName || "(anonymous)"}`;
  return "other";
}

const file = process.argv[2];
if (!file) throw new Error("usage: profile-summary <file.cpuprofile>");
const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const groups = new Map<string, number>();
const fns = new Map<string, number>();
let total = 0;
let idle = 0;
p.samples.forEach((id, i) => {
  const dt = p.timeDeltas[i] ?? 0;
  const n = byId.get(id);
  if (!n) return;
  const g = group(n);
  total += dt;
  if (g === "idle") {
    idle += dt;
    return;
  }
  groups.set(g, (groups.get(g) ?? 0) + dt);
  const name = `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/(node_modules|lib|server)\//, "$1/")}:${n.callFrame.lineNumber + 1}`;
  fns.set(name, (fns.get(name) ?? 0) + dt);
});
const busy = total - idle;
console.log(
  `profile ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (${((busy / total) * 100).toFixed(0)} %)`,
);
console.log("\nself time by part (% of busy):");
for (const [g, t] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 18))
  console.log(`  ${((t / busy) * 100).toFixed(1).padStart(5)} %  ${g}`);
console.log("\nheaviest functions (self, % of busy):");
for (const [f, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 20))
  console.log(`  ${((t / busy) * 100).toFixed(1).padStart(5)} %  ${f}`);
