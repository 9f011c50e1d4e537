/**
 * The hostile-input suite: lines a hostile student could type — deep nesting, huge expansions,
 * invalid UTF-16/UTF-8 (lone surrogates, U+FFFD), NUL and other controls, escape sequences,
 * backtracking regexes, job floods — fed as keystrokes through the terminal (line discipline)
 * into the shell of a workstation wired to a simulated cluster with the real kubectl.
 *
 * Checked for every line: no exception escapes (nothing reaches the terminal as "internal
 * error", nothing throws out of `input`), the line ends (virtual time jumps ahead, then Ctrl-C),
 * its output is bounded, the heap stays bounded, and no real process is spawned and no real file
 * is created. `lib/terminal/hostile.test.ts` runs a few thousand lines; `npm run test:stress`
 * runs 100,000 (see test/stress/index.ts).
 */
import { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import fc from "fast-check";
import { Cluster } from "../../lib/cluster";
import { ManualScheduler, settle } from "../../lib/shell/manual-time";
import { createTerminal } from "../../lib/terminal/terminal";
import { clusterWorkstation } from "../../lib/terminal/wiring";
import { SHELL_TOKENS, tokenLines } from "./shell-tokens";

/** Paths a line may try to write; none may appear on the real disk. */
const REAL_PATH = "/tmp/kubeclass-hostile-must-not-exist";

/** The shared words, and the hostile ones: real paths, catastrophic regexes, invalid text, escapes. */
const TOKENS = [
  ...SHELL_TOKENS,
  `\${#X}`,
  "&>",
  REAL_PATH,
  "/etc/passwd",
  "3600",
  "get",
  "pods",
  "-o",
  "jsonpath={.items[?(@.metadata.name=~/(a+)+$/)]}",
  "describe",
  "-E",
  "'(a|aa)*$'",
  "'/(x+x+)+y/'",
  "tr",
  "base64",
  "%999999999d",
  "\x00",
  "\ud800",
  "\udfff",
  "\ufffd",
  "é",
  "日本",
  "\x1b[31m",
  "\x1b]8;;http://evil\x07",
  "\x1b[200~",
  "\x1b[201~",
  "\x9b",
  "\x07",
  "\x1bP+q\x1b\\",
];

const words = tokenLines(TOKENS);

/** Deep nesting of every kind the parser and interpreter know. */
const nested = fc
  .tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom("$(", "(", "{ ", "$((", '"$(', "`", "${X:-"))
  .map(([n, open]) => {
    const close =
      { "$(": ")", "(": ")", "{ ": "; }", "$((": "))", '"$(': ')"', "`": "`", "${X:-": "}" }[open] ?? ")";
    return `echo ${open.repeat(n)}1${close.repeat(n)}`;
  });

/** Expansions that would be huge if nothing bounded them. */
const huge = fc.constantFrom(
  "X=$(printf '%1048000d' 0); Y=$X$X$X$X$X$X$X$X",
  'X=$(printf \'%1048000d\' 0); echo "$X" "$X" "$X" "$X" "$X" "$X" "$X" "$X" "$X" "$X" "$X" "$X" "$X" "$X" "$X" "$X" "$X" | wc -c',
  "printf '%400000000d' 1",
  "awk 'BEGIN{printf \"%400000000s\", 1}'",
  "X=a; while true; do X=$X$X; done",
  "i=0; while :; do V$i=$(printf '%100000d' 1); i=$((i+1)); done",
  "while :; do sleep 1000 & done",
  "while :; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; done",
  "echo $((2**62 * 2**62))",
  "echo {1..99999999}",
  "echo x | grep -E '(x+x+)+y'",
  "for i in 1 2 3 4 5 6 7 8 9 10; do mkdir d$i; touch d$i/f$i; done",
  `kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\\n"}{end}'`,
);

/** Raw keystroke soup: any UTF-16 (lone surrogates included), controls and escape sequences. */
const bytes = fc.oneof(
  fc.string({ unit: "binary", maxLength: 120 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
  fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { maxLength: 20 }).map((a) => String.fromCharCode(...a)),
);

/** Huge expansions are rarer: each runs into a budget and costs up to a second by design. */
export const hostileLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 24, arbitrary: words.spaced },
  { weight: 8, arbitrary: words.glued },
  { weight: 12, arbitrary: bytes },
  { weight: 4, arbitrary: nested },
  { weight: 1, arbitrary: huge },
);

export interface HostileFigures {
  lines: number;
  ms: number;
  maxHeapMiB: number;
  maxLineMs: number;
  maxLineOutput: number;
}

export class HostileFailure extends Error {}

const MiB = 1024 * 1024;
/** A line's output: the shell's 1 MiB budget, doubled for CRLF, plus the prompt and echo. */
const MAX_LINE_OUTPUT = 2 * MiB + 64 * 1024;
/** Real time a line may take before Ctrl-C, and again after it (the run fails past that). */
const LINE_TIMEOUT_MS = 10_000;

/**
 * Runs `count` generated lines, `perWorkstation` at a time on one workstation and cluster (so
 * state and totals accumulate), and returns the figures; throws HostileFailure on a violation.
 */
export async function runHostile(opts: {
  count: number;
  seed: number;
  perWorkstation?: number;
  /** Start at this line (a multiple of perWorkstation): replays a failure without the lines before it. */
  from?: number;
  heapLimitMiB?: number;
  /** These lines instead of the generated ones (a replay of chosen lines). */
  lines?: string[];
  onProgress?: (done: number, f: HostileFigures) => void;
}): Promise<HostileFigures> {
  const perWs = opts.perWorkstation ?? 250;
  const lines = opts.lines ?? fc.sample(hostileLine, { seed: opts.seed, numRuns: opts.count });
  const figures: HostileFigures = { lines: 0, ms: 0, maxHeapMiB: 0, maxLineMs: 0, maxLineOutput: 0 };
  const spawns: string[] = [];
  // Every child process (spawn, exec, fork) goes through ChildProcess#spawn: count them.
  const proto = ChildProcess.prototype as unknown as { spawn: (o: { file?: string }) => unknown };
  const realSpawn = proto.spawn;
  proto.spawn = function (this: unknown, o: { file?: string }) {
    spawns.push(String(o?.file));
    return realSpawn.call(this, o);
  };
  const t0 = performance.now();
  try {
    for (let start = opts.from ?? 0; start < lines.length; start += perWs) {
      const scheduler = new ManualScheduler();
      const cluster = Cluster.create({
        scenario: "explore-app",
        seed: opts.seed + start,
        clock: scheduler.clock,
      });
      const ws = clusterWorkstation(cluster, { clock: scheduler.clock, scheduler });
      let screen = "";
      const term = createTerminal({
        shell: ws.openShell("1"),
        clock: scheduler.clock,
        scheduler,
        columns: 80,
        tty: true,
        onOutput: (d) => {
          screen += d;
        },
      });
      for (const line of lines.slice(start, start + perWs)) {
        screen = "";
        const l0 = performance.now();
        try {
          term.input(`${line}\r`);
          // Let the line run (macrotask turns, as on the server); jump virtual time when it
          // only waits on timers; a line still busy after that gets Ctrl-C, as a student would.
          let jumps = 0;
          while (term.busy && performance.now() - l0 < LINE_TIMEOUT_MS) {
            await new Promise<void>((r) => setImmediate(r));
            const next = scheduler.nextAt();
            if (term.busy && next !== undefined && jumps < 5) {
              jumps++;
              await scheduler.advance(Math.min(3_600_000, Math.max(0, next - scheduler.clock.now())) + 1);
            } else if (jumps >= 5) break;
          }
          if (term.busy) {
            term.input("\x03");
            const c0 = performance.now();
            while (term.busy && performance.now() - c0 < LINE_TIMEOUT_MS) {
              await scheduler.advance(1000);
              await new Promise<void>((r) => setImmediate(r));
            }
          }
          // keys left in the line editor (a line without Enter inside the soup): clear them
          term.input("\x03");
          await settle(5);
        } catch (e) {
          throw new HostileFailure(`exception escaped for ${JSON.stringify(line)}: ${String(e)}`);
        }
        const ms = performance.now() - l0;
        if (term.busy) throw new HostileFailure(`line did not end: ${JSON.stringify(line)}`);
        if (screen.includes("internal error")) {
          throw new HostileFailure(`internal error for ${JSON.stringify(line)}: ${screen.slice(-300)}`);
        }
        if (screen.length > MAX_LINE_OUTPUT) {
          throw new HostileFailure(
            `${screen.length} bytes of output for ${JSON.stringify(line.slice(0, 200))}`,
          );
        }
        if (process.env.HOSTILE_SLOW !== undefined && ms > Number(process.env.HOSTILE_SLOW))
          console.log(`${ms.toFixed(0)} ms: ${JSON.stringify(line.slice(0, 120))}`);
        figures.lines++;
        figures.maxLineMs = Math.max(figures.maxLineMs, ms);
        figures.maxLineOutput = Math.max(figures.maxLineOutput, screen.length);
      }
      term.dispose();
      ws.dispose();
      const heap = process.memoryUsage().heapUsed / MiB;
      figures.maxHeapMiB = Math.max(figures.maxHeapMiB, heap);
      if (opts.heapLimitMiB !== undefined && heap > opts.heapLimitMiB)
        throw new HostileFailure(`heap ${heap.toFixed(0)} MiB over ${opts.heapLimitMiB} MiB`);
      figures.ms = performance.now() - t0;
      opts.onProgress?.(figures.lines, figures);
    }
  } finally {
    proto.spawn = realSpawn;
  }
  if (spawns.length > 0) throw new HostileFailure(`real processes spawned: ${spawns.join(", ")}`);
  if (existsSync(REAL_PATH)) throw new HostileFailure(`a real file was written: ${REAL_PATH}`);
  figures.ms = performance.now() - t0;
  return figures;
}

export function formatFigures(f: HostileFigures): string {
  return `hostile input: ${f.lines} lines in ${(f.ms / 1000).toFixed(1)} s (${(f.ms / f.lines).toFixed(2)} ms/line), max heap ${f.maxHeapMiB.toFixed(0)} MiB, slowest line ${f.maxLineMs.toFixed(0)} ms, largest output ${(f.maxLineOutput / 1024).toFixed(0)} KiB`;
}
