import { describe, expect, it } from "vitest";
import { cpuClock } from "../../test/cpu-clock";
import { offlineWorkstation, runLine } from "./harness";

const run = async (line: string) => runLine(offlineWorkstation().sh, line);

describe("awk's loops are bounded by the line's work budget", () => {
  it.each([
    ["an empty endless while", "awk 'BEGIN{while(1);}'"],
    ["an endless for(;;) with a body", "awk 'BEGIN{for(;;) x++}'"],
    ["an endless do-while", "awk 'BEGIN{do n++; while (1)}'"],
    ["endless recursion through a loop", "awk 'function f() { while (1) g++ } BEGIN { f() }'"],
  ])("%s stops with the budget's message, fast, and the shell stays usable", async (_name, line) => {
    const { sh } = offlineWorkstation();
    const cpu = cpuClock();
    const r = await runLine(sh, line);
    expect(cpu()).toBeLessThan(3000);
    expect(r.err).toMatch(/^\n?bash: awk: more than 2000000 statements run; stopped\n$/);
    expect(r.exitCode).toBe(1);
    expect((await runLine(sh, "echo still-here")).out).toBe("still-here\n");
  });

  it("an array grown without end stops at its bound, not at the heap's", async () => {
    const r = await run("awk 'BEGIN { while (1) a[i++] = i }'");
    expect(r.err).toBe("awk: cmd. line:1: fatal: array `a' over 100000 elements\n");
    expect(r.exitCode).toBe(2);
  });

  it("a string doubled without end stops at 1 MiB", async () => {
    const r = await run(`awk 'BEGIN { s = "x"; while (1) s = s s }'`);
    expect(r.err).toBe("awk: cmd. line:1: fatal: string over 1024 KiB\n");
  });

  it("recursion without end stops at a depth bound", async () => {
    const r = await run("awk 'function f(n) { return f(n + 1) } BEGIN { f(1) }'");
    expect(r.err).toBe("awk: cmd. line:1: fatal: function calls nested over 500 deep\n");
  });
});

describe("awk's errors", () => {
  it("a syntax error shows the source line and a caret under the place, as GNU awk does", async () => {
    const r = await run(`awk '{ print ($2 > 1 ? "big" : "small" }'`);
    expect(r.err).toBe(
      'awk: cmd. line:1: { print ($2 > 1 ? "big" : "small" }\n' +
        "awk: cmd. line:1:                                   ^ syntax error\n",
    );
    expect(r.exitCode).toBe(1);
  });

  it("a program cut short says so at its end", async () => {
    const r = await run("awk '{ if ($1 == 1'");
    expect(r.err).toBe(
      "awk: cmd. line:2: { if ($1 == 1\nawk: cmd. line:2:              ^ unexpected newline or end of string\n",
    );
  });

  it("the caret is on the line of a multi-line program where the error is", async () => {
    const r = await run("awk 'BEGIN {\n  x = 1 +* 2\n}'");
    expect(r.err).toBe("awk: cmd. line:2:   x = 1 +* 2\nawk: cmd. line:2:          ^ syntax error\n");
  });

  it("an array used as a scalar, and a scalar as an array, are fatal", async () => {
    expect((await run("awk 'BEGIN { a[1]; print a }'")).err).toBe(
      "awk: cmd. line:1: fatal: attempt to use array `a' in a scalar context\n",
    );
    const r = await run("awk 'BEGIN { x = 1; x[1] = 2 }'");
    expect(r.err).toBe("awk: cmd. line:1: fatal: attempt to use scalar `x' as an array\n");
    expect(r.exitCode).toBe(2);
  });

  it("division by zero names the record it happened on", async () => {
    const r = await run("printf '1\\n0\\n' | awk '{ print 1 / $1 }'");
    expect(r.out).toBe("1\n");
    expect(r.err).toBe("awk: cmd. line:1: (FILENAME=- FNR=2) fatal: division by zero attempted\n");
    expect(r.exitCode).toBe(2);
  });

  it("calling a function nobody defined is refused before any input is read", async () => {
    const r = await run("echo x | awk '{ print \"seen\"; f(1) }'");
    expect(r.out).toBe("");
    expect(r.err).toBe("awk: cmd. line:1: fatal: function `f' not defined\n");
  });

  it("next in BEGIN is fatal", async () => {
    expect((await run("awk 'BEGIN { next }'")).err).toBe(
      "awk: cmd. line:1: fatal: `next' used in BEGIN or END action\n",
    );
  });

  it("getline and output to a command are refused in words, not silently", async () => {
    expect((await run("awk 'BEGIN { getline x }'")).err).toContain("^ getline is not available in this awk");
    expect((await run(`awk 'BEGIN { print "x" | "cat" }'`)).err).toContain(
      "^ output to a command is not available in this awk",
    );
  });
});
