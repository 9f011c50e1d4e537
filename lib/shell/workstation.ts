/**
 * The student's workstation: one virtual home directory, one loopback network (listeners opened
 * by `kubectl proxy` in any tab), one job table, and a shell per terminal tab.
 */
import type { Clock, NetRequest, NetResponse } from "../cluster/types";
import {
  type ContainerFacts,
  type ContainerResolver,
  containerFs,
  createContainerShell,
  runInContainer,
  SHELL_NAMES,
} from "./container";
import { createCurl } from "./curl";
import { FsQuota, type FsSnapshot, VirtualFs } from "./fs";
import { fsErrorText, Shell, type ShellVarsSnapshot } from "./interp";
import { JobTable } from "./jobs";
import { VarUsage } from "./limits";
import { createMinikube } from "./minikube";
import type {
  ContainerExec,
  ContainerFileAccess,
  ExitCode,
  InteractiveShell,
  Machine,
  Program,
  RunIO,
  RunResult,
  Scheduler,
} from "./types";

export interface WorkstationOptions {
  machine: Machine;
  clock: Clock;
  scheduler: Scheduler;
  /** Programs on PATH (kubectl, …); they override the built-in curl/minikube of the same name. */
  programs: Record<string, Program>;
  user?: string;
  host?: string;
  /** Extra exported variables for every new tab. */
  env?: Record<string, string>;
  /** What `minikube ip` prints (the node's InternalIP). */
  nodeIp?: string;
  /** Facts of a container for `kubectl exec` (wire lib/cluster here). */
  containers?: ContainerResolver;
  /** A draw in [0, 1) from a seeded generator: seeds each tab's `$RANDOM` (else the clock does). */
  random?: () => number;
}

export interface WorkstationSnapshot {
  version: 1;
  files: FsSnapshot;
  tabs: Record<string, ShellVarsSnapshot>;
}

/** One tab's shell, as the terminal drives it. */
export interface ShellSession extends InteractiveShell {
  readonly tabId: string;
  /** Current directory (absolute). */
  readonly cwd: string;
  /** Exported variables. */
  env(): Map<string, string>;
  /** Makes an exited shell usable again (a fresh login in the same tab, env kept). */
  revive(): void;
  /** Stops the tab's background jobs. */
  close(): void;
  /** Command lines of the tab's background jobs still running (`kubectl proxy &`). */
  runningJobs(): string[];
  /** Sets an exported variable (the server sets LANG to the page's language). */
  setEnv(name: string, value: string): void;
  toJSON(): ShellVarsSnapshot;
}

export interface Workstation {
  /** The machine programs see: the given one plus this workstation's loopback listeners. */
  readonly machine: Machine;
  readonly files: VirtualFs;
  openShell(tabId: string): ShellSession;
  shell(tabId: string): ShellSession | undefined;
  closeShell(tabId: string): void;
  tabIds(): string[];
  toJSON(): WorkstationSnapshot;
  fromJSON(snapshot: WorkstationSnapshot): void;
  /** Stops every job and listener (workspace evicted). */
  dispose(): void;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1|0\.0\.0\.0)$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** Wraps a machine so loopback traffic from the workstation reaches this workstation's listeners. */
export function withLoopback(base: Machine): Machine & { listening(): number[] } {
  const listeners = new Map<number, (req: NetRequest) => NetResponse>();
  return {
    api: base.api,
    ...(base.nodes !== undefined ? { nodes: base.nodes } : {}),
    net(req: NetRequest): NetResponse {
      if (req.from.kind === "workstation" && isLoopback(req.host)) {
        const serve = listeners.get(req.port);
        return serve === undefined ? { kind: "refused" } : serve(req);
      }
      return base.net(req);
    },
    listen(port, serve) {
      if (listeners.has(port)) return false;
      listeners.set(port, serve);
      return true;
    },
    unlisten(port) {
      listeners.delete(port);
    },
    listening: () => [...listeners.keys()].sort((a, b) => a - b),
  };
}

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

class TabShell implements ShellSession {
  constructor(
    readonly tabId: string,
    readonly shell: Shell,
  ) {}
  get cwd(): string {
    return this.shell.cwd;
  }
  get exited(): boolean {
    return this.shell.exited;
  }
  get history(): readonly string[] {
    return this.shell.history;
  }
  prompt(tty: boolean): string {
    return this.shell.prompt(tty);
  }
  completePath(prefix: string): string[] {
    return this.shell.completePath(prefix);
  }
  completionSpec(name: string): { as?: string; words?: string[]; files: boolean } | undefined {
    return this.shell.completionSpec(name);
  }
  incomplete(text: string): boolean {
    return this.shell.incomplete(text);
  }
  run(line: string, io: RunIO): Promise<RunResult> {
    return this.shell.run(line, io);
  }
  env(): Map<string, string> {
    return this.shell.exportedEnv();
  }
  revive(): void {
    this.shell.exited = false;
  }
  close(): void {
    this.shell.opts.jobs.stopTab(this.tabId);
  }
  setEnv(name: string, value: string): void {
    this.shell.setVar(name, value, true);
  }
  runningJobs(): string[] {
    return this.shell.opts.jobs
      .list(this.tabId)
      .filter((j) => j.state === "running")
      .map((j) => `${j.source} &`);
  }
  toJSON(): ShellVarsSnapshot {
    return this.shell.toJSON();
  }
}

export function createWorkstation(opts: WorkstationOptions): Workstation {
  const user = opts.user ?? "student";
  const host = opts.host ?? "minikube";
  const home = `/home/${user}`;
  const files = new VirtualFs(
    [home, "/tmp"],
    ["/bin", "/etc", "/usr/bin", "/usr/local/bin", "/var"],
    new FsQuota(),
    ["/tmp"],
  );
  files.setClock(() => opts.clock.now());
  const machine = withLoopback(opts.machine);
  const jobs = new JobTable();
  const tabs = new Map<string, TabShell>();
  let saved: Record<string, ShellVarsSnapshot> = {};
  const containerFiles = new Map<string, VirtualFs>();
  /** Every tab's variables (and running container shells') count against one total. */
  const varUsage = new VarUsage();
  /** What students write inside containers shares one quota, however many pods they visit. */
  const containerQuota = new FsQuota();
  /** Closed tabs' variables wait in `saved`; they count as long as they wait there. */
  const countSaved = (snap: ShellVarsSnapshot, sign: 1 | -1): void => {
    for (const [k, v] of Object.entries(snap.vars)) {
      varUsage.bytes += sign * (k.length + String(v.value).length);
      varUsage.count += sign;
    }
  };
  const programs: Record<string, Program> = {
    curl: createCurl({ kind: "workstation" }),
    minikube: createMinikube({ ip: opts.nodeIp ?? "192.168.49.2" }),
    ...opts.programs,
  };

  const containerExec: ContainerExec = async (target, argv, o, caller) => {
    const resolver = opts.containers;
    if (resolver === undefined) {
      caller.stderr("error: containers are not available in this session\n");
      return 1;
    }
    const facts = resolver(target);
    if (typeof facts === "string") {
      caller.stderr(facts.endsWith("\n") ? facts : `${facts}\n`);
      return 1;
    }
    const fs = filesOf(facts);
    const isShell = SHELL_NAMES.has(argv[0] ?? "");
    const shell = createContainerShell(facts, {
      machine,
      clock: opts.clock,
      scheduler: opts.scheduler,
      fs,
      varUsage,
      tty: o.interactive && isShell,
      shell: isShell,
    });
    let code: ExitCode;
    try {
      code = await runInContainer(shell, facts, argv, o.interactive, caller);
    } finally {
      // the container shell is gone: its variables no longer count
      shell.vars.clear();
      shell.opts.jobs.stopAll();
    }
    // kubectl's own words when the remote command fails (it hands exec to this hook entirely).
    if (code !== 0 && code !== 130 && !caller.interrupt.interrupted)
      caller.stderr(`command terminated with exit code ${code}\n`);
    return code;
  };

  /** One filesystem per container, shared by `kubectl exec` shells and `kubectl cp`. */
  const filesOf = (facts: ContainerFacts): VirtualFs => {
    const key = `${facts.namespace}/${facts.pod}/${facts.container}`;
    let fs = containerFiles.get(key);
    if (fs === undefined) {
      fs = containerFs(facts, containerQuota);
      containerFiles.set(key, fs);
    }
    return fs;
  };

  const containerFileAccess: ContainerFileAccess = (target) => {
    const facts = opts.containers?.(target) ?? "error: containers are not available in this session";
    if (typeof facts === "string") return facts;
    const fs = filesOf(facts);
    return {
      workingDir: facts.workingDir ?? "/",
      read: (path) => {
        const r = fs.read(path);
        return typeof r === "string" ? r : undefined;
      },
      isDir: (path) => fs.isDir(path),
      write: (path, data) => {
        const e = fs.write(path, data, false);
        return e === undefined ? undefined : fsErrorText(e);
      },
    };
  };

  const newShell = (tabId: string): Shell => {
    const shell = new Shell({
      tab: tabId,
      fs: files,
      user,
      host,
      home,
      env: {
        HOME: home,
        USER: user,
        LOGNAME: user,
        SHELL: "/bin/bash",
        PATH: DEFAULT_PATH,
        LANG: "C.UTF-8",
        TERM: "xterm-256color",
        ...opts.env,
      },
      programs,
      machine,
      clock: opts.clock,
      scheduler: opts.scheduler,
      jobs,
      varUsage,
      login: true,
      colourPrompt: true,
      containerExec,
      containerFiles: containerFileAccess,
      ...(opts.random !== undefined ? { random: opts.random } : {}),
    });
    const snap = saved[tabId];
    if (snap !== undefined) shell.restore(snap);
    return shell;
  };

  const ws: Workstation = {
    machine,
    files,
    openShell(tabId) {
      const existing = tabs.get(tabId);
      if (existing !== undefined) return existing;
      const snap = saved[tabId];
      if (snap !== undefined) countSaved(snap, -1); // the new shell counts them as it restores
      const tab = new TabShell(tabId, newShell(tabId));
      delete saved[tabId];
      tabs.set(tabId, tab);
      return tab;
    },
    shell: (tabId) => tabs.get(tabId),
    closeShell(tabId) {
      const tab = tabs.get(tabId);
      if (tab === undefined) return;
      tab.close();
      // its variables move into `saved` and keep counting against the workstation's total
      saved[tabId] = tab.toJSON();
      jobs.forgetTab(tabId);
      tabs.delete(tabId);
    },
    tabIds: () => [...tabs.keys()],
    toJSON() {
      const out: Record<string, ShellVarsSnapshot> = { ...saved };
      for (const [id, tab] of tabs) out[id] = tab.toJSON();
      return { version: 1, files: files.toJSON(), tabs: out };
    },
    fromJSON(snapshot) {
      if (snapshot.version !== 1) return;
      files.restore(snapshot.files);
      for (const [id, snap] of Object.entries(saved)) if (!tabs.has(id)) countSaved(snap, -1);
      saved = { ...snapshot.tabs };
      for (const [id, snap] of Object.entries(saved)) if (!tabs.has(id)) countSaved(snap, 1);
      for (const [id, tab] of tabs) {
        const s = saved[id];
        if (s !== undefined) tab.shell.restore(s);
      }
    },
    dispose() {
      jobs.stopAll();
      for (const port of machine.listening()) machine.unlisten(port);
    },
  };
  return ws;
}
