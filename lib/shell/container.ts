/**
 * A shell inside a container of the student's cluster (`kubectl exec -ti POD -- bash`): root,
 * prompt `root@<pod>:/#`, the container's env and filesystem, curl from the pod's network
 * namespace (`curl localhost:8080` reaches the app). The facts come from whoever wires the
 * workstation to lib/cluster, through ContainerResolver, so this folder does not depend on it.
 */
import type { Clock } from "../cluster/types";
import { createCurl } from "./curl";
import { type FsQuota, VirtualFs } from "./fs";
import { Shell } from "./interp";
import { JobTable } from "./jobs";
import type { VarUsage } from "./limits";
import { createTar } from "./tar";
import type { ContainerTarget, Machine, Program, Scheduler } from "./types";

export interface ContainerFacts {
  namespace: string;
  pod: string;
  container: string;
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
