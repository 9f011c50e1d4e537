import { describe, expect, it } from "vitest";
import type { NetRequest, NetResponse } from "../cluster/types";
import { outputSink } from "../kubectl/testing";
import { replaySession, standInProxy } from "./harness";
import { InterruptSource } from "./interrupt";
import { ManualScheduler, settle } from "./manual-time";
import type { InteractiveShell, Machine, Program, RunIO } from "./types";
import { createWorkstation, type ShellSession } from "./workstation";

const POD = "kubernetes-bootcamp-9bc58d867-7qs4x";

function baseMachine(): Machine {
  return {
    api: () => ({ status: 404, headers: {}, body: "" }),
    net(req: NetRequest): NetResponse {
      if (req.host === "10.244.0.5" && req.port === 8080)
        return {
          kind: "response",
          status: 200,
          statusText: "OK",
          headers: { "Content-Type": "text/plain" },
          body: `Hello Kubernetes bootcamp! | Running on: ${POD} | v=1\n`,
        };
      if (req.from.kind === "pod" && req.host === "localhost" && req.port === 8080)
        return {
          kind: "response",
          status: 200,
          statusText: "OK",
          headers: {},
          body: `Hello Kubernetes bootcamp! | Running on: ${req.from.pod} | v=1\n`,
        };
      if (req.host === "10.9.9.9") return { kind: "timeout" };
      if (/^[\d.]+$/.test(req.host)) return { kind: "refused" };
      return { kind: "unresolved" };
    },
    listen: () => false,
    unlisten: () => {},
  };
}

/** A stand-in kubectl that keeps these tests about the shell: `proxy` listens until interrupted. */
const fakeKubectl: Program = async (io) => {
  if (io.argv[1] === "proxy") return standInProxy(io, (path) => `proxied ${path}\n`);
  if (io.argv[1] === "get" && io.argv.includes("go-template=")) return 0;
  if (io.argv[1] === "get") {
    io.stdout(`NAME   READY\n${POD}   1/1\n`);
    return 0;
  }
  if (io.argv[1] === "exec") {
    const dash = io.argv.indexOf("--");
    const tty = io.argv.includes("-ti") || io.argv.includes("-it");
    const pod = io.argv.slice(2, dash).find((a) => !a.startsWith("-")) ?? "";
    return (
      io.containerExec?.({ namespace: "default", pod }, io.argv.slice(dash + 1), { interactive: tty }) ?? 1
    );
  }
  io.stdout(`kubectl ${io.argv.slice(1).join(" ")}\n`);
  return 0;
};

function setup(programs: Record<string, Program> = {}) {
  const scheduler = new ManualScheduler();
  const ws = createWorkstation({
    machine: baseMachine(),
    clock: scheduler.clock,
    scheduler,
    programs: { kubectl: fakeKubectl, ...programs },
    containers: (t) =>
      t.pod === POD
        ? {
            namespace: t.namespace,
            pod: t.pod,
            container: "kubernetes-bootcamp",
            env: {
              PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
              HOSTNAME: POD,
              HOME: "/root",
            },
            files: { "/server.js": "var http = require('http');\n", "/core": "" },
          }
        : `Error from server (NotFound): pods "${t.pod}" not found`,
  });
  return { ws, scheduler, sh: ws.openShell("1") };
}

interface Captured {
  out: string;
  err: string;
  all: string;
  exitCode: number;
  commands: string[][];
}

async function run(
  sh: ShellSession | InteractiveShell,
  line: string,
  extra: Partial<RunIO> = {},
): Promise<Captured> {
  const c = outputSink();
  const r = await sh.run(line, {
    stdout: c.stdout,
    stderr: c.stderr,
    tty: false,
    columns: 80,
    interrupt: new InterruptSource(),
    ...extra,
  });
  return { out: c.out(), err: c.err(), all: c.all(), ...r };
}

describe("words, quotes and expansion", () => {
  it("handles quotes, escapes and variables", async () => {
    const { sh } = setup();
    expect((await run(sh, `X=world; echo "hello $X" 'no $X' \\$X \${X}s`)).out).toBe(
      "hello world no $X $X worlds\n",
    );
    expect((await run(sh, `echo a"b c"d '' e`)).out).toBe("ab cd  e\n");
    expect((await run(sh, `echo -n hi; echo -e 'a\\tb\\nc'`)).out).toBe("hia\tb\nc\n");
    expect((await run(sh, `echo "\${UNSET:-default value}" \${#X}`)).out).toBe("default value 5\n");
  });

  it("splits unquoted expansions but not quoted ones", async () => {
    const { sh } = setup();
    await run(sh, `V="a   b"`);
    expect((await run(sh, "printf '[%s]' $V; echo")).out).toBe("[a][b]\n");
    expect((await run(sh, `printf '[%s]' "$V"; echo`)).out).toBe("[a   b]\n");
    expect((await run(sh, "printf '[%s]' $EMPTY x; echo")).out).toBe("[x]\n");
  });

  it("substitutes commands and records expanded argv", async () => {
    const { sh } = setup();
    const r = await run(
      sh,
      `export POD_NAME=$(kubectl get pods | tail -n 1 | awk '{print $1}'); echo Name of the Pod: "$POD_NAME"`,
    );
    expect(r.out).toBe(`Name of the Pod: ${POD}\n`);
    expect(r.commands).toContainEqual(["kubectl", "get", "pods"]);
    expect(r.commands).toContainEqual(["export", `POD_NAME=${POD}`]);
    expect((await run(sh, "env | grep POD_NAME")).out).toBe(`POD_NAME=${POD}\n`);
    expect(
      (await run(sh, "curl http://localhost:8001/api/v1/namespaces/default/pods/$POD_NAME/")).commands,
    ).toEqual([["curl", `http://localhost:8001/api/v1/namespaces/default/pods/${POD}/`]]);
  });

  it("does arithmetic and tilde expansion", async () => {
    const { sh } = setup();
    expect((await run(sh, "i=2; echo $((i * 3 + 1)) ~ ~/x")).out).toBe("7 /home/student /home/student/x\n");
  });

  it("reports syntax errors with bash's words and exit 2", async () => {
    const { sh } = setup();
    const r = await run(sh, "echo 'oops");
    expect(r.err).toBe("bash: unexpected EOF while looking for matching `''\n");
    expect(r.exitCode).toBe(2);
    expect((await run(sh, "echo a ;; b")).err).toMatch(/syntax error near unexpected token `;;'/);
    expect((await run(sh, "| grep x")).err).toBe("bash: syntax error near unexpected token `|'\n");
  });
});

describe("control flow", () => {
  it("runs ; && || and exit codes", async () => {
    const { sh } = setup();
    const r = await run(sh, "foo --bar");
    expect(r.err).toBe("bash: foo: command not found\n");
    expect(r.exitCode).toBe(127);
    const session = `$ false && echo no || echo yes; echo $?
yes
0
$ if [ 1 -lt 2 ]; then echo small; else echo big; fi
small
$ for p in a b c; do echo -n $p; done; echo
abc
$ n=0; while [ $n -lt 3 ]; do n=$((n+1)); done; echo $n
3
`;
    expect(await replaySession(sh, session)).toBe(session);
  });

  it("exit says logout only at an interactive prompt; a child shell's exit ends the child only", async () => {
    const { sh } = setup();
    const child = await run(
      sh,
      "bash -c 'echo a; exit 3'; echo $?; ( exit 4 ); echo $?; x=$(exit 5); echo $?",
    );
    expect(child.out).toBe("a\n3\n4\n5\n");
    expect(child.err).toBe("");
    expect(sh.exited).toBe(false);
    const bad = await run(sh, "bash -c 'exit nope'; echo $?");
    expect(bad.err).toBe("bash: line 1: exit: nope: numeric argument required\n");
    expect(bad.out).toBe("2\n");
    // lines read from a script or a pipe (interactive not set): exits silently
    const scripted = await run(sh, "exit 6");
    expect(scripted).toMatchObject({ err: "", exitCode: 6 });
    expect(sh.exited).toBe(true);
    const typed = setup().sh;
    const r = await run(typed, "exit", { interactive: true });
    expect(r.err).toBe("logout\n");
    expect(typed.exited).toBe(true);
  });

  it("bounds a runaway loop and stays usable", async () => {
    const { sh } = setup();
    const r = await run(sh, "while true; do :; done");
    expect(r.exitCode).toBe(1);
    expect(r.err).toMatch(/more than 10000 commands on one line; stopped/);
    const big = await run(
      sh,
      "while true; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done",
    );
    expect(big.exitCode).toBe(1);
    expect(big.out.length).toBeLessThanOrEqual(1024 * 1024);
    expect((await run(sh, "echo ok")).out).toBe("ok\n");
  });
});

describe("pipes, text tools and redirection", () => {
  it("pipes through grep, head, tail, wc, sort, uniq, cut, awk", async () => {
    const { sh } = setup();
    const session = String.raw`$ printf 'b 2\na 1\nB 3\na 1\n' > f.txt
$ cat f.txt | grep -i b
b 2
B 3
$ grep -v a f.txt | wc -l
2
$ grep -c a f.txt
2
$ grep -E 'a|B' f.txt | head -n 2
a 1
B 3
$ sort f.txt | uniq -c
      1 B 3
      2 a 1
      1 b 2
$ cut -d ' ' -f 2 f.txt | sort -n | tail -1
3
$ awk '{print $2, $1}' f.txt | head -1
2 b
$ awk 'NR>2 {print NR": "$1}' f.txt
3: B
4: a
$ wc f.txt
 4  8 16 f.txt
`;
    expect(await replaySession(sh, session)).toBe(session);
  });

  it("writes, appends and reads files in the home dir", async () => {
    const { sh, ws } = setup();
    const session = `$ echo one > notes; echo two >> notes
$ cat < notes
one
two
$ ls
notes
$ echo x > /etc/passwd
bash: /etc/passwd: Permission denied
$ cat nope
cat: nope: No such file or directory
$ kubectl get pods 2>&1 > /dev/null; echo done
done
`;
    expect(await replaySession(sh, session)).toBe(session);
    expect(ws.toJSON().files.files["/home/student/notes"]).toBe("one\ntwo\n");
  });

  it("cd, pwd and the prompt", async () => {
    const { sh } = setup();
    await run(sh, "mkdir -p a/b && cd a/b");
    expect((await run(sh, "pwd")).out).toBe("/home/student/a/b\n");
    expect(sh.prompt(false)).toBe("student@minikube:~/a/b$ ");
    expect(sh.prompt(true)).toBe("\x1b[01;32mstudent@minikube\x1b[00m:\x1b[01;34m~/a/b\x1b[00m$ ");
    expect((await run(sh, "cd /nowhere")).err).toBe("bash: cd: /nowhere: No such file or directory\n");
    await run(sh, "cd");
    expect(sh.cwd).toBe("/home/student");
  });
});

describe("jobs and the loopback network", () => {
  it("kubectl proxy & serves curl in another tab until kill %1", async () => {
    const { ws, sh } = setup();
    const start = await run(sh, "kubectl proxy &");
    expect(start.err).toBe("[1] 4242\n");
    await settle();
    const tab2 = ws.openShell("2");
    const r = await run(tab2, "curl http://localhost:8001/version");
    expect(r.out).toBe("proxied /version\n");
    expect((await run(sh, "jobs")).out).toBe("[1]+  Running                 kubectl proxy &\n");
    const k = await run(sh, "kill %1");
    expect(k.err).toBe("[1]+  Terminated              kubectl proxy\n");
    const refused = await run(tab2, "curl http://localhost:8001/version");
    expect(refused.err).toBe(
      "curl: (7) Failed to connect to localhost port 8001 after 0 ms: Couldn't connect to server\n",
    );
    expect(refused.exitCode).toBe(7);
    expect((await run(sh, "kill %1")).err).toBe("bash: kill: %1: no such job\n");
  });

  it("fg brings a job back and Ctrl-C stops it", async () => {
    const { sh } = setup();
    await run(sh, "kubectl proxy &");
    const interrupt = new InterruptSource();
    const pending = run(sh, "fg", { interrupt, interactive: true });
    await settle();
    interrupt.fire("user");
    const r = await pending;
    expect(r.out).toBe("kubectl proxy\n");
    expect(r.exitCode).toBe(130);
    expect((await run(sh, "jobs")).out).toBe("");
  });

  it("a child shell has no job control: `fg &` ends at once instead of waiting for itself", async () => {
    const { sh } = setup();
    await run(sh, "kubectl proxy &");
    expect((await run(sh, "(fg)")).err).toBe("bash: fg: no job control\n");
    expect((await run(sh, "echo $(bg)")).err).toBe("bash: bg: no job control\n");
    const bgFg = await run(sh, "fg &");
    await settle();
    expect(bgFg.err).toBe("[2] 4243\n");
    expect((await run(sh, "jobs")).out).toBe(
      "[1]-  Running                 kubectl proxy &\n[2]+  Exit 1                  fg\n",
    );
    // a script has no job control either; the prompt has
    expect((await run(sh, "fg %1")).err).toBe("bash: fg: no job control\n");
    const interrupt = new InterruptSource();
    const pending = run(sh, "fg %1", { interrupt, interactive: true });
    await settle();
    interrupt.fire("user");
    expect((await pending).out).toBe("kubectl proxy\n");
  });

  it("sleep waits on the scheduler and Ctrl-C interrupts it", async () => {
    const { sh, scheduler } = setup();
    let done = false;
    const p = run(sh, "sleep 5; echo after").then((r) => {
      done = true;
      return r;
    });
    await scheduler.advance(4000);
    expect(done).toBe(false);
    await scheduler.advance(1000);
    expect((await p).out).toBe("after\n");
    const interrupt = new InterruptSource();
    const q = run(sh, "sleep 100; echo never", { interrupt });
    await settle();
    interrupt.fire("user");
    const r = await q;
    expect(r.exitCode).toBe(130);
    expect(r.out).toBe("");
    expect((await run(sh, "sleep 99999")).err).toMatch(/longer than this classroom allows/);
  });

  it("curl reaches pods and reports errors with curl's words", async () => {
    const { sh, scheduler } = setup();
    expect((await run(sh, "curl 10.244.0.5:8080")).out).toBe(
      `Hello Kubernetes bootcamp! | Running on: ${POD} | v=1\n`,
    );
    const i = await run(sh, "curl -si http://10.244.0.5:8080/");
    expect(i.out).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: text\/plain\r\n/);
    expect((await run(sh, "curl nosuch.example")).err).toBe(
      "curl: (6) Could not resolve host: nosuch.example\n",
    );
    expect((await run(sh, "curl -s nosuch.example")).err).toBe("");
    const t = run(sh, "curl -m 5 http://10.9.9.9/");
    await scheduler.advance(5000);
    const tr = await t;
    expect(tr.err).toBe("curl: (28) Connection timed out after 5000 milliseconds\n");
    expect(tr.exitCode).toBe(28);
    const piped = await run(sh, "curl 10.244.0.5:8080 | grep -o v=1");
    expect(piped.out).toBe("v=1\n");
    expect(piped.err).toMatch(/% Total/);
  });

  it("minikube ip", async () => {
    const { sh } = setup();
    expect((await run(sh, "curl -s $(minikube ip):30000")).commands).toEqual([
      ["minikube", "ip"],
      ["curl", "-s", "192.168.49.2:30000"],
    ]);
  });
});

describe("container shells", () => {
  it("exec -ti … -- bash hands the terminal to a root shell", async () => {
    const { sh } = setup();
    let nested: InteractiveShell | undefined;
    let resolveExit: (code: number) => void = () => {};
    const enterShell = (s: InteractiveShell): Promise<number> => {
      nested = s;
      return new Promise((r) => {
        resolveExit = r;
      });
    };
    const outer = run(sh, `kubectl exec -ti ${POD} -- bash`, { enterShell });
    await settle();
    if (nested === undefined) throw new Error("no nested shell");
    expect(nested.prompt(true)).toBe(`root@${POD}:/# `);
    expect((await run(nested, "cat server.js")).out).toBe("var http = require('http');\n");
    expect((await run(nested, "ls /")).out.split("\n")).toContain("server.js");
    // on a terminal, in columns as GNU ls lays them out (no colours in the Debian image)
    expect((await run(nested, "ls /", { tty: true, columns: 80 })).out).toBe(
      "bin   core  etc   lib    media  opt   root  sbin       srv  tmp  var\n" +
        "boot  dev   home  lib64  mnt    proc  run   server.js  sys  usr\n",
    );
    expect((await run(nested, "hostname")).out).toBe(`${POD}\n`);
    expect((await run(nested, "curl localhost:8080")).out).toBe(
      `Hello Kubernetes bootcamp! | Running on: ${POD} | v=1\n`,
    );
    expect((await run(nested, "env")).out).toMatch(new RegExp(`HOSTNAME=${POD}`));
    // typed at the container's prompt: bash says `exit` as it leaves
    const ex = await run(nested, "exit", { interactive: true });
    expect(ex.err).toBe("exit\n");
    expect(nested.exited).toBe(true);
    resolveExit(0);
    expect((await outer).exitCode).toBe(0);
  });

  it("non-interactive exec runs one command", async () => {
    const { sh } = setup();
    expect((await run(sh, `kubectl exec ${POD} -- cat /server.js`)).out).toBe(
      "var http = require('http');\n",
    );
    const r = await run(sh, `kubectl exec ${POD} -- nosuch`);
    expect(r.exitCode).toBe(126);
    expect((await run(sh, "kubectl exec missing -- env")).err).toBe(
      'Error from server (NotFound): pods "missing" not found\n',
    );
  });
});

describe("persistence", () => {
  it("round-trips env, cwd, history and files", async () => {
    const { ws, sh } = setup();
    await run(sh, "export POD_NAME=abc; mkdir d; cd d; echo hi > f");
    const snap = JSON.parse(JSON.stringify(ws.toJSON()));
    const again = setup();
    again.ws.fromJSON(snap);
    const tab = again.ws.openShell("1");
    expect(tab.cwd).toBe("/home/student/d");
    expect((await run(tab, "echo $POD_NAME; cat f")).out).toBe("abc\nhi\n");
    expect(tab.history[0]).toBe("export POD_NAME=abc; mkdir d; cd d; echo hi > f");
  });

  it("keeps functions, aliases and arrays across a restart", async () => {
    const { ws, sh } = setup();
    await run(sh, "alias k=kubectl; alias ll='ls -l'");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansions
    await run(sh, 'greet() {\n  local who=${1:-world}\n  echo "hello $who"\n}');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansions
    await run(sh, 'function up { echo "${1^^}"; } > /dev/stderr');
    await run(sh, "list=(a 'b c'); declare -A m=([x]=1)");
    const snap = JSON.parse(JSON.stringify(ws.toJSON()));
    const again = setup();
    again.ws.fromJSON(snap);
    const tab = again.ws.openShell("1");
    expect((await run(tab, "alias")).out).toBe("alias k='kubectl'\nalias ll='ls -l'\n");
    expect((await run(tab, "greet; greet you")).out).toBe("hello world\nhello you\n");
    expect((await run(tab, "up abc")).err).toBe("ABC\n");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansions
    expect((await run(tab, 'echo "${#list[@]} ${list[1]} ${m[x]}"')).out).toBe("2 b c 1\n");
  });

  it("bounds what definitions a snapshot brings back, and drops one it cannot read", async () => {
    const { ws } = setup();
    const big = "x".repeat(4000);
    const aliases: Record<string, string> = {};
    for (let i = 0; i < 2000; i++) aliases[`a${i}`] = big;
    const snap = ws.toJSON();
    snap.tabs["1"] = {
      vars: {},
      cwd: "/home/student",
      history: [],
      aliases,
      functions: { broken: "broken () {", ok: "ok () { echo ok; }", evil: "other () { :; }" },
    };
    ws.fromJSON(JSON.parse(JSON.stringify(snap)));
    const tab = ws.openShell("1");
    expect((await run(tab, "ok; type broken evil 2>&1 | head -2")).out).toBe(
      "ok\nbash: type: broken: not found\nbash: type: evil: not found\n",
    );
    const n = Number((await run(tab, "alias | wc -l")).out.trim());
    expect(n).toBeGreaterThan(10);
    expect(n * 4000).toBeLessThanOrEqual(256 * 1024);
    expect((await run(tab, `alias more=${"y".repeat(4000)}`)).err).toMatch(/limited to 256 KiB/);
  });
});
