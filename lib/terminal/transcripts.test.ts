/**
 * Transcript suite: the seed lesson (module 3) typed line by line into `npm run sim` as a real
 * child process, once with the seed's original lines and once with the current forms. Expected
 * transcripts are committed in test/transcripts/ (`UPDATE=1` rewrites them; review the diff by
 * eye). A missing one fails the test: the run that checks an output never writes what it expects.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dir = new URL("../../test/transcripts/", import.meta.url);
const MARK = "@@kubeclass-transcript@@";

function sim(input: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(
      "node_modules/.bin/tsx",
      ["scripts/sim.ts", "--seed", "3", "--fast", "--marker", MARK],
      { cwd: root, env: { ...process.env, TZ: "UTC" }, timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ stdout, stderr, code: err ? Number((err as { code?: number }).code ?? 1) : 0 }),
    );
    child.stdin?.end(input);
  });
}

/** Same-length stand-in, so table columns stay aligned. */
const fill = (m: string, c = "x"): string => c.repeat(m.length);

/**
 * Names, ids, ages and times differ per run or per cluster build: mask them, keeping each
 * token's length so a column that widens or narrows still shows up.
 */
export function maskTranscript(s: string): string {
  return s
    .replace(
      /(kubernetes-bootcamp-)([a-z0-9]{8,10})(-[a-z0-9]{5})?\b/g,
      (_m, a: string, b: string, c?: string) =>
        `${a}${fill(b)}${c === undefined ? "" : `-${fill(c.slice(1))}`}`,
    )
    .replace(/(pod-template-hash=)([a-z0-9]+)/g, (_m, a: string, b: string) => a + fill(b))
    .replace(/(kube-api-access-)([a-z0-9]{5})/g, (_m, a: string, b: string) => a + fill(b))
    .replace(/(docker:\/\/)([0-9a-f]{64})/g, (_m, a: string, b: string) => a + fill(b))
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, (m) => fill(m, "T"))
    .replace(/[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}/g, (m) => fill(m, "D"))
    .replace(/(App Uptime: )([\d.]+)/g, (_m, a: string, b: string) => a + fill(b, "9"))
    .replace(/(?<![\w.]|for )\d+[smhd](\d+[smh])?\b/g, (m) => fill(m, "~"));
}

/** `$ line` before each command's output; `# tab N` lines are kept as they are. */
function transcript(input: string, stdout: string): string {
  const lines = input.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const outputs = stdout.split(`${MARK}\n`);
  let out = "";
  let i = 0;
  for (const line of lines) {
    if (/^#\s*tab\s+\S+\s*$/.test(line)) {
      out += `${line}\n`;
      continue;
    }
    out += `$ ${line}\n${outputs[i] ?? "<no output: the session ended>\n"}`;
    i++;
  }
  if (i < outputs.length - 1 || (outputs[i] ?? "") !== "")
    out += `<after the input>\n${outputs.slice(i).join("")}`;
  return maskTranscript(out);
}

/** Compares `got` with the committed transcript `file`; only `UPDATE=1` writes it. */
export function checkTranscript(file: URL, got: string): void {
  if (process.env.UPDATE) {
    writeFileSync(file, got);
    return;
  }
  if (!existsSync(file))
    throw new Error(
      `${fileURLToPath(file)} is missing: expected transcripts are committed. Run with UPDATE=1, review the output against the real kubectl, and commit it.`,
    );
  expect(got).toBe(readFileSync(file, "utf8"));
}

const inputs = readdirSync(dir)
  .filter((f) => f.endsWith(".in"))
  .map((f) => f.slice(0, -".in".length))
  .sort();

describe("committed transcripts", () => {
  it("covers both seed forms", () => {
    expect(inputs).toEqual(["seed-current", "seed-original"]);
  });
  it("fails on a missing expected file, and does not write it", () => {
    const missing = new URL("no-such-transcript.out", dir);
    const update = process.env.UPDATE;
    delete process.env.UPDATE;
    try {
      expect(() => checkTranscript(missing, "anything\n")).toThrow(
        /is missing: expected transcripts are committed/,
      );
    } finally {
      if (update !== undefined) process.env.UPDATE = update;
    }
    expect(existsSync(missing)).toBe(false);
  });
});

describe("seed lesson transcripts through npm run sim", () => {
  for (const name of inputs) {
    it(name, { timeout: 40_000 }, async () => {
      const input = readFileSync(new URL(`${name}.in`, dir), "utf8");
      const r = await sim(input);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const got = transcript(input, r.stdout);
      checkTranscript(new URL(`${name}.out`, dir), got);
    });
  }
});
