/**
 * The interpreter: walks the AST with the session's variables, cwd and virtual filesystem.
 * Pipes are buffered (ProgramIO.stdin is a complete string); the last stage of a pipeline
 * streams to the terminal. Every line is bounded by a step budget and an output budget, and
 * Ctrl-C (the run's Interrupt) stops it between commands and inside waiting programs.
 */
import type { Clock } from "../cluster/types";
import { evalArith } from "./arith";
import type {
  AndOr,
  CaseCommand,
  Command,
  CondCommand,
  FunctionDef,
  Pipeline,
  Redirect,
  Script,
  SimpleCommand,
  Word,
} from "./ast";
import { BUILTINS, type BuiltinContext, programAt } from "./builtins";
import { readSpec } from "./complete";
import { type FsError, resolvePath, type VirtualFs } from "./fs";
import {
  BraceLimitError,
  braceExpand,
  escapeGlob,
  globMatch,
  hasGlob,
  replacePattern,
  trimPattern,
  unescapeGlob,
} from "./glob";
import { InterruptSource } from "./interrupt";
import type { JobTable } from "./jobs";
import { ShellLimitError, type Var, VarTable, type VarUsage, WORKSTATION_LIMITS } from "./limits";
import { IncompleteInput, parseScript, ShellSyntaxError } from "./parse";
import { shellQuote } from "./quote";
import { compilePosix, type RegexCost, RegexSyntaxError, regexCost } from "./regex";
import type {
  ContainerExec,
  ContainerFileAccess,
  ExitCode,
  Machine,
  Program,
  ProgramIO,
  RunIO,
  RunResult,
  Scheduler,
} from "./types";

export const LIMITS = {
  /** Simple commands and loop iterations per line. */
  steps: 10_000,
  /** Bytes a line may print (terminal + pipes). */
  output: 1024 * 1024,
  /** Bytes of one variable value or one pipe buffer. */
  value: 1024 * 1024,
  /** Lines kept in history. */
  history: 1000,
  /** Nesting of command substitutions at run time. */
  depth: 16,
  /** Bytes all expansions of one line may produce together ($X, $(…), ~, $((…)) results). */
  expansion: 16 * 1024 * 1024,
  /** Words one brace expansion or glob may produce. */
  words: 65_536,
  /** Nested function calls (bash's FUNCNEST; bash itself has no default and crashes). */
  funcDepth: 200,
  /** Functions and aliases a tab may define (each). */
  definitions: 512,
  /** Bytes of one alias's value. */
  aliasBytes: 4096,
  /**
   * Bytes of the text of all of a tab's definitions typed since it began (functions and aliases,
   * redefinitions included): they are kept in the workstation's snapshot, so they are bounded
   * like its variables and files.
   */
  definitionBytes: 256 * 1024,
};

/** Unexported variables a child shell (`bash -c`) hides per step of the line's budget. */
const HIDDEN_VARS_PER_STEP = 16;

/** Expanded bytes that cost one step of the line's budget (copying is work too). */
const BYTES_PER_STEP = 16 * 1024;

export interface ShellOptions {
  tab: string;
  fs: VirtualFs;
  user: string;
  host: string;
  home: string;
  cwd?: string;
  env: Record<string, string>;
  programs: Record<string, Program>;
  machine: Machine;
  clock: Clock;
  scheduler: Scheduler;
  jobs: JobTable;
  /** Totals of the workstation's variables, shared by its tabs (a fresh count when absent). */
  varUsage?: VarUsage;
  /** `exit` prints `logout` in a login shell, `exit` otherwise (container shells). */
  login: boolean;
  /** Coloured Ubuntu-style prompt on a TTY (the workstation); plain `root@pod:/# ` otherwise. */
  colourPrompt: boolean;
  /** Do not add PWD/HOME to the environment (a command exec'd without a shell). */
  bareEnv?: boolean;
  containerFiles?: ContainerFileAccess;
  /** A draw in [0, 1) from the session's seeded generator, to seed `$RANDOM`. */
  random?: () => number;
  containerExec?: ContainerExec;
}

export type Sink = (chunk: string) => void;

/** The `set` options the shell honours. */
export interface ShellFlags {
  errexit: boolean;
  nounset: boolean;
  xtrace: boolean;
  pipefail: boolean;
}

/**
 * How often (in steps) a line looks at the clock to see whether its slice is over: every step,
 * since one step may be a `kubectl create` that costs milliseconds of controller work (every 8
 * steps let a loop of creates hold the event loop for two or three of them per slice).
 */
export const SLICE_STEPS = 1;
/** A line's slice of the event loop before it lets the host's other work run (ms). */
export const SLICE_MS = 4;

/** Output a command's own record keeps (per command, and in all for one line). */
export const COMMAND_OUTPUT_LIMIT = 4096;
const LINE_OUTPUTS_LIMIT = 4 * COMMAND_OUTPUT_LIMIT;

/**
 * Characters of arguments a line's record of its commands keeps in all (`commands`, which the
 * journal stores and the step checks read). Past it a command is recorded by its name alone: a
 * loop of `export V$i="$(printf '%1000d' $i)"` recorded megabytes, and serialising them for the
 * journal held the server for ~0.1-0.2 s after the line (issue 12).
 */
export const LINE_ARGV_LIMIT = 64 * 1024;

/** What the line's record keeps of `argv` (bounded by LINE_ARGV_LIMIT over the line). */
function recordedArgv(argv: string[], ctx: RunContext): string[] {
  const kept: string[] = [];
  for (const [i, a] of argv.entries()) {
    const room = LINE_ARGV_LIMIT - ctx.argvSize;
    if (i > 0 && room <= 0) break;
    const part = i === 0 ? a.slice(0, 256) : a.slice(0, room);
    kept.push(part);
    ctx.argvSize += part.length;
  }
  return kept;
}

/** Streams that also note what command `index` writes (bounded) in ctx.outputs. */
function attributed(s: Streams, ctx: RunContext, index: number): Streams {
  const note = (chunk: string): void => {
    const had = ctx.outputs[index] ?? "";
    if (had.length >= COMMAND_OUTPUT_LIMIT) return;
    const room = Math.min(COMMAND_OUTPUT_LIMIT - had.length, LINE_OUTPUTS_LIMIT - ctx.outputsSize);
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.slice(0, room) : chunk;
    ctx.outputs[index] = had + kept;
    ctx.outputsSize += kept.length;
  };
  const out: Sink = (c) => {
    note(c);
    s.out(c);
  };
  const err: Sink =
    s.err === s.out
      ? out
      : (c) => {
          note(c);
          s.err(c);
        };
  return { ...s, out, err };
}

export interface Streams {
  stdin: string;
  /** How much of `stdin` `read` has consumed (shared by the commands of a loop). */
  cursor?: { pos: number };
  out: Sink;
  err: Sink;
  /** stdout is the terminal itself (not a pipe or a file). */
  outIsTerminal: boolean;
}

/** Per-line state: budgets, the interrupt, what ran. */
export interface RunContext {
  io: RunIO;
  interrupt: InterruptSource;
  commands: string[][];
  /**
   * What each command of `commands` wrote itself (stdout and stderr, wherever they went), by
   * index: the provenance the step checks read, so an `echo` cannot speak for a `curl`.
   */
  outputs: string[];
  /** Characters kept in `outputs` so far. */
  outputsSize: number;
  /** Characters of arguments kept in `commands` so far (LINE_ARGV_LIMIT). */
  argvSize: number;
  /** `steps` at which the line next looks at its slice (see Shell.pace). */
  nextYield: number;
  /** When the line's current slice began (host clock), once it has one. */
  sliceStart?: number;
  steps: number;
  output: number;
  /** Bytes produced by expansions so far. */
  expanded: number;
  depth: number;
  abort?: string;
  exitRequested?: number;
  /** Nesting of conditions (`if`/`while` tests, the left of && ||, `!`): `set -e` ignores them. */
  conditions?: number;
  /** The last list's status came from a place `set -e` ignores. */
  errexitExempt?: boolean;
  /** Status of the last command substitution (the status of `X=$(false)`). */
  lastSubstStatus?: number;
  /** Commands come from an interactive prompt (not a script, `bash -c` or a subshell). */
  interactive: boolean;
}

/** The integer comparisons of `test`/`[` and `[[`. */
export const INTEGER_TESTS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  "-eq": (a, b) => a === b,
  "-ne": (a, b) => a !== b,
  "-lt": (a, b) => a < b,
  "-le": (a, b) => a <= b,
  "-gt": (a, b) => a > b,
  "-ge": (a, b) => a >= b,
};

/** The unary operators of `test`/`[` and `[[`. */
export const UNARY_TESTS: ReadonlySet<string> = new Set([
  "-z",
  "-n",
  "-e",
  "-f",
  "-d",
  "-s",
  "-r",
  "-w",
  "-x",
  "-L",
  "-h",
]);

/**
 * A unary test as `test`, `[` and `[[` evaluate it: an empty operand names no file, `-r`, `-w`
 * and `-x` read the owner's permission bits (the student owns the home and /tmp; the rest is
 * root's and not writable), and the virtual file system has no symbolic links.
 */
export function unaryTest(shell: Shell, op: string, arg: string): boolean {
  if (op === "-z") return arg === "";
  if (op === "-n") return arg !== "";
  if (arg === "" || op === "-L" || op === "-h") return false;
  const path = shell.resolve(arg);
  switch (op) {
    case "-f":
      return shell.fs.isFile(path);
    case "-d":
      return shell.fs.isDir(path);
    case "-s":
      return shell.fs.size(path) > 0;
    // the student owns what chmod can change, and root's skeleton is readable and searchable by all
    case "-r":
      return shell.fs.exists(path) && (shell.fs.mode(path) & 0o400) !== 0;
    case "-w":
      return shell.fs.exists(path) && (shell.fs.mode(path) & 0o200) !== 0 && shell.fs.writableAt(path);
    case "-x":
      return shell.fs.exists(path) && (shell.fs.mode(path) & 0o100) !== 0;
    default:
      return shell.fs.exists(path);
  }
}

/** A fresh line's (or background job's) context: nothing run, counted or expanded yet. */
function newRunContext(
  io: RunIO,
  interrupt: InterruptSource,
  commands: string[][],
  outputs: string[],
  interactive: boolean,
): RunContext {
  return {
    io,
    interrupt,
    commands,
    outputs,
    outputsSize: 0,
    argvSize: 0,
    nextYield: SLICE_STEPS,
    steps: 0,
    output: 0,
    expanded: 0,
    depth: 0,
    interactive,
  };
}

/** Home directories of the image's system accounts (Ubuntu's /etc/passwd), for `~user`. */
const SYSTEM_HOMES: Record<string, string> = {
  root: "/root",
  daemon: "/usr/sbin",
  bin: "/bin",
  sys: "/dev",
  nobody: "/nonexistent",
};

class StopLine extends Error {}

/**
 * An expansion failed (`${v:?}`, an unbound variable under `set -u`, a bad arithmetic or
 * substring): bash abandons the command line it is reading, and a non-interactive shell
 * exits — so a subshell, a pipeline's stage, a `$(…)` or a `bash -c` ends with it, and the line
 * that started it goes on (`( echo ${v:?} ); echo $?` prints 1).
 */
class ExpansionError extends StopLine {}

/** Whether `e` is the line stopping (its budget spent, Ctrl-C): a builtin that catches its own errors rethrows it. */
export function isStopLine(e: unknown): boolean {
  return e instanceof StopLine;
}

/** `[[ x =~ bad( ]]`: status 2, no message (as bash). */
class CondRegexError extends Error {}

/** `return` unwinds to the function call. */
class ReturnSignal extends Error {
  constructor(readonly code: number) {
    super("return");
  }
}

/** Expansions that give unset parameters a value (no `set -u` error for them). */
const SETS_DEFAULT = new Set(["-", ":-", "=", ":=", "+", ":+", "?", ":?", "!keys", "!ref"]);

/** FNV-1 of the UTF-8 bytes, as bash's hash_string. */
function bashHash(s: string): number {
  let h = 2166136261;
  for (const b of new TextEncoder().encode(s)) {
    h = Math.imul(h, 16777619) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h;
}

/**
 * The order bash lists an associative array in: by hash bucket (1024 of them), the newest key
 * first within a bucket.
 */
export function bashHashOrder<T>(entries: [string, T][]): [string, T][] {
  return entries
    .map((e, i) => ({ e, i, b: bashHash(e[0]) & 1023 }))
    .sort((x, y) => x.b - y.b || y.i - x.i)
    .map((x) => x.e);
}

/** `break` / `continue` unwind to the enclosing loop. */
class LoopSignal extends Error {
  constructor(
    readonly kind: "break" | "continue",
    public levels: number,
  ) {
    super(kind);
  }
}

export interface ShellVarsSnapshot {
  vars: Record<string, { value: string; exported: boolean; array?: boolean; assoc?: boolean }>;
  cwd: string;
  history: string[];
  /** Function definitions as typed (`name () { … }`), by name. Absent in older snapshots. */
  functions?: Record<string, string>;
  /** `alias name=value`, by name. Absent in older snapshots. */
  aliases?: Record<string, string>;
  /** `complete` specifications (their words after `complete`), by command name; absent when none. */
  completions?: Record<string, string[]>;
}

/**
 * `registry[name]` for a name a student typed: own entries only, so `valueOf` or `constructor`
 * is "command not found" and not a method of Object.prototype.
 */
export function lookup<T>(registry: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(registry, name) ? registry[name] : undefined;
}

export class Shell {
  readonly vars: VarTable;
  cwd: string;
  oldCwd: string | undefined;
  history: string[] = [];
  private historyBytes = 0;
  lastExit = 0;
  exited = false;
  /** The /dev/fd files of this line's process substitutions (removed when it ends). */
  private procFiles: string[] = [];
  /** `$$`: stable per tab so transcripts are reproducible; a child shell (`bash -c`) has its own. */
  pid: number;
  /** Change these three through `definitions()` (a child shell shares its parent's until then). */
  functions = new Map<string, FunctionDef>();
  aliases = new Map<string, string>();
  /** `complete -F FUNC NAME` and the like: what Tab does after NAME (the words given to `complete`). */
  completions = new Map<string, string[]>();
  /** `$1 …`: the positional parameters. */
  positional: string[] = [];
  /** `$0`: `bash`, or what a child shell was started as (`bash -c CMD NAME`, `sh FILE`). */
  argv0 = "bash";
  /** `trap ACTION SIG`: the actions by signal name (EXIT runs when the shell exits). */
  traps = new Map<string, string>();
  /** The function, alias and trap tables are still the parent shell's (a subshell has not changed them). */
  private definitionsShared = false;
  /**
   * A child shell started as `bash -c`, `sh -c`, `bash FILE` or `sh FILE`: who its messages
   * name and the line of its text it is on (`bash: line 1: `, `sh: 1: `, `s.sh: line 2: `).
   */
  private speaker: (ChildShellName & { line: number }) | undefined;
  /** The states child shells running now began from, outermost first (see toJSON). */
  private readonly openChildren: SubshellState[] = [];
  /** `set -x` marks with one `+` more per `$(…)` inside: counted from the shell's own depth. */
  private traceBase = 0;
  /** Where `getopts` stopped inside a bundle of options (`-ab`). */
  getopsPos = { ind: 0, char: 1 };
  /** `set -e`, `set -u`, `set -x`, `set -o pipefail`. */
  options: ShellFlags = { errexit: false, nounset: false, xtrace: false, pipefail: false };
  /** One frame per running function: the variables `local` shadowed, restored at return. */
  localFrames: Map<string, Var | undefined>[] = [];
  loopDepth = 0;
  /** Files being read by `source` now (`return` may end one). */
  sourcing = 0;

  constructor(readonly opts: ShellOptions) {
    this.vars = new VarTable(opts.varUsage);
    // seeded from the given randomness, else from the given clock (never the host's)
    this.randomState =
      Math.floor((opts.random?.() ?? 0) * 0x7fffffff) || (opts.clock.now() ^ (opts.tab.length * 7919)) >>> 0;
    this.cwd = opts.cwd ?? opts.home;
    this.pid = 1000 + ([...opts.tab].reduce((h, c) => (h * 31 + (c.codePointAt(0) ?? 0)) % 8000, 7) % 8000);
    for (const [k, v] of Object.entries(opts.env)) this.vars.set(k, { value: v, exported: true });
    this.setVar("BASH_VERSION", BASH_VERSION);
    if (opts.bareEnv !== true) {
      this.setVar("PWD", this.cwd, true);
      if (!this.vars.has("HOME")) this.setVar("HOME", opts.home, true);
    }
  }

  /** This shell is dash (`sh -c`, `sh FILE`, a `#!/bin/sh` script): its grammar, builtins and words. */
  get dash(): boolean {
    return this.speaker?.dash === true;
  }

  get fs(): VirtualFs {
    return this.opts.fs;
  }

  /** `$RANDOM`: bash's generator (Park–Miller, folded to 15 bits), so `RANDOM=42` repeats bash's numbers. */
  private randomState = 0;
  private lastRandom = 0;

  private nextRandom(): number {
    for (;;) {
      let last = this.randomState === 0 ? 123459876 : this.randomState;
      const t = 16807 * (last % 127773) - 2836 * Math.floor(last / 127773);
      last = t < 0 ? t + 0x7fffffff : t;
      this.randomState = last;
      const v = ((last >>> 16) ^ (last & 65535)) & 32767;
      // bash never gives the same number twice in a row
      if (v !== this.lastRandom) {
        this.lastRandom = v;
        return v;
      }
    }
  }

  setVar(name: string, value: string, exported?: boolean): void {
    if (name === "RANDOM") {
      this.randomState = Number.parseInt(value, 10) >>> 0 || 0;
      this.lastRandom = 0;
    }
    const prev = this.vars.get(name);
    this.vars.set(name, {
      value: value.slice(0, LIMITS.value),
      exported: exported ?? prev?.exported ?? false,
    });
  }

  getVar(name: string): string | undefined {
    switch (name) {
      case "?":
        return String(this.lastExit);
      case "$":
        return String(this.pid);
      case "#":
        return String(this.positional.length);
      case "0":
        return this.argv0;
      case "@":
      case "*":
        return this.positional.join(" ");
      case "-": {
        const o = this.options;
        const flags = `${o.errexit ? "e" : ""}${this.speaker === undefined ? "him" : "h"}${o.nounset ? "u" : ""}${o.xtrace ? "x" : ""}`;
        const from = this.speaker?.from;
        if (from === undefined) return `${flags}BHs`;
        const mode = from === "command" ? "c" : from === "stdin" ? "s" : "";
        // dash has neither h nor B, and does not show c
        return this.speaker?.dash === true
          ? `${flags.replace("h", "")}${mode === "c" ? "" : mode}`
          : `${flags}B${mode}`;
      }
      case "RANDOM":
        return this.dash ? this.vars.get(name)?.value : String(this.nextRandom());
      default:
        if (/^[1-9][0-9]*$/.test(name)) return this.positional[Number(name) - 1];
        {
          const v = this.vars.get(name);
          if (v?.assoc === true) return this.assocOf(v).get("0");
          if (v?.array === true) return this.arrayOf(v)[0];
          return v?.value;
        }
    }
  }

  arrayOf(v: Var): string[] {
    if (v.array !== true) return [v.value];
    return v.value === "" ? [] : v.value.split("\u0000").map((x) => x.replace(/\u0001/g, ""));
  }

  getArray(name: string): string[] | undefined {
    if (name === "@" || name === "*") return [...this.positional];
    const v = this.vars.get(name);
    if (v?.assoc === true) return bashHashOrder([...this.assocOf(v)]).map(([, x]) => x);
    return v === undefined ? undefined : this.arrayOf(v);
  }

  /** `${!a[@]}`: an associative array's keys in bash's order, an indexed array's indices. */
  arrayKeys(name: string): string[] {
    const v = this.vars.get(name);
    if (v?.assoc === true) return bashHashOrder([...this.assocOf(v)]).map(([k]) => k);
    return (this.getArray(name) ?? []).map((_, i) => String(i));
  }

  isAssoc(name: string): boolean {
    return this.vars.get(name)?.assoc === true;
  }

  /** An associative array's entries in the order they were first set. */
  assocOf(v: Var): Map<string, string> {
    const flat = this.arrayOf(v);
    const m = new Map<string, string>();
    for (let i = 0; i + 1 < flat.length; i += 2) m.set(flat[i] ?? "", flat[i + 1] ?? "");
    return m;
  }

  getAssoc(name: string): Map<string, string> | undefined {
    const v = this.vars.get(name);
    return v?.assoc === true ? this.assocOf(v) : undefined;
  }

  setAssoc(name: string, entries: Map<string, string>): void {
    this.setArray(name, [...entries].flat());
    const v = this.vars.get(name);
    if (v !== undefined) this.vars.setUnchecked(name, { ...v, assoc: true });
  }

  setArray(name: string, items: string[]): void {
    // "\u0001" marks an empty element so that the joined value keeps it
    const value = items.map((x) => (x === "" ? "\u0001" : x)).join("\u0000");
    if (value.length > LIMITS.value)
      throw new ShellLimitError(`${name}: array over ${LIMITS.value / 1024} KiB`);
    this.vars.set(name, { value, exported: false, array: true });
  }

  exportedEnv(extra?: Map<string, string>): Map<string, string> {
    const env = new Map<string, string>();
    for (const [k, v] of this.vars) if (v.exported && v.array !== true) env.set(k, v.value);
    if (extra !== undefined) for (const [k, v] of extra) env.set(k, v);
    return env;
  }

  displayCwd(): string {
    const home = this.opts.home;
    if (this.cwd === home) return "~";
    if (home !== "/" && this.cwd.startsWith(`${home}/`)) return `~${this.cwd.slice(home.length)}`;
    return this.cwd;
  }

  prompt(tty: boolean): string {
    const who = `${this.opts.user}@${this.opts.host}`;
    const sign = this.opts.user === "root" ? "#" : "$";
    if (tty && this.opts.colourPrompt)
      return `\x1b[01;32m${who}\x1b[00m:\x1b[01;34m${this.displayCwd()}\x1b[00m${sign} `;
    return `${who}:${this.displayCwd()}${sign} `;
  }

  completePath(prefix: string): string[] {
    const slash = prefix.lastIndexOf("/");
    const dirPart = slash >= 0 ? prefix.slice(0, slash + 1) : "";
    const base = slash >= 0 ? prefix.slice(slash + 1) : prefix;
    const names = this.fs.list(this.resolve(dirPart === "" ? "." : dirPart));
    if (!Array.isArray(names)) return [];
    const dir = this.resolve(dirPart === "" ? "." : dirPart);
    return names
      .filter((n) => n.startsWith(base) && (base.startsWith(".") || !n.startsWith(".")))
      .map((n) => `${dirPart}${n}${this.fs.isDir(`${dir === "/" ? "" : dir}/${n}`) ? "/" : ""}`);
  }

  resolve(path: string): string {
    return resolvePath(this.cwd, path, this.opts.home);
  }

  /**
   * The tab's state to keep: its own, never a child shell's that runs now (a snapshot taken
   * while `bash -c 'cd /tmp; sleep 60'` or `( … )` runs keeps what the tab itself has).
   */
  toJSON(): ShellVarsSnapshot {
    const own = this.openChildren[0];
    const vars: ShellVarsSnapshot["vars"] = {};
    for (const [k, v] of this.vars.outermost())
      if (k !== "BASH_VERSION" || v.value !== BASH_VERSION || v.exported) vars[k] = { ...v };
    const functions: Record<string, string> = {};
    for (const [k, f] of own?.functions ?? this.functions)
      if (f.source !== undefined) functions[k] = f.source;
    return {
      vars,
      cwd: own?.cwd ?? this.cwd,
      history: [...(own?.history ?? this.history)],
      functions,
      aliases: Object.fromEntries(own?.aliases ?? this.aliases),
      ...((own?.completions ?? this.completions).size > 0
        ? { completions: Object.fromEntries(own?.completions ?? this.completions) }
        : {}),
    };
  }

  restore(s: ShellVarsSnapshot): void {
    this.definitions();
    this.vars.clear();
    this.setVar("BASH_VERSION", BASH_VERSION);
    for (const [k, v] of Object.entries(s.vars)) {
      try {
        const value = String(v.value).slice(0, LIMITS.value);
        const kind =
          v.assoc === true ? { array: true, assoc: true } : v.array === true ? { array: true } : {};
        this.vars.set(k, { value, exported: !!v.exported, ...kind });
      } catch (e) {
        // a snapshot saved before the totals were bounded: keep what fits
        if (!(e instanceof ShellLimitError)) throw e;
      }
    }
    if (this.fs.isDir(s.cwd)) this.cwd = s.cwd;
    this.history = [];
    for (const line of s.history.slice(-LIMITS.history)) this.addHistory(String(line));
    this.restoreDefinitions(s);
  }

  /** Functions and aliases of a snapshot, within the same bounds as typing them. */
  private restoreDefinitions(s: ShellVarsSnapshot): void {
    this.functions.clear();
    this.aliases.clear();
    this.completions.clear();
    for (const [name, words] of Object.entries(s.completions ?? {})) {
      if (this.completions.size >= LIMITS.definitions || !Array.isArray(words)) break;
      const spec = words.slice(0, 16).map((w) => String(w).slice(0, 256));
      if (this.definitionFits(0, name.length + spec.join(" ").length))
        this.completions.set(name.slice(0, 256), spec);
    }
    for (const [name, source] of Object.entries(s.functions ?? {})) {
      const text = String(source);
      if (this.functions.size >= LIMITS.definitions || !this.definitionFits(0, text.length)) break;
      let parsed: Script;
      try {
        parsed = parseScript(text);
      } catch {
        continue; // a definition this version cannot read is dropped, not fatal
      }
      const cmd = parsed.length === 1 ? parsed[0]?.first.commands : undefined;
      const fn = cmd?.length === 1 && parsed[0]?.rest.length === 0 ? cmd[0] : undefined;
      if (fn?.kind === "func" && fn.name === name) this.functions.set(name, fn);
    }
    for (const [name, value] of Object.entries(s.aliases ?? {})) {
      const text = String(value).slice(0, LIMITS.aliasBytes);
      if (this.aliases.size >= LIMITS.definitions || !this.definitionFits(0, name.length + text.length))
        break;
      this.aliases.set(name, text);
    }
  }

  /** Bytes of this tab's function and alias text (each table holds at most 512). */
  private definitionsSize(): number {
    let n = 0;
    for (const f of this.functions.values()) n += f.source?.length ?? 0;
    for (const [k, v] of this.aliases) n += k.length + v.length;
    for (const [k, v] of this.completions) n += k.length + v.join(" ").length;
    return n;
  }

  /** Whether replacing `oldBytes` of definitions by `newBytes` stays within LIMITS.definitionBytes. */
  definitionFits(oldBytes: number, newBytes: number): boolean {
    return this.definitionsSize() - oldBytes + newBytes <= LIMITS.definitionBytes;
  }

  /** `trap … EXIT`: runs once, as the shell exits, with `$?` the exit status. */
  private async runExitTrap(status: number, io: RunIO, ctx: RunContext): Promise<void> {
    const action = this.traps.get("EXIT");
    this.definitions().traps.delete("EXIT");
    if (action === undefined || action === "") return;
    const code = ctx.exitRequested;
    delete ctx.exitRequested;
    this.lastExit = status;
    try {
      await this.runScript(
        parseScript(action),
        {
          stdin: "",
          out: (c) => this.emit(ctx, io.stdout, c),
          err: (c) => this.emit(ctx, io.stderr, c),
          outIsTerminal: true,
        },
        ctx,
      );
    } catch (e) {
      if (e instanceof ShellSyntaxError) io.stderr(`bash: ${e.message}\n`);
      else if (!(e instanceof StopLine || e instanceof ShellLimitError)) throw e;
    } finally {
      ctx.exitRequested = code;
    }
  }

  // ---- running a line ----

  incomplete(text: string): boolean {
    try {
      parseScript(text);
      return false;
    } catch (e) {
      return e instanceof IncompleteInput;
    }
  }

  async run(line: string, io: RunIO): Promise<RunResult> {
    const ctx = newRunContext(io, new InterruptSource(io.interrupt), [], [], io.interactive === true);
    if (line.trim() !== "") this.addHistory(line);
    const terminalOut: Sink = (c) => this.emit(ctx, io.stdout, c);
    const terminalErr: Sink = (c) => this.emit(ctx, io.stderr, c);
    let status: number;
    try {
      const script = parseScript(line.replace(/\n+$/, ""));
      status = await this.runScript(
        script,
        { stdin: "", out: terminalOut, err: terminalErr, outIsTerminal: true },
        ctx,
      );
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        io.stderr(`bash: ${e.message}\n`);
        status = 2;
      } else if (e instanceof ShellLimitError) {
        io.stderr(`bash: ${e.message}\n`);
        status = 1;
      } else if (e instanceof StopLine) {
        status = ctx.exitRequested ?? (ctx.interrupt.interrupted ? 130 : 1);
      } else {
        io.stderr(`bash: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
        status = 1;
      }
    }
    if (ctx.abort !== undefined) {
      io.stderr(`\nbash: ${ctx.abort}\n`);
      status = 1;
    } else if (ctx.exitRequested === undefined && ctx.interrupt.interrupted && status === 0) status = 130;
    if (ctx.exitRequested !== undefined) {
      status = ctx.exitRequested;
      await this.runExitTrap(status, io, ctx);
      this.exited = true;
      this.opts.jobs.stopTab(this.opts.tab);
    }
    for (const note of this.opts.jobs.reap(this.opts.tab)) io.stderr(`${note}\n`);
    for (const path of this.procFiles) this.fs.unseed(path);
    this.procFiles = [];
    this.lastExit = status;
    return {
      exitCode: status,
      commands: ctx.commands.map((c) => [...c]),
      outputs: ctx.commands.map((_, i) => ctx.outputs[i] ?? ""),
    };
  }

  private addHistory(line: string): void {
    const entry = line.replace(/\n+$/, "");
    if (entry.startsWith(" ")) return;
    if (this.history[this.history.length - 1] === entry) return;
    this.history.push(entry);
    this.historyBytes += entry.length;
    let drop = 0;
    while (
      this.history.length - drop > LIMITS.history ||
      (this.historyBytes > WORKSTATION_LIMITS.historyBytes && this.history.length - drop > 1)
    ) {
      this.historyBytes -= (this.history[drop] ?? "").length;
      drop++;
    }
    if (drop > 0) this.history.splice(0, drop);
  }

  private emit(ctx: RunContext, sink: Sink, chunk: string): void {
    if (ctx.abort !== undefined || chunk === "") return;
    ctx.output += chunk.length;
    if (ctx.output > LIMITS.output) {
      this.abort(ctx, `output limit reached (${LIMITS.output / 1024} KiB per command line); stopped`);
      return;
    }
    sink(chunk);
  }

  private abort(ctx: RunContext, why: string): void {
    if (ctx.abort === undefined) ctx.abort = why;
    ctx.interrupt.fire("budget");
  }

  /** Charges `cost` steps of the line's budget; past it the line stops. */
  /**
   * Between slices of a line's work (SLICE_MS of the host's clock) the line lets the host's
   * other work run (Scheduler.yieldNow), so a line that spends its whole budget does not hold
   * the event loop for the others.
   */
  private async pace(ctx: RunContext): Promise<void> {
    if (ctx.steps < ctx.nextYield) return;
    ctx.nextYield = ctx.steps + SLICE_STEPS;
    const yieldNow = this.opts.scheduler.yieldNow;
    if (yieldNow === undefined) return;
    // a slice ends after SLICE_MS of the host's time (checked every SLICE_STEPS steps)
    const now = this.opts.clock.now();
    ctx.sliceStart ??= now;
    if (now - ctx.sliceStart < SLICE_MS) return;
    // the host charges the slice's work to the student (server/slices.ts: a CPU limit per student)
    await yieldNow(now - ctx.sliceStart);
    ctx.sliceStart = this.opts.clock.now();
    if (ctx.interrupt.interrupted || ctx.exitRequested !== undefined) throw new StopLine();
  }

  private step(ctx: RunContext, cost = 1): void {
    ctx.steps += cost;
    if (ctx.steps > LIMITS.steps) this.abort(ctx, `more than ${LIMITS.steps} commands on one line; stopped`);
    if (ctx.interrupt.interrupted || ctx.exitRequested !== undefined) throw new StopLine();
  }

  /** Charges `steps` of the line's budget for a builtin's own work (grep's matching); past it the line stops. */
  work(ctx: RunContext, steps: number): void {
    this.step(ctx, steps);
  }

  /**
   * The line's budget as a regular expression or a shell pattern spends it: every pattern a
   * student types (grep, sed, awk, `=~`, expr, jq, a JSONPath filter, `case`, `${v//p/r}`, a
   * glob) charges its compiling and matching here before doing it, so a huge or hostile
   * pattern stops with the budget's message instead of holding the event loop (ADR 0036).
   */
  regexCost(ctx: RunContext): RegexCost {
    return regexCost((n) => this.step(ctx, n));
  }

  /** Stops the line now because a bound was reached (builtins call it before doing the work). */
  limit(ctx: RunContext, why: string): never {
    this.abort(ctx, why);
    throw new StopLine();
  }

  /** Counts `bytes` of expansion: one word ≤ LIMITS.value, the line ≤ LIMITS.expansion. */
  private expanded(ctx: RunContext, word: number, bytes: number): void {
    if (word > LIMITS.value)
      this.limit(ctx, `expansion over ${LIMITS.value / 1024} KiB in one word; stopped`);
    const before = Math.floor(ctx.expanded / BYTES_PER_STEP);
    ctx.expanded += bytes;
    if (ctx.expanded > LIMITS.expansion)
      this.limit(ctx, `expansions over ${LIMITS.expansion / 1024 / 1024} MiB on one line; stopped`);
    const steps = Math.floor(ctx.expanded / BYTES_PER_STEP) - before;
    if (steps > 0) this.step(ctx, steps);
  }

  async runScript(script: Script, streams: Streams, ctx: RunContext): Promise<number> {
    let status = this.lastExit;
    for (const item of script) {
      if (ctx.interrupt.interrupted || ctx.exitRequested !== undefined) throw new StopLine();
      if (this.speaker !== undefined && item.line !== undefined) this.speaker.line = item.line;
      if (item.background) {
        status = this.startJob(item, streams, ctx);
      } else {
        ctx.errexitExempt = false;
        status = await this.runAndOr(item, streams, ctx);
        // `set -e`: not in a condition, not before && or ||, not after `!`
        if (status !== 0 && this.options.errexit && !ctx.errexitExempt && (ctx.conditions ?? 0) === 0) {
          this.lastExit = status;
          this.requestExit(ctx, status);
        }
      }
      this.lastExit = status;
    }
    return status;
  }

  /** Runs the condition of `if`/`while`/`until`, where `set -e` does not apply. */
  private async runCondition(script: Script, streams: Streams, ctx: RunContext): Promise<number> {
    ctx.conditions = (ctx.conditions ?? 0) + 1;
    try {
      return await this.runScript(script, streams, ctx);
    } finally {
      ctx.conditions--;
    }
  }

  /**
   * A copy of this shell for a background job, which bash runs in a forked process: it begins
   * with everything this shell has (unexported variables, functions and aliases included), and
   * nothing it changes reaches the tab, nor does the tab's later typing reach it. (Run on this
   * shell, `bash -c 'sleep 9' &` hid the tab's variables and aliases while it slept, and
   * `( cd /tmp; sleep 9 ) &` moved the tab and undid its `cd`s when it ended.) Its variables
   * count apart from the tab's (ShellOptions.varUsage): it is not kept in the snapshot.
   */
  private fork(ctx: RunContext): Shell {
    const { random: _seeded, varUsage: _counted, ...opts } = this.opts;
    const child = new Shell({ ...opts, cwd: this.cwd, env: {}, bareEnv: true });
    this.step(ctx, Math.floor(this.vars.size / HIDDEN_VARS_PER_STEP));
    for (const [k, v] of this.vars) child.vars.setUnchecked(k, v);
    const own = this.state();
    // its own tables and lists: the tab goes on changing its own in place
    child.setState({
      ...own,
      functions: new Map(own.functions),
      aliases: new Map(own.aliases),
      completions: new Map(own.completions),
      traps: new Map(own.traps),
      definitionsShared: false,
      history: [...own.history],
      localFrames: [...own.localFrames],
      loopDepth: 0,
      sourcing: 0,
      exited: false,
    });
    child.lastExit = this.lastExit;
    child.randomState = this.randomState;
    child.lastRandom = this.lastRandom;
    return child;
  }

  private startJob(item: AndOr, streams: Streams, ctx: RunContext): number {
    const fg = { ...item, background: false };
    const jobs = this.opts.jobs;
    const shell = this.fork(ctx);
    const job = jobs.start(this.opts.tab, item.source, async (interrupt) => {
      // a background job is a child shell: its own budgets, the line's command record
      const jobCtx = newRunContext(ctx.io, interrupt, ctx.commands, ctx.outputs, false);
      const out: Sink = (c) => this.emit(jobCtx, streams.out, c);
      const err: Sink = (c) => this.emit(jobCtx, streams.err, c);
      try {
        return await shell.runAndOr(fg, { stdin: "", out, err, outIsTerminal: false }, jobCtx);
      } catch (e) {
        if (e instanceof StopLine) return interrupt.interrupted ? 130 : 1;
        if (e instanceof ShellSyntaxError) return 2;
        return 1;
      }
    });
    // bash gives up on the whole line when it cannot fork (throw_to_top_level)
    if (job === undefined) throw new ShellLimitError("fork: Resource temporarily unavailable");
    // job control is the interactive shell's: a subshell's or a child shell's job is neither
    // announced nor reported when it ends
    if (this.openChildren.length === 0) streams.err(`[${job.id}] ${job.pid}\n`);
    else job.reported = true;
    this.setVar("!", String(job.pid));
    return 0;
  }

  private async runAndOr(item: AndOr, streams: Streams, ctx: RunContext): Promise<number> {
    let status = await this.runListed(item.first, item.rest.length > 0, streams, ctx);
    // the status is the last pipeline's only if that one ran
    let fromLast = item.rest.length === 0;
    for (let i = 0; i < item.rest.length; i++) {
      const { op, pipeline } = item.rest[i] as AndOr["rest"][number];
      this.lastExit = status;
      if (ctx.interrupt.interrupted) throw new StopLine();
      if ((op === "&&" && status === 0) || (op === "||" && status !== 0)) {
        const last = i === item.rest.length - 1;
        status = await this.runListed(pipeline, !last, streams, ctx);
        fromLast = last;
      }
    }
    const lastPipeline = item.rest.length === 0 ? item.first : item.rest[item.rest.length - 1]?.pipeline;
    ctx.errexitExempt = !fromLast || lastPipeline?.negate === true;
    return status;
  }

  /** A pipeline of an && / || list: those before the last are conditions for `set -e`. */
  private async runListed(
    p: Pipeline,
    condition: boolean,
    streams: Streams,
    ctx: RunContext,
  ): Promise<number> {
    if (!condition && !p.negate) return this.runPipeline(p, streams, ctx);
    ctx.conditions = (ctx.conditions ?? 0) + 1;
    try {
      return await this.runPipeline(p, streams, ctx);
    } finally {
      ctx.conditions--;
    }
  }

  private async runPipeline(p: Pipeline, streams: Streams, ctx: RunContext): Promise<number> {
    let status: number;
    if (p.commands.length === 1) {
      const only = p.commands[0];
      status = only === undefined ? 0 : await this.runCommand(only, streams, ctx, true);
    } else {
      let stdin = streams.stdin;
      status = 0;
      let failed = 0;
      for (let i = 0; i < p.commands.length; i++) {
        const cmd = p.commands[i];
        if (cmd === undefined) continue;
        const last = i === p.commands.length - 1;
        if (last) {
          status = await this.inSubshell(() =>
            this.runCommand(cmd, { ...streams, stdin, cursor: { pos: 0 } }, ctx, false),
          );
        } else {
          let buf = "";
          const pipeOut: Sink = (c) => {
            ctx.output += c.length;
            if (ctx.output > LIMITS.output || buf.length + c.length > LIMITS.value) {
              this.abort(ctx, `pipe buffer limit reached (${LIMITS.value / 1024} KiB); stopped`);
              return;
            }
            buf += c;
          };
          status = await this.inSubshell(() =>
            this.runCommand(
              cmd,
              {
                stdin,
                cursor: i === 0 ? streams.cursor : { pos: 0 },
                out: pipeOut,
                err: streams.err,
                outIsTerminal: false,
              },
              ctx,
              false,
            ),
          );
          if (ctx.interrupt.interrupted) throw new StopLine();
          stdin = buf;
        }
        if (status !== 0) failed = status;
      }
      // `set -o pipefail`: the last command that failed decides
      if (this.options.pipefail && status === 0) status = failed;
    }
    return p.negate ? (status === 0 ? 1 : 0) : status;
  }

  private async runCommand(cmd: Command, streams: Streams, ctx: RunContext, alone: boolean): Promise<number> {
    if (cmd.kind === "simple") return this.runSimple(cmd, streams, ctx, alone);
    const redirected = await this.applyRedirects(cmd.redirects, streams, ctx);
    if (typeof redirected === "number") return redirected;
    const s = redirected;
    switch (cmd.kind) {
      case "group": {
        if (!cmd.subshell) return this.runScript(cmd.body, s, ctx);
        return this.inSubshell(() => this.runChild(cmd.body, s, ctx));
      }
      case "while": {
        let status = 0;
        for (;;) {
          this.step(ctx);
          await this.pace(ctx);
          const c = await this.runCondition(cmd.cond, s, ctx);
          if ((c === 0) === cmd.until) break;
          const r = await this.loopBody(cmd.body, s, ctx);
          status = r.status;
          if (r.stop) break;
          // A loop that never awaits would starve Ctrl-C; yield to the host once in a while.
          if (ctx.steps % 64 === 0) await Promise.resolve();
        }
        return status;
      }
      case "for": {
        let status = 0;
        const items: string[] = [];
        for (const w of cmd.items) items.push(...(await this.expandFull(w, ctx)));
        for (const v of items) {
          this.step(ctx);
          await this.pace(ctx);
          this.setVar(cmd.name, v);
          const r = await this.loopBody(cmd.body, s, ctx);
          status = r.status;
          if (r.stop) break;
        }
        return status;
      }
      case "cfor": {
        let status = 0;
        if (cmd.init.trim() !== "") await this.arith(cmd.init, ctx);
        for (;;) {
          this.step(ctx);
          if (cmd.cond.trim() !== "" && (await this.arith(cmd.cond, ctx)) === 0) break;
          const r = await this.loopBody(cmd.body, s, ctx);
          status = r.status;
          if (r.stop) break;
          if (cmd.step.trim() !== "") await this.arith(cmd.step, ctx);
          if (ctx.steps % 64 === 0) await Promise.resolve();
        }
        return status;
      }
      case "arith":
        return (await this.arith(cmd.expr, ctx)) === 0 ? 1 : 0;
      case "func": {
        if (this.functions.size >= LIMITS.definitions && !this.functions.has(cmd.name))
          throw new ShellLimitError(
            `${cmd.name}: cannot define function: at most ${LIMITS.definitions} functions`,
          );
        if (!this.definitionFits(this.functions.get(cmd.name)?.source?.length ?? 0, cmd.source?.length ?? 0))
          throw new ShellLimitError(
            `${cmd.name}: cannot define function: definitions are limited to ${LIMITS.definitionBytes / 1024} KiB`,
          );
        this.definitions().functions.set(cmd.name, cmd);
        return 0;
      }
      case "case":
        return this.runCase(cmd, s, ctx);
      case "cond": {
        const r = await this.evalCond(cmd, ctx, s);
        return r;
      }
      case "if": {
        for (const clause of cmd.clauses) {
          if ((await this.runCondition(clause.cond, s, ctx)) === 0)
            return this.runScript(clause.body, s, ctx);
        }
        return cmd.otherwise === undefined ? 0 : this.runScript(cmd.otherwise, s, ctx);
      }
    }
  }

  private async loopBody(
    body: Script,
    s: Streams,
    ctx: RunContext,
  ): Promise<{ status: number; stop: boolean }> {
    this.loopDepth++;
    try {
      return { status: await this.runScript(body, s, ctx), stop: false };
    } catch (e) {
      if (!(e instanceof LoopSignal)) throw e;
      if (e.levels > 1) {
        e.levels--;
        throw e;
      }
      return { status: 0, stop: e.kind === "break" };
    } finally {
      this.loopDepth--;
    }
  }

  /** `break`/`continue` from the builtins. */
  loopControl(kind: "break" | "continue", levels: number): never {
    throw new LoopSignal(kind, levels);
  }

  /** `return` from the builtin. */
  returnFromFunction(code: number): never {
    throw new ReturnSignal(code);
  }

  /** Evaluates `expr` as `(( ))` does; stops the line with bash's message on an error. */
  async arith(expr: string, ctx: RunContext): Promise<number> {
    this.step(ctx);
    const expanded = await this.expandArithText(expr, ctx);
    const r = evalArith(
      expanded,
      (n) => this.getVar(n),
      (n, v) => this.setVar(n, String(v)),
    );
    if (typeof r === "string") {
      ctx.io.stderr(this.diagnostic(`bash: ${expr.trimStart()}: ${r}\n`));
      throw new StopLine();
    }
    return r;
  }

  private async runCase(cmd: CaseCommand, s: Streams, ctx: RunContext): Promise<number> {
    // bash traces the word as typed
    if (this.options.xtrace) s.err(`${"+".repeat(ctx.depth - this.traceBase + 1)} case ${cmd.word.raw} in\n`);
    const value = (await this.expandWord(cmd.word, ctx, false)).join("");
    for (const item of cmd.items) {
      for (const p of item.patterns) {
        const pat = await this.expandPattern(p, ctx);
        if (globMatch(pat, value, this.regexCost(ctx))) return this.runScript(item.body, s, ctx);
      }
    }
    return 0;
  }

  /** `[[ … ]]`: 0 true, 1 false, 2 on a syntax error. */
  private async evalCond(cmd: CondCommand, ctx: RunContext, s: Streams): Promise<number> {
    const toks = cmd.tokens;
    let i = 0;
    const opAt = (k: number): string | undefined => {
      const t = toks[k];
      return t !== undefined && "op" in t ? t.op : undefined;
    };
    const wordText = async (k: number): Promise<string> => {
      const t = toks[k];
      if (t === undefined) return "";
      if ("op" in t) return t.op;
      return (await this.expandWord(t.word, ctx, false)).join("");
    };
    const fail = (near: string): never => {
      throw new ShellSyntaxError(
        near === ""
          ? "syntax error in conditional expression"
          : `syntax error in conditional expression: unexpected token \`${near}'`,
      );
    };
    const BINARY = new Set(["==", "=", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">", "=~"]);
    const primary = async (): Promise<boolean> => {
      const op = opAt(i);
      if (op === "!") {
        i++;
        return !(await primary());
      }
      if (op === "(") {
        i++;
        const v = await orExpr();
        if (opAt(i) !== ")") fail(opAt(i) ?? "");
        i++;
        return v;
      }
      if (op !== undefined && UNARY_TESTS.has(op) && i + 1 < toks.length && !BINARY.has(opAt(i + 1) ?? "")) {
        i++;
        return unaryTest(this, op, await wordText(i++));
      }
      if (i >= toks.length) fail("");
      const leftTok = toks[i];
      const left = await wordText(i++);
      const bop = opAt(i);
      if (bop === undefined || !BINARY.has(bop)) {
        if (leftTok !== undefined && "op" in leftTok && !["!", "(", ")"].includes(leftTok.op)) {
          if (UNARY_TESTS.has(leftTok.op) || BINARY.has(leftTok.op)) return true;
          fail(leftTok.op);
        }
        return left !== "";
      }
      i++;
      const rightTok = toks[i++];
      if (rightTok === undefined) fail("");
      if (bop === "==" || bop === "=" || bop === "!=") {
        const pat =
          rightTok !== undefined && "word" in rightTok
            ? await this.expandPattern(rightTok.word, ctx)
            : escapeGlob(rightTok !== undefined && "op" in rightTok ? rightTok.op : "");
        const m = globMatch(pat, left, this.regexCost(ctx));
        return bop === "!=" ? !m : m;
      }
      if (bop === "=~") {
        const re =
          rightTok !== undefined && "word" in rightTok ? await this.expandRegex(rightTok.word, ctx) : "";
        try {
          const rx = compilePosix(re, { extended: true, capture: true, cost: this.regexCost(ctx) });
          const m = rx.exec(left);
          if (m === undefined) {
            this.vars.delete("BASH_REMATCH");
            return false;
          }
          this.setArray(
            "BASH_REMATCH",
            m.groups.map((g) => g ?? ""),
          );
          return true;
        } catch (e) {
          if (e instanceof RegexSyntaxError) throw new CondRegexError();
          throw e;
        }
      }
      const right =
        rightTok !== undefined && "word" in rightTok
          ? (await this.expandWord(rightTok.word, ctx, false)).join("")
          : "";
      if (bop === "<") return left < right;
      if (bop === ">") return left > right;
      const a = await this.arith(left === "" ? "0" : left, ctx);
      const b = await this.arith(right === "" ? "0" : right, ctx);
      return INTEGER_TESTS[bop]?.(a, b) ?? false;
    };
    const andExpr = async (): Promise<boolean> => {
      let v = await primary();
      while (opAt(i) === "&&") {
        i++;
        const r = await primary();
        v = v && r;
      }
      return v;
    };
    const orExpr = async (): Promise<boolean> => {
      let v = await andExpr();
      while (opAt(i) === "||") {
        i++;
        const r = await andExpr();
        v = v || r;
      }
      return v;
    };
    try {
      if (toks.length === 0) fail("");
      const v = await orExpr();
      if (i < toks.length) fail(opAt(i) ?? "");
      return v ? 0 : 1;
    } catch (e) {
      if (e instanceof CondRegexError) return 2;
      if (e instanceof ShellSyntaxError) {
        s.err(this.diagnostic(`bash: ${e.message}\n`));
        return 2;
      }
      throw e;
    }
  }

  /** A word as a shell pattern: quoted characters escaped, unquoted ones active. */
  async expandPattern(word: Word, ctx: RunContext): Promise<string> {
    let out = "";
    for (const part of word.parts) {
      if (part.kind === "lit") out += part.quoted ? escapeGlob(part.text) : part.text;
      else {
        const v = (await this.expandWord({ parts: [part], raw: "" }, ctx, false)).join("");
        out += part.quoted ? escapeGlob(v) : v;
      }
    }
    return out;
  }

  /** The right side of `=~`: quoted parts match literally. */
  private async expandRegex(word: Word, ctx: RunContext): Promise<string> {
    let out = "";
    for (const part of word.parts) {
      const v =
        part.kind === "lit"
          ? part.text
          : (await this.expandWord({ parts: [part], raw: "" }, ctx, false)).join("");
      out += part.quoted ? v.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&") : v;
    }
    return out;
  }

  /** Runs a shell function with `argv` as its positional parameters. */
  async callFunction(fn: FunctionDef, argv: string[], s: Streams, ctx: RunContext): Promise<number> {
    if (this.localFrames.length >= LIMITS.funcDepth) {
      s.err(
        this.diagnostic(`bash: ${fn.name}: maximum function nesting level exceeded (${LIMITS.funcDepth})\n`),
      );
      throw new StopLine();
    }
    const savedPositional = this.positional;
    this.positional = argv.slice(1);
    const frame = new Map<string, Var | undefined>();
    this.localFrames.push(frame);
    const loopDepth = this.loopDepth;
    this.loopDepth = 0;
    try {
      return await this.runCommand(fn.body, s, ctx, false);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.code;
      throw e;
    } finally {
      this.loopDepth = loopDepth;
      this.localFrames.pop();
      for (const [k, prev] of frame) {
        if (prev === undefined) this.vars.delete(k);
        else this.vars.setUnchecked(k, prev);
      }
      this.positional = savedPositional;
    }
  }

  /** `local NAME[=VALUE]`: shadows NAME until the function returns. */
  declareLocal(name: string): boolean {
    const frame = this.localFrames[this.localFrames.length - 1];
    if (frame === undefined) return false;
    if (!frame.has(name)) {
      const prev = this.vars.get(name);
      frame.set(name, prev === undefined ? undefined : { ...prev });
    }
    return true;
  }

  /** Brace expansion, then expansion, splitting and globbing: the fields of a command word. */
  async expandFull(word: Word, ctx: RunContext): Promise<string[]> {
    let words: Word[];
    try {
      words = this.dash ? [word] : braceExpand(word, LIMITS.words);
    } catch (e) {
      if (e instanceof BraceLimitError) this.limit(ctx, `${e.message}; stopped`);
      throw e;
    }
    if (words.length > 1) this.step(ctx, Math.floor(words.length / 64));
    const out: string[] = [];
    for (const w of words) out.push(...(await this.expandWord(w, ctx, true, true)));
    return out;
  }

  /** Paths matching an escaped pattern, sorted; [] when none. `cost`: the line's budget. */
  glob(pattern: string, cost?: RegexCost): string[] {
    const abs = pattern.startsWith("/");
    const segs = pattern.split("/").filter((x, i) => x !== "" || i === 0);
    let paths: string[] = [abs ? "" : "."];
    for (let i = abs ? 1 : 0; i < segs.length; i++) {
      const seg = segs[i] ?? "";
      const next: string[] = [];
      for (const base of paths) {
        const dir = base === "" ? "/" : base === "." ? this.cwd : this.resolve(base);
        if (!hasGlob(seg)) {
          const lit = unescapeGlob(seg);
          const p = base === "" ? `/${lit}` : base === "." ? lit : `${base}/${lit}`;
          if (this.fs.exists(this.resolve(p))) next.push(p);
          continue;
        }
        const names = this.fs.list(dir);
        if (!Array.isArray(names)) continue;
        for (const n of names) {
          if (n.startsWith(".") && !seg.startsWith(".") && !seg.startsWith("\\.")) continue;
          if (globMatch(seg, n, cost)) next.push(base === "" ? `/${n}` : base === "." ? n : `${base}/${n}`);
        }
        if (next.length > LIMITS.words) break;
      }
      paths = next;
      if (paths.length === 0) return [];
    }
    return paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * Runs `( … )` or a pipeline stage as bash does, in a child shell: its variables and cwd do
   * not stay, and a failed expansion ends only it (status 1).
   */
  private async inSubshell(run: () => Promise<number>): Promise<number> {
    const saved = this.saveSubshell();
    try {
      return await run();
    } catch (e) {
      if (e instanceof ExpansionError) return 1;
      throw e;
    } finally {
      this.restoreSubshell(saved);
    }
  }

  /**
   * A child shell begins (`( … )`, `$(…)`, a pipeline's stage, `bash -c`): what it may change is
   * noted so that `restoreSubshell` gives the parent its own state back. Variables are noted at
   * their first change (VarTable frames); the function, alias and trap tables are shared until
   * the child first changes one (`definitions()`), so beginning a child costs the same however
   * many the parent has.
   */
  private saveSubshell(): SubshellState {
    const saved: SubshellState = { vars: this.vars.beginFrame(), ...this.state() };
    this.definitionsShared = true;
    this.openChildren.push(saved);
    return saved;
  }

  private restoreSubshell(saved: SubshellState): void {
    const i = this.openChildren.indexOf(saved);
    if (i >= 0) this.openChildren.splice(i, 1);
    this.vars.endFrame(saved.vars);
    this.setState(saved);
  }

  /** What a child shell may change besides variables, as it is now (copies of what changes in place). */
  private state(): ShellState {
    return {
      cwd: this.cwd,
      oldCwd: this.oldCwd,
      options: { ...this.options },
      positional: this.positional,
      argv0: this.argv0,
      functions: this.functions,
      aliases: this.aliases,
      completions: this.completions,
      traps: this.traps,
      definitionsShared: this.definitionsShared,
      history: this.history,
      historyBytes: this.historyBytes,
      localFrames: this.localFrames,
      loopDepth: this.loopDepth,
      sourcing: this.sourcing,
      getopsPos: { ...this.getopsPos },
      speaker: this.speaker === undefined ? undefined : { ...this.speaker },
      traceBase: this.traceBase,
      exited: this.exited,
    };
  }

  private setState(s: ShellState): void {
    this.cwd = s.cwd;
    this.oldCwd = s.oldCwd;
    this.options = s.options;
    this.positional = s.positional;
    this.argv0 = s.argv0;
    this.functions = s.functions;
    this.aliases = s.aliases;
    this.completions = s.completions;
    this.traps = s.traps;
    this.definitionsShared = s.definitionsShared;
    this.history = s.history;
    this.historyBytes = s.historyBytes;
    this.localFrames = s.localFrames;
    this.loopDepth = s.loopDepth;
    this.sourcing = s.sourcing;
    this.getopsPos = s.getopsPos;
    this.speaker = s.speaker;
    this.traceBase = s.traceBase;
    this.exited = s.exited;
  }

  /**
   * The function, alias and trap tables, to change: a child shell still sharing its parent's
   * gets its own copies first (every change to them goes through here).
   */
  definitions(): {
    functions: Map<string, FunctionDef>;
    aliases: Map<string, string>;
    completions: Map<string, string[]>;
    traps: Map<string, string>;
  } {
    if (this.definitionsShared) {
      this.functions = new Map(this.functions);
      this.aliases = new Map(this.aliases);
      this.completions = new Map(this.completions);
      this.traps = new Map(this.traps);
      this.definitionsShared = false;
    }
    return this;
  }

  /** `history -c`: a child shell's clearing leaves its parent's list alone. */
  clearHistory(): void {
    this.history = [];
    this.historyBytes = 0;
  }

  private async runSimple(
    cmd: SimpleCommand,
    streams: Streams,
    ctx: RunContext,
    alone: boolean,
  ): Promise<number> {
    this.step(ctx);
    await this.pace(ctx);
    const procMark = this.procFiles.length;
    let words = cmd.words;
    const first = words[0]?.parts;
    if (
      first?.length === 1 &&
      first[0]?.kind === "lit" &&
      !first[0].quoted &&
      this.aliases.has(first[0].text)
    ) {
      const expansion = this.aliasWords(first[0].text);
      if (expansion !== undefined) words = [...expansion, ...words.slice(1)];
    }
    const assigns: [string, string][] = [];
    const arrays: { name: string; items: string[]; entries?: Map<string, string>; append: boolean }[] = [];
    const declaresAssoc =
      ["declare", "local", "typeset"].includes(words[0]?.raw ?? "") &&
      words.some((w) => /^-[a-zA-Z]*A/.test(w.raw));
    for (const a of cmd.assigns) {
      if (a.array !== undefined) {
        if (declaresAssoc || this.isAssoc(a.name)) {
          const entries =
            a.append === true ? (this.getAssoc(a.name) ?? new Map()) : new Map<string, string>();
          for (let i = 0; i < a.array.length; i++) {
            const w = a.array[i] as Word;
            if (w.key !== undefined) {
              const key = (await this.expandWord(w.key, ctx, false)).join("");
              entries.set(key, (await this.expandWord(w, ctx, false)).join(""));
            } else {
              // `declare -A m=(k1 v1 k2 v2)` (bash 5.1+)
              const key = (await this.expandWord(w, ctx, false)).join("");
              const next = a.array[++i];
              entries.set(key, next === undefined ? "" : (await this.expandWord(next, ctx, false)).join(""));
            }
          }
          arrays.push({ name: a.name, items: [], entries, append: false });
          continue;
        }
        const items: string[] = [];
        for (const w of a.array) {
          if (w.key === undefined) {
            items.push(...(await this.expandFull(w, ctx)));
            continue;
          }
          // `[i]=v`: arrays are dense here, an index past the end appends
          const k = await this.arith((await this.expandWord(w.key, ctx, false)).join("") || "0", ctx);
          items[Math.max(0, Math.min(k, items.length))] = (await this.expandWord(w, ctx, false)).join("");
        }
        arrays.push({ name: a.name, items, append: a.append === true });
        continue;
      }
      let v = (await this.expandWord(a.value, ctx, false)).join(" ");
      if (a.index !== undefined) {
        const idxText = (await this.expandWord(a.index, ctx, false)).join("");
        const assoc = this.getAssoc(a.name);
        if (assoc !== undefined) {
          assoc.set(idxText, a.append === true ? (assoc.get(idxText) ?? "") + v : v);
          arrays.push({ name: a.name, items: [], entries: assoc, append: false });
          continue;
        }
        const items = this.getArray(a.name) ?? [];
        let k = await this.arith(idxText === "" ? "0" : idxText, ctx);
        if (k < 0) k += items.length;
        if (k < 0) {
          streams.err(this.diagnostic(`bash: ${a.name}[${idxText}]: bad array subscript\n`));
          return 1;
        }
        // arrays are dense here: an index past the end appends (bash keeps the gap)
        const at = Math.min(k, items.length);
        items[at] = a.append === true ? (items[at] ?? "") + v : v;
        arrays.push({ name: a.name, items, append: false });
        continue;
      }
      if (a.append === true) v = (this.getVar(a.name) ?? "") + v;
      assigns.push([a.name, v]);
    }
    const argv: string[] = [];
    for (const w of words) argv.push(...(await this.expandFull(w, ctx)));
    if (this.options.xtrace) {
      const plus = "+".repeat(ctx.depth - this.traceBase + 1);
      for (const [k, v] of assigns) streams.err(`${plus} ${k}=${v === "" ? "" : shellQuote(v)}\n`);
      if (argv.length > 0) streams.err(`${plus} ${argv.map(shellQuote).join(" ")}\n`);
    }
    const index = ctx.commands.length;
    if (argv.length > 0) ctx.commands.push(recordedArgv(argv, ctx));
    const redirected = await this.applyRedirects(cmd.redirects, streams, ctx);
    if (typeof redirected === "number") return redirected;
    const s = argv.length > 0 ? attributed(redirected, ctx, index) : redirected;
    const name = argv[0];
    if (name === undefined) {
      for (const [k, v] of assigns) {
        const cur = this.vars.get(k);
        if (cur?.array === true) {
          const items = this.arrayOf(cur);
          items[0] = v;
          this.setArray(k, items);
        } else this.setVar(k, v);
      }
      for (const a of arrays) this.assignArray(a);
      return ctx.lastSubstStatus ?? 0;
    }
    if (arrays.length > 0) {
      // `declare -a a=(…)` / `local a=(…)`: the builtin sees only the name
      for (const a of arrays) {
        if (name === "local" || ((name === "declare" || name === "typeset") && this.localFrames.length > 0))
          this.declareLocal(a.name);
        this.assignArray(a);
      }
    }
    // a process substitution's file is closed once its command is done (the next takes /dev/fd/63 again)
    if (this.procFiles.length === procMark) return this.dispatch(argv, assigns, s, ctx, alone);
    try {
      return await this.dispatch(argv, assigns, s, ctx, alone);
    } finally {
      for (const path of this.procFiles.splice(procMark)) this.fs.unseed(path);
    }
  }

  private assignArray(a: {
    name: string;
    items: string[];
    entries?: Map<string, string>;
    append: boolean;
  }): void {
    if (a.entries !== undefined) this.setAssoc(a.name, a.entries);
    else this.setArray(a.name, a.append ? [...(this.getArray(a.name) ?? []), ...a.items] : a.items);
  }

  /** `~`, `~user`, `~+`, `~-`: the directory, or undefined to leave the word as typed. */
  private tildeHome(user: string): string | undefined {
    if (user === "") return this.getVar("HOME") ?? this.opts.home;
    if (user === "+") return this.getVar("PWD") ?? this.cwd;
    if (user === "-") return this.getVar("OLDPWD");
    if (user === this.opts.user) return this.opts.home;
    return Object.hasOwn(SYSTEM_HOMES, user) ? SYSTEM_HOMES[user] : undefined;
  }

  /** The command whose Tab completion NAME's follows (`complete -F __start_kubectl k`), and `-W`'s words. */
  completionSpec(name: string): { as?: string; words?: string[]; files: boolean } | undefined {
    const words = this.completions.get(name);
    if (words === undefined) return undefined;
    const spec = readSpec(words);
    const as =
      spec.func === "__start_kubectl" ? "kubectl" : spec.func === "__start_minikube" ? "minikube" : undefined;
    return {
      ...(as !== undefined ? { as } : {}),
      ...(spec.words !== undefined ? { words: spec.words.split(/[ \t\n]+/).filter((w) => w !== "") } : {}),
      files: spec.options.includes("default") || spec.options.includes("bashdefault") || words.includes("-f"),
    };
  }

  /** A builtin, program or function of this name exists. */
  hasCommand(name: string): boolean {
    return (
      this.functions.has(name) ||
      lookup(BUILTINS, name) !== undefined ||
      lookup(this.opts.programs, name) !== undefined
    );
  }

  /** Runs an expanded command: a function, a builtin or a program (also `xargs`'s and `env`'s). */
  async dispatch(
    argv: string[],
    assigns: [string, string][],
    s: Streams,
    ctx: RunContext,
    alone: boolean,
    charge = false,
  ): Promise<number> {
    const typed = argv[0] ?? "";
    if (charge) this.step(ctx);
    const stdin = s.cursor === undefined ? s.stdin : s.stdin.slice(s.cursor.pos);
    const fn = this.functions.get(typed);
    // a program by its path (`/usr/bin/ls`, `/bin/sh`) is that program; a shell keeps `$0` as typed
    const installed =
      fn === undefined && typed.includes("/") ? programAt(this, this.resolve(typed)) : undefined;
    const name = installed ?? typed;
    if (installed !== undefined && installed !== "bash" && installed !== "sh") {
      argv = [installed, ...argv.slice(1)];
      // GNU's programs name themselves as they were run (`/usr/bin/head: cannot open …`)
      if (GNU_PROGRAMS.has(installed)) s = { ...s, err: asInvoked(s.err, installed, typed) };
    }
    if (fn !== undefined) {
      const restore = assigns.map(([k]) => [k, this.vars.get(k)] as const);
      for (const [k, v] of assigns) this.setVar(k, v, true);
      try {
        return await this.callFunction(fn, argv, s, ctx);
      } finally {
        for (const [k, prev] of restore) {
          if (prev === undefined) this.vars.delete(k);
          else this.vars.setUnchecked(k, prev);
        }
      }
    }
    const builtin = this.dash && BASH_ONLY_BUILTINS.has(name) ? undefined : lookup(BUILTINS, name);
    if (builtin !== undefined && lookup(this.opts.programs, name) === undefined) {
      const restore = assigns.map(([k]) => [k, this.vars.get(k)] as const);
      const keep = ["export", "unset", "cd", "local", "readonly", "declare"].includes(name);
      for (const [k, v] of assigns) this.setVar(k, v, keep ? undefined : true);
      // a builtin's `bash: …` messages, in the words of the shell running it (`sh: 1: …`)
      const err: Sink = this.speaker === undefined ? s.err : (c) => s.err(this.diagnostic(c));
      const bctx: BuiltinContext = {
        argv,
        stdin,
        streams: s,
        out: s.out,
        err,
        shell: this,
        ctx,
        tty: ctx.io.tty && s.outIsTerminal,
        columns: ctx.io.columns,
        interrupt: ctx.interrupt,
        programIO: (a) => this.programIO(a, s, ctx, new Map(assigns), alone),
      };
      try {
        return await builtin(bctx);
      } finally {
        if (assigns.length > 0 && !keep) {
          for (const [k, prev] of restore) {
            if (prev === undefined) this.vars.delete(k);
            else this.vars.setUnchecked(k, prev);
          }
        }
      }
    }
    const program = lookup(this.opts.programs, name);
    if (program === undefined) {
      if (name.includes("/")) return this.execFile(argv, assigns, s, ctx, alone);
      s.err(this.diagnostic(`bash: ${name}: command not found\n`));
      return 127;
    }
    return this.callProgram(program, this.programIO(argv, { ...s, stdin }, ctx, new Map(assigns), alone));
  }

  /**
   * Runs a file of the student's by its path (`./deploy.sh ARG`), as the kernel's execve and bash
   * do: it must be executable (`chmod +x`); `#!INTERPRETER [ARG]` runs the interpreter with the
   * path and the arguments after it (an interpreter may itself be a script, four deep, as on
   * Linux); a file without `#!` is run by bash itself. The interpreters there are are the
   * workstation's programs (`/bin/bash`, `/bin/sh`, `/usr/bin/env bash`, `/usr/bin/awk -f`).
   */
  private async execFile(
    argv: string[],
    assigns: [string, string][],
    s: Streams,
    ctx: RunContext,
    alone: boolean,
  ): Promise<number> {
    const typed = argv[0] ?? "";
    const fail = (text: string, status: number): number => {
      s.err(this.diagnostic(`bash: ${typed}: ${text}\n`));
      return status;
    };
    let run = argv;
    let file = typed;
    // what goes wrong past the script itself is said of the interpreter its `#!` names
    let outer = "";
    for (let depth = 0; ; depth++) {
      const path = this.resolve(file);
      if (this.fs.isDir(path))
        return fail(`${outer}${outer === "" ? "Is a directory" : "Permission denied"}`, 126);
      if (!this.fs.isFile(path))
        return outer === ""
          ? fail("No such file or directory", 127)
          : fail("cannot execute: required file not found", 127);
      if ((this.fs.mode(path) & 0o100) === 0) return fail(`${outer}Permission denied`, 126);
      if (depth === 4) return fail(`${outer}Too many levels of symbolic links`, 126);
      const text = this.fs.read(path);
      if (typeof text !== "string") return fail(`${outer}${fsErrorText(text.error)}`, 126);
      // no `#!` (here or in an interpreter): the kernel refuses it (ENOEXEC) and bash runs the
      // learner's file as a script of its own
      if (!text.startsWith("#!")) return this.dispatch(["bash", ...argv], assigns, s, ctx, alone);
      const line = text.slice(2, (text.indexOf("\n") + 1 || text.length + 1) - 1).trim();
      const cut = line.search(/[ \t]/);
      const interpreter = cut < 0 ? line : line.slice(0, cut);
      const arg = cut < 0 ? "" : line.slice(cut).trim();
      if (interpreter === "") return fail("cannot execute: required file not found", 127);
      run = [interpreter, ...(arg === "" ? [] : [arg]), ...run];
      if (!interpreter.includes("/") || programAt(this, this.resolve(interpreter)) !== undefined)
        return interpreter.includes("/")
          ? this.dispatch(run, assigns, s, ctx, alone)
          : fail("cannot execute: required file not found", 127);
      if (outer === "") outer = `${interpreter}: bad interpreter: `;
      file = interpreter;
    }
  }

  /** The words an alias stands for (a simple command), or undefined when it is more than that. */
  private aliasWords(name: string): Word[] | undefined {
    const value = this.aliases.get(name);
    if (value === undefined) return undefined;
    try {
      const script = parseScript(value);
      const only = script[0]?.first.commands[0];
      if (
        script.length !== 1 ||
        only?.kind !== "simple" ||
        only.redirects.length > 0 ||
        only.assigns.length > 0
      )
        return undefined;
      return only.words;
    } catch {
      return undefined;
    }
  }

  programIO(
    argv: string[],
    s: Streams,
    ctx: RunContext,
    extraEnv: Map<string, string>,
    alone: boolean,
  ): ProgramIO {
    const interactive = alone && s.outIsTerminal && ctx.io.enterShell !== undefined;
    const io: ProgramIO = {
      argv,
      stdin: s.stdin,
      stdout: s.out,
      stderr: s.err,
      env: this.exportedEnv(extraEnv),
      tty: ctx.io.tty && s.outIsTerminal,
      columns: ctx.io.columns,
      interrupt: ctx.interrupt,
      regexCost: this.regexCost(ctx),
      clock: this.opts.clock,
      scheduler: this.opts.scheduler,
      machine: this.opts.machine,
      cwd: this.cwd,
      readFile: (path) => {
        const r = this.fs.read(this.resolve(path));
        return typeof r === "string" ? r : undefined;
      },
      writeFile: (path, data) => {
        const e = this.fs.write(this.resolve(path), data, false);
        return e === undefined ? undefined : fsErrorText(e);
      },
      listDir: (path) => {
        const r = this.fs.list(this.resolve(path));
        return Array.isArray(r) ? r : undefined;
      },
      mkdirAll: (path) => {
        let dir = "";
        for (const part of this.resolve(path).split("/").filter(Boolean)) {
          dir += `/${part}`;
          if (this.fs.isDir(dir)) continue;
          const e = this.fs.mkdir(dir);
          if (e !== undefined) return { path: dir, error: fsErrorText(e) };
        }
        return undefined;
      },
      stdoutIsTerminal: s.outIsTerminal,
    };
    const enterShell = ctx.io.enterShell;
    if (interactive && enterShell !== undefined)
      io.enterShell = (nested) => enterShell(nested, structuredClone(ctx.commands));
    const fullScreen = ctx.io.fullScreen;
    if (s.outIsTerminal && fullScreen !== undefined) io.fullScreen = fullScreen;
    // a program's child (xargs's, timeout's) is a process of its own: what it changes does not stay
    io.spawn = (child) => this.inSubshell(() => this.runNested(child.map(shellQuote).join(" "), s, ctx));
    const files = this.opts.containerFiles;
    if (files !== undefined) io.containerFiles = files;
    const exec = this.opts.containerExec;
    if (exec !== undefined) {
      io.containerExec = (t, a, o) => exec(t, a, { interactive: o.interactive }, io);
      // lib/kubectl's exec looks for this optional Machine capability (ContainerShellHost).
      const enterContainer = (req: {
        namespace: string;
        pod: string;
        container: string;
        command: string[];
        stdin: boolean;
        streams?: { stdin: string; stdout(c: string): void; stderr(c: string): void };
      }): Promise<ExitCode> =>
        exec(
          { namespace: req.namespace, pod: req.pod, container: req.container },
          req.command,
          { interactive: req.stdin },
          // `kubectl cp` pipes its own tar streams through the container's tar
          req.streams === undefined ? io : { ...io, ...req.streams, stdoutIsTerminal: false },
        );
      io.machine = { ...this.opts.machine, enterContainer } as Machine;
    }
    return io;
  }

  async callProgram(program: Program, io: ProgramIO): Promise<number> {
    try {
      const code = await program(io);
      return Number.isInteger(code) ? code & 0xff : 1;
    } catch (e) {
      io.stderr(
        `${io.argv[0] ?? "program"}: internal error: ${e instanceof Error ? e.message : String(e)}\n`,
      );
      return 1;
    }
  }

  /** Applies redirections; returns the new streams or an exit status when one failed. */
  private async applyRedirects(
    redirects: Redirect[],
    streams: Streams,
    ctx: RunContext,
  ): Promise<Streams | number> {
    let s = streams;
    for (const r of redirects) {
      if (r.op === "dup") {
        if (r.fd === 2 && r.toFd === 1) s = { ...s, err: s.out };
        else if (r.fd === 1 && r.toFd === 2) s = { ...s, out: s.err, outIsTerminal: false };
        continue;
      }
      if (r.op === "<<") {
        const body = r.body === undefined ? "" : (await this.expandWord(r.body, ctx, false)).join("");
        s = { ...s, stdin: body, cursor: { pos: 0 } };
        continue;
      }
      if (r.op === "<<<") {
        const text = r.target === undefined ? "" : (await this.expandWord(r.target, ctx, false)).join("");
        s = { ...s, stdin: `${text}\n`, cursor: { pos: 0 } };
        continue;
      }
      const fields = r.target === undefined ? [] : await this.expandWord(r.target, ctx);
      const target = fields[0];
      if (fields.length !== 1 || target === undefined) {
        s.err(this.diagnostic(`bash: ${r.target?.raw ?? ""}: ambiguous redirect\n`));
        return 1;
      }
      if (r.op === "<") {
        const path = this.resolve(target);
        if (path === "/dev/null") {
          s = { ...s, stdin: "", cursor: { pos: 0 } };
          continue;
        }
        const data = this.fs.read(path);
        if (typeof data !== "string") {
          s.err(this.diagnostic(`bash: ${target}: ${fsErrorText(data.error)}\n`));
          return 1;
        }
        s = { ...s, stdin: data, cursor: { pos: 0 } };
        continue;
      }
      const sink = this.fileSink(target, r.op === ">>", s, ctx);
      if (typeof sink === "number") return sink;
      if (r.op === "&>") s = { ...s, out: sink, err: sink, outIsTerminal: false };
      else if (r.fd === 2) s = { ...s, err: sink };
      else if (r.fd === 1) s = { ...s, out: sink, outIsTerminal: false };
    }
    return s;
  }

  private fileSink(target: string, append: boolean, s: Streams, ctx: RunContext): Sink | number {
    if (target === "/dev/null") return () => {};
    if (target === "/dev/stdout") return s.out;
    if (target === "/dev/stderr") return s.err;
    const path = this.resolve(target);
    const err = this.fs.write(path, "", append);
    if (err !== undefined) {
      s.err(this.diagnostic(`bash: ${target}: ${fsErrorText(err)}\n`));
      return 1;
    }
    let failed = false;
    return (chunk: string) => {
      if (failed) return;
      const e = this.fs.write(path, chunk, true);
      if (e !== undefined) {
        failed = true;
        s.err(this.diagnostic(`bash: ${target}: ${fsErrorText(e)}\n`));
        this.abort(ctx, `${target}: file size limit reached; stopped`);
      }
    };
  }

  // ---- expansion ----

  async expandWord(word: Word, ctx: RunContext, split = true, globbing = false): Promise<string[]> {
    const fields: string[] = [];
    const patterns: (string | undefined)[] = [];
    let cur = "";
    /** `cur` as a pattern (quoted text escaped), kept while a wildcard may be active. */
    let pat = "";
    let active = false;
    let has = false;
    const push = (): void => {
      fields.push(cur);
      patterns.push(active ? pat : undefined);
      cur = "";
      pat = "";
      active = false;
      has = false;
    };
    const addText = (text: string, quoted: boolean): void => {
      cur += text;
      if (globbing) {
        if (quoted) pat += escapeGlob(text);
        else {
          pat += text;
          if (/[*?[]/.test(text)) active = true;
        }
      }
    };
    const ifs = this.getVar("IFS") ?? " \t\n";
    const pushSplit = (value: string): void => {
      if (!split || ifs === "") {
        addText(value, false);
        return;
      }
      if (value === "") return;
      const r = ifsSplit(value, ifs);
      if (r.lead && (has || cur !== "")) push();
      r.fields.forEach((f, k) => {
        if (k > 0) push();
        addText(f, false);
        has = true;
      });
      if (r.trail && (has || cur !== "")) push();
    };
    /** A parameter's or a command's value: as it is when quoted, else split at $IFS. */
    const addValue = (value: string, quoted: boolean): void => {
      this.expanded(ctx, cur.length + value.length, value.length);
      if (quoted) {
        addText(value, true);
        has = true;
      } else pushSplit(value);
    };
    for (let i = 0; i < word.parts.length; i++) {
      const part = word.parts[i];
      if (part === undefined) continue;
      switch (part.kind) {
        case "lit": {
          let text = part.text;
          if (i === 0 && !part.quoted && text.startsWith("~")) {
            const m = /^~([A-Za-z0-9_.+-]*)(?=\/|$)/.exec(text);
            const home = m === null ? undefined : this.tildeHome(m[1] ?? "");
            if (m !== null && home !== undefined) {
              addText(home, true);
              text = text.slice(m[0].length);
            }
          }
          addText(text, part.quoted);
          has = true;
          break;
        }
        case "var": {
          // "$@" and "${a[@]}": one field per element
          const listed =
            part.quoted &&
            split &&
            (part.op === undefined || part.op === "substr" || part.op === "!keys") &&
            ((part.name === "@" && part.index === undefined) || part.index === "@");
          if (listed) {
            const items =
              part.op === "substr"
                ? await this.sliceList(part, ctx)
                : part.op === "!keys"
                  ? this.arrayKeys(part.name)
                  : (this.getArray(part.name) ?? []);
            this.expanded(
              ctx,
              cur.length,
              items.reduce((n, x) => n + x.length, 0),
            );
            items.forEach((item, k) => {
              if (k > 0) push();
              addText(item, true);
              has = true;
            });
            break;
          }
          addValue(await this.expandParam(part, ctx), part.quoted);
          break;
        }
        case "cmd":
          if (part.proc === true) addText(await this.processSubstitution(part.script, ctx), true);
          else addValue(await this.commandSubstitution(part.script, ctx), part.quoted);
          break;
        case "arith": {
          this.step(ctx);
          const expanded = await this.expandArithText(part.expr, ctx);
          const r = evalArith(
            expanded,
            (n) => this.getVar(n),
            (n, v) => this.setVar(n, String(v)),
          );
          if (typeof r === "string") {
            ctx.io.stderr(this.diagnostic(`bash: ${part.expr.trimStart()}: ${r}\n`));
            throw new ExpansionError();
          }
          addText(String(r), true);
          has = true;
          break;
        }
      }
    }
    if (has || cur !== "") push();
    if (!split) return [fields.join(" ")];
    if (!globbing) return fields;
    const out: string[] = [];
    for (let k = 0; k < fields.length; k++) {
      const p = patterns[k];
      if (p === undefined || !hasGlob(p)) {
        out.push(fields[k] ?? "");
        continue;
      }
      const matches = this.glob(p, this.regexCost(ctx));
      if (matches.length > LIMITS.words) this.limit(ctx, `glob matches over ${LIMITS.words} paths; stopped`);
      if (matches.length === 0) out.push(fields[k] ?? "");
      else out.push(...matches);
    }
    return out;
  }

  private async expandArithText(expr: string, ctx: RunContext): Promise<string> {
    if (!expr.includes("$")) return expr;
    let w: Command | undefined;
    try {
      w = parseScript(`: "${expr.replace(/"/g, "")}"`)[0]?.first.commands[0];
    } catch {
      return expr; // not a word: evaluated as written
    }
    if (w?.kind !== "simple" || w.words[1] === undefined) return expr;
    // `$(( $(( $(( … ))) ))` re-parses at every level: bounded like $(…), in bash's words
    if (ctx.depth >= LIMITS.depth) this.limit(ctx, "expression recursion level exceeded");
    ctx.depth++;
    try {
      return (await this.expandWord(w.words[1], ctx, false)).join("");
    } finally {
      ctx.depth--;
    }
  }

  private async expandParam(
    part: Extract<Word["parts"][number], { kind: "var" }>,
    ctx: RunContext,
  ): Promise<string> {
    if (part.op === "bad") {
      ctx.io.stderr(this.diagnostic("bash: Bad substitution\n"));
      throw new ExpansionError();
    }
    let value: string | undefined;
    if (part.index === undefined) value = this.getVar(part.name);
    else if (part.index === "@" || part.index === "*") {
      const items = this.getArray(part.name);
      value = items === undefined ? undefined : items.join(" ");
    } else if (this.isAssoc(part.name)) {
      value = this.getAssoc(part.name)?.get((await this.expandWord(part.index, ctx, false)).join(""));
    } else {
      const items =
        this.getArray(part.name) ??
        (this.getVar(part.name) === undefined ? [] : [this.getVar(part.name) ?? ""]);
      const idxText = (await this.expandWord(part.index, ctx, false)).join("");
      let n = await this.arith(idxText === "" ? "0" : idxText, ctx);
      if (n < 0) n += items.length;
      value = items[n];
    }
    const argText = async (): Promise<string> =>
      part.arg === undefined ? "" : (await this.expandWord(part.arg, ctx, false)).join("");
    const pattern = async (): Promise<string> =>
      part.arg === undefined ? "" : this.expandPattern(part.arg, ctx);
    if (
      value === undefined &&
      this.options.nounset &&
      !SETS_DEFAULT.has(part.op ?? "") &&
      part.index === undefined
    ) {
      if (part.name !== "@" && part.name !== "*") {
        ctx.io.stderr(
          this.diagnostic(`bash: ${/^[0-9]+$/.test(part.name) ? "$" : ""}${part.name}: unbound variable\n`),
        );
        throw new ExpansionError();
      }
    }
    switch (part.op) {
      case undefined:
        return value ?? "";
      case "#len":
        if (part.index === "@" || part.index === "*" || (part.name === "@" && part.index === undefined))
          return String((this.getArray(part.name) ?? []).length);
        return String([...(value ?? "")].length);
      case ":-":
        return value === undefined || value === "" ? argText() : value;
      case "-":
        return value === undefined ? argText() : value;
      case ":=":
      case "=": {
        if (value !== undefined && (part.op === "=" || value !== "")) return value;
        const v = await argText();
        this.setVar(part.name, v);
        return v;
      }
      case ":+":
        return value === undefined || value === "" ? "" : argText();
      case "+":
        return value === undefined ? "" : argText();
      case ":?":
      case "?": {
        if (value !== undefined && (part.op === "?" || value !== "")) return value;
        const msg = await argText();
        ctx.io.stderr(
          this.diagnostic(`bash: ${part.name}: ${msg === "" ? "parameter null or not set" : msg}\n`),
        );
        throw new ExpansionError();
      }
      case "#":
      case "##":
      case "%":
      case "%%":
        return trimPattern(value ?? "", await pattern(), part.op, this.regexCost(ctx));
      case "/":
      case "//":
      case "/#":
      case "/%": {
        const repl = part.arg2 === undefined ? "" : (await this.expandWord(part.arg2, ctx, false)).join("");
        const r = replacePattern(value ?? "", await pattern(), repl, part.op, this.regexCost(ctx));
        this.expanded(ctx, r.length, r.length);
        return r;
      }
      case "^^":
      case "^":
      case ",,":
      case ",": {
        const v = value ?? "";
        const upper = part.op.startsWith("^");
        const conv = (c: string): string => (upper ? c.toUpperCase() : c.toLowerCase());
        const pat = await pattern();
        const cost = this.regexCost(ctx);
        const ok = (c: string): boolean => pat === "" || globMatch(pat, c, cost);
        if (part.op.length === 2) return [...v].map((c) => (ok(c) ? conv(c) : c)).join("");
        const [c0 = "", ...restChars] = [...v];
        return (ok(c0) ? conv(c0) : c0) + restChars.join("");
      }
      case "!keys":
        return this.arrayKeys(part.name).join(" ");
      case "!ref": {
        const target = value ?? "";
        if (target === "") return "";
        if (!/^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#@*])$/.test(target)) {
          ctx.io.stderr(this.diagnostic(`bash: ${target}: invalid variable name\n`));
          throw new ExpansionError();
        }
        return this.getVar(target) ?? "";
      }
      case "substr": {
        if (part.index === "@" || part.index === "*" || (part.name === "@" && part.index === undefined))
          return (await this.sliceList(part, ctx)).join(" ");
        const chars = [...(value ?? "")];
        const { off, len } = await this.sliceBounds(await argText(), part.arg2, chars.length, ctx);
        let end = chars.length;
        if (len !== undefined) {
          if (len < 0) {
            end = chars.length + len;
            if (end < off) {
              ctx.io.stderr(this.diagnostic(`bash: ${len}: substring expression < 0\n`));
              throw new ExpansionError();
            }
          } else end = Math.min(chars.length, off + len);
        }
        return chars.slice(off, end).join("");
      }
    }
  }

  /** `${a[@]:off:len}` and `${@:off:len}`: elements, not characters. */
  private async sliceList(
    part: Extract<Word["parts"][number], { kind: "var" }>,
    ctx: RunContext,
  ): Promise<string[]> {
    const items = this.getArray(part.name) ?? [];
    const all = part.name === "@" ? ["bash", ...items] : items;
    const offText = part.arg === undefined ? "0" : (await this.expandWord(part.arg, ctx, false)).join("");
    const { off, len } = await this.sliceBounds(offText, part.arg2, all.length, ctx);
    const end = len === undefined ? all.length : len < 0 ? all.length + len : Math.min(all.length, off + len);
    return all.slice(off, Math.max(off, end));
  }

  /**
   * `${x:off:len}`'s offset and length, each an arithmetic expression (empty is 0); a negative
   * offset counts back from the end of the `count` characters or elements (at most to the first).
   */
  private async sliceBounds(
    offText: string,
    lenWord: Word | undefined,
    count: number,
    ctx: RunContext,
  ): Promise<{ off: number; len?: number }> {
    let off = await this.arith(offText.trim() === "" ? "0" : offText, ctx);
    if (off < 0) off = Math.max(0, count + off);
    if (lenWord === undefined) return { off };
    const lenText = (await this.expandWord(lenWord, ctx, false)).join("");
    return { off, len: await this.arith(lenText.trim() === "" ? "0" : lenText, ctx) };
  }

  /**
   * The line's budget for one more child shell (`$(…)`, `bash -c`, awk's commands): about four
   * commands, and at most LIMITS.depth of them inside one another.
   */
  private chargeChild(ctx: RunContext, what: string): void {
    if (ctx.depth >= LIMITS.depth) this.limit(ctx, `${what} nested too deeply; stopped`);
    this.step(ctx, 4);
  }

  /**
   * `<(…)`: runs the command as `$(…)` does and names a file that reads its output, /dev/fd/63
   * and down as bash numbers them; the files go when the line ends. (Pipes are buffered here,
   * so the command has finished when its reader starts; what it writes to stderr shows at once.)
   */
  private async processSubstitution(script: Script, ctx: RunContext): Promise<string> {
    const path = `/dev/fd/${Math.max(10, 63 - this.procFiles.length)}`;
    const output = await this.commandSubstitution(script, ctx, false);
    // what the line's open substitutions hold together is bounded like one pipe
    let held = output.length;
    for (const p of this.procFiles) if (p !== path) held += Math.max(0, this.fs.size(p));
    if (held > LIMITS.value) {
      this.abort(ctx, `process substitution output over ${LIMITS.value / 1024} KiB; stopped`);
      throw new StopLine();
    }
    this.fs.seed(path, output);
    if (!this.procFiles.includes(path)) this.procFiles.push(path);
    return path;
  }

  private async commandSubstitution(script: Script, ctx: RunContext, trim = true): Promise<string> {
    this.chargeChild(ctx, "command substitution");
    let buf = "";
    const out: Sink = (c) => {
      if (buf.length + c.length > LIMITS.value) {
        this.abort(ctx, `command substitution output over ${LIMITS.value / 1024} KiB; stopped`);
        return;
      }
      buf += c;
    };
    const saved = this.saveSubshell();
    const savedExit = this.lastExit;
    ctx.depth++;
    try {
      const status = await this.runChild(
        script,
        { stdin: "", out, err: (c) => this.emit(ctx, ctx.io.stderr, c), outIsTerminal: false },
        ctx,
      );
      ctx.lastSubstStatus = status;
    } catch (e) {
      if (!(e instanceof ExpansionError)) throw e;
      ctx.lastSubstStatus = 1;
    } finally {
      ctx.depth--;
      this.restoreSubshell(saved);
      this.lastExit = savedExit;
    }
    return trim ? buf.replace(/\n+$/, "") : buf;
  }

  /** Runs a script file in this shell (`source FILE`), its positional parameters replaced only when `args` are given. */
  async runFile(
    text: string,
    args: string[] | undefined,
    streams: Streams,
    ctx: RunContext,
  ): Promise<number> {
    const script = parseScript(text.replace(/^#!.*\n/, "").replace(/\n+$/, ""), 1, this.speaker?.dash);
    const positional = this.positional;
    if (args !== undefined) this.positional = args;
    this.sourcing++;
    try {
      return await this.runChild(script, streams, ctx);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.code;
      throw e;
    } finally {
      this.sourcing--;
      if (args !== undefined) this.positional = positional;
    }
  }

  /**
   * Runs `text` in a new shell process as `bash -c`, `sh -c`, `bash FILE` or `… | sh` do: it
   * begins with a copy of this shell's cwd and exported variables only (no other variables,
   * functions, aliases, traps or `set` options), `$0` and `$1…` from its arguments, and nothing
   * it changes comes back but its exit status. It is a subshell of this one (saveSubshell)
   * emptied of what a new process does not inherit, charged to the line as `$(…)` is.
   */
  async runChildShell(
    text: string,
    who: { argv0: string; args: string[]; name: ChildShellName; options?: Partial<ShellFlags> },
    streams: Streams,
    ctx: RunContext,
  ): Promise<number> {
    this.chargeChild(ctx, "child shells");
    const saved = this.saveSubshell();
    ctx.depth++;
    const lastExit = this.lastExit;
    const pid = this.pid;
    try {
      // a new process has the exported variables only: hiding the others is work the line pays
      const hidden: string[] = [];
      for (const [k, v] of this.vars) if (!v.exported || v.array === true) hidden.push(k);
      this.step(ctx, Math.floor(hidden.length / HIDDEN_VARS_PER_STEP));
      for (const k of hidden) this.vars.delete(k);
      this.functions = new Map();
      this.aliases = new Map();
      this.completions = new Map();
      this.traps = new Map();
      this.definitionsShared = false;
      this.options = { errexit: false, nounset: false, xtrace: false, pipefail: false, ...who.options };
      this.positional = who.args;
      this.argv0 = who.argv0;
      this.history = [];
      this.historyBytes = 0;
      this.localFrames = [];
      this.loopDepth = 0;
      this.sourcing = 0;
      this.getopsPos = { ind: 0, char: 1 };
      this.speaker = { ...who.name, line: 1 };
      // a new process: its own `$$` (a subshell's `( … )` keeps its parent's), and only bash says its version
      this.pid = this.opts.jobs.allocatePid();
      if (!who.name.dash) this.setVar("BASH_VERSION", BASH_VERSION);
      this.traceBase = ctx.depth;
      this.lastExit = 0;
      let script: Script;
      let syntaxError: ShellSyntaxError | undefined;
      try {
        script = parseScript(text, 1, who.name.dash);
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
        // bash and dash read a command at a time: those before the bad one run first
        syntaxError = e;
        script = [];
        try {
          if ((e.commandStart ?? 0) > 0)
            script = parseScript(text.slice(0, e.commandStart), 1, who.name.dash);
        } catch {
          // the text before it does not parse alone either: nothing runs
        }
      }
      let status: number;
      try {
        const ran = await this.runChildTo(script, streams, ctx);
        status = ran.status;
        if (syntaxError !== undefined && !ran.exited) {
          streams.err(this.syntaxErrorText(syntaxError));
          status = 2;
        }
      } catch (e) {
        if (e instanceof ReturnSignal) status = e.code;
        // dash exits 2; bash 1 from a script, and 127 from `-c` (as bash 5.2 does)
        else if (e instanceof ExpansionError)
          status = who.name.dash ? 2 : who.name.from === "command" ? 127 : 1;
        else throw e;
      }
      const exitAction = this.traps.get("EXIT");
      if (exitAction !== undefined && exitAction !== "") {
        this.lastExit = status;
        await this.runChild(parseScript(exitAction, 0, who.name.dash), streams, ctx);
      }
      return status;
    } finally {
      ctx.depth--;
      this.restoreSubshell(saved);
      this.lastExit = lastExit;
      this.pid = pid;
    }
  }

  /** Runs a line non-interactively inside this shell (`command NAME …`, a program's child in a subshell). */
  async runNested(line: string, streams: Streams, ctx: RunContext): Promise<number> {
    return this.runChild(parseScript(line, 1, this.speaker?.dash), streams, ctx);
  }

  /** A syntax error of a child shell's text, in its words (`bash: -c: line 2: …`, `sh: 1: Syntax error: …`). */
  private syntaxErrorText(e: ShellSyntaxError): string {
    const who = this.speaker;
    const line = e.line ?? 1;
    if (who === undefined) return `bash: ${e.message}\n`;
    if (who.dash) {
      // dash names the last line it read where bash names the one after
      const eof = e.message === "syntax error: unexpected end of file";
      const expecting = eof && e.expecting !== undefined ? ` (expecting "${e.expecting}")` : "";
      return `${who.file ?? who.shown ?? "sh"}: ${eof ? Math.max(1, line - 1) : line}: Syntax error: ${dashSyntax(e.message)}${expecting}\n`;
    }
    const name = who.file ?? `${who.shown ?? "bash"}: -c`;
    const shown = /near unexpected token/.test(e.message) && e.lineText !== undefined;
    return `${name}: line ${line}: ${e.message}\n${shown ? `${name}: line ${line}: \`${e.lineText}'\n` : ""}`;
  }

  /**
   * A diagnostic written as the learner's bash words it (`bash: MESSAGE`), in the words of the
   * shell that runs now: a child started as `bash -c` names its line (`bash: line 1: …`), a
   * script its file, and `sh` (dash) says `sh: 1: …` with dash's wording where it differs.
   */
  diagnostic(text: string): string {
    const who = this.speaker;
    if (who === undefined || !text.startsWith("bash: ")) return text;
    const rest = text.slice("bash: ".length);
    if (!who.dash) {
      if (who.file !== undefined) return `${who.file}: line ${who.line}: ${rest}`;
      if (who.shown !== undefined) return `${who.shown}: line ${who.line}: ${rest}`;
      return rest.startsWith(`line ${who.line}: `) ? text : `bash: line ${who.line}: ${rest}`;
    }
    const dash = rest
      .replace(/^([^\n]*): command not found\n/, "$1: not found\n")
      .replace(/^cd: ([^\n]*): (No such file or directory|Not a directory)\n/, "cd: can't cd to $1\n")
      .replace(/^local: can only be used in a function\n/, "local: not in a function\n")
      .replace(/^([^\n:]*): parameter null or not set\n/, "$1: parameter not set or null\n")
      .replace(/^([^\n:]*): unbound variable\n/, "$1: parameter not set\n");
    return `${who.file ?? who.shown ?? "sh"}: ${who.line}: ${dash}`;
  }

  /**
   * Runs a script as a child shell would (a subshell, `$(…)`, `bash -c`, `source`): not interactive, and
   * its `exit` ends only the child, whose status becomes the command's.
   */
  private async runChild(script: Script, streams: Streams, ctx: RunContext): Promise<number> {
    return (await this.runChildTo(script, streams, ctx)).status;
  }

  /** runChild, saying also whether the child ended by `exit`. */
  private async runChildTo(
    script: Script,
    streams: Streams,
    ctx: RunContext,
  ): Promise<{ status: number; exited: boolean }> {
    const interactive = ctx.interactive;
    ctx.interactive = false;
    try {
      return { status: await this.runScript(script, streams, ctx), exited: false };
    } catch (e) {
      if (!(e instanceof StopLine) || ctx.exitRequested === undefined || ctx.interrupt.interrupted) throw e;
      const code = ctx.exitRequested;
      delete ctx.exitRequested;
      return { status: code, exited: true };
    } finally {
      ctx.interactive = interactive;
    }
  }

  requestExit(ctx: RunContext, code: number): never {
    ctx.exitRequested = code;
    throw new StopLine();
  }
}

/** bash's builtins dash does not have (`sh: 1: source: not found`). */
const BASH_ONLY_BUILTINS: ReadonlySet<string> = new Set(
  "source let declare typeset shopt pushd popd dirs mapfile readarray disown help history caller complete compgen logout".split(
    " ",
  ),
);

/**
 * The workstation's programs from GNU coreutils, findutils, diffutils, grep and sed: their
 * messages begin with the name they were run by (argv[0]). awk (gawk), jq, curl, kubectl and
 * util-linux's rev use their own short name whatever the path.
 */
const GNU_PROGRAMS: ReadonlySet<string> = new Set(
  (
    "base64 basename cat chmod cp cut date diff dirname echo env expr find grep head ls mkdir mv paste " +
    "printenv printf pwd rm rmdir sed seq sleep sort tac tail tee test touch tr uname uniq wc whoami xargs yes"
  ).split(" "),
);

/** A sink that says `typed` where a program's messages say its short `name`. */
function asInvoked(sink: Sink, name: string, typed: string): Sink {
  const prefix = new RegExp(`^${name}: `, "gm");
  const help = `Try '${name} --help'`;
  return (chunk) => sink(chunk.replace(prefix, `${typed}: `).split(help).join(`Try '${typed} --help'`));
}

/** The bash the workstation's shell is (what `$BASH_VERSION` and `bash --version` say): the differential's oracle. */
export const BASH_VERSION = "5.2.15(1)-release";

/** Who a child shell started as `bash -c`, `sh -c`, `bash FILE` or `sh FILE` says it is in its messages. */
export interface ChildShellName {
  /** dash (`sh`) words its messages (`sh: 1: x: not found`). */
  dash: boolean;
  /** The script file it runs (messages begin with its name), if any. */
  file?: string;
  /** `-c`'s `$0` when it is not the shell's own name (`bash -c CMD foo`, `/bin/sh -c CMD`): messages begin with it. */
  shown?: string;
  /** Where its commands come from: `-c`, a file, or its standard input (`$-` says so). */
  from: "command" | "file" | "stdin";
}

/** What a child shell may change, kept to give the parent its own back. */
/** A shell's state besides its variables: what a child shell begins from and must not leave changed. */
interface ShellState {
  cwd: string;
  oldCwd: string | undefined;
  options: ShellFlags;
  positional: string[];
  argv0: string;
  functions: Map<string, FunctionDef>;
  aliases: Map<string, string>;
  completions: Map<string, string[]>;
  traps: Map<string, string>;
  definitionsShared: boolean;
  history: string[];
  historyBytes: number;
  localFrames: Map<string, Var | undefined>[];
  loopDepth: number;
  sourcing: number;
  getopsPos: { ind: number; char: number };
  speaker: (ChildShellName & { line: number }) | undefined;
  traceBase: number;
  exited: boolean;
}

/** The parent's state while a child shell runs; `vars`: the variables' frame (VarTable). */
interface SubshellState extends ShellState {
  vars: Map<string, Var | undefined>;
}

/** dash's words for a syntax error bash words as `message`. */
function dashSyntax(message: string): string {
  const token = /near unexpected token `(.*)'$/.exec(message)?.[1];
  if (token !== undefined && /^(<|>|>>|<<|<<-|>&|<&)$/.test(token)) return "redirection unexpected";
  if (token !== undefined) return `"${token}" unexpected`;
  if (message.startsWith("unexpected EOF while looking for matching")) return "Unterminated quoted string";
  if (message === "syntax error: unexpected end of file") return "end of file unexpected";
  return message;
}

/**
 * Splits an unquoted expansion at $IFS as bash does: IFS white space collapses, every other IFS
 * character ends one field (so `a,,b` has an empty field).
 */
export function ifsSplit(value: string, ifs: string): { fields: string[]; lead: boolean; trail: boolean } {
  const isIfs = (c: string | undefined): boolean => c !== undefined && ifs.includes(c);
  const isWs = (c: string | undefined): boolean =>
    c !== undefined && (c === " " || c === "\t" || c === "\n") && ifs.includes(c);
  const lead = isIfs(value[0]);
  const trail = isIfs(value[value.length - 1]);
  let start = 0;
  let end = value.length;
  while (start < end && isWs(value[start])) start++;
  while (end > start && isWs(value[end - 1])) end--;
  if (start >= end) return { fields: [], lead, trail };
  const fields: string[] = [];
  let cur = "";
  let i = start;
  let endedByDelim = false;
  while (i < end) {
    const c = value[i];
    if (isIfs(c)) {
      let j = i;
      while (j < end && isWs(value[j])) j++;
      if (j < end && isIfs(value[j]) && !isWs(value[j])) {
        j++;
        while (j < end && isWs(value[j])) j++;
      }
      fields.push(cur);
      cur = "";
      i = j;
      endedByDelim = true;
      continue;
    }
    cur += c;
    endedByDelim = false;
    i++;
  }
  if (!endedByDelim) fields.push(cur);
  return { fields, lead, trail };
}

export function fsErrorText(e: FsError): string {
  switch (e) {
    case "ENOENT":
      return "No such file or directory";
    case "EISDIR":
      return "Is a directory";
    case "ENOTDIR":
      return "Not a directory";
    case "EACCES":
      return "Permission denied";
    case "EFBIG":
      return "File too large";
    case "EEXIST":
      return "File exists";
    case "ENOSPC":
      return "No space left on device";
    case "ENOTEMPTY":
      return "Directory not empty";
    case "EPERM":
      return "Operation not permitted";
  }
}
