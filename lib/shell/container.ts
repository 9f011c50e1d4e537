/**
 * A shell inside a container of the student's cluster (`kubectl exec -ti POD -- bash`): root,
 * prompt `root@<pod>:/#`, the container's env and filesystem, curl from the pod's network
 * namespace (`curl localhost:8080` reaches the app). The facts come from whoever wires the
 * workstation to lib/cluster, through ContainerResolver, so this folder does not depend on it.
 */
import type { Clock } from "../cluster/types";
import { createCurl } from "./curl";
import { type FsQuota, VirtualFs } from "./fs";
import { lookup, Shell } from "./interp";
import { JobTable } from "./jobs";
import type { VarUsage } from "./limits";
import { shellQuote } from "./quote";
import { createTar } from "./tar";
import type { ContainerTarget, ExitCode, Machine, Program, ProgramIO, RunIO, Scheduler } from "./types";

/** What the cluster says of one container (its namespace, pod and name, which it always has here). */
export interface ContainerFacts extends Required<ContainerTarget> {
  /** Defaults to the pod name (what `hostname` prints and the prompt shows). */
  hostname?: string;
  /** The container's environment as `env` prints it (HOSTNAME, PATH, KUBERNETES_*, …). */
  env: Record<string, string>;
  /** Absolute path → content (e.g. `/server.js`). */
  files: Record<string, string>;
  /** Directories to create; defaults to a Debian root (`ls /`). */
  dirs?: string[];
  workingDir?: string;
  user?: string;
  /** Extra programs available in the image (curl is always there). */
  programs?: Record<string, Program>;
}

/** Resolves a container; a string is the error kubectl would print (e.g. NotFound). */
export type ContainerResolver = (target: ContainerTarget) => ContainerFacts | string;

export const DEBIAN_ROOT = [
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/home",
  "/lib",
  "/lib64",
  "/media",
  "/mnt",
  "/opt",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/srv",
  "/sys",
  "/tmp",
  "/usr",
  "/usr/bin",
  "/usr/local",
  "/usr/local/bin",
  "/var",
];

export const SHELL_NAMES = new Set(["bash", "sh", "/bin/bash", "/bin/sh", "/usr/bin/bash"]);

/** The filesystem of one container; kept per container so files survive between exec sessions. */
export function containerFs(facts: ContainerFacts, quota?: FsQuota): VirtualFs {
  const fs = new VirtualFs(["/"], facts.dirs ?? DEBIAN_ROOT, quota);
  for (const [path, data] of Object.entries(facts.files)) fs.seed(path, data);
  return fs;
}

export function createContainerShell(
  facts: ContainerFacts,
  deps: {
    machine: Machine;
    clock: Clock;
    scheduler: Scheduler;
    fs?: VirtualFs;
    /** The workstation's variable totals (a container shell's variables count while it runs). */
    varUsage?: VarUsage;
    tty: boolean;
    shell: boolean;
  },
): Shell {
  const fs = deps.fs ?? containerFs(facts);
  const env: Record<string, string> = { ...facts.env };
  if (deps.tty) env.TERM ??= "xterm";
  if (deps.shell) env.SHLVL ??= "1";
  const home = facts.user === undefined || facts.user === "root" ? "/root" : `/home/${facts.user}`;
  return new Shell({
    tab: `container:${facts.namespace}/${facts.pod}/${facts.container}`,
    fs,
    user: facts.user ?? "root",
    host: facts.hostname ?? facts.pod,
    home,
    cwd: facts.workingDir ?? "/",
    env,
    programs: {
      curl: createCurl({ kind: "pod", namespace: facts.namespace, pod: facts.pod }),
      // Debian's GNU tar: what `kubectl cp` runs in the container
      tar: createTar(fs),
      ...facts.programs,
    },
    machine: deps.machine,
    clock: deps.clock,
    scheduler: deps.scheduler,
    jobs: new JobTable(7),
    varUsage: deps.varUsage,
    login: false,
    colourPrompt: false,
    bareEnv: !deps.shell,
  });
}

/** Runs `kubectl exec`'s argv in a container's shell: a shell (interactive, `-c`, or reading stdin) or one known command. */
export async function runInContainer(
  shell: Shell,
  facts: ContainerFacts,
  argv: string[],
  interactive: boolean,
  caller: ProgramIO,
): Promise<ExitCode> {
  const name = argv[0];
  if (name === undefined) {
    caller.stderr("error: you must specify at least one command for the container\n");
    return 1;
  }
  const io: RunIO = {
    stdout: caller.stdout,
    stderr: caller.stderr,
    tty: caller.tty,
    columns: caller.columns,
    interrupt: caller.interrupt,
  };
  if (SHELL_NAMES.has(name)) {
    if (argv[1] === "-c" && argv[2] !== undefined) return (await shell.run(argv[2], io)).exitCode;
    if (interactive && caller.enterShell !== undefined) {
      return caller.enterShell({
        prompt: (tty) => shell.prompt(tty),
        run: (line, lineIo) => shell.run(line, lineIo),
        get exited() {
          return shell.exited;
        },
        get history() {
          return shell.history;
        },
        completePath: (prefix) => shell.completePath(prefix),
      });
    }
    // `kubectl exec -i POD -- bash` with piped input: bash reads its script from stdin.
    let status = 0;
    for (const line of caller.stdin.split("\n")) {
      if (line.trim() === "") continue;
      status = (await shell.run(line, io)).exitCode;
      if (shell.exited || caller.interrupt.interrupted) break;
    }
    return status;
  }
  const known =
    lookup(shell.opts.programs, name) !== undefined ||
    [
      "env",
      "cat",
      "ls",
      "hostname",
      "echo",
      "pwd",
      "whoami",
      "printenv",
      "sleep",
      "grep",
      "head",
      "tail",
      "wc",
      "date",
      "uname",
      "true",
      "false",
      // coreutils' test: `kubectl cp` asks `test -d DEST` before it copies into a pod
      "test",
      "[",
    ].includes(name);
  if (!known) {
    caller.stderr(
      `OCI runtime exec failed: exec failed: unable to start container process: exec: "${name}": executable file not found in $PATH: unknown\n`,
    );
    void facts;
    return 126;
  }
  // `kubectl exec -i` (and `kubectl cp`'s tar) hand the command their stdin, as the server's exec does
  if (!interactive || caller.stdin === "")
    return (await shell.run(argv.map(shellQuote).join(" "), io)).exitCode;
  const stdinPath = "/dev/.kubeclass-exec-stdin";
  shell.opts.fs.write(stdinPath, caller.stdin, false);
  try {
    return (await shell.run(`${argv.map(shellQuote).join(" ")} < ${stdinPath}`, io)).exitCode;
  } finally {
    shell.opts.fs.remove(stdinPath);
  }
}
