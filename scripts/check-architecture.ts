/**
 * Executable architecture rules (docs/adr/0002-layers.md):
 * - the pure core imports no web stack, no database, no servers;
 * - it reads time only from its Clock and randomness only from its seeded RNG;
 * - layers point down: cluster ← kubectl ← shell ← terminal/course.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const PURE = ["lib/cluster", "lib/kubectl", "lib/shell", "lib/course", "lib/terminal"];
const FORBIDDEN_IMPORTS = [
  /^next($|\/)/,
  /^react($|-dom|\/)/,
  /^@prisma\//,
  /^prisma($|\/)/,
  /^socket\.io/,
  /^next-auth/,
  /^(node:)?(http|https|net|child_process|worker_threads|dgram|cluster)$/,
  /generated\/prisma/,
];
/** Which pure layers a layer may import (besides itself). */
const MAY_IMPORT: Record<string, string[]> = {
  "lib/cluster": [],
  "lib/kubectl": ["lib/cluster"],
  "lib/shell": ["lib/cluster", "lib/kubectl"],
  "lib/terminal": ["lib/cluster", "lib/kubectl", "lib/shell"],
  "lib/course": ["lib/cluster", "lib/kubectl", "lib/shell", "lib/terminal"],
};
const WALL_CLOCK: Array<[string, RegExp]> = [
  ["Date.now()", /\bDate\.now\(/],
  ["new Date()", /\bnew Date\(\s*\)/],
  ["Math.random()", /\bMath\.random\(/],
  ["performance.now()", /\bperformance\.now\(/],
  // A global timer call; `scheduler.setTimeout(…)` and interface members are fine.
  ["a global timer", /(?<![.\w])set(Timeout|Interval|Immediate)\((?!\s*\w+\??\s*:)/],
];
/** Files allowed to touch the filesystem: loaders at the edge of lib/course. */
const FS_ALLOWED = new Set(["lib/course/loader.ts"]);

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.tsx?$/.test(e) && !/\.test\.ts$/.test(e)) out.push(p);
  }
  return out;
}

const problems: string[] = [];
for (const layer of PURE) {
  const abs = path.join(root, layer);
  let list: string[];
  try {
    list = files(abs);
  } catch {
    continue;
  }
  for (const file of list) {
    const rel = path.relative(root, file);
    const text = readFileSync(file, "utf8");
    const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
    for (const m of code.matchAll(
      /(?:import|export)[^'"`]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
    )) {
      const spec = (m[1] ?? m[2])!;
      if (FORBIDDEN_IMPORTS.some((r) => r.test(spec))) problems.push(`${rel}: imports ${spec} (pure core)`);
      if ((spec === "fs" || spec === "node:fs" || spec.startsWith("node:fs/")) && !FS_ALLOWED.has(rel))
        problems.push(`${rel}: imports ${spec} (pure core reads no files)`);
      if (spec.startsWith(".")) {
        const target = path.relative(root, path.resolve(path.dirname(file), spec));
        const targetLayer = PURE.find((l) => target === l || target.startsWith(`${l}/`));
        if (!targetLayer && target.startsWith("lib/"))
          problems.push(`${rel}: imports ${spec} (outside the pure core)`);
        if (targetLayer && targetLayer !== layer && !MAY_IMPORT[layer]!.includes(targetLayer))
          problems.push(`${rel}: imports ${spec} (${layer} may not depend on ${targetLayer})`);
      }
    }
    // Text inside template literals is data (e.g. the bootcamp image's /server.js), not our code.
    const ours = code.replace(/`(?:\\.|[^`\\])*`/g, "``");
    for (const [name, r] of WALL_CLOCK) {
      if (r.test(ours))
        problems.push(
          `${rel}: ${name} — take time from the Clock/Scheduler and randomness from the seeded RNG`,
        );
    }
  }
}

if (problems.length) {
  console.error(`Architecture check failed (${problems.length}):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`Architecture check passed (${PURE.join(", ")}).`);
