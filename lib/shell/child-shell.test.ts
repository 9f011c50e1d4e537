/**
 * `bash -c`, `sh -c`, `bash FILE`, `sh FILE` and `… | bash` start a new shell process: it
 * inherits the cwd and the exported variables only, and nothing it changes comes back but its
 * exit status. Real bash 5.2 and dash (Debian's sh) are the reference for every message.
 */
import { describe, expect, it } from "vitest";
import { cpuClock } from "../../test/cpu-clock";
import { offlineWorkstation, runLine, startLine } from "./harness";
import { InterruptSource } from "./interrupt";

describe("bash -c / sh -c run in a child shell", () => {
  it("cd and variables set in the child do not come back; the exit status does", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(sh, `bash -c 'cd /tmp; X=5; export Y=6; pwd'; pwd; echo "x=$X y=$Y"`);
    expect(r.out).toBe("/tmp\n/home/student\nx= y=\n");
    expect((await runLine(sh, "sh -c 'exit 3'; echo $?")).out).toBe("3\n");
    expect((await runLine(sh, "bash -c 'exit 300'; echo $?")).out).toBe("44\n");
  });

  it("only exported variables are inherited; no functions, aliases, traps or set options", async () => {
    const { sh } = offlineWorkstation();
    await runLine(
      sh,
      "Y=1; export Z=2; arr=(a b); f() { echo f; }; alias ll='ls -l'; trap 'echo T' EXIT; set -u",
    );
    const r = await runLine(sh, `bash -c 'echo "[$Y][$Z][\${arr[0]}][$-]"; type f; ll; trap; echo "$N"'`);
    expect(r.out).toBe("[][2][][hBc]\n\n");
    expect(r.err).toBe("bash: line 1: type: f: not found\nbash: line 1: ll: command not found\n");
    // and the parent keeps all of them
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's own ${…}
    const after = await runLine(sh, "set +u; echo $Y $Z ${arr[1]}; f; alias ll; trap -p EXIT");
    expect(after.out).toBe("1 2 b\nf\nalias ll='ls -l'\ntrap -- 'echo T' EXIT\n");
  });

  it("functions, aliases, traps, options and history defined in the child stay there", async () => {
    const { sh } = offlineWorkstation();
    await runLine(sh, "echo one");
    await runLine(sh, `bash -c 'g() { :; }; alias zz=ls; trap "" INT; set -e; history -c'`);
    await runLine(sh, `( h() { :; }; alias yy=ls; trap 'echo x' TERM; set -- p q; set -u; history -c )`);
    const r = await runLine(sh, `type g h; alias zz yy; trap; echo "$# $-"; history | wc -l`);
    expect(r.out).toBe("0 himBHs\n4\n");
    expect(r.err).toBe(
      "bash: type: g: not found\nbash: type: h: not found\nbash: alias: zz: not found\nbash: alias: yy: not found\n",
    );
  });

  it("$0 and $1… come from the arguments after the command", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(
      sh,
      `set -- x y; bash -c 'echo $0 $1 $# "$@"' a b c; sh -c 'echo $0 $#'; bash -c 'echo $0'`,
    );
    expect(r.out).toBe("a b 2 b c\nsh 0\nbash\n");
  });

  it("messages name the shell and the line: bash's `line N:`, dash's words for sh", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(
      sh,
      `bash -c nosuch; sh -c nosuch; bash -c 'echo a; nosuch
nosuch2'; sh -c 'cd /nope'; bash -c 'cd /nope'; sh -c 'local x'; bash -c 'break'`,
    );
    expect(r.all).toBe(
      [
        "bash: line 1: nosuch: command not found",
        "sh: 1: nosuch: not found",
        "a",
        "bash: line 1: nosuch: command not found",
        "bash: line 2: nosuch2: command not found",
        "sh: 1: cd: can't cd to /nope",
        "bash: line 1: cd: /nope: No such file or directory",
        "sh: 1: local: not in a function",
        "bash: line 1: break: only meaningful in a `for', `while', or `until' loop",
        "",
      ].join("\n"),
    );
    // the learner's own shell still speaks as itself afterwards
    expect((await runLine(sh, "nosuch")).err).toBe("bash: nosuch: command not found\n");
  });

  it("syntax errors: bash's `-c: line N:` with the line, dash's `Syntax error:`; status 2", async () => {
    const { sh } = offlineWorkstation();
    const cases: [string, string][] = [
      ["bash -c 'if'", "bash: -c: line 2: syntax error: unexpected end of file\n"],
      ["sh -c 'if true; then'", 'sh: 1: Syntax error: end of file unexpected (expecting "fi")\n'],
      ["bash -c 'echo \"abc'", "bash: -c: line 1: unexpected EOF while looking for matching `\"'\n"],
      ["sh -c 'echo \"abc'", "sh: 1: Syntax error: Unterminated quoted string\n"],
      [
        "bash -c 'x\necho )'",
        "bash: line 1: x: command not found\nbash: -c: line 2: syntax error near unexpected token `)'\nbash: -c: line 2: `echo )'\n",
      ],
      ["sh -c 'echo )'", 'sh: 1: Syntax error: ")" unexpected\n'],
      ["bash -c", "bash: -c: option requires an argument\n"],
      ["sh -c", "sh: 0: -c requires an argument\n"],
    ];
    for (const [line, err] of cases) {
      const r = await runLine(sh, line);
      expect(r.err, line).toBe(err);
      expect(r.exitCode, line).toBe(2);
    }
  });

  it("a syntax error stops the text there: the lines before it have run (bash reads a line at a time)", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(
      sh,
      "bash -c 'echo a\necho )\necho b'; bash -c 'echo c; echo )'; bash -c 'exit 5\n)'; echo $?",
    );
    expect(r.all).toBe(
      "a\nbash: -c: line 2: syntax error near unexpected token `)'\nbash: -c: line 2: `echo )'\n" +
        "bash: -c: line 1: syntax error near unexpected token `)'\nbash: -c: line 1: `echo c; echo )'\n5\n",
    );
  });

  it("reads the command's input where the parent's reads left off; return outside a function is status 2", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(
      sh,
      `{ bash -c 'read a; read b; echo "got $a $b"'; read c; echo "c=$c"; } <<< $'1\\n2\\n3'; bash -c 'return'; echo $?`,
    );
    expect(r.out).toBe("got 1 2\nc=3\n2\n");
    expect(r.err).toBe("bash: line 1: return: can only `return' from a function or sourced script\n");
    await runLine(sh, `printf 'echo in; return 4; echo no\\n' > r.sh`);
    expect((await runLine(sh, "source r.sh; echo $?")).out).toBe("in\n4\n");
  });

  it("`exit` and an EXIT trap belong to the child", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(sh, `bash -c 'trap "echo bye" EXIT; echo hi; exit 4'; echo "st=$?"`);
    expect(r.out).toBe("hi\nbye\nst=4\n");
    expect(sh.exited).toBe(false);
  });

  it("-e, -u, -x and -o pipefail given to bash apply in the child only", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(sh, `bash -e -c 'false; echo no'; echo $?; bash -x -c 'echo hi'; echo "$-"`);
    expect(r.all).toBe("1\n+ echo hi\nhi\nhimBHs\n");
  });
});

describe("bash FILE, sh FILE and piped scripts run in a child shell", () => {
  it("a script's cd and variables stay in it; its messages name the file and line", async () => {
    const { sh } = offlineWorkstation();
    await runLine(sh, `printf 'cd /tmp\\nV=1\\necho "$0 $1 $V"\\nnosuch\\n' > s.sh`);
    const r = await runLine(sh, `bash s.sh arg; sh s.sh; pwd; echo "v=$V"`);
    expect(r.all).toBe(
      "s.sh arg 1\ns.sh: line 4: nosuch: command not found\ns.sh  1\ns.sh: 4: nosuch: not found\n/home/student\nv=\n",
    );
    const missing = await runLine(sh, "bash nofile.sh; echo $?; sh nofile.sh; echo $?");
    expect(missing.all).toBe(
      "bash: nofile.sh: No such file or directory\n127\nsh: 0: cannot open nofile.sh: No such file\n2\n",
    );
  });

  it("`… | bash` and `bash -s ARGS` read the script from their input", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(
      sh,
      `printf 'cd /tmp\\necho piped $#\\nnosuch\\n' | bash; printf 'nosuch\\n' | sh; pwd; echo 'echo $0 $1 $2' | bash -s a b`,
    );
    expect(r.all).toBe(
      "piped 0\nbash: line 3: nosuch: command not found\nsh: 1: nosuch: not found\n/home/student\nbash a b\n",
    );
  });
});

describe("child shells and the line's budget", () => {
  it("nest no deeper than $(…) may, and say so", async () => {
    const { sh } = offlineWorkstation();
    await runLine(sh, `printf 'bash s.sh\\n' > s.sh`);
    const r = await runLine(sh, "bash s.sh; echo after");
    expect(r.err).toMatch(/child shells nested too deeply; stopped/);
    expect(r.out).toBe("");
    expect((await runLine(sh, "pwd; echo ok")).out).toBe("/home/student\nok\n");
  });

  it("with thousands of unexported variables a loop of bash -c stays cheap", async () => {
    const { sh } = offlineWorkstation();
    await runLine(sh, `i=0; while [ $i -lt 1500 ]; do declare V$i=$i; i=$((i+1)); done`);
    await runLine(sh, `i=1500; while [ $i -lt 3000 ]; do declare V$i=$i; i=$((i+1)); done`);
    const cpu = cpuClock();
    const r = await runLine(sh, `i=0; while [ $i -lt 2000 ]; do bash -c 'echo "[$V1]"'; i=$((i+1)); done`);
    const ms = cpu();
    const ran = r.out.split("\n").length - 1;
    console.log(
      `a loop of bash -c beside 3000 unexported variables: ${ms.toFixed(0)} ms of CPU (${ran} ran)`,
    );
    expect(r.out.startsWith("[]\n[]\n")).toBe(true);
    expect(r.err).toMatch(/more than 10000 commands on one line; stopped/);
    expect(ms).toBeLessThan(1500);
    expect((await runLine(sh, "echo $V2999")).out).toBe("2999\n");
  });

  it("Ctrl-C ends the child and the line; the parent's state is intact", async () => {
    const { sh, scheduler } = offlineWorkstation();
    const interrupt = new InterruptSource();
    const line = startLine(sh, "X=1; bash -c 'cd /tmp; sleep 10'; echo no", { interrupt });
    await scheduler.advance(1000);
    interrupt.fire("user");
    const r = await line.done;
    expect(r.out).toBe("");
    expect((await runLine(sh, "pwd; echo $X")).out).toBe("/home/student\n1\n");
  });
});

describe("a background job is a process of its own", () => {
  it("`bash -c … &` and `( … ) &` neither hide the tab's state while they run nor undo its changes when they end", async () => {
    const { sh, scheduler } = offlineWorkstation();
    await runLine(sh, "Y=1; alias ll='echo LL'; f() { echo F; }");
    const started = await runLine(
      sh,
      "( cd /tmp; Z=1; sleep 2; echo \"bg $PWD $Y\" ) & bash -c 'sleep 3; f' &",
    );
    expect(started.err).toBe("[1] 4242\n[2] 4243\n");
    const during = await runLine(sh, "pwd; echo y=$Y z=$Z; ll; f; cd /etc; W=2");
    expect(during.all).toBe("/home/student\ny=1 z=\nLL\nF\n");
    await scheduler.advance(5000);
    const after = await runLine(sh, "pwd; echo y=$Y w=$W; ll");
    expect(after.out).toBe("/etc\ny=1 w=2\nLL\n");
    // the function was not exported: the background bash -c could not find it
    expect(after.err).toContain("[2]+  Exit 127                bash -c 'sleep 3; f'\n");
  });
});

describe("a snapshot taken while a child shell runs keeps the tab's own state", () => {
  it("not the child's cwd, variables, functions or aliases", async () => {
    const { ws, sh, scheduler } = offlineWorkstation();
    await runLine(sh, "Y=1; f() { :; }; alias ll=ls");
    const interrupt = new InterruptSource();
    const line = startLine(sh, `bash -c 'cd /tmp; Z=2; g() { :; }; sleep 5'`, { interrupt });
    await scheduler.advance(1000);
    const snap = ws.toJSON().tabs["1"];
    expect(snap?.cwd).toBe("/home/student");
    expect(snap?.vars.Y?.value).toBe("1");
    expect(snap?.vars.Z).toBeUndefined();
    expect(Object.keys(snap?.functions ?? {})).toEqual(["f"]);
    expect(snap?.aliases).toEqual({ ll: "ls" });
    interrupt.fire("user");
    await line.done;
  });
});
