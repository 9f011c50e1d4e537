/**
 * `npm run sim -- [--scenario ID] [--seed N] [--api HOST:PORT] [--marker TEXT] [--fast]`
 *
 * A headless terminal session on a fresh simulated cluster. Piped stdin: each line runs in one
 * shell session and the output is printed as a terminal without colour would show it
 * (`--marker TEXT` prints TEXT alone on a line after each command). A TTY on stdin gets the
 * interactive line editor. `--api` also serves the cluster's Kubernetes API over HTTP so the
 * real kubectl can look at the same state. `--fast` runs on virtual time (waits are skipped).
 *
 * A piped line `# tab N` (a comment to bash) switches to terminal tab N, a second shell on the
 * same workstation, as the lesson's "open a new terminal tab" asks. A foreground command still
 * running when the input leaves its tab (`kubectl proxy`) keeps running there until the end.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Cluster, listScenarios } from "../lib/cluster";
import { type Clock, ManualClock } from "../lib/cluster/types";
import { evaluateLesson } from "../lib/course/checks";
import { loadCourse } from "../lib/course/loader";
import { ManualScheduler } from "../lib/course/replay";
import type { JournalEntry, Scheduler } from "../lib/shell/types";
import { clusterWorkstation, createTerminal, kubectlCompleter, runScript } from "../lib/terminal";
import { serveApi } from "../server/kube-api";

const { values } = parseArgs({
  options: {
    scenario: { type: "string" },
    lesson: { type: "string" },
    solution: { type: "boolean", default: false },
    seed: { type: "string", default: "1" },
    api: { type: "string" },
    marker: { type: "string" },
    fast: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

if (values.help) {
  console.log(
    `usage: npm run sim -- [--scenario ID | --lesson ID [--solution]] [--seed N] [--api HOST:PORT] [--marker TEXT] [--fast]\n  --lesson ID   start from that lesson's start state and report on stderr each step its checks see done\n  --solution    print the lesson's solution (pipe it back in with --lesson to replay it)\nscenarios: ${listScenarios()
      .map((s) => s.id)
      .join(", ")}`,
  );
  process.exit(0);
}

const seed = Number(values.seed);
if (!Number.isInteger(seed) || seed < 0) {
  console.error(`sim: --seed must be a non-negative integer, got "${values.seed}"`);
  process.exit(2);
}

const manual = values.fast ? new ManualClock(Date.now()) : undefined;
const clock: Clock = manual ?? { now: () => Date.now() };
const scheduler: Scheduler & { nextDue?(): number | undefined } = manual
  ? new ManualScheduler(manual)
  : {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    };

const courseDir = fileURLToPath(new URL("../courses/kubernetes-basics", import.meta.url));
const lesson = values.lesson
  ? loadCourse(courseDir).lessons.find((l) => l.id === values.lesson || l.slug === values.lesson)
  : undefined;
if (values.lesson && !lesson) {
  console.error(`sim: unknown lesson "${values.lesson}"`);
  process.exit(2);
}
if (values.solution) {
  if (!lesson) {
    console.error("sim: --solution needs --lesson ID");
    process.exit(2);
  }
  let tab = "1";
  for (const step of lesson.steps)
    for (const l of step.solution) {
      if (l.tab !== tab) {
        tab = l.tab;
        console.log(`# tab ${tab}`);
      }
      console.log(l.line);
    }
  process.exit(0);
}

let cluster: Cluster;
try {
  cluster = Cluster.create({ scenario: values.scenario ?? lesson?.scenario ?? "explore-app", seed, clock });
} catch (err) {
  console.error(`sim: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}

const station = clusterWorkstation(cluster, { clock, scheduler });
const shell = station.openShell("1");

let api: { close(): Promise<void> } | undefined;
if (values.api) {
  const m = /^([^:]+):(\d{1,5})$/.exec(values.api);
  if (!m) {
    console.error(`sim: --api wants HOST:PORT, got "${values.api}"`);
    process.exit(2);
  }
  api = await serveApi(cluster, m[1]!, Number(m[2]));
  process.stderr.write(
    `Serving the cluster's API on http://${m[1]}:${m[2]} (kubectl --server=http://${m[1]}:${m[2]} …)\n`,
  );
}

/** With --lesson: the step checks after every line, as the server runs them; news on stderr. */
const journal: JournalEntry[] = [];
const done = new Set<string>();
function report(entry: JournalEntry): void {
  if (!lesson) return;
  journal.push(entry);
  const r = evaluateLesson(lesson, { journal, api: (req) => cluster.handle(req) }, done);
  for (const id of r.newlyCompleted) {
    done.add(id);
    const step = lesson.steps.find((st) => st.id === id);
    process.stderr.write(`[kubeclass] step done: ${id} — ${step?.title.en ?? ""}\n`);
  }
}

async function piped(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  // Split the input at `# tab N` lines; each segment runs in its tab's shell.
  const segments: { tab: string; lines: string[] }[] = [{ tab: "1", lines: [] }];
  for (const line of lines) {
    const m = /^#\s*tab\s+(\S+)\s*$/.exec(line);
    if (m) segments.push({ tab: m[1]!, lines: [] });
    else segments[segments.length - 1]!.lines.push(line);
  }
  const shells = new Map([["1", shell]]);
  const running = new Map<string, () => Promise<void>>();
  for (const seg of segments) {
    let tabShell = shells.get(seg.tab);
    if (tabShell === undefined) {
      tabShell = station.openShell(seg.tab);
      shells.set(seg.tab, tabShell);
    }
    // Typing into a tab whose foreground command still runs: Ctrl-C it first.
    await running.get(seg.tab)?.();
    running.delete(seg.tab);
    await runScript(seg.lines, {
      shell: tabShell,
      clock,
      scheduler,
      tty: false,
      tab: seg.tab,
      columns: process.stdout.columns ?? 80,
      ...(values.marker !== undefined ? { marker: values.marker } : {}),
      onOutput: (s) => process.stdout.write(s),
      onJournal: report,
      onDetach: (stop) => running.set(seg.tab, stop),
      ...(manual
        ? {
            fastForward: {
              nextAt: () => (scheduler as ManualScheduler).nextDue(),
              advance: async (ms: number) => {
                manual.advance(ms);
                (scheduler as ManualScheduler).fireDue();
              },
            },
          }
        : {}),
    });
  }
  for (const stop of running.values()) await stop();
  if (lesson) {
    const open = lesson.steps.filter((st) => !done.has(st.id));
    process.stderr.write(`[kubeclass] ${lesson.id}: ${done.size}/${lesson.steps.length} steps done\n`);
    const r = evaluateLesson(lesson, { journal, api: (req) => cluster.handle(req) }, done);
    for (const st of open)
      for (const m of r.results[st.id]?.missing ?? [])
        process.stderr.write(`[kubeclass]   ${st.id}: ${m.en}\n`);
    if (open.length) process.exitCode = 1;
  }
}

/**
 * The terminal writes CRLF line ends (as to xterm.js); a real TTY in Node's raw mode still
 * turns LF into CRLF on output, so pass a bare LF for each CRLF (a lone CR stays).
 */
function ttyWriter(): (s: string) => void {
  let heldCr = false;
  return (chunk) => {
    let s = heldCr ? `\r${chunk}` : chunk;
    heldCr = s.endsWith("\r");
    if (heldCr) s = s.slice(0, -1);
    if (s !== "") process.stdout.write(s.replace(/\r\n/g, "\n"));
  };
}

function interactive(): Promise<void> {
  return new Promise((resolve) => {
    const term = createTerminal({
      shell,
      clock,
      scheduler,
      tty: true,
      columns: process.stdout.columns ?? 80,
      rows: process.stdout.rows ?? 24,
      complete: kubectlCompleter((req) => cluster.handle(req)),
      onOutput: process.stdout.isTTY ? ttyWriter() : (s) => process.stdout.write(s),
      onExit: () => {
        process.stdin.setRawMode(false);
        resolve();
      },
    });
    process.stdin.setRawMode(true);
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (d: string) => term.input(d));
    process.stdout.on("resize", () => term.resize(process.stdout.columns, process.stdout.rows));
  });
}

if (process.stdin.isTTY) await interactive();
else await piped();

if (api) {
  // Keep serving the API until Ctrl-C when a script was piped in with --api.
  process.stderr.write("Input finished; the API keeps serving until Ctrl-C.\n");
  process.on("SIGINT", () => {
    void api?.close().then(() => process.exit(0));
  });
} else {
  station.dispose();
  process.exit(process.exitCode ?? 0);
}
