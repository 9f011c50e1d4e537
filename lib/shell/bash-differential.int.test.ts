/**
 * Differential test: the same lines through real bash and through our shell, compared on
 * stdout+stderr (one stream, in order) and the exit status. Real bash runs interactively
 * (`--norc --noprofile --noediting -i`, the prompts emptied) in a fresh temporary HOME that is
 * also its cwd, with the environment our workstation gives a new tab; our shell runs in a fresh
 * offline workstation whose user is the same as the real one. Only the host name and the
 * temporary HOME are masked. Cases: test/bash-cases/*.txt; accepted differences, each with its
 * reason: test/bash-cases/accepted.txt.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../cluster/types";
import { offlineWorkstation, startLine } from "./harness";
import { ManualScheduler } from "./manual-time";

const CASES_DIR = join(__dirname, "../../test/bash-cases");
const ACCEPTED_FILE = join(CASES_DIR, "accepted.txt");

/** Splits a cases file into cases (separated by a line `---`). */
export function splitCases(text: string): string[] {
  return text
    .split(/^---$/m)
    .map((c) => c.replace(/^\n+/, "").replace(/\n+$/, ""))
    .filter((c) => c.trim() !== "");
}

function loadCases(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const f of readdirSync(CASES_DIR)
    .filter((n) => n.endsWith(".txt") && n !== "accepted.txt")
    .sort()) {
    for (const text of splitCases(readFileSync(join(CASES_DIR, f), "utf8"))) out.push({ file: f, text });
  }
  return out;
}

/** Accepted differences: `# reason: …` then the case's lines, entries separated by `---`. */
function loadAccepted(): Map<string, string> {
  const map = new Map<string, string>();
  let text = "";
  try {
    text = readFileSync(ACCEPTED_FILE, "utf8");
  } catch {
    return map;
  }
  for (const entry of splitCases(text)) {
    const lines = entry.split("\n");
    const reason = /^# reason: (.*)$/.exec(lines[0] ?? "")?.[1];
    if (reason === undefined) throw new Error(`accepted.txt: entry without "# reason:": ${entry}`);
    map.set(lines.slice(1).join("\n"), reason);
  }
  return map;
}

const bashVersion = (): string | undefined => {
  const r = spawnSync("bash", ["--version"], { encoding: "utf8" });
  if (r.status !== 0) return undefined;
  return /version (\S+?)\(/.exec(r.stdout)?.[1] ?? r.stdout.split("\n")[0];
};

const USER = userInfo().username;
const OUR_HOME = `/home/${USER}`;
const HOST = "minikube";

interface Outcome {
  output: string;
  status: number;
}

function mask(s: string, home: string, host: string): string {
  let out = s.split(home).join("~HOME~");
  if (host !== "") out = out.split(host).join("~HOST~");
  return out;
}

function runBash(text: string, env: Record<string, string>): Outcome {
  const home = mkdtempSync(join(tmpdir(), "kc-bash-"));
  try {
    // one stream, in order, as in the terminal
    const merged = spawnSync(
      "bash",
      ["-c", "exec 2>&1; export PS1= PS2=; exec bash --norc --noprofile --noediting -i"],
      {
        input: `${text}\n`,
        cwd: home,
        env: { ...env, HOME: home, PS1: "", PS2: "" } as unknown as NodeJS.ProcessEnv,
        encoding: "utf8",
        timeout: 20_000,
      },
    );
    let output = String(merged.stdout);
    // the frame of an interactive bash on a pipe: job-control notice first, `exit` at EOF
    output = output.replace(
      /^bash: cannot set terminal process group \(\d+\): Inappropriate ioctl for device\nbash: no job control in this shell\n/,
      "",
    );
    output = output.replace(/exit\n$/, "");
    // now and then (a race of its job control with the pipe) it also says so when a job ends,
    // sometimes naming the job (`bash: [pid: 1 (255)] tcsetattr: …`)
    output = output.replace(/^bash: (\[[^\]\n]*\] )?tcsetattr: Inappropriate ioctl for device\n/gm, "");
    return { output: mask(output, home, hostname()), status: merged.status ?? -1 };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function runOurs(text: string): Promise<Outcome> {
  const { sh, scheduler } = offlineWorkstation(
    {},
    { scheduler: new ManualScheduler(new ManualClock(Date.now())), user: USER, host: HOST },
  );
  let output = "";
  let status = 0;
  /** One complete command, typed at the prompt; virtual time runs until it ends. */
  const run = async (src: string): Promise<void> => {
    const line = startLine(sh, src, { interactive: true });
    let done = false;
    void line.done.then(() => {
      done = true;
    });
    for (let i = 0; i < 10_000 && !done; i++) await scheduler.advance(50);
    status = (await line.done).exitCode;
    output += line.all();
  };
  let pending = "";
  for (const line of text.split("\n")) {
    pending = pending === "" ? line : `${pending}\n${line}`;
    if (sh.incomplete?.(pending) === true) continue;
    const src = pending;
    pending = "";
    if (src.trim() === "") continue;
    await run(src);
    if (sh.exited) break;
  }
  if (pending.trim() !== "") await run(pending);
  return { output: mask(output, OUR_HOME, HOST), status };
}

const version = bashVersion();

describe("bash differential", () => {
  if (version === undefined) {
    it.skip("skipped: bash is not installed on this machine", () => {});
    console.log("bash-differential: skipped (bash not found on PATH)");
    return;
  }
  it("our shell matches real bash on the cases in test/bash-cases", async () => {
    const cases = loadCases();
    const accepted = loadAccepted();
    const env: Record<string, string> = {
      USER,
      LOGNAME: USER,
      SHELL: "/bin/bash",
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      LANG: "C.UTF-8",
      TERM: "xterm-256color",
    };
    let equal = 0;
    let lines = 0;
    const unlisted: string[] = [];
    const listedButEqual: string[] = [];
    const report: string[] = [];
    for (const c of cases) {
      lines += c.text.split("\n").length;
      const real = runBash(c.text, env);
      const ours = await runOurs(c.text);
      const same = real.output === ours.output && real.status === ours.status;
      if (same) {
        equal++;
        if (accepted.has(c.text)) listedButEqual.push(c.text);
        continue;
      }
      const diff = `[${c.file}] ${JSON.stringify(c.text)}\n  bash (${real.status}): ${JSON.stringify(real.output)}\n  ours (${ours.status}): ${JSON.stringify(ours.output)}`;
      report.push(diff);
      if (!accepted.has(c.text)) unlisted.push(diff);
    }
    if (process.env.BASH_DIFF_OUT !== undefined) writeFileSync(process.env.BASH_DIFF_OUT, report.join("\n"));
    console.log(
      `bash-differential: ${equal}/${cases.length} equal, ${lines} lines (oracle: GNU bash ${version})`,
    );
    if (unlisted.length > 0) console.log(`unlisted differences:\n${unlisted.join("\n")}`);
    if (listedButEqual.length > 0)
      console.log(`accepted.txt lists cases that are now equal (remove them):\n${listedButEqual.join("\n")}`);
    expect(lines).toBeGreaterThanOrEqual(100);
    expect(unlisted).toEqual([]);
    expect(equal / cases.length).toBeGreaterThanOrEqual(0.95);
    // one real bash per case (~330 of them): minutes when the machine is busy
  }, 900_000);
});
