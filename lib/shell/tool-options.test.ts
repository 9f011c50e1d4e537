/**
 * The tools' options where the workstation answers differently from a real machine on purpose
 * (ADR 0046), so the bash differential cannot check them: `--help` lists what the tool
 * understands, a real option that is not simulated is refused in words, and a sleep longer than
 * the classroom allows says so. Everything else about the tools' options is checked against the
 * real tools in test/bash-cases/tool-errors.txt.
 */
import { describe, expect, it } from "vitest";
import { offlineWorkstation, runLine } from "./harness";

async function run(line: string): Promise<{ all: string; exitCode: number; ls: string }> {
  const { sh } = offlineWorkstation();
  const r = await runLine(sh, line);
  const ls = await runLine(sh, "ls");
  return { all: r.all, exitCode: r.exitCode, ls: ls.all };
}

describe("tool options (ADR 0046)", () => {
  it("--help lists the options the tool understands, from its parser's table", async () => {
    const r = await run("cut --help");
    expect(r.exitCode).toBe(0);
    expect(r.all).toMatch(/^Usage: cut OPTION\.\.\. \[FILE\]\.\.\.\n/);
    expect(r.all).toContain("  -d ARG, --delimiter=ARG\n");
    expect(r.all).toContain("      --output-delimiter=ARG\n");
    expect(r.all).toContain("      --help     display this help and exit\n");
  });

  it("a real option the workstation does not simulate is refused, and nothing is done", async () => {
    const r = await run("date -s tomorrow > when.txt");
    expect(r.all).toBe("date: option '-s' is not available on this workstation\n");
    expect(r.exitCode).toBe(1);
    // nothing was printed into the file
    expect(r.ls).toBe("when.txt\n");
  });

  it("sleep infinity is read as a time, and is longer than the classroom allows", async () => {
    const r = await run("sleep infinity");
    expect(r.all).toBe("sleep: infinity: longer than this classroom allows (3600s)\n");
    expect(r.exitCode).toBe(1);
  });
});
