import { describe, expect, it } from "vitest";
import { cpuClock } from "../../test/cpu-clock";
import { ManualClock } from "../cluster/types";
import { offlineWorkstation, runLine, startLine } from "./harness";
import { ManualScheduler } from "./manual-time";

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
});

/** Each answer is what gawk 5.2 prints for the same line (standard output not a terminal). */
describe("awk's rand and srand are gawk's numbers", () => {
  it.each([
    [
      "awk 'BEGIN{srand(1); printf \"%.17g %.17g\\n\", rand(), rand()}'",
      "0.92404581539912467 0.59390861929587824\n",
    ],
    // without srand the seed is 1
    ["awk 'BEGIN{printf \"%.17g\\n\", rand()}'", "0.92404581539912467\n"],
    ["awk 'BEGIN{srand(0); printf \"%.17g\\n\", rand()}'", "0.85556592365572337\n"],
    ["awk 'BEGIN{srand(-3); printf \"%.17g\\n\", rand()}'", "0.15035677330766584\n"],
    ["awk 'BEGIN{srand(1796254470); printf \"%.17g\\n\", rand()}'", "0.92143423642651667\n"],
    [
      'awk \'BEGIN{srand(42); for(i=0;i<5;i++) printf "%d ", int(rand()*100); print ""}\'',
      "24 39 95 17 59 \n",
    ],
    // srand returns the seed before it; a seed is truncated, a string is 0
    ["awk 'BEGIN{print srand(5), srand(7), srand(1.7), srand(\"abc\"), srand(3)}'", "1 5 7 1 0\n"],
  ])("%s", async (line, out) => {
    const r = await run(line);
    expect(r.err).toBe("");
    expect(r.out).toBe(out);
  });

  it("srand() seeds with the session's clock, in seconds", async () => {
    const { sh } = offlineWorkstation(
      {},
      { scheduler: new ManualScheduler(new ManualClock(1796254470_250)) },
    );
    const r = await runLine(sh, "awk 'BEGIN{srand(); print srand(); srand(); printf \"%.17g\\n\", rand()}'");
    expect(r.out).toBe("1796254470\n0.92143423642651667\n");
  });
});

describe("awk's getline, close, system and output to commands run in our shell", () => {
  it.each([
    // gawk flushes its output before it starts a command, closes commands at the end, most recent first
    [`awk 'BEGIN{print "x"; print "b" | "sort"; print "a" | "sort"; print "y"}'`, "x\na\nb\ny\n"],
    [`awk 'BEGIN{print "x"; print "b" | "sort"; print "y"; close("sort"); print "z"}'`, "x\ny\nb\nz\n"],
    [
      `printf 'NAME READY\\nweb 1\\napi 0\\n' | awk 'NR==1{print; next} {print | "sort"}'`,
      "NAME READY\napi 0\nweb 1\n",
    ],
    [
      `printf 'web 3\\napi 1\\n' | awk '{print $2, $1 | "sort -n"} END{print "total", NR}'`,
      "1 api\n3 web\ntotal 2\n",
    ],
    [`awk 'BEGIN{print "q" | "cat"; print close("cat"), close("nope")}'`, "q\n0 -1\n"],
    [`awk 'BEGIN { print system("exit 3"); print system("echo hi") }'`, "3\nhi\n0\n"],
    [`awk 'BEGIN { print "a"; system(""); print system("  ") }'`, "a\n0\n"],
    // cmd | getline: $0 and NF, or the variable; NR is not counted (as gawk 5.2)
    [
      `awk 'BEGIN{while (("echo hi; echo there" | getline l) > 0) print "got", l; print NR}'`,
      "got hi\ngot there\n0\n",
    ],
    [`awk 'BEGIN{"echo a b" | getline; print NF, $2; print close("echo a b")}'`, "2 b\n0\n"],
    [
      `printf 'a\\nb\\n' | awk '{ cmd = "echo " $1 " | tr a-z A-Z"; cmd | getline up; close(cmd); print $1, up }'`,
      "a A\nb B\n",
    ],
    // getline and getline var from the main input count NR and FNR
    [
      `printf '1\\n2\\n3\\n' | awk 'NR==1{getline; print "got", $0, NR, FNR; getline v; print "v", v, NR, $0}'`,
      "got 2 2 2\nv 3 3 2\n",
    ],
    [
      `printf '1\\n2\\n' | awk 'BEGIN{while ((getline l) > 0) print "B", l} END{print NR, getline}'`,
      "B 1\nB 2\n2 0\n",
    ],
    [
      `printf 'x y\\nz\\n' > f; awk 'BEGIN { while ((getline line < "f") > 0) n++; print n, line; print (getline < "nofile") }'`,
      "2 z\n-1\n",
    ],
    [
      `awk 'BEGIN { print "a" > "o"; close("o"); print "b" >> "o"; close("o"); while ((getline l < "o") > 0) print l }'`,
      "a\nb\n",
    ],
  ])("%s", async (line, out) => {
    const r = await run(line);
    expect(r.err).toBe("");
    expect(r.out).toBe(out);
  });

  it("a command's errors are sh's, and its status is what close returns", async () => {
    const r = await run(`awk 'BEGIN{"nosuchcmd" | getline x; print "[" x "]"; print close("nosuchcmd")}'`);
    expect(r.out).toBe("[]\n127\n");
    expect(r.err).toBe("sh: 1: nosuchcmd: not found\n");
  });

  it("a command awk starts runs in the simulated shell: it sees the workstation's files", async () => {
    const { sh } = offlineWorkstation();
    await runLine(sh, "echo secret > note.txt");
    const r = await runLine(
      sh,
      `awk 'BEGIN { "cat note.txt" | getline t; print "read:", t; print "x" | "cat > copy.txt" }'; cat copy.txt`,
    );
    expect(r.out).toBe("read: secret\nx\n");
  });

  it("a command is a child: its cd, variables and exports do not stay in the shell", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(
      sh,
      `mkdir d; cd d; awk 'BEGIN{system("cd /; x=5; export Y=7"); "cd /; pwd" | getline p; print p}'; pwd; echo "[$x][$Y]"`,
    );
    expect(r.out).toMatch(/^\/\n\/.*\/d\n\[\]\[\]\n$/);
  });

  it("a command is sh -c, a new process: it sees exported variables only and speaks dash", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(
      sh,
      `Y=1; export Z=2; f() { :; }; awk 'BEGIN { system("echo [$Y][$Z]; f; echo $0"); "echo )" | getline x }'`,
    );
    expect(r.out).toBe("[][2]\nsh\n");
    expect(r.err).toBe('sh: 1: f: not found\nsh: 1: Syntax error: ")" unexpected\n');
  });

  it("Ctrl-C during a command ends awk too", async () => {
    const { sh, scheduler } = offlineWorkstation();
    const line = startLine(sh, `awk 'BEGIN { system("sleep 100"); print "after" }'; echo $?`);
    for (let i = 0; i < 5; i++) await scheduler.advance(100);
    line.interrupt.fire("user");
    for (let i = 0; i < 50; i++) await scheduler.advance(100);
    await line.done;
    expect(line.all()).not.toContain("after");
  });

  it("what the program printed before a command ran is printed once", async () => {
    const r = await run(
      `awk 'BEGIN { print "before" > "/dev/stderr"; for (i = 1; i <= 3; i++) { c = "echo " i; c | getline v; close(c); print v } }'`,
    );
    expect(r.out).toBe("1\n2\n3\n");
    expect(r.err).toBe("before\n");
  });

  it.each([
    ["system", `echo 'BEGIN{system("awk -f p.awk")}' > p.awk; awk -f p.awk`],
    ["| getline", `echo 'BEGIN{"awk -f p.awk" | getline x}' > p.awk; awk -f p.awk`],
    ["print |", `echo 'BEGIN{print "x" | "awk -f p.awk"}' > p.awk; awk -f p.awk`],
  ])("an awk that starts itself through %s stops by the line's budget, fast and small", async (_n, line) => {
    const { sh } = offlineWorkstation();
    const heap0 = process.memoryUsage().heapUsed;
    const cpu = cpuClock();
    const r = await runLine(sh, line);
    const ms = cpu();
    const heapMB = (process.memoryUsage().heapUsed - heap0) / 1024 / 1024;
    console.log(
      `${line.slice(0, 50)}: ${ms.toFixed(0)} ms of CPU, heap ${heapMB.toFixed(0)} MiB (goal < 2000 ms, < 64 MiB)`,
    );
    expect(r.err).toMatch(/child shells nested too deeply; stopped/);
    expect(ms).toBeLessThan(2000);
    expect(heapMB).toBeLessThan(64);
    expect((await runLine(sh, "echo still-here")).out).toBe("still-here\n");
  });

  it("a command per record is charged: the run stops by the budget, fast", async () => {
    const { sh } = offlineWorkstation();
    const cpu = cpuClock();
    const r = await runLine(
      sh,
      `seq 3000 | awk '{ c = "echo " $1; c | getline x; close(c) } END { print x }'`,
    );
    expect(r.err).toMatch(/more than (2000000 statements|10000 commands)/);
    expect(cpu()).toBeLessThan(5000);
    expect((await runLine(sh, "echo still-here")).out).toBe("still-here\n");
  });
});
