import { describe, expect, it } from "vitest";
import { cpuClock } from "../../test/cpu-clock";
import { offlineWorkstation, runLine } from "./harness";
import { LINE_ARGV_LIMIT } from "./interp";
import { InterruptSource } from "./interrupt";
import { WORKSTATION_LIMITS } from "./limits";

const MiB = 1024 * 1024;

describe("a workstation's total size is bounded", () => {
  it("variables: 20 × 1 MiB stop at the 4 MiB total with a clear error; the snapshot stays small", async () => {
    const { ws, sh } = offlineWorkstation();
    await runLine(sh, `X=$(printf '%0${MiB - 8}d' 0)`);
    let refused = "";
    for (let i = 1; i <= 20; i++) {
      const r = await runLine(sh, `V${i}=$X`);
      if (r.exitCode !== 0 && refused === "") refused = r.err;
    }
    expect(refused).toBe(
      "bash: V3: cannot set variable: shell variables are limited to 4 MiB and 4096 variables in total\n",
    );
    const snapshot = JSON.stringify(ws.toJSON()).length;
    console.log(`20 × 1 MiB variables: snapshot ${(snapshot / MiB).toFixed(2)} MiB (goal ≤ 4.1 MiB)`);
    expect(snapshot).toBeLessThanOrEqual(WORKSTATION_LIMITS.varBytes + 100 * 1024);
    // unset frees room; the shell stays usable
    expect((await runLine(sh, `unset X V1 V2; Y=$(printf '%0100000d' 0); echo \${#Y}`)).out).toBe("100000\n");
  });

  it("variables: their number is bounded too", async () => {
    const { sh } = offlineWorkstation();
    const lines: string[] = [];
    for (let i = 0; i < 5000; i += 500) {
      lines.push(Array.from({ length: 500 }, (_, k) => `v${i + k}=1`).join("; "));
    }
    let err = "";
    for (const l of lines) err += (await runLine(sh, l)).err;
    expect(err).toMatch(/^bash: v\d+: cannot set variable: shell variables are limited to/);
  });

  it("variables of all tabs, open or closed, share the total", async () => {
    const { ws, sh } = offlineWorkstation();
    await runLine(sh, `X=$(printf '%0${MiB - 8}d' 0); A=$X; B=$X; unset X`);
    ws.closeShell("1");
    const two = ws.openShell("2");
    await runLine(two, `X=$(printf '%0${MiB - 8}d' 0)`);
    const r = await runLine(two, "C=$X");
    expect(r.err).toMatch(/^bash: C: cannot set variable/);
    const one = ws.openShell("1");
    expect((await runLine(one, `echo \${#A}`)).out).toBe(`${MiB - 8}\n`);
    expect((await runLine(one, "unset A")).exitCode).toBe(0);
    expect((await runLine(two, `C=$X; echo \${#C}`)).out).toBe(`${MiB - 8}\n`);
  });

  it("files: the number of files is bounded with No space left on device", async () => {
    const { sh } = offlineWorkstation();
    let err = "";
    for (const p of ["a", "b", "c", "d", "e", "f"]) {
      const r = await runLine(sh, `i=0; while [ $i -lt 2000 ]; do touch ${p}$i; i=$((i+1)); done`);
      err += r.err;
    }
    expect(err).toContain("touch: cannot touch 'f");
    expect(err).toContain("No space left on device");
    expect((await runLine(sh, "rm a1 && touch z && echo ok")).out).toBe("ok\n");
  });

  it("background jobs: bash's fork error past the limit (2000 were accepted)", async () => {
    const { sh } = offlineWorkstation();
    let r = { out: "", err: "", exitCode: 0 };
    let started = 0;
    for (let i = 0; i < 100; i++) {
      r = await runLine(sh, "sleep 1000 &");
      if (r.exitCode !== 0) break;
      started++;
    }
    expect(started).toBe(WORKSTATION_LIMITS.jobs);
    expect(r.err).toBe("bash: fork: Resource temporarily unavailable\n");
    expect(r.exitCode).toBe(1);
    await runLine(sh, "kill %1");
    await runLine(sh, "true");
    expect((await runLine(sh, "sleep 1000 &")).exitCode).toBe(0);
  });

  it("history: bounded in bytes as well as lines", async () => {
    const { sh } = offlineWorkstation();
    for (let i = 0; i < 200; i++) await runLine(sh, `: ${String(i).padStart(4000, "x")}`);
    const bytes = sh.history.reduce((n, l) => n + l.length, 0);
    expect(bytes).toBeLessThanOrEqual(WORKSTATION_LIMITS.historyBytes);
    expect(sh.history[sh.history.length - 1]).toContain("199");
  });
});

describe("a child shell's variables (issue 12: cost follows the change, not the table)", () => {
  it("`$(…)` and `( … )` undo what they set, changed, unset and exported, nested too", async () => {
    const { sh } = offlineWorkstation();
    await runLine(sh, "A=1; B=2; export C=3");
    const r = await runLine(
      sh,
      `X=$(A=9; unset B; export D=4; C=5; Y=$(A=10; echo $A); echo "$A $Y"); (A=7; unset C); echo "$X|$A|$B|$C|\${D-none}|$Y"`,
    );
    expect(r.out).toBe("9 10|1|2|3|none|\n");
    expect((await runLine(sh, "export -p | grep -c 'C=\"3\"'")).out).toBe("1\n");
  });

  it("the variable total is restored with the values: a child may fill it, the parent keeps its room", async () => {
    const { sh } = offlineWorkstation();
    await runLine(sh, `X=$(printf '%0${MiB - 8}d' 0)`);
    const r = await runLine(sh, `Y=$(A=$X; B=$X; echo \${#B}); D=$X; E=$X; echo "$Y \${#E}"`);
    expect(r.err).toBe("");
    expect(r.out).toBe(`${MiB - 8} ${MiB - 8}\n`);
  });

  it("with thousands of variables a command substitution stays cheap", async () => {
    const { sh } = offlineWorkstation();
    await runLine(sh, `i=0; while [ $i -lt 3000 ]; do export V$i="$(printf '%100d' $i)"; i=$((i+1)); done`);
    const cpu = cpuClock();
    const r = await runLine(sh, "i=0; while [ $i -lt 800 ]; do x=$(echo $i); i=$((i+1)); done; echo $x");
    const ms = cpu();
    expect(r.err).toBe("");
    expect(r.out).toBe("799\n");
    console.log(`800 command substitutions beside 3000 variables: ${ms.toFixed(0)} ms of CPU`);
    // copying the table per substitution took 800 × 3000 copies (seconds); now ~0.1 ms each
    expect(ms).toBeLessThan(1000);
  });
});

describe("a line's record of its commands is bounded (issue 12)", () => {
  it("arguments past LINE_ARGV_LIMIT are left out of the record; names and order stay", async () => {
    const { sh } = offlineWorkstation();
    const r = await sh.run(
      `i=0; while [ $i -lt 300 ]; do export V$i="$(printf '%1000d' $i)"; i=$((i+1)); done; echo done`,
      { stdout: () => {}, stderr: () => {}, tty: false, columns: 80, interrupt: new InterruptSource() },
    );
    const size = r.commands.flat().reduce((n, a) => n + a.length, 0);
    const names = r.commands.map((c) => c[0]);
    expect(size).toBeLessThanOrEqual(LINE_ARGV_LIMIT + 256 * names.length);
    expect(size).toBeGreaterThan(LINE_ARGV_LIMIT - 2000);
    expect(names.filter((n) => n === "export")).toHaveLength(300);
    expect(r.commands[r.commands.length - 1]).toEqual(["echo"]);
    // the first commands are kept whole
    expect(r.commands.find((c) => c[0] === "export")?.[1]?.length).toBe(1003);
  });
});
