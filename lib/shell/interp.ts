/**
 * The interpreter: walks the AST with the session's variables, cwd and virtual filesystem.
 * Pipes are buffered (ProgramIO.stdin is a complete string); the last stage of a pipeline
 * streams to the terminal. Every line is bounded by a step budget and an output budget, and
 * Ctrl-C (the run's Interrupt) stops it between commands and inside waiting programs.
 */
import type { Clock } from "../cluster/types";
import { evalArith } from "./arith";
import type { AndOr, Command, Pipeline, Redirect, Script, SimpleCommand, Word } from "./ast";
import { BUILTINS, type BuiltinContext } from "./builtins";
import { type FsError, resolvePath, type VirtualFs } from "./fs";
import { InterruptSource } from "./interrupt";
import type { JobTable } from "./jobs";
import { ShellLimitError, type Var, VarTable, type VarUsage, WORKSTATION_LIMITS } from "./limits";
import { parseScript, ShellSyntaxError } from "./parse";
import type {
  ContainerTarget,
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
};

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
  containerExec?: (
    target: ContainerTarget,
    argv: string[],
    opts: { interactive: boolean },
    caller: ProgramIO,
  ) => Promise<ExitCode>;
}

export type Sink = (chunk: string) => void;

/** How often (in steps) a line looks at the clock to see whether its slice is over. */
export const SLICE_STEPS = 8;
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
  /** Status of the last command substitution (the status of `X=$(false)`). */
  lastSubstStatus?: number;
  /** Commands come from an interactive prompt (not a script, `bash -c` or a subshell). */
  interactive: boolean;
}

class StopLine extends Error {}

export interface ShellVarsSnapshot {
  vars: Record<string, { value: string; exported: boolean }>;
  cwd: string;
  history: string[];
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
  /** `$$`: stable per tab so transcripts are reproducible. */
  readonly pid: number;

  constructor(readonly opts: ShellOptions) {
    this.vars = new VarTable(opts.varUsage);
    this.cwd = opts.cwd ?? opts.home;
    this.pid = 1000 + ([...opts.tab].reduce((h, c) => (h * 31 + (c.codePointAt(0) ?? 0)) % 8000, 7) % 8000);
    for (const [k, v] of Object.entries(opts.env)) this.vars.set(k, { value: v, exported: true });
    if (opts.bareEnv !== true) {
      this.setVar("PWD", this.cwd, true);
      if (!this.vars.has("HOME")) this.setVar("HOME", opts.home, true);
    }
  }

  get fs(): VirtualFs {
    return this.opts.fs;
  }

  setVar(name: string, value: string, exported?: boolean): void {
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
        return "0";
      case "0":
        return "bash";
      case "@":
      case "*":
      case "-":
        return "";
      case "RANDOM":
        return String((this.opts.clock.now() * 7919) % 32768);
      default:
        return this.vars.get(name)?.value;
    }
  }

  exportedEnv(extra?: Map<string, string>): Map<string, string> {
    const env = new Map<string, string>();
    for (const [k, v] of this.vars) if (v.exported) env.set(k, v.value);
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

  toJSON(): ShellVarsSnapshot {
    const vars: ShellVarsSnapshot["vars"] = {};
    for (const [k, v] of this.vars) vars[k] = { ...v };
    return { vars, cwd: this.cwd, history: [...this.history] };
  }

  restore(s: ShellVarsSnapshot): void {
    this.vars.clear();
    for (const [k, v] of Object.entries(s.vars)) {
      try {
        this.vars.set(k, { value: String(v.value).slice(0, LIMITS.value), exported: !!v.exported });
      } catch (e) {
        // a snapshot saved before the totals were bounded: keep what fits
        if (!(e instanceof ShellLimitError)) throw e;
      }
    }
    if (this.fs.isDir(s.cwd)) this.cwd = s.cwd;
    this.history = [];
    for (const line of s.history.slice(-LIMITS.history)) this.addHistory(String(line));
  }

  // ---- running a line ----

  async run(line: string, io: RunIO): Promise<RunResult> {
    const ctx: RunContext = {
      io,
      interrupt: new InterruptSource(io.interrupt),
      commands: [],
      outputs: [],
      outputsSize: 0,
      argvSize: 0,
      nextYield: SLICE_STEPS,
      steps: 0,
      output: 0,
      expanded: 0,
      depth: 0,
      interactive: io.interactive === true,
    };
    if (line.trim() !== "") this.addHistory(line);
    const terminalOut: Sink = (c) => this.emit(ctx, io.stdout, c);
    const terminalErr: Sink = (c) => this.emit(ctx, io.stderr, c);
    let status: number;
    try {
      const script = parseScript(line);
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
      this.exited = true;
      this.opts.jobs.stopTab(this.opts.tab);
    }
    for (const note of this.opts.jobs.reap(this.opts.tab)) io.stderr(`${note}\n`);
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
    await yieldNow();
    ctx.sliceStart = this.opts.clock.now();
    if (ctx.interrupt.interrupted || ctx.exitRequested !== undefined) throw new StopLine();
  }

  private step(ctx: RunContext, cost = 1): void {
    ctx.steps += cost;
    if (ctx.steps > LIMITS.steps) this.abort(ctx, `more than ${LIMITS.steps} commands on one line; stopped`);
    if (ctx.interrupt.interrupted || ctx.exitRequested !== undefined) throw new StopLine();
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
      if (item.background) {
        status = this.startJob(item, streams, ctx);
      } else {
        status = await this.runAndOr(item, streams, ctx);
      }
      this.lastExit = status;
    }
    return status;
  }

  private startJob(item: AndOr, streams: Streams, ctx: RunContext): number {
    const fg = { ...item, background: false };
    const jobs = this.opts.jobs;
    const job = jobs.start(this.opts.tab, item.source, async (interrupt) => {
      const jobCtx: RunContext = {
        io: ctx.io,
        interrupt,
        commands: ctx.commands,
        outputs: ctx.outputs,
        outputsSize: 0,
        argvSize: 0,
        nextYield: SLICE_STEPS,
        steps: 0,
        output: 0,
        expanded: 0,
        depth: 0,
        // a background job is a child shell
        interactive: false,
      };
      const out: Sink = (c) => this.emit(jobCtx, streams.out, c);
      const err: Sink = (c) => this.emit(jobCtx, streams.err, c);
      try {
        return await this.runAndOr(fg, { stdin: "", out, err, outIsTerminal: false }, jobCtx);
      } catch (e) {
        if (e instanceof StopLine) return interrupt.interrupted ? 130 : 1;
        if (e instanceof ShellSyntaxError) return 2;
        return 1;
      }
    });
    // bash gives up on the whole line when it cannot fork (throw_to_top_level)
    if (job === undefined) throw new ShellLimitError("fork: Resource temporarily unavailable");
    streams.err(`[${job.id}] ${job.pid}\n`);
    this.setVar("!", String(job.pid));
    return 0;
  }

  private async runAndOr(item: AndOr, streams: Streams, ctx: RunContext): Promise<number> {
    let status = await this.runPipeline(item.first, streams, ctx);
    for (const { op, pipeline } of item.rest) {
      this.lastExit = status;
      if (ctx.interrupt.interrupted) throw new StopLine();
      if ((op === "&&" && status === 0) || (op === "||" && status !== 0)) {
        status = await this.runPipeline(pipeline, streams, ctx);
      }
    }
    return status;
  }

  private async runPipeline(p: Pipeline, streams: Streams, ctx: RunContext): Promise<number> {
    let status: number;
    if (p.commands.length === 1) {
      const only = p.commands[0];
      status = only === undefined ? 0 : await this.runCommand(only, streams, ctx, true);
    } else {
      let stdin = streams.stdin;
      status = 0;
      for (let i = 0; i < p.commands.length; i++) {
        const cmd = p.commands[i];
        if (cmd === undefined) continue;
        const last = i === p.commands.length - 1;
        if (last) {
          status = await this.runCommand(cmd, { ...streams, stdin }, ctx, false);
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
          status = await this.runCommand(
            cmd,
            { stdin, out: pipeOut, err: streams.err, outIsTerminal: false },
            ctx,
            false,
          );
          if (ctx.interrupt.interrupted) throw new StopLine();
          stdin = buf;
        }
      }
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
        const saved = this.saveSubshell();
        try {
          return await this.runChild(cmd.body, s, ctx);
        } finally {
          this.restoreSubshell(saved);
        }
      }
      case "while": {
        let status = 0;
        for (;;) {
          this.step(ctx);
          await this.pace(ctx);
          const c = await this.runScript(cmd.cond, s, ctx);
          if ((c === 0) === cmd.until) break;
          status = await this.runScript(cmd.body, s, ctx);
          // A loop that never awaits would starve Ctrl-C; yield to the host once in a while.
          if (ctx.steps % 64 === 0) await Promise.resolve();
        }
        return status;
      }
      case "for": {
        let status = 0;
        const items: string[] = [];
        for (const w of cmd.items) items.push(...(await this.expandWord(w, ctx)));
        for (const v of items) {
          this.step(ctx);
          await this.pace(ctx);
          this.setVar(cmd.name, v);
          status = await this.runScript(cmd.body, s, ctx);
        }
        return status;
      }
      case "if": {
        for (const clause of cmd.clauses) {
          if ((await this.runScript(clause.cond, s, ctx)) === 0) return this.runScript(clause.body, s, ctx);
        }
        return cmd.otherwise === undefined ? 0 : this.runScript(cmd.otherwise, s, ctx);
      }
    }
  }

  private saveSubshell(): { vars: Map<string, Var | undefined>; cwd: string } {
    return { vars: this.vars.beginFrame(), cwd: this.cwd };
  }

  private restoreSubshell(saved: { vars: Map<string, Var | undefined>; cwd: string }): void {
    this.vars.endFrame(saved.vars);
    this.cwd = saved.cwd;
  }

  private async runSimple(
    cmd: SimpleCommand,
    streams: Streams,
    ctx: RunContext,
    alone: boolean,
  ): Promise<number> {
    this.step(ctx);
    await this.pace(ctx);
    const assigns: [string, string][] = [];
    for (const a of cmd.assigns)
      assigns.push([a.name, (await this.expandWord(a.value, ctx, false)).join(" ")]);
    const argv: string[] = [];
    for (const w of cmd.words) argv.push(...(await this.expandWord(w, ctx)));
    const index = ctx.commands.length;
    if (argv.length > 0) ctx.commands.push(recordedArgv(argv, ctx));
    const redirected = await this.applyRedirects(cmd.redirects, streams, ctx);
    if (typeof redirected === "number") return redirected;
    const s = argv.length > 0 ? attributed(redirected, ctx, index) : redirected;
    const name = argv[0];
    if (name === undefined) {
      for (const [k, v] of assigns) this.setVar(k, v);
      return ctx.lastSubstStatus ?? 0;
    }
    const builtin = lookup(BUILTINS, name);
    if (builtin !== undefined && lookup(this.opts.programs, name) === undefined) {
      const restore = assigns.map(([k]) => [k, this.vars.get(k)] as const);
      for (const [k, v] of assigns) this.setVar(k, v);
      const bctx: BuiltinContext = {
        argv,
        stdin: s.stdin,
        out: s.out,
        err: s.err,
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
        if (assigns.length > 0 && !["export", "unset", "cd"].includes(name)) {
          for (const [k, prev] of restore) {
            if (prev === undefined) this.vars.delete(k);
            else this.vars.setUnchecked(k, prev);
          }
        }
      }
    }
    const program = lookup(this.opts.programs, name);
    if (program === undefined) {
      if (name.includes("/")) {
        const path = this.resolve(name);
        s.err(
          `bash: ${name}: ${this.fs.isDir(path) ? "Is a directory" : this.fs.isFile(path) ? "Permission denied" : "No such file or directory"}\n`,
        );
        return this.fs.isFile(path) || this.fs.isDir(path) ? 126 : 127;
      }
      s.err(`bash: ${name}: command not found\n`);
      return 127;
    }
    return this.callProgram(program, this.programIO(argv, s, ctx, new Map(assigns), alone));
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
      stdoutIsTerminal: s.outIsTerminal,
    };
    const enterShell = ctx.io.enterShell;
    if (interactive && enterShell !== undefined)
      io.enterShell = (nested) => enterShell(nested, structuredClone(ctx.commands));
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
      }): Promise<ExitCode> =>
        exec(
          { namespace: req.namespace, pod: req.pod, container: req.container },
          req.command,
          { interactive: req.stdin },
          io,
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
      const fields = r.target === undefined ? [] : await this.expandWord(r.target, ctx);
      const target = fields[0];
      if (fields.length !== 1 || target === undefined) {
        s.err(`bash: ${r.target?.raw ?? ""}: ambiguous redirect\n`);
        return 1;
      }
      if (r.op === "<") {
        const path = this.resolve(target);
        if (path === "/dev/null") {
          s = { ...s, stdin: "" };
          continue;
        }
        const data = this.fs.read(path);
        if (typeof data !== "string") {
          s.err(`bash: ${target}: ${fsErrorText(data.error)}\n`);
          return 1;
        }
        s = { ...s, stdin: data };
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
      s.err(`bash: ${target}: ${fsErrorText(err)}\n`);
      return 1;
    }
    let failed = false;
    return (chunk: string) => {
      if (failed) return;
      const e = this.fs.write(path, chunk, true);
      if (e !== undefined) {
        failed = true;
        s.err(`bash: ${target}: ${fsErrorText(e)}\n`);
        this.abort(ctx, `${target}: file size limit reached; stopped`);
      }
    };
  }

  // ---- expansion ----

  async expandWord(word: Word, ctx: RunContext, split = true): Promise<string[]> {
    const fields: string[] = [];
    let cur = "";
    let has = false;
    const pushSplit = (value: string): void => {
      if (!split) {
        cur += value;
        return;
      }
      const pieces = value.split(/[ \t\n]+/);
      for (let i = 0; i < pieces.length; i++) {
        const piece = pieces[i] ?? "";
        if (i > 0) {
          if (has || cur !== "") fields.push(cur);
          cur = "";
          has = false;
        }
        if (piece !== "") {
          cur += piece;
          has = true;
        }
      }
    };
    for (let i = 0; i < word.parts.length; i++) {
      const part = word.parts[i];
      if (part === undefined) continue;
      switch (part.kind) {
        case "lit": {
          let text = part.text;
          if (i === 0 && !part.quoted && (text === "~" || text.startsWith("~/"))) {
            text = (this.getVar("HOME") ?? this.opts.home) + text.slice(1);
          }
          cur += text;
          has = true;
          break;
        }
        case "var": {
          const value = await this.expandParam(part, ctx);
          this.expanded(ctx, cur.length + value.length, value.length);
          if (part.quoted) {
            cur += value;
            has = true;
          } else pushSplit(value);
          break;
        }
        case "cmd": {
          const value = await this.commandSubstitution(part.script, ctx);
          this.expanded(ctx, cur.length + value.length, value.length);
          if (part.quoted) {
            cur += value;
            has = true;
          } else pushSplit(value);
          break;
        }
        case "arith": {
          this.step(ctx);
          const expanded = await this.expandArithText(part.expr, ctx);
          const r = evalArith(
            expanded,
            (n) => this.getVar(n),
            (n, v) => this.setVar(n, String(v)),
          );
          if (typeof r === "string") {
            ctx.io.stderr(`bash: ${part.expr.trim()}: ${r}\n`);
            throw new StopLine();
          }
          cur += String(r);
          has = true;
          break;
        }
      }
    }
    if (has || cur !== "") fields.push(cur);
    return split ? fields : [fields.join(" ")];
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
    const value = this.getVar(part.name);
    const argText = async (): Promise<string> =>
      part.arg === undefined ? "" : (await this.expandWord(part.arg, ctx, false)).join("");
    switch (part.op) {
      case undefined:
        return value ?? "";
      case "#len":
        return String((value ?? "").length);
      case ":-":
        return value === undefined || value === "" ? argText() : value;
      case "-":
        return value === undefined ? argText() : value;
      case ":=": {
        if (value !== undefined && value !== "") return value;
        const v = await argText();
        this.setVar(part.name, v);
        return v;
      }
      case ":+":
        return value === undefined || value === "" ? "" : argText();
      case "+":
        return value === undefined ? "" : argText();
    }
  }

  private async commandSubstitution(script: Script, ctx: RunContext): Promise<string> {
    if (ctx.depth >= LIMITS.depth) {
      this.abort(ctx, "command substitution nested too deeply; stopped");
      throw new StopLine();
    }
    // a child shell (its changed variables restored after) costs about four commands here
    this.step(ctx, 4);
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
    } finally {
      ctx.depth--;
      this.restoreSubshell(saved);
      this.lastExit = savedExit;
    }
    return buf.replace(/\n+$/, "");
  }

  /** Runs a line non-interactively inside this shell (used by `bash -c`). */
  async runNested(line: string, streams: Streams, ctx: RunContext): Promise<number> {
    const script = parseScript(line, 1);
    return this.runChild(script, streams, ctx);
  }

  /**
   * Runs a script as a child shell would (a subshell, `$(…)`, `bash -c`): not interactive, and
   * its `exit` ends only the child, whose status becomes the command's.
   */
  private async runChild(script: Script, streams: Streams, ctx: RunContext): Promise<number> {
    const interactive = ctx.interactive;
    ctx.interactive = false;
    try {
      return await this.runScript(script, streams, ctx);
    } catch (e) {
      if (!(e instanceof StopLine) || ctx.exitRequested === undefined || ctx.interrupt.interrupted) throw e;
      const code = ctx.exitRequested;
      delete ctx.exitRequested;
      return code;
    } finally {
      ctx.interactive = interactive;
    }
  }

  requestExit(ctx: RunContext, code: number): never {
    ctx.exitRequested = code;
    throw new StopLine();
  }
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
  }
}
