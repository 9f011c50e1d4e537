/**
 * The builtins of bash's scripting side: return, local, declare, set, shift, alias, unalias,
 * read, break, continue. They reach into the session's functions, aliases, positional
 * parameters and loop state (lib/shell/interp.ts), with bash's messages and statuses.
 */
import { assignmentArg, type Builtin, NAME_RE } from "./builtins";
import { bashHashOrder, LIMITS, type ShellFlags } from "./interp";
import { singleQuote } from "./quote";

const returnB: Builtin = ({ argv, shell, err }) => {
  if (shell.localFrames.length === 0 && shell.sourcing === 0) {
    err("bash: return: can only `return' from a function or sourced script\n");
    return 2;
  }
  const a = argv[1];
  if (a !== undefined && !/^-?\d+$/.test(a)) {
    err(`bash: return: ${a}: numeric argument required\n`);
    return shell.returnFromFunction(2);
  }
  return shell.returnFromFunction(a === undefined ? shell.lastExit : Number(a) & 0xff);
};

const local: Builtin = ({ argv, shell, err }) => {
  let status = 0;
  for (const a of argv.slice(1)) {
    if (a.startsWith("-")) continue;
    const arg = assignmentArg("local", a, err);
    if (arg === undefined) {
      status = 1;
      continue;
    }
    const { name, value } = arg;
    if (!shell.declareLocal(name)) {
      err("bash: local: can only be used in a function\n");
      return 1;
    }
    const flags = argv.slice(1).filter((f) => f.startsWith("-"));
    if (value !== undefined) shell.setVar(name, value);
    else if (flags.some((f) => f.includes("A"))) {
      // `local -A m=(…)` has assigned the array already
      if (!shell.isAssoc(name)) shell.setAssoc(name, new Map());
    } else if (flags.some((f) => f.includes("a"))) {
      if (shell.vars.get(name)?.array !== true) shell.setArray(name, []);
    } else if (!shell.vars.has(name)) shell.setVar(name, "");
  }
  return status;
};

const declare: Builtin = (c) => {
  const { argv, shell, out, err } = c;
  const flags = argv.slice(1).filter((a) => /^[-+][a-zA-Z]+$/.test(a));
  const names = argv.slice(1).filter((a) => !/^[-+][a-zA-Z]+$/.test(a));
  const exported = flags.some((f) => f.startsWith("-") && f.includes("x"));
  if (flags.includes("-p")) return declarePrint(c, names);
  if (names.length === 0) {
    for (const [k, v] of [...shell.vars].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (exported && !v.exported) continue;
      out(`declare -${v.exported ? "x" : "-"} ${k}="${v.value}"\n`);
    }
    return 0;
  }
  if (shell.localFrames.length > 0 && argv[0] !== "export") return local(c);
  let status = 0;
  for (const a of names) {
    const arg = assignmentArg(argv[0] ?? "declare", a, err);
    if (arg === undefined) {
      status = 1;
      continue;
    }
    const { name, value } = arg;
    if (value !== undefined) shell.setVar(name, value, exported || undefined);
    else if (!shell.vars.has(name)) {
      if (flags.some((f) => f.includes("A"))) shell.setAssoc(name, new Map());
      else if (flags.some((f) => f.includes("a"))) shell.setArray(name, []);
      else if (exported) shell.setVar(name, "", true);
    } else if (exported) shell.setVar(name, shell.getVar(name) ?? "", true);
  }
  return status;
};

/** `declare -p NAME…`: each variable as a `declare` line bash would read back. */
function declarePrint(c: Parameters<Builtin>[0], names: string[]): number {
  const { shell, out, err } = c;
  const dq = (v: string): string => `"${v.replace(/(["\\$`])/g, "\\$1")}"`;
  let status = 0;
  const list = names.length > 0 ? names : [...shell.vars.keys()].sort();
  for (const name of list) {
    const v = shell.vars.get(name);
    if (v === undefined) {
      err(`bash: declare: ${name}: not found\n`);
      status = 1;
      continue;
    }
    const x = v.exported ? "x" : "";
    if (v.assoc === true) {
      const entries = bashHashOrder([...shell.assocOf(v)]);
      const key = (k: string): string => (/^[A-Za-z0-9_./:@%+,-]+$/.test(k) ? k : dq(k));
      const body = entries.map(([k, val]) => `[${key(k)}]=${dq(val)} `).join("");
      out(`declare -A${x} ${name}${entries.length > 0 ? `=(${body})` : ""}\n`);
    } else if (v.array === true) {
      const items = shell.arrayOf(v);
      out(`declare -a${x} ${name}=(${items.map((val, i) => `[${i}]=${dq(val)}`).join(" ")})\n`);
    } else out(`declare -${x === "" ? "-" : x} ${name}=${dq(v.value)}\n`);
  }
  return status;
}

const set: Builtin = ({ argv, shell, out, err }) => {
  const args = argv.slice(1);
  if (args.length === 0) {
    for (const [k, v] of [...shell.vars].sort(([a], [b]) => (a < b ? -1 : 1)))
      if (v.array !== true) out(`${k}=${/^[\w./:-]*$/.test(v.value) ? v.value : singleQuote(v.value)}\n`);
    return 0;
  }
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--") {
      i++;
      break;
    }
    if (!/^[-+]/.test(a)) break;
    if (a === "-" || a === "+") {
      i++;
      break;
    }
    const on = a.startsWith("-");
    for (const letter of a.slice(1)) {
      if (letter === "o") {
        const name = args[i + 1];
        if (name === undefined || name.startsWith("-") || name.startsWith("+")) {
          listOptions(shell, out, on);
          continue;
        }
        i++;
        if (Object.hasOwn(SET_O_NAMES, name)) {
          const flag = SET_O_NAMES[name];
          if (flag !== undefined) shell.options[flag] = on;
          continue;
        }
        if (!Object.hasOwn(SET_O_DEFAULTS, name)) {
          err(`bash: set: ${name}: invalid option name\n`);
          return 2;
        }
        continue;
      }
      const flag = SET_LETTERS[letter];
      if (flag !== undefined) shell.options[flag] = on;
      else if (!"abfhkmnptvBCEHPT".includes(letter)) {
        err(`bash: set: ${a[0]}${letter}: invalid option\n`);
        err("set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]\n");
        return 2;
      }
    }
  }
  if (i < args.length || args.includes("--")) shell.positional = args.slice(i);
  return 0;
};

const SET_LETTERS: Record<string, keyof ShellFlags | undefined> = {
  e: "errexit",
  u: "nounset",
  x: "xtrace",
};

const SET_O_NAMES: Record<string, keyof ShellFlags | undefined> = {
  errexit: "errexit",
  nounset: "nounset",
  xtrace: "xtrace",
  pipefail: "pipefail",
};

/** What `set -o` shows for the options this shell does not change (an interactive terminal bash). */
const SET_O_DEFAULTS: Record<string, boolean> = {
  allexport: false,
  braceexpand: true,
  emacs: true,
  errexit: false,
  errtrace: false,
  functrace: false,
  hashall: true,
  histexpand: true,
  history: true,
  ignoreeof: false,
  "interactive-comments": true,
  keyword: false,
  monitor: true,
  noclobber: false,
  noexec: false,
  noglob: false,
  nolog: false,
  notify: false,
  nounset: false,
  onecmd: false,
  physical: false,
  pipefail: false,
  posix: false,
  privileged: false,
  verbose: false,
  vi: false,
  xtrace: false,
};

/** `set -o` (a table) and `set +o` (commands that restore the options). */
function listOptions(shell: Parameters<Builtin>[0]["shell"], out: (s: string) => void, table: boolean): void {
  for (const [name, dflt] of Object.entries(SET_O_DEFAULTS)) {
    const flag = SET_O_NAMES[name];
    const on = flag !== undefined ? shell.options[flag] : dflt;
    out(table ? `${name.padEnd(15)}\t${on ? "on" : "off"}\n` : `set ${on ? "-" : "+"}o ${name}\n`);
  }
}

const shift: Builtin = ({ argv, shell, err }) => {
  const n = argv[1] === undefined ? 1 : Number(argv[1]);
  if (!Number.isInteger(n) || n < 0) {
    err(`bash: shift: ${argv[1]}: numeric argument required\n`);
    return 1;
  }
  if (n > shell.positional.length) return 1;
  shell.positional = shell.positional.slice(n);
  return 0;
};

const alias: Builtin = ({ argv, shell, out, err }) => {
  const args = argv.slice(1).filter((a) => a !== "-p");
  if (args.length === 0) {
    for (const [k, v] of [...shell.aliases].sort(([a], [b]) => (a < b ? -1 : 1)))
      out(`alias ${k}=${singleQuote(v)}\n`);
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const eq = a.indexOf("=");
    if (eq < 0) {
      const v = shell.aliases.get(a);
      if (v === undefined) {
        err(`bash: alias: ${a}: not found\n`);
        status = 1;
      } else out(`alias ${a}=${singleQuote(v)}\n`);
      continue;
    }
    const name = a.slice(0, eq);
    if (name === "" || /[\s/$`=|&;()<>'"\\]/.test(name)) {
      err(`bash: alias: \`${name}': invalid alias name\n`);
      status = 1;
      continue;
    }
    if (!shell.aliases.has(name) && shell.aliases.size >= LIMITS.definitions) {
      err(`bash: alias: ${name}: at most ${LIMITS.definitions} aliases\n`);
      status = 1;
      continue;
    }
    const value = a.slice(eq + 1).slice(0, LIMITS.aliasBytes);
    const old = shell.aliases.get(name);
    if (!shell.definitionFits(old === undefined ? 0 : name.length + old.length, name.length + value.length)) {
      err(
        `bash: alias: ${name}: aliases and functions are limited to ${LIMITS.definitionBytes / 1024} KiB\n`,
      );
      status = 1;
      continue;
    }
    shell.aliases.set(name, value);
  }
  return status;
};

const unalias: Builtin = ({ argv, shell, err }) => {
  const args = argv.slice(1);
  if (args.includes("-a")) {
    shell.aliases.clear();
    return 0;
  }
  if (args.length === 0) {
    err("unalias: usage: unalias [-a] name [name ...]\n");
    return 2;
  }
  let status = 0;
  for (const a of args) {
    if (!shell.aliases.delete(a)) {
      err(`bash: unalias: ${a}: not found\n`);
      status = 1;
    }
  }
  return status;
};

const read: Builtin = ({ argv, shell, streams, stdin, err, out }) => {
  let raw = false;
  let prompt = "";
  let arrayName: string | undefined;
  const names: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "-r") raw = true;
    else if (a === "-p") prompt = argv[++i] ?? "";
    else if (a === "-a") arrayName = argv[++i];
    else if (a === "-s" || a === "-e") continue;
    else if (a === "-t" || a === "-n" || a === "-d") i++;
    else if (a.startsWith("-") && a.length > 1) {
      err(
        `bash: read: ${a}: invalid option\nread: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]\n`,
      );
      return 2;
    } else {
      if (!NAME_RE.test(a)) {
        err(`bash: read: \`${a}': not a valid identifier\n`);
        return 1;
      }
      names.push(a);
    }
  }
  // bash shows the prompt only when it reads from the terminal (no pipe, file or here-string)
  if (prompt !== "" && streams?.cursor === undefined) err(prompt);
  // the rest of stdin from where the last `read` of this loop stopped
  const cursor = streams?.cursor;
  const data = stdin;
  let line: string;
  let complete: boolean;
  let consumed: number;
  let pos = 0;
  for (;;) {
    const nl = data.indexOf("\n", pos);
    if (nl < 0) {
      line = data;
      complete = false;
      consumed = data.length;
      break;
    }
    if (!raw && nl > 0 && data[nl - 1] === "\\") {
      pos = nl + 1;
      continue;
    }
    line = data.slice(0, nl);
    complete = true;
    consumed = nl + 1;
    break;
  }
  if (cursor !== undefined) cursor.pos += consumed;
  if (!raw) line = line.replace(/\\\n/g, "").replace(/\\(.)/g, "$1");
  void out;
  const ifs = shell.getVar("IFS") ?? " \t\n";
  const ws = [...ifs].filter((c) => " \t\n".includes(c)).join("");
  const trimmed =
    ws === "" ? line : line.replace(new RegExp(`^[${escapeClass(ws)}]+|[${escapeClass(ws)}]+$`, "g"), "");
  const splitRe = ifs === "" ? undefined : new RegExp(`[${escapeClass(ifs)}]+`);
  if (arrayName !== undefined) {
    shell.setArray(
      arrayName,
      trimmed === "" ? [] : splitRe === undefined ? [trimmed] : trimmed.split(splitRe),
    );
    return complete || line !== "" ? (complete ? 0 : 1) : 1;
  }
  const targets = names.length === 0 ? ["REPLY"] : names;
  if (names.length === 0) shell.setVar("REPLY", line);
  else {
    let rest = trimmed;
    for (let k = 0; k < targets.length; k++) {
      const name = targets[k] ?? "";
      if (k === targets.length - 1 || splitRe === undefined) {
        shell.setVar(name, rest);
        rest = "";
        continue;
      }
      const m = splitRe.exec(rest);
      if (m === null) {
        shell.setVar(name, rest);
        rest = "";
      } else {
        shell.setVar(name, rest.slice(0, m.index));
        rest = rest.slice(m.index + m[0].length);
      }
    }
  }
  return complete ? 0 : 1;
};

function escapeClass(s: string): string {
  return s
    .replace(/[\\\]^-]/g, "\\$&")
    .replace(/\t/g, "\\t")
    .replace(/\n/g, "\\n");
}

const loop =
  (kind: "break" | "continue"): Builtin =>
  ({ argv, shell, err }) => {
    const n = argv[1] === undefined ? 1 : Number(argv[1]);
    if (!Number.isInteger(n) || n < 1) {
      err(`bash: ${kind}: ${argv[1]}: loop count out of range\n`);
      return 1;
    }
    if (shell.loopDepth === 0) {
      err(`bash: ${kind}: only meaningful in a \`for', \`while', or \`until' loop\n`);
      return 0;
    }
    return shell.loopControl(kind, Math.min(n, shell.loopDepth));
  };

export const SCRIPTING_BUILTINS: Record<string, Builtin> = {
  return: returnB,
  local,
  declare,
  typeset: declare,
  set,
  shift,
  alias,
  unalias,
  read,
  break: loop("break"),
  continue: loop("continue"),
};
