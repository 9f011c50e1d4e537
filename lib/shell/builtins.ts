/**
 * Shell builtins and the small coreutils students use in the tutorial. They get the session
 * (variables, cwd, filesystem, jobs) besides ProgramIO-like streams; external programs
 * (kubectl, curl, minikube) are plain `Program`s from the registry.
 */

import { commands as kubectlCommands } from "../kubectl/commands";
import { chmod } from "./chmod";
import { complete, compopt } from "./complete";
import { date } from "./date";
import { FILE_COMMANDS } from "./files";
import type { FsError } from "./fs";
import { helpText } from "./help";
import type { RunContext, Shell, ShellFlags, Sink, Streams } from "./interp";
import { BASH_VERSION, fsErrorText, INTEGER_TESTS, LIMITS, lookup, UNARY_TESTS, unaryTest } from "./interp";

/** (A function: interp.ts imports this module, so LIMITS is not there yet at load time.) */
const outputLimit = (): string =>
  `output limit reached (${LIMITS.output / 1024} KiB per command line); stopped`;

import { EVERYDAY_BUILTINS, EVERYDAY_TOOLS } from "./everyday";
import { parseOrComplain, quoteArg, usageError } from "./getopt";
import { sleepFor } from "./interrupt";
import { formatJob } from "./jobs";
import { decodeEscapes } from "./parse";
import { formatPrintf } from "./printf";
import { SCREEN_PROGRAMS } from "./screen-programs";
import { SCRIPTING_BUILTINS } from "./scripting";
import { TEXT_UTILS } from "./textutils";
import { TOOLS } from "./tools";
import type { ProgramIO } from "./types";

export interface BuiltinContext {
  argv: string[];
  stdin: string;
  /** The command's streams (for `read`, which consumes stdin line by line). */
  streams?: Streams;
  out: Sink;
  err: Sink;
  shell: Shell;
  ctx: RunContext;
  tty: boolean;
  columns: number;
  interrupt: RunContext["interrupt"];
  /** ProgramIO for calling a registry program from a builtin (`env X=1 kubectl …`). */
  programIO(argv: string[]): ProgramIO;
}

export type Builtin = (c: BuiltinContext) => Promise<number> | number;

/** A file operand's contents: standard input for `-`, else the file, or why it cannot be read. */
export function readOperand(
  c: Pick<BuiltinContext, "stdin" | "shell">,
  f: string,
): string | { error: FsError } {
  return f === "-" ? c.stdin : c.shell.fs.read(c.shell.resolve(f));
}

/** A shell variable name. */
export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_SLEEP_SECONDS = 3600;

const echo: Builtin = ({ argv, out, shell }) => {
  let newline = true;
  let escapes = false;
  let i = 1;
  if (shell.dash) {
    // dash's echo: `-n` first is its only option, and backslash escapes are always read
    if (argv[1] === "-n") newline = false;
    i = newline ? 1 : 2;
    escapes = true;
  }
  for (; !shell.dash && i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (!/^-[neE]+$/.test(a)) break;
    for (const f of a.slice(1)) {
      if (f === "n") newline = false;
      else if (f === "e") escapes = true;
      else escapes = false;
    }
  }
  let text = argv.slice(i).join(" ");
  if (escapes) {
    const d = decodeEscapes(text, true);
    text = d.text;
    if (d.stop) newline = false;
  }
  out(newline ? `${text}\n` : text);
  return 0;
};

const printf: Builtin = ({ argv, out, err, shell, ctx }) => {
  let args = argv.slice(1);
  let target: string | undefined;
  if (args[0] === "-v") {
    target = args[1];
    args = args.slice(2);
  }
  if (args[0] === "--") args = args.slice(1);
  const format = args[0];
  if (format === undefined) {
    err("printf: usage: printf [-v var] format [arguments]\n");
    return 2;
  }
  let r: ReturnType<typeof formatPrintf>;
  try {
    // what cannot fit in the line's output is never built ('%400000000d' took 400 MB)
    r = formatPrintf(format, args.slice(1), LIMITS.output);
  } catch (e) {
    if (e instanceof RangeError) shell.limit(ctx, outputLimit());
    throw e;
  }
  if (r.text.length > LIMITS.output) shell.limit(ctx, outputLimit());
  for (const e of r.errors) err(`bash: ${e}\n`);
  if (target !== undefined) shell.setVar(target, r.text);
  else out(r.text);
  return r.errors.length > 0 ? 1 : 0;
};

/**
 * `NAME` or `NAME=value` as `export` and `local` take them; undefined, with bash's complaint
 * written, when NAME is not a valid identifier.
 */
export function assignmentArg(
  builtin: string,
  arg: string,
  err: Sink,
): { name: string; value: string | undefined } | undefined {
  const eq = arg.indexOf("=");
  const name = eq < 0 ? arg : arg.slice(0, eq);
  if (NAME_RE.test(name)) return { name, value: eq < 0 ? undefined : arg.slice(eq + 1) };
  err(`bash: ${builtin}: \`${arg}': not a valid identifier\n`);
  return undefined;
}

const exportB: Builtin = ({ argv, shell, out, err }) => {
  const args = argv.slice(1).filter((a) => a !== "--");
  if (args.length === 0 || args[0] === "-p") {
    for (const [k, v] of [...shell.vars].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (v.exported) out(`declare -x ${k}="${v.value.replace(/(["\\$`])/g, "\\$1")}"\n`);
    }
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const arg = assignmentArg("export", a, err);
    if (arg === undefined) {
      status = 1;
      continue;
    }
    if (arg.value === undefined) {
      shell.vars.set(arg.name, { value: shell.vars.get(arg.name)?.value ?? "", exported: true });
    } else shell.setVar(arg.name, arg.value, true);
  }
  return status;
};

const unset: Builtin = ({ argv, shell, err }) => {
  let status = 0;
  const fn = argv.includes("-f");
  for (const a of argv.slice(1)) {
    if (a === "-v" || a === "-f") continue;
    if (fn) {
      shell.definitions().functions.delete(a);
      continue;
    }
    const elem = /^([A-Za-z_][A-Za-z0-9_]*)\[(.+)\]$/s.exec(a);
    if (elem !== null) {
      // `unset 'a[k]'`: one element (indexed arrays are dense here: the rest move down)
      const [, name = "", key = ""] = elem;
      const assoc = shell.getAssoc(name);
      if (assoc !== undefined) {
        if (assoc.delete(key)) shell.setAssoc(name, assoc);
        continue;
      }
      const items = shell.getArray(name);
      const i = /^-?\d+$/.test(key.trim()) ? Number(key.trim()) : Number.NaN;
      if (items !== undefined && shell.vars.get(name)?.array === true && Number.isInteger(i)) {
        const at = i < 0 ? items.length + i : i;
        if (at >= 0 && at < items.length) {
          items.splice(at, 1);
          shell.setArray(name, items);
        }
        continue;
      }
      if (items !== undefined && (key.trim() === "0" || key.trim() === "@" || key.trim() === "*"))
        shell.vars.delete(name);
      continue;
    }
    if (!NAME_RE.test(a)) {
      err(`bash: unset: \`${a}': not a valid identifier\n`);
      status = 1;
      continue;
    }
    shell.vars.delete(a);
  }
  return status;
};

const env: Builtin = async (c) => {
  const extra = new Map<string, string>();
  let clear = false;
  let i = 1;
  for (; i < c.argv.length; i++) {
    const a = c.argv[i] ?? "";
    if (a === "-i" || a === "-" || a === "--ignore-environment") {
      clear = true;
      continue;
    }
    if (a === "--") continue;
    const eq = a.indexOf("=");
    if (eq > 0) extra.set(a.slice(0, eq), a.slice(eq + 1));
    else break;
  }
  const base = clear ? new Map(extra) : c.shell.exportedEnv(extra);
  const rest = c.argv.slice(i);
  const name = rest[0];
  if (name === undefined) {
    for (const [k, v] of base) c.out(`${k}=${v}\n`);
    return 0;
  }
  if (name === "env" || name === "printenv") {
    // the environment of the inner command is exactly `base`
    const inner = rest.slice(1);
    if (name === "printenv" && inner.length > 0) {
      let status = 0;
      for (const n of inner) {
        const v = base.get(n);
        if (v === undefined) status = 1;
        else c.out(`${v}\n`);
      }
      return status;
    }
    return env({ ...c, argv: ["env", "-i", ...[...base].map(([k, v]) => `${k}=${v}`), ...inner] });
  }
  const program = lookup(c.shell.opts.programs, name);
  if (program === undefined) {
    if (lookup(BUILTINS, name) !== undefined && !BUILTIN_NAMES.has(name) && c.streams !== undefined)
      return c.shell.dispatch(rest, [...extra], c.streams, c.ctx, false);
    c.err(`env: \u2018${name}\u2019: No such file or directory\n`);
    return 127;
  }
  const io = c.programIO(rest);
  io.env = base;
  return c.shell.callProgram(program, io);
};

const cd: Builtin = ({ argv, shell, out, err }) => {
  const args = argv.slice(1).filter((a) => a !== "--" && a !== "-L" && a !== "-P");
  if (args.length > 1) {
    err("bash: cd: too many arguments\n");
    return 1;
  }
  let target = args[0];
  if (target === undefined || target === "") {
    target = shell.getVar("HOME");
    if (target === undefined) {
      err("bash: cd: HOME not set\n");
      return 1;
    }
  }
  if (target === "-") {
    const old = shell.getVar("OLDPWD");
    if (old === undefined) {
      err("bash: cd: OLDPWD not set\n");
      return 1;
    }
    target = old;
    out(`${old}\n`);
  }
  const path = shell.resolve(target);
  if (!shell.fs.isDir(path)) {
    err(`bash: cd: ${target}: ${shell.fs.isFile(path) ? "Not a directory" : "No such file or directory"}\n`);
    return 1;
  }
  shell.setVar("OLDPWD", shell.cwd);
  shell.cwd = path;
  shell.setVar("PWD", path);
  return 0;
};

const history: Builtin = ({ argv, shell, out, err }) => {
  const a = argv[1];
  if (a === "-c") {
    shell.clearHistory();
    return 0;
  }
  let lines = shell.history.map((l, i) => ({ n: i + 1, l }));
  if (a !== undefined) {
    if (!/^\d+$/.test(a)) {
      err(`bash: history: ${a}: numeric argument required\n`);
      return 1;
    }
    lines = lines.slice(-Number(a));
  }
  for (const { n, l } of lines) out(`${String(n).padStart(5)}  ${l}\n`);
  return 0;
};

const exit: Builtin = ({ argv, shell, ctx, err }) => {
  const a = argv[1];
  // only an interactive shell says goodbye; a script, a pipe or `bash -c` exits silently
  if (ctx.interactive) err(shell.opts.login ? "logout\n" : "exit\n");
  if (a === undefined) return shell.requestExit(ctx, shell.lastExit);
  if (!/^-?\d+$/.test(a)) {
    err(`bash: exit: ${a}: numeric argument required\n`);
    return shell.requestExit(ctx, 2);
  }
  return shell.requestExit(ctx, Number(a) & 0xff);
};

const sleep: Builtin = async ({ argv, shell, interrupt, out, err }) => {
  const o = parseOrComplain({ argv, out, err }, "sleep", { short: "" });
  if (typeof o === "number") return o;
  const args = o.operands;
  if (args.length === 0) return usageError(err, "sleep", "missing operand");
  let seconds = 0;
  for (const a of args) {
    if (/^inf(inity)?$/i.test(a)) {
      seconds = Number.POSITIVE_INFINITY;
      continue;
    }
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (m === null) return usageError(err, "sleep", `invalid time interval ${quoteArg(a)}`);
    const mult = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? ""] ?? 1;
    seconds += Number(m[1]) * mult;
  }
  if (seconds > MAX_SLEEP_SECONDS) {
    err(`sleep: ${args.join(" ")}: longer than this classroom allows (${MAX_SLEEP_SECONDS}s)\n`);
    return 1;
  }
  const finished = await sleepFor(shell.opts.scheduler, Math.round(seconds * 1000), interrupt);
  return finished ? 0 : 130;
};

const jobs: Builtin = ({ argv, shell, out }) => {
  const table = shell.opts.jobs;
  const long = argv.includes("-l");
  for (const job of table.list(shell.opts.tab)) {
    const line = formatJob(job, table.marker(job), true);
    out(`${long ? line.replace(/^(\[\d+\][+ -]) /, `$1 ${job.pid}`) : line}\n`);
  }
  return 0;
};

/**
 * A child shell (a background job, `( … )`, `$( … )`, `bash -c`) has no job control, so fg and
 * bg refuse as bash does. A background `fg &` used to wait for its own job, which never ended
 * and could not be interrupted.
 */
function noJobControl(name: string, ctx: BuiltinContext): number | undefined {
  if (ctx.ctx.interactive) return undefined;
  ctx.err(`bash: ${name}: no job control\n`);
  return 1;
}

const fg: Builtin = async (c) => {
  const refused = noJobControl("fg", c);
  if (refused !== undefined) return refused;
  const { argv, shell, interrupt, out, err } = c;
  const table = shell.opts.jobs;
  const spec = argv[1];
  const job = table.find(shell.opts.tab, spec);
  if (job === undefined || job.state !== "running") {
    err(`bash: fg: ${spec ?? "current"}: no such job\n`);
    return 1;
  }
  out(`${job.source}\n`);
  job.foreground = true;
  await Promise.race([job.done, interrupt.promise]);
  if (job.state === "running") {
    table.signal(job, "INT");
    await job.done;
    return 130;
  }
  return job.exitCode;
};

const bg: Builtin = (c) => {
  const refused = noJobControl("bg", c);
  if (refused !== undefined) return refused;
  const { argv, shell, err } = c;
  const job = shell.opts.jobs.find(shell.opts.tab, argv[1]);
  if (job === undefined) {
    err(`bash: bg: ${argv[1] ?? "current"}: no such job\n`);
    return 1;
  }
  err(`bash: bg: job ${job.id} already in background\n`);
  return 0;
};

const SIGNALS: Record<string, "TERM" | "KILL" | "INT"> = {
  "-9": "KILL",
  "-KILL": "KILL",
  "-SIGKILL": "KILL",
  "-15": "TERM",
  "-TERM": "TERM",
  "-SIGTERM": "TERM",
  "-2": "INT",
  "-INT": "INT",
  "-SIGINT": "INT",
};

const kill: Builtin = async ({ argv, shell, interrupt, err }) => {
  const table = shell.opts.jobs;
  let signal: "TERM" | "KILL" | "INT" = "TERM";
  let args = argv.slice(1);
  if (args[0] === "-s" && args[1] !== undefined) {
    args = [`-${args[1]}`, ...args.slice(2)];
  }
  const first = args[0];
  if (first?.startsWith("-") && first !== "-") {
    const s = SIGNALS[first.toUpperCase()];
    if (s === undefined) {
      err(`bash: kill: ${first.slice(1)}: invalid signal specification\n`);
      return 1;
    }
    signal = s;
    args = args.slice(1);
  }
  if (args.length === 0) {
    err("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n");
    return 2;
  }
  let status = 0;
  const waits: Promise<number>[] = [];
  for (const a of args) {
    const job = a.startsWith("%")
      ? table.find(shell.opts.tab, a)
      : /^\d+$/.test(a)
        ? table.findPid(Number(a))
        : undefined;
    if (job === undefined || job.state !== "running") {
      if (a.startsWith("%")) err(`bash: kill: ${a}: no such job\n`);
      else if (/^\d+$/.test(a)) err(`bash: kill: (${a}) - No such process\n`);
      else err(`bash: kill: ${a}: arguments must be process or job IDs\n`);
      status = 1;
      continue;
    }
    table.signal(job, signal);
    waits.push(job.done);
  }
  await Promise.race([Promise.all(waits), interrupt.promise]);
  return status;
};

const wait: Builtin = async ({ shell, interrupt }) => {
  const running = shell.opts.jobs.list(shell.opts.tab).filter((j) => j.state === "running");
  let status = 0;
  await Promise.race([
    Promise.all(running.map((j) => j.done)).then((codes) => {
      status = codes[codes.length - 1] ?? 0;
    }),
    interrupt.promise,
  ]);
  return interrupt.interrupted ? 130 : status;
};

function testExpr(args: string[], shell: Shell): boolean | string {
  if (args.length === 0) return false;
  if (args[0] === "!") {
    const r = testExpr(args.slice(1), shell);
    return typeof r === "string" ? r : !r;
  }
  if (args.length === 1) return (args[0] ?? "") !== "";
  if (args.length === 2) {
    const [op = "", v = ""] = args;
    return UNARY_TESTS.has(op) ? unaryTest(shell, op, v) : `${op}: unary operator expected`;
  }
  if (args.length === 3) {
    const [a = "", op = "", b = ""] = args;
    const integerTest = Object.hasOwn(INTEGER_TESTS, op) ? INTEGER_TESTS[op] : undefined;
    if (integerTest !== undefined) {
      if (!/^\s*-?\d+\s*$/.test(a)) return `${a}: integer expression expected`;
      if (!/^\s*-?\d+\s*$/.test(b)) return `${b}: integer expression expected`;
      return integerTest(Number(a), Number(b));
    }
    switch (shell.dash && op === "==" ? "" : op) {
      case "=":
      case "==":
        return a === b;
      case "!=":
        return a !== b;
      case "<":
        return a < b;
      case ">":
        return a > b;
      case "-a":
        return a !== "" && b !== "";
      case "-o":
        return a !== "" || b !== "";
      default:
        return `${op}: binary operator expected`;
    }
  }
  return "too many arguments";
}

const test: Builtin = ({ argv, shell, err }) => {
  let args = argv.slice(1);
  if (argv[0] === "[") {
    if (args[args.length - 1] !== "]") {
      err(shell.dash ? "bash: [: missing ]\n" : "bash: [: missing `]'\n");
      return 2;
    }
    args = args.slice(0, -1);
  }
  const r = testExpr(args, shell);
  if (typeof r === "string") {
    // dash's test has two words for what bash tells apart (and no `==`)
    const dash = /^(.*): integer expression expected$/.exec(r);
    const said = !shell.dash
      ? r
      : dash !== null
        ? `Illegal number: ${dash[1]}`
        : `${args[0]}: unexpected operator`;
    err(`bash: ${argv[0]}: ${said}\n`);
    return 2;
  }
  return r ? 0 : 1;
};

const KNOWN_PATHS: Record<string, string> = {
  kubectl: "/usr/local/bin/kubectl",
  minikube: "/usr/local/bin/minikube",
  curl: "/usr/bin/curl",
};

/** bash's builtins that Debian also ships as programs in /usr/bin (coreutils, procps). */
const ALSO_PROGRAMS: ReadonlySet<string> = new Set([
  "echo",
  "printf",
  "test",
  "[",
  "true",
  "false",
  "pwd",
  "kill",
]);

/** Where the program `name` is installed (what `which` prints), or undefined when there is none. */
export function programPath(shell: Shell, name: string): string | undefined {
  if (name.includes("/")) return undefined;
  if (BUILTIN_NAMES.has(name)) return ALSO_PROGRAMS.has(name) ? `/usr/bin/${name}` : undefined;
  if (lookup(shell.opts.programs, name) === undefined && lookup(BUILTINS, name) === undefined)
    return undefined;
  return KNOWN_PATHS[name] ?? `/usr/bin/${name}`;
}

/**
 * The command installed at `path` (absolute, normalised), if any: `/usr/bin/ls` and `/bin/ls`
 * are `ls` (/bin is /usr/bin on Debian and Ubuntu), `/usr/local/bin/kubectl` is kubectl.
 */
export function programAt(shell: Shell, path: string): string | undefined {
  const usr = path.startsWith("/bin/") || path.startsWith("/sbin/") ? `/usr${path}` : path;
  const name = usr.slice(usr.lastIndexOf("/") + 1);
  return programPath(shell, name) === usr ? name : undefined;
}

/** bash's reserved words (`type if`: `if is a shell keyword`). */
const KEYWORDS: ReadonlySet<string> = new Set(
  "if then else elif fi case esac for select while until do done in function time { } ! [[ ]] coproc".split(
    " ",
  ),
);

/**
 * `type [-t|-p|-P] NAME…` and `which NAME…`: what bash would run for each name — an alias, a
 * keyword, a function, a builtin or a program's path — or only the kind (`-t`) or the path
 * (`-p`, `-P`, and `which`).
 */
const type: Builtin = ({ argv, shell, out, err }) => {
  let status = 0;
  const which = argv[0] === "which";
  let mode: "say" | "kind" | "path" | "file" = which ? "path" : "say";
  let i = 1;
  for (; !which && i < argv.length && /^-[tpPaf]+$/.test(argv[i] ?? ""); i++) {
    const f = argv[i] ?? "";
    if (f.includes("t")) mode = "kind";
    else if (f.includes("P")) mode = "file";
    else if (f.includes("p")) mode = "path";
  }
  for (const name of argv.slice(i)) {
    const path = programPath(shell, name);
    const file =
      name.includes("/") &&
      shell.fs.isFile(shell.resolve(name)) &&
      (shell.fs.mode(shell.resolve(name)) & 0o111) !== 0
        ? name
        : undefined;
    // `which` and `type -P` search PATH only
    const kind =
      mode === "file" || which
        ? undefined
        : shell.aliases.has(name)
          ? "alias"
          : KEYWORDS.has(name)
            ? "keyword"
            : shell.functions.has(name)
              ? "function"
              : BUILTIN_NAMES.has(name)
                ? "builtin"
                : undefined;
    const found = path ?? file;
    if (mode === "kind") {
      if (kind !== undefined || found !== undefined) out(`${kind ?? "file"}\n`);
      else status = 1;
    } else if (mode === "path" || mode === "file") {
      // a name bash would not run from a file prints nothing (`type -p echo`), and is no failure
      if (kind === undefined && found !== undefined) out(`${found}\n`);
      else if (kind === undefined) status = 1;
    } else if (kind === "alias") out(`${name} is aliased to \`${shell.aliases.get(name)}'\n`);
    else if (kind === "keyword") out(`${name} is a shell keyword\n`);
    else if (kind === "function") out(`${name} is a function\n`);
    else if (kind === "builtin") out(`${name} is a shell builtin\n`);
    else if (found !== undefined) out(`${name} is ${found}\n`);
    else {
      err(`bash: type: ${name}: not found\n`);
      status = 1;
    }
  }
  return status;
};

/** `command -v NAME` (how bash would run it) and `command -V NAME` (as `type` says it). */
const command: Builtin = async (c) => {
  const { argv, shell, out, err } = c;
  const flag = argv[1];
  if (flag !== "-v" && flag !== "-V") {
    const args = argv.slice(argv[1] === "--" ? 2 : 1);
    if (args.length === 0) return 0;
    return shell.runNested(
      args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" "),
      { stdin: c.stdin, out, err, outIsTerminal: c.tty },
      c.ctx,
    );
  }
  if (flag === "-V") return type({ ...c, argv: ["type", ...argv.slice(2)] });
  let status = 0;
  for (const name of argv.slice(2)) {
    const aliased = shell.aliases.get(name);
    if (aliased !== undefined) out(`alias ${name}='${aliased.replace(/'/g, `'\\''`)}'\n`);
    else if (shell.functions.has(name) || BUILTIN_NAMES.has(name)) out(`${name}\n`);
    else {
      const path = programPath(shell, name);
      if (path !== undefined) out(`${path}\n`);
      else status = 1;
    }
  }
  return status;
};

const SHORT_OPTIONS: Record<string, keyof ShellFlags> = { e: "errexit", u: "nounset", x: "xtrace" };

/**
 * `bash`/`sh` as a command: a new shell process (Shell.runChildShell) running `-c CMD [NAME
 * [ARG…]]`, a script file (`bash FILE [ARG…]`) or its piped standard input (`… | bash`,
 * `bash -s ARG…`), with the `-e`, `-u`, `-x` and `-o pipefail` options it was given. `sh` is
 * dash, as on Debian and Ubuntu: its messages are dash's (`sh: 1: x: not found`).
 */
const bash: Builtin = async (c) => {
  const name = c.argv[0] === "sh" || c.argv[0]?.endsWith("/sh") === true ? "sh" : "bash";
  const dash = name === "sh";
  const options: Partial<ShellFlags> = {};
  const err = c.streams?.err ?? c.err;
  let command = false;
  let stdin = false;
  let i = 1;
  for (; i < c.argv.length; i++) {
    const a = c.argv[i] ?? "";
    if (a === "--") {
      i++;
      break;
    }
    if (!dash && (a === "--norc" || a === "--noprofile" || a === "--noediting" || a === "--posix")) continue;
    if (!dash && a === "--version") {
      c.out(
        `GNU bash, version ${BASH_VERSION} (x86_64-pc-linux-gnu)\nCopyright (C) 2022 Free Software Foundation, Inc.\nLicense GPLv3+: GNU GPL version 3 or later <http://gnu.org/licenses/gpl.html>\n\nThis is free software; you are free to change and redistribute it.\nThere is NO WARRANTY, to the extent permitted by law.\n`,
      );
      return 0;
    }
    if (a.startsWith("--")) {
      // dash has no long options (its `-` is an unknown option letter); bash knows a few more
      err(
        dash
          ? "sh: 0: Illegal option --\n"
          : `bash: ${a}: invalid option\nUsage:\tbash [GNU long option] [option] ...\n\tbash [GNU long option] [option] script-file ...\n`,
      );
      return 2;
    }
    if (!/^[-+][a-zA-Z]+$/.test(a)) break;
    for (const ch of a.slice(1)) {
      if (ch === "c") command = true;
      else if (ch === "s") stdin = true;
      else if (ch === "o") {
        const opt = c.argv[++i] ?? "";
        if (opt === "errexit" || opt === "nounset" || opt === "xtrace" || opt === "pipefail")
          options[opt] = a[0] === "-";
      } else if (ch in SHORT_OPTIONS) options[SHORT_OPTIONS[ch] as keyof ShellFlags] = a[0] === "-";
      else if (ch !== "i" && ch !== "l" && ch !== "v") {
        err(
          dash
            ? `sh: 0: Illegal option -${ch}\n`
            : `bash: ${a[0]}${ch}: invalid option\nUsage:\tbash [GNU long option] [option] ...\n\tbash [GNU long option] [option] script-file ...\n`,
        );
        return 2;
      }
    }
  }
  const operands = c.argv.slice(i);
  // its own messages are bash's or dash's already; those of its commands say which shell runs them.
  // It reads the same input as the command (its `read` goes on where the parent's `read` left off)
  const io: Streams = {
    stdin: c.streams?.stdin ?? c.stdin,
    cursor: c.streams?.cursor ?? { pos: 0 },
    out: c.out,
    err,
    outIsTerminal: false,
  };
  if (command) {
    const text = operands[0];
    if (text === undefined) {
      err(dash ? "sh: 0: -c requires an argument\n" : "bash: -c: option requires an argument\n");
      return 2;
    }
    // `$0` is the name after the text, else the shell as it was typed (`/bin/sh`); messages begin with it
    const argv0 = operands[1] ?? c.argv[0] ?? name;
    const shown = argv0 === name ? undefined : argv0;
    return c.shell.runChildShell(
      text,
      { argv0, args: operands.slice(2), name: { dash, from: "command", shown }, options },
      io,
      c.ctx,
    );
  }
  if (operands.length > 0 && !stdin) {
    const file = operands[0] ?? "";
    const text = c.shell.fs.read(c.shell.resolve(file));
    if (typeof text !== "string") {
      if (dash) {
        err(
          `sh: 0: cannot open ${file}: ${text.error === "ENOENT" ? "No such file" : fsErrorText(text.error)}\n`,
        );
        return 2;
      }
      err(`bash: ${file}: ${fsErrorText(text.error)}\n`);
      return text.error === "EISDIR" ? 126 : 127;
    }
    return c.shell.runChildShell(
      text.replace(/^#!.*/, "").replace(/\n+$/, ""),
      { argv0: file, args: operands.slice(1), name: { dash, file, from: "file" }, options },
      io,
      c.ctx,
    );
  }
  if (c.stdin === "" && !stdin) {
    err("bash: a nested interactive shell is not available here; you are already in bash\n");
    return 1;
  }
  // `… | bash`: the script is its input (which its commands then do not read)
  return c.shell.runChildShell(
    c.stdin.replace(/\n+$/, ""),
    { argv0: name, args: operands, name: { dash, from: "stdin" }, options },
    { ...io, stdin: "", cursor: { pos: 0 } },
    c.ctx,
  );
};

/** `source FILE` / `. FILE`: runs the file in this shell (functions and variables stay). */
const source: Builtin = async (c) => {
  const file = c.argv[1];
  if (file === undefined) {
    c.err(
      `bash: ${c.argv[0]}: filename argument required\n${c.argv[0]}: usage: ${c.argv[0]} filename [arguments]\n`,
    );
    return 2;
  }
  const text = c.shell.fs.read(c.shell.resolve(file));
  if (typeof text !== "string") {
    c.err(`bash: ${file}: ${fsErrorText(text.error)}\n`);
    return 1;
  }
  return c.shell.runFile(
    text,
    c.argv.length > 2 ? c.argv.slice(2) : undefined,
    c.streams ?? { stdin: c.stdin, out: c.out, err: c.err, outIsTerminal: false },
    c.ctx,
  );
};

const clear: Builtin = ({ out }) => {
  out("\x1b[H\x1b[2J\x1b[3J");
  return 0;
};

export const BUILTINS: Record<string, Builtin> = {
  complete,
  compopt,
  ...TEXT_UTILS,
  ...SCREEN_PROGRAMS,
  ...SCRIPTING_BUILTINS,
  ...TOOLS,
  ...EVERYDAY_BUILTINS,
  ...EVERYDAY_TOOLS,
  echo,
  printf,
  export: exportB,
  unset,
  env,
  printenv: (c) => {
    const o = parseOrComplain(c, "printenv", { short: "0", long: { null: "0" } }, 2);
    if (typeof o === "number") return o;
    const end = o.has("0") ? "\0" : "\n";
    const names = o.operands;
    if (names.length === 0) {
      if (!o.has("0")) return env({ ...c, argv: ["env"] });
      for (const [k, v] of c.shell.exportedEnv()) c.out(`${k}=${v}\0`);
      return 0;
    }
    let status = 0;
    for (const n of names) {
      const v = n.includes("=") ? undefined : c.shell.exportedEnv().get(n);
      if (v === undefined) status = 1;
      else c.out(`${v}${end}`);
    }
    return status;
  },
  cd,
  pwd: ({ shell, out }) => {
    out(`${shell.cwd}\n`);
    return 0;
  },
  history,
  clear,
  exit,
  logout: (c) => exit(c),
  sleep,
  jobs,
  fg,
  bg,
  kill,
  wait,
  test,
  "[": test,
  true: () => 0,
  false: () => 1,
  ":": () => 0,
  whoami: (c) => {
    const o = parseOrComplain(c, "whoami", { short: "" });
    if (typeof o === "number") return o;
    if (o.operands.length > 0)
      return usageError(c.err, "whoami", `extra operand ${quoteArg(o.operands[0] ?? "")}`);
    c.out(`${c.shell.opts.user}\n`);
    return 0;
  },
  hostname: ({ argv, shell, out, err }) => {
    // net-tools' hostname: the short and long names are the same here (no domain)
    const args = argv.slice(1).filter((a) => !["-s", "--short", "-f", "--fqdn", "--long"].includes(a));
    if (args.length > 0) {
      err(
        args[0]?.startsWith("-") === true
          ? `hostname: ${args[0]?.startsWith("--") === true ? `unrecognized option '${args[0]}'` : `invalid option -- '${args[0]?.slice(1, 2)}'`}\nUsage: hostname [-b] {hostname|-F file}         set host name (from file)\n`
          : "hostname: you must be root to change the host name\n",
      );
      return args[0]?.startsWith("-") === true ? 255 : 1;
    }
    out(`${shell.opts.host}\n`);
    return 0;
  },
  uname: (c) => {
    const o = parseOrComplain(c, "uname", {
      short: "asnrvmpio",
      long: {
        all: "a",
        "kernel-name": "s",
        sysname: "s",
        nodename: "n",
        "kernel-release": "r",
        release: "r",
        "kernel-version": "v",
        machine: "m",
        processor: "p",
        "hardware-platform": "i",
        "operating-system": "o",
      },
    });
    if (typeof o === "number") return o;
    if (o.operands.length > 0)
      return usageError(c.err, "uname", `extra operand ${quoteArg(o.operands[0] ?? "")}`);
    const fields: [string, string][] = [
      ["s", "Linux"],
      ["n", c.shell.opts.host],
      ["r", "5.15.0-kubeclass"],
      ["v", "#1 SMP"],
      ["m", "x86_64"],
      ["p", "unknown"],
      ["i", "unknown"],
      ["o", "GNU/Linux"],
    ];
    const all = o.has("a");
    const wanted = fields.filter(([k]) => (all && k !== "p" && k !== "i") || o.has(k));
    c.out(`${(wanted.length === 0 ? [fields[0] ?? ["s", "Linux"]] : wanted).map(([, v]) => v).join(" ")}\n`);
    return 0;
  },
  type,
  which: type,
  command,
  bash,
  sh: bash,
  source,
  ".": source,
  chmod,
  date,
  ...FILE_COMMANDS,
  help: ({ shell, out, columns }) => {
    const names = Object.keys(BUILTINS);
    const text = new Set([...Object.keys(TEXT_UTILS), ...Object.keys(TOOLS), ...Object.keys(EVERYDAY_TOOLS)]);
    out(
      helpText(
        shell,
        {
          kubectlVerbs: kubectlCommands,
          shellBuiltins: names.filter((n) => BUILTIN_NAMES.has(n)),
          textTools: names.filter((n) => text.has(n)),
          otherCommands: names.filter((n) => !BUILTIN_NAMES.has(n) && !text.has(n)),
        },
        columns,
      ),
    );
    return 0;
  },
};

const BUILTIN_NAMES = new Set([
  "complete",
  "compopt",
  "trap",
  "getopts",
  "let",
  "command",
  "source",
  ".",
  ...Object.keys(SCRIPTING_BUILTINS),
  "echo",
  "printf",
  "export",
  "unset",
  "cd",
  "pwd",
  "history",
  "exit",
  "logout",
  "jobs",
  "fg",
  "bg",
  "kill",
  "wait",
  "test",
  "[",
  "true",
  "false",
  ":",
  "type",
  "help",
]);
