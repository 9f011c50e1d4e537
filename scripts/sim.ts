/**
 * `npm run sim -- [--scenario ID] [--seed N] [--api HOST:PORT] [--marker TEXT] [--fast]`
 *
 * A headless terminal session on a fresh simulated cluster. Piped stdin: each line runs in one
 * shell session as soon as it arrives and the output is printed as a terminal without colour
 * would show it (`--marker TEXT` prints TEXT alone on a line after each command), so a program
 * can drive it line by line. A TTY on stdin gets the interactive line editor. `--api` also
 * serves the cluster's Kubernetes API over HTTP so the real kubectl can look at (and change) the
 * same state, until stdin closes and the last command has ended. `--fast` runs on virtual time.
 *
 * A piped line `# tab N` (a comment to bash) switches to terminal tab N, a second shell on the
 * same workstation, as the lesson's "open a new terminal tab" asks. A foreground command still
 * running when the input leaves its tab (`kubectl proxy`) keeps running there until the end.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_COURSE_SLUG } from "../lib/classroom/course";
import { Cluster, listScenarios } from "../lib/cluster";
import { type Clock, ManualClock } from "../lib/cluster/types";
import { evaluateLesson } from "../lib/course/checks";
import { loadCourse } from "../lib/course/loader";
import { ManualScheduler } from "../lib/shell/manual-time";
import type { JournalEntry, Scheduler } from "../lib/shell/types";
import { clusterWorkstation, kubectlCompleter, runScript, TerminalDriver } from "../lib/terminal";
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

/** With --fast: virtual time, moved only by the driver (a waiting line jumps to its next timer). */
const manual = values.fast ? new ManualScheduler(new ManualClock(Date.now())) : undefined;
const clock: Clock = manual?.clock ?? { now: () => Date.now() };
const scheduler: Scheduler = manual ?? {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

const courseDir = fileURLToPath(new URL(`../courses/${DEFAULT_COURSE_SLUG}`, import.meta.url));
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
  const r = evaluateLesson(
    lesson,
    { journal, api: (req) => cluster.handle(req), podExisted: (ns, name) => cluster.podExisted(ns, name) },
    done,
  );
  for (const id of r.newlyCompleted) {
    done.add(id);
    const step = lesson.steps.find((st) => st.id === id);
    process.stderr.write(`[kubeclass] step done: ${id} — ${step?.title.en ?? ""}\n`);
  }
}

/**
 * Piped stdin, line by line as it arrives: a driver may wait for each `--marker` (and use
 * `--api` in between) before it writes the next line. A closed pipe reads the same.
 */
function stdinLines(): { lines: AsyncIterable<string>; ended(): boolean } {
  const ready: string[] = [];
  let waiting: ((line: string | undefined) => void) | undefined;
  let partial = "";
  let closed = false;
  const push = (line: string | undefined): void => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(line);
    } else if (line !== undefined) ready.push(line);
  };
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) push(line);
  });
  process.stdin.on("end", () => {
    if (partial !== "") push(partial);
    partial = "";
    closed = true;
    push(undefined);
  });
  const next = (): Promise<string | undefined> =>
    ready.length > 0
      ? Promise.resolve(ready.shift())
      : closed
        ? Promise.resolve(undefined)
        : new Promise((resolve) => {
            waiting = resolve;
          });
  return {
    lines: (async function* () {
      for (let line = await next(); line !== undefined; line = await next()) yield line;
    })(),
    ended: () => closed && ready.length === 0,
  };
}

/** How long no new line must come before a line that waits forever counts as the last one. */
const INPUT_QUIET_MS = 300;

async function piped(): Promise<void> {
  const input = stdinLines();
  await runScript(input.lines, {
    openShell: (tab) => station.shell(tab) ?? station.openShell(tab),
    clock,
    scheduler,
    tty: false,
    columns: process.stdout.columns ?? 80,
    ...(values.marker !== undefined ? { marker: values.marker } : {}),
    onOutput: (s) => process.stdout.write(s),
    onJournal: report,
    inputQuiet: () =>
      new Promise<void>((resolve) => {
        // A closed pipe has nothing more to wait for.
        if (input.ended()) resolve();
        else setTimeout(resolve, INPUT_QUIET_MS).unref();
      }),
    ...(manual ? { virtualTime: manual } : {}),
  });
  if (lesson) {
    const open = lesson.steps.filter((st) => !done.has(st.id));
    process.stderr.write(`[kubeclass] ${lesson.id}: ${done.size}/${lesson.steps.length} steps done\n`);
    const r = evaluateLesson(
      lesson,
      { journal, api: (req) => cluster.handle(req), podExisted: (ns, name) => cluster.podExisted(ns, name) },
      done,
    );
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
    const write = process.stdout.isTTY ? ttyWriter() : (s: string) => process.stdout.write(s);
    const driver = new TerminalDriver({
      openShell: (tab) => station.openShell(tab),
      clock,
      scheduler,
      columns: process.stdout.columns ?? 80,
      rows: process.stdout.rows ?? 24,
      complete: kubectlCompleter((req) => cluster.handle(req)),
      onOutput: (_tab, s) => write(s),
      onExit: () => {
        process.stdin.setRawMode(false);
        driver.dispose();
        resolve();
      },
    });
    driver.open("1");
    process.stdin.setRawMode(true);
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (d: string) => driver.input("1", d));
    process.stdout.on("resize", () => driver.resize("1", process.stdout.columns, process.stdout.rows));
  });
}

if (process.stdin.isTTY) await interactive();
else await piped();

// The API was served while the input ran; it ends with the input (keep stdin open to keep it).
await api?.close();
station.dispose();
process.exit(process.exitCode ?? 0);
