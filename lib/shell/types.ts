/**
 * The contract between the shell (lib/shell), the programs it runs (kubectl, curl, minikube, …)
 * and the terminal (lib/terminal). Programs are async functions writing to streams; long-running
 * ones (kubectl proxy, logs -f, get -w, sleep) wait on `io.signal` and the injected scheduler, so
 * nothing here owns a real timer or process.
 */
import type { ApiHandler, NetRequest, NetResponse } from "../cluster/types";
import type { KubectlIO } from "../kubectl/io";

/** Timers are borrowed from whoever hosts the session (the server, the sim CLI, a test). */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /**
   * Lets the host's other work run (the server: other students' sockets) before resolving; a
   * long line pauses here between slices of its work budget, telling the host how long (ms of
   * its clock) the slice that ends worked, so the host can hold a student to a share of its time.
   * Absent: the line runs straight through (tests and the simulator, whose time is manual).
   */
  yieldNow?(workedMs?: number): Promise<void>;
}

/** Interrupt (Ctrl-C) delivered to the foreground program. */
export interface Interrupt {
  readonly interrupted: boolean;
  /** Resolves when Ctrl-C is pressed (never rejects). */
  readonly promise: Promise<void>;
}

/** What a program gets from the shell: kubectl's needs (lib/kubectl/io.ts) and the shell's own. */
export interface ProgramIO extends KubectlIO {
  interrupt: Interrupt;
  scheduler: Scheduler;
  /** The workstation: API transport, virtual network, loopback listeners. */
  machine: Machine;
  /** Current directory of the calling shell (absolute). Optional for compatibility. */
  cwd?: string;
  /** stdout is the terminal itself (TTY or not), not a pipe or a file (curl's progress meter). */
  stdoutIsTerminal?: boolean;
  /**
   * Present only for a foreground program whose output is the interactive terminal: hands the
   * terminal's line discipline to a nested shell until it exits (what `kubectl exec -ti POD -- bash`
   * needs). Resolves with the nested shell's exit status.
   */
  enterShell?(shell: InteractiveShell): Promise<ExitCode>;
  /**
   * Runs `argv` inside a container of the student's cluster (workstation wiring resolves the
   * container's facts): `kubectl exec [-ti] POD -- CMD…`. With `interactive` and a shell as argv
   * (`bash`, `sh`), the terminal is handed to the container shell. Undefined when no resolver is wired.
   */
  containerExec?(target: ContainerTarget, argv: string[], opts: { interactive: boolean }): Promise<ExitCode>;
  /**
   * The files of a container of the student's cluster (`kubectl cp`), or the error text when
   * the container cannot be found. Undefined when no resolver is wired.
   */
  containerFiles?: ContainerFileAccess;
  /**
   * Present only for a foreground program whose output is the terminal: runs a full-screen
   * program (vi, nano, less, watch) on the terminal's alternate screen. See FullScreen.
   */
  fullScreen?: FullScreen;
  /**
   * Runs a command line of the calling shell with this program's streams (what a program's
   * fork+exec of `$EDITOR FILE` is: `kubectl edit`). Undefined where no shell is behind it.
   */
  spawn?(argv: string[]): Promise<ExitCode>;
}

/**
 * Hands the whole terminal to a full-screen program until it calls `screen.close()`: the
 * terminal switches to the alternate screen, passes every keystroke raw (Ctrl-C included, as
 * "\x03") to `app.input` and every resize to `app.resize`, and restores the normal screen —
 * with the prompt's line as it was — when the program closes it (docs/adr/0016).
 */
export type FullScreen = (app: ScreenApp) => Promise<void>;

/** The terminal as a full-screen program sees it. */
export interface Screen {
  readonly columns: number;
  readonly rows: number;
  /** Raw output (escape sequences included; "\n" is not translated). */
  write(data: string): void;
  /** Leaves the alternate screen; the FullScreen promise resolves. */
  close(): void;
}

/** A full-screen program: it draws on `start` and on each key or resize. */
export interface ScreenApp {
  start(screen: Screen): void;
  input(data: string): void;
  resize(columns: number, rows: number): void;
}

/** A container's filesystem as `kubectl cp` (tar in the container) reaches it. */
export interface ContainerFiles {
  /** The container's working directory (where relative paths start). */
  workingDir: string;
  read(path: string): string | undefined;
  isDir(path: string): boolean;
  /** Writes (truncates) a file; returns an error text or undefined. */
  write(path: string, data: string): string | undefined;
}

/**
 * How the workstation runs `argv` in a container for a shell's program (`caller`: that program's
 * streams): what ProgramIO.containerExec and kubectl's ContainerShellHost go through.
 */
export type ContainerExec = (
  target: ContainerTarget,
  argv: string[],
  opts: { interactive: boolean },
  caller: ProgramIO,
) => Promise<ExitCode>;

/** A container's files for `kubectl cp`, or the error text when it cannot be found. */
export type ContainerFileAccess = (target: ContainerTarget) => ContainerFiles | string;

/** Which container `kubectl exec` talks to. */
export interface ContainerTarget {
  namespace: string;
  pod: string;
  /** Defaults to the pod's first container. */
  container?: string;
}

/** What a shell line runs against: the terminal of one tab (or a capture buffer in tests). */
export interface RunIO {
  stdout(chunk: string): void;
  stderr(chunk: string): void;
  tty: boolean;
  columns: number;
  interrupt: Interrupt;
  /**
   * See ProgramIO.enterShell; provided by the terminal. `commands`: argv of the line's commands
   * so far, the one opening the shell last (the terminal journals the line as in progress).
   */
  enterShell?(shell: InteractiveShell, commands?: string[][]): Promise<ExitCode>;
  /**
   * The line was typed at an interactive shell's prompt (a terminal, `kubectl exec -ti … bash`),
   * not read from a script, a pipe or `bash -c`. Only then does `exit` announce itself. Default false.
   */
  interactive?: boolean;
  /** See ProgramIO.fullScreen; provided by the terminal. */
  fullScreen?: FullScreen;
}

export interface RunResult {
  exitCode: ExitCode;
  /** argv of every simple command that ran, after expansion. */
  commands: string[][];
  /** What each of `commands` wrote itself (stdout + stderr, ≤ 4 KiB each), by index. */
  outputs?: string[];
}

/** A shell the terminal can drive line by line (the workstation shell or a container shell). */
export interface InteractiveShell {
  /** The prompt to print before reading a line (ANSI colour when `tty`). */
  prompt(tty: boolean): string;
  run(line: string, io: RunIO): Promise<RunResult>;
  /** True once `exit` ran; the terminal then pops this shell. */
  readonly exited: boolean;
  /** Lines run so far, oldest first (Up/Down history). */
  readonly history: readonly string[];
  /** Paths starting with `prefix` (directories end with `/`), for Tab completion. */
  completePath?(prefix: string): string[];
  /**
   * What `complete` registered for a command name: complete it as another command (`k` as
   * kubectl), offer `-W`'s words, and/or fall back to file names.
   */
  completionSpec?(name: string): { as?: string; words?: string[]; files: boolean } | undefined;
  /**
   * True when `text` (the lines typed so far) ends inside a construct — a quote, `do … done`,
   * a here-document — so the terminal reads another line with the `> ` prompt.
   */
  incomplete?(text: string): boolean;
}

/** Exit status of a program (0–255). */
export type ExitCode = number;

export type Program = (io: ProgramIO) => Promise<ExitCode>;

/**
 * What a student's workstation can reach: the cluster's API (kubectl's transport) and the
 * virtual network (curl). Listeners opened by `kubectl proxy` in any tab are registered here.
 */
export interface Machine {
  api: ApiHandler;
  net(req: NetRequest): NetResponse;
  /** Bind a loopback port on the workstation; returns false when the port is taken. */
  listen(port: number, serve: (req: NetRequest) => NetResponse): boolean;
  unlisten(port: number): void;
  /** The cluster's nodes as `minikube node …` sees them; absent when no cluster is wired. */
  nodes?: NodeControl;
}

/** What `minikube node list|stop|start` and `minikube status` need from the simulated cluster. */
export interface NodeControl {
  /** minikube's machine names, the control plane first (`minikube`, `minikube-m02`, …). */
  names(): string[];
  /** The node's InternalIP, undefined for an unknown node. */
  ip(name: string): string | undefined;
  /** False while the node is stopped (`minikube node stop`). */
  running(name: string): boolean;
  /** Stop (false) or start (true) a node's host: its kubelet stops or resumes posting status. */
  setReady(name: string, ready: boolean): void;
}

/** One finished command line, as the step checks and the teacher view see it. */
export interface JournalEntry {
  /** Terminal tab id ("1", "2", … or "sim"). */
  tab: string;
  /** The line as typed. */
  line: string;
  /** argv of every simple command that ran, after expansion (`$POD_NAME` → the name). */
  commands: string[][];
  exitCode: ExitCode;
  /** First 4 KiB of what was printed (stdout + stderr, no ANSI escapes). */
  output: string;
  /**
   * What each of `commands` wrote itself (by index; stdout + stderr wherever it went, ≤ 4 KiB,
   * no ANSI escapes): output checks with a `run` pattern read the matching command's own output,
   * so `echo`/`printf`/`cat` cannot stand in for it. Absent on lines journaled before it existed.
   */
  outputs?: string[];
  /** Epoch ms when the line finished (from the Clock). */
  at: number;
  /**
   * The line has not finished: it handed the terminal to a shell the learner is in now
   * (`kubectl exec -ti … -- bash`). exitCode is 0 and `at` the moment the shell opened; the
   * line's own entry follows when it ends.
   */
  inProgress?: boolean;
}
