import { describe, expect, it } from "vitest";
import type { NetRequest, NetResponse } from "../cluster/types";
import { standInProxy } from "../shell/harness";
import { ManualScheduler } from "../shell/manual-time";
import type { Machine, Program } from "../shell/types";
import { createWorkstation } from "../shell/workstation";
import { runScript } from "./headless";
import { typedTab } from "./testing";
import { stripAnsi } from "./text";

const POD = "kubernetes-bootcamp-9bc58d867-7qs4x";

const machine: Machine = {
  api: () => ({ status: 404, headers: {}, body: "" }),
  net: (req: NetRequest): NetResponse =>
    req.from.kind === "pod" && req.port === 8080
      ? {
          kind: "response",
          status: 200,
          statusText: "OK",
          headers: {},
          body: `Hello Kubernetes bootcamp! | Running on: ${req.from.pod} | v=1\n`,
        }
      : { kind: "refused" },
  listen: () => false,
  unlisten: () => {},
};

/** A stand-in kubectl: these tests are about the terminal, not kubectl (seed.test.ts runs the real one). */
const kubectl: Program = async (io) => {
  if (io.argv[1] === "proxy") return standInProxy(io, () => "{}\n");
  if (io.argv[1] === "exec") {
    const dash = io.argv.indexOf("--");
    return (
      io.containerExec?.({ namespace: "default", pod: POD }, io.argv.slice(dash + 1), {
        interactive: io.argv.includes("-ti"),
      }) ?? 1
    );
  }
  io.stdout(
    `NAME                                  READY   STATUS    RESTARTS   AGE\n${POD}   1/1     Running   0          5m\n`,
  );
  return 0;
};

/** A workstation with the stand-in kubectl whose pod's container holds `serverJs`. */
function workstation(serverJs: string) {
  const scheduler = new ManualScheduler();
  const ws = createWorkstation({
    machine,
    clock: scheduler.clock,
    scheduler,
    programs: { kubectl },
    containers: (t) => ({
      namespace: t.namespace,
      pod: t.pod,
      container: "app",
      env: { HOSTNAME: t.pod, HOME: "/root" },
      files: { "/server.js": serverJs },
    }),
  });
  return { scheduler, ws };
}

function setup(opts: { tty?: boolean; columns?: number; complete?: (w: string[]) => string[] } = {}) {
  const { scheduler, ws } = workstation("var http = require('http');\n");
  const tab = typedTab(ws.openShell("1"), {
    clock: scheduler.clock,
    scheduler,
    columns: opts.columns ?? 80,
    rows: 24,
    tty: opts.tty ?? false,
    tab: "1",
    complete: opts.complete,
  });
  return { ...tab, ws, scheduler };
}

/** Types each entry's keys into a fresh tab: the journal holds each entry's line, in order. */
async function expectJournaled(entries: [keys: string, line: string][]): Promise<void> {
  const t = setup();
  for (const [keys] of entries) await t.type(keys);
  expect(t.journal.map((e) => e.line)).toEqual(entries.map(([, line]) => line));
}

describe("terminal line discipline", () => {
  it("continues an incomplete command with bash's `> ` prompt (here-documents, loops)", async () => {
    const t = setup();
    await t.type("cat <<EOF > deploy.yaml\r");
    expect(t.screen()).toMatch(/deploy\.yaml\r\n> $/);
    await t.type("kind: Deployment\r");
    await t.type("  home: $HOME\r");
    await t.type("EOF\r");
    expect(t.journal.map((e) => e.line)).toEqual([
      "cat <<EOF > deploy.yaml\nkind: Deployment\n  home: $HOME\nEOF",
    ]);
    t.clear();
    await t.type("cat deploy.yaml\r");
    expect(t.screen()).toContain("kind: Deployment\r\n  home: /home/student\r\n");
    t.clear();
    await t.type("for i in 1 2\r");
    await t.type("do echo n$i\r");
    expect(t.screen()).toMatch(/> $/);
    await t.type("done\r");
    expect(t.screen()).toContain("n1\r\nn2\r\nstudent@minikube:~$ ");
    t.clear();
    await t.type("echo 'open\r");
    await t.type("\x03");
    expect(t.screen()).toMatch(/\^C\r\nstudent@minikube:~\$ $/);
  });

  it("echoes, runs a line with CRLF output and journals it", async () => {
    const t = setup();
    expect(t.screen()).toBe("student@minikube:~$ ");
    await t.type("kubectl get pods\r");
    expect(t.screen()).toContain("kubectl get pods\r\nNAME");
    expect(t.screen()).toContain("5m\r\nstudent@minikube:~$ ");
    expect(t.journal).toHaveLength(1);
    expect(t.journal[0]).toMatchObject({
      tab: "1",
      line: "kubectl get pods",
      commands: [["kubectl", "get", "pods"]],
      exitCode: 0,
    });
    expect(t.journal[0]?.output).toContain(`${POD}   1/1`);
  });

  it("edits with arrows, Home/End, Ctrl-A/E/U/K/W and Backspace", async () => {
    // keys typed → the line they leave, as journaled
    const edits: [string, string][] = [
      ["echo wrld\x1b[D\x1b[D\x1b[Do\r", "echo world"],
      ["cho x\x1b[Hе\x7f" + "e\x1b[F!\r", "echo x!"],
      ["echo abc\x1b[1~\x1b[3~E\x1b[4~\x15echo kept\r", "echo kept"],
      ["echo one two\x17three\x01\x0bls\r", "ls"],
      ["echo a b\x17\x17c\r", "echo c"],
    ];
    await expectJournaled(edits);
  });

  it("walks history with Up/Down and keeps the draft", async () => {
    await expectJournaled([
      ["echo first\r", "echo first"],
      ["echo second\r", "echo second"],
      ["draft\x1b[A\x1b[A\x1b[B\r", "echo second"],
      ["mine\x1b[A\x1b[B\r", "mine"],
    ]);
  });

  it("Ctrl-C interrupts a foreground program; typeahead runs afterwards", async () => {
    const t = setup();
    await t.type("kubectl proxy\r");
    expect(t.term.busy).toBe(true);
    expect(t.screen()).toContain("Starting to serve on 127.0.0.1:8001\r\n");
    await t.type("echo lost");
    await t.type("\x03");
    expect(t.term.busy).toBe(false);
    expect(t.screen()).toMatch(/8001\r\n\^C\r\nstudent@minikube:~\$ $/);
    expect(t.journal[0]?.exitCode).toBe(130);
    await t.type("sleep 2\r");
    await t.type("echo typed ahead\r");
    expect(t.term.busy).toBe(true);
    await t.scheduler.advance(2000);
    expect(t.journal.map((j) => j.line)).toEqual(["kubectl proxy", "sleep 2", "echo typed ahead"]);
  });

  it("Ctrl-C on the prompt prints ^C and a fresh prompt", async () => {
    const t = setup();
    await t.type("half typed\x03");
    expect(t.screen()).toBe("student@minikube:~$ half typed^C\r\nstudent@minikube:~$ ");
    expect(t.journal).toHaveLength(0);
  });

  it("runs pasted multi-line input line by line", async () => {
    const t = setup();
    await t.type("export A=1\r\necho $A\necho done\r");
    expect(t.journal.map((j) => [j.line, j.output])).toEqual([
      ["export A=1", ""],
      ["echo $A", "1\n"],
      ["echo done", "done\n"],
    ]);
  });

  it("caps the line at 4096 characters as it is typed (bell, the rest dropped) and stays usable", async () => {
    const t = setup();
    await t.type(`echo ${"x".repeat(5000)}`);
    expect(t.screen().endsWith("x\x07")).toBe(true);
    await t.type("\r");
    expect(t.journal[0]?.line).toBe(`echo ${"x".repeat(4091)}`);
    await t.type("echo ok\r");
    expect(t.journal[1]?.output).toBe("ok\n");
  });

  it("completes commands, kubectl verbs, resource types and object names", async () => {
    const t = setup({ complete: (w) => (w[1] === "describe" ? [POD] : []) });
    await t.type("kube\t");
    expect(t.screen().endsWith("kubectl ")).toBe(true);
    await t.type("desc\t");
    await t.type("po\t");
    await t.type("kub\t\r");
    expect(t.journal[0]?.line).toBe(`kubectl describe pods ${POD} `);
    t.clear();
    await t.type("kubectl get \t\t");
    expect(t.screen()).toContain("deployments");
    await t.type("\x15\r");
  });

  it("kubectl's documented alias set-up: after complete -F __start_kubectl k, Tab completes k as kubectl", async () => {
    const t = setup({ complete: (w) => (w[0] === "kubectl" && w[1] === "describe" ? [POD] : []) });
    await t.type("alias k=kubectl\r");
    await t.type("k desc\t");
    // bash completes an alias by its own specification only: none yet
    expect(t.screen()).toMatch(/\$ k desc\x07$/);
    await t.type("\x15source <(kubectl completion bash)\r");
    await t.type("complete -o default -F __start_kubectl k\r");
    t.clear();
    await t.type("k desc\t");
    await t.type("po\t");
    await t.type("kub\t\r");
    expect(t.journal.at(-1)?.line).toBe(`k describe pods ${POD} `);
    await t.type("complete -W 'alpha beta' greet\r");
    t.clear();
    await t.type("greet al\t\x15");
    expect(t.screen()).toContain("greet alpha ");
  });

  it("Ctrl-L clears, Ctrl-D on an empty line does not log out", async () => {
    const t = setup();
    await t.type("echo x\x0c");
    expect(t.screen()).toContain("\x1b[H\x1b[2Jstudent@minikube:~$ echo x");
    await t.type("\x15\x04");
    expect(t.screen()).toContain('Use "logout" to leave the shell.');
  });

  it("exec -ti … -- bash nests a container shell until exit", async () => {
    const t = setup({ tty: true });
    await t.type(`kubectl exec -ti ${POD} -- bash\r`);
    expect(t.screen().endsWith(`root@${POD}:/# `)).toBe(true);
    await t.type("cat server.js\r");
    expect(t.screen()).toContain("var http = require('http');\r\n");
    await t.type("curl localhost:8080\r");
    expect(t.screen()).toContain(`Running on: ${POD} | v=1\r\n`);
    await t.type("exit\r");
    expect(stripAnsi(t.screen())).toMatch(/exit\r\nstudent@minikube:~\$ $/);
    // The exec line is journaled in progress when the shell opens, and again when it ends.
    expect(t.journal.map((j) => [j.line, j.inProgress ?? false])).toEqual([
      [`kubectl exec -ti ${POD} -- bash`, true],
      ["cat server.js", false],
      ["curl localhost:8080", false],
      ["exit", false],
      [`kubectl exec -ti ${POD} -- bash`, false],
    ]);
  });

  it("wraps long lines and moves across rows", async () => {
    const t = setup({ columns: 20 });
    await t.type("echo 0123456789abcdef");
    t.clear();
    await t.type("\x1b[H");
    expect(t.screen()).toBe("\x1b[1A\r");
    await t.type("\r");
    expect(t.journal[0]?.output).toBe("0123456789abcdef\n");
  });
});

describe("runScript", () => {
  it("prints output like bash < script, with markers, following exec into the container", async () => {
    const { scheduler, ws } = workstation("js\n");
    const start = scheduler.clock.now();
    const out = await runScript(
      [
        "export X=1",
        "echo $X",
        "sleep 5",
        `kubectl exec -ti ${POD} -- bash`,
        "cat server.js",
        "hostname",
        "exit",
        "kubectl proxy",
        "echo end",
      ],
      {
        openShell: (tab) => ws.openShell(tab),
        clock: scheduler.clock,
        scheduler,
        marker: "--8<--",
        virtualTime: scheduler,
        lineTimeoutMs: 10_000,
      },
    );
    expect(out).toBe(
      [
        "--8<--",
        "1",
        "--8<--",
        "--8<--",
        "--8<--",
        "js",
        "--8<--",
        POD,
        "--8<--",
        // the container's bash reads its lines from the script, not a prompt: exit is silent
        "--8<--",
        "Starting to serve on 127.0.0.1:8001",
        "--8<--",
        "end",
        "--8<--",
        "",
      ].join("\n"),
    );
    expect(scheduler.clock.now() - start).toBe(15_000);
  });
});
