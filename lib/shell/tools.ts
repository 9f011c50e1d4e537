/**
 * seq, xargs and a sed subset (s///gpiN with & and \1…\9, p, d, q, a/i/c, y, =, line numbers,
 * `$`, /regex/ and ranges, `!`, -n -e -E/-r -i[SUFFIX]), with GNU's messages. Regexes run on the
 * linear-time engine (lib/shell/regex.ts, ADR 0009); output is bounded by the line's budget.
 */
import { type Builtin, type BuiltinContext, readOperand } from "./builtins";
import type { FsError } from "./fs";
import { getopt, type OptionSpec, parseOrComplain, quoteArg, usageError, versionText } from "./getopt";
import { fsErrorText, isStopLine, LIMITS } from "./interp";
import { jq } from "./jq";
import { formatPrintf } from "./printf";
import { compilePosix } from "./regex";
import { linkSed, parseSed, runSed, type SedCmd, SedError } from "./sed";

// ---- seq ----

const seq: Builtin = (c) => {
  const o = parseOrComplain(c, "seq", {
    short: "f:s:w",
    long: { format: "f:", separator: "s:", "equal-width": "w" },
    numbersAreOperands: true,
  });
  if (typeof o === "number") return o;
  const sep = o.get("s") ?? "\n";
  const equal = o.has("w");
  const format = o.get("f");
  if (format !== undefined && equal)
    return usageError(c.err, "seq", "format string may not be specified when printing equal width strings");
  if (format !== undefined) {
    const directives = [...format.replace(/%%/g, "").matchAll(/%[-+ 0#']*\d*(?:\.\d*)?(.?)/g)];
    const bad = directives.find((d) => !/[aAeEfFgG]/.test(d[1] ?? ""));
    if (directives.length === 0 || bad !== undefined || directives.length > 1) {
      c.err(
        `seq: format ${quoteArg(format)} ${directives.length === 0 ? "has no % directive" : directives.length > 1 ? "has too many % directives" : `has unknown ${bad?.[0]} directive`}\n`,
      );
      return 1;
    }
  }
  const nums = o.operands;
  const bad = nums.find((a) => !/^[-+]?(\d+\.?\d*|\.\d+)$/.test(a));
  if (bad !== undefined) {
    c.err(`seq: invalid floating point argument: ${quoteArg(bad)}\nTry 'seq --help' for more information.\n`);
    return 1;
  }
  if (nums.length === 0) return usageError(c.err, "seq", "missing operand");
  if (nums.length > 3) return usageError(c.err, "seq", `extra operand ${quoteArg(nums[3] ?? "")}`);
  const [firstS, incS, lastS] =
    nums.length === 1
      ? ["1", "1", nums[0] ?? "1"]
      : nums.length === 2
        ? [nums[0] ?? "1", "1", nums[1] ?? "1"]
        : [nums[0] ?? "1", nums[1] ?? "1", nums[2] ?? "1"];
  const decimals = Math.max(
    ...[firstS, incS].map((s) => (s.includes(".") ? s.length - s.indexOf(".") - 1 : 0)),
  );
  const first = Number(firstS);
  const inc = Number(incS);
  const last = Number(lastS);
  if (inc === 0) {
    return usageError(c.err, "seq", `invalid Zero increment value: ${quoteArg(incS)}`);
  }
  const fmt = (v: number): string =>
    format === undefined ? v.toFixed(decimals) : formatPrintf(format, [String(v)], 4096).text;
  const width = equal ? Math.max(fmt(first).length, fmt(last).length) : 0;
  let out = "";
  let firstOut = true;
  for (let k = 0; ; k++) {
    const v = first + k * inc;
    if (inc > 0 ? v > last + 1e-9 : v < last - 1e-9) break;
    let s = fmt(v);
    if (width > 0) s = s.startsWith("-") ? `-${s.slice(1).padStart(width - 1, "0")}` : s.padStart(width, "0");
    out += (firstOut ? "" : sep) + s;
    firstOut = false;
    if (out.length >= 64 * 1024) {
      c.out(out);
      out = "";
      if (c.interrupt.interrupted) return 130;
    }
  }
  if (!firstOut) out += "\n";
  c.out(out);
  return 0;
};

// ---- xargs ----

function xargsTokens(input: string): string[] {
  const out: string[] = [];
  let cur = "";
  let has = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] ?? "";
    if (ch === "'" || ch === '"') {
      const end = input.indexOf(ch, i + 1);
      if (end < 0) {
        cur += input.slice(i + 1);
        break;
      }
      cur += input.slice(i + 1, end);
      has = true;
      i = end;
    } else if (ch === "\\" && i + 1 < input.length) {
      cur += input[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur !== "") out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has || cur !== "") out.push(cur);
  return out;
}

const xargs: Builtin = async (c) => {
  const o = parseOrComplain(c, "xargs", {
    short: "0a:d:E:e::I:i::L:l::n:P:prs:tx",
    long: {
      null: "0",
      "arg-file": "a:",
      delimiter: "d:",
      eof: "e::",
      replace: "i::",
      "max-lines": "l::",
      "max-args": "n:",
      "max-procs": "P:",
      "no-run-if-empty": "r",
      "max-chars": "s:",
      verbose: "t",
      exit: "x",
      interactive: "p",
    },
    stopAtOperand: true,
  });
  if (typeof o === "number") return o;
  /** xargs' check of a count option (-n, -L, -P, -s). */
  const count = (key: string, flag: string, min: number): number | string | undefined => {
    const v = o.get(key);
    if (v === undefined) return undefined;
    if (!/^\s*[-+]?\d+$/.test(v)) return `invalid number "${v}" for -${flag} option`;
    if (Number(v) < min) return `value ${Number(v)} for -${flag} option should be >= ${min}`;
    return Number(v);
  };
  const checks = [
    count("n", "n", 1),
    count("L", "L", 1),
    count("l", "L", 1),
    count("P", "P", 0),
    count("s", "s", 1),
  ];
  const complaint = checks.find((x) => typeof x === "string");
  if (typeof complaint === "string") return usageError(c.err, "xargs", complaint);
  const maxArgs = (checks[0] as number | undefined) ?? 0;
  const maxLines =
    (checks[1] as number | undefined) ?? (o.has("l") ? ((checks[2] as number | undefined) ?? 1) : 0);
  const last = [...o.list].reverse().find(([k]) => k === "I" || k === "i");
  const replace = last === undefined ? undefined : last[0] === "i" ? (last[1] ?? "{}") : last[1];
  const noEmpty = o.has("r");
  const delim = o.has("0") ? "\0" : o.get("d");
  if (delim !== undefined && [...delim].length > 1 && !/^\\[0nt\\]$/.test(delim)) {
    c.err(
      `xargs: invalid input delimiter specification ${delim}: the delimiter must be either a single character or an escape sequence starting with \\.\n`,
    );
    return 1;
  }
  const sepChar =
    delim === undefined
      ? undefined
      : ({ "\\0": "\0", "\\n": "\n", "\\t": "\t", "\\\\": "\\" }[delim] ?? delim);
  const argFile = o.get("a");
  let input = c.stdin;
  if (argFile !== undefined) {
    const r = readOperand(c, argFile);
    if (typeof r !== "string") {
      c.err(`xargs: Cannot open input file ${quoteArg(argFile)}: ${fsErrorText(r.error)}\n`);
      return 1;
    }
    input = r;
  }
  // -E/-e: the input ends before the first word equal to the end-of-file string
  const eof = [...o.list].reverse().find(([k]) => k === "E" || k === "e")?.[1];
  const cmd = [...o.operands];
  if (cmd.length === 0) cmd.push("echo");
  const runs: string[][] = [];
  if (replace !== undefined) {
    const r = replace;
    for (const line of input.split("\n")) {
      const item = line.trim();
      if (item === "") continue;
      runs.push(cmd.map((w) => w.split(r).join(item)));
    }
  } else if (maxLines > 0 && sepChar === undefined) {
    const ls = input.split("\n").filter((l) => l.trim() !== "");
    if (ls.length === 0 && !noEmpty) runs.push(cmd);
    for (let k = 0; k < ls.length; k += maxLines)
      runs.push([...cmd, ...ls.slice(k, k + maxLines).flatMap((l) => xargsTokens(l))]);
  } else {
    const parts = sepChar === undefined ? undefined : input.split(sepChar);
    // a delimited input's last item ends at the end of the input (or its final delimiter)
    if (parts !== undefined && parts[parts.length - 1] === "") parts.pop();
    let items = parts ?? xargsTokens(input);
    if (parts === undefined && eof !== undefined && eof !== "") {
      const stop = items.indexOf(eof);
      if (stop >= 0) items = items.slice(0, stop);
    }
    if (items.length === 0) {
      if (!noEmpty) runs.push(cmd);
    } else {
      const per = maxArgs > 0 ? maxArgs : items.length;
      for (let k = 0; k < items.length; k += per) runs.push([...cmd, ...items.slice(k, k + per)]);
    }
  }
  const name = cmd[0] ?? "echo";
  if (!c.shell.hasCommand(name) || c.shell.functions.has(name)) {
    if (runs.length === 0) return 0;
    c.err(`xargs: ${name}: No such file or directory\n`);
    return 127;
  }
  let status = 0;
  for (const argv of runs) {
    if (c.interrupt.interrupted) return 130;
    if (o.has("t")) c.err(`${argv.join(" ")}\n`);
    const code = await c.shell.dispatch(
      argv,
      [],
      { stdin: "", out: c.out, err: c.err, outIsTerminal: false },
      c.ctx,
      false,
      true,
    );
    if (code === 255) {
      c.err(`xargs: ${name}: exited with status 255; aborting\n`);
      return 124;
    }
    if (code !== 0) status = 123;
  }
  return status;
};

// ---- sed ----

/** Commands one sed may run (its script over every line, branches included). */
const SED_WORK = 2_000_000;

/** GNU sed 4.9's usage: what it prints for --help (then where to send bugs) and after a bad option. */
const SED_USAGE = `Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the \`l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
`;

const SED_SPEC: OptionSpec = {
  short: "nrsuEe:f:l:i::",
  long: {
    quiet: "n",
    silent: "n",
    "regexp-extended": "E",
    expression: "e:",
    file: "f:",
    "in-place": "i::",
    "line-length": "l:",
    separate: "s",
    unbuffered: "u",
    posix: "posix",
    sandbox: "sandbox",
    "follow-symlinks": "follow-symlinks",
  },
  unsupported: { z: "null-data" },
};

const sed: Builtin = (c: BuiltinContext) => {
  const o = getopt(c.argv, { ...SED_SPEC, long: { ...SED_SPEC.long, debug: "\0debug" } });
  if ("special" in o) {
    c.out(
      o.special === "help" ? `${SED_USAGE}E-mail bug reports to: <bug-sed@gnu.org>.\n` : versionText("sed"),
    );
    return 0;
  }
  if ("error" in o) {
    c.err(o.unsupported === true ? `sed: ${o.error}\n` : `sed: ${o.error}\n${SED_USAGE}`);
    return 1;
  }
  const quiet = o.has("n");
  const ere = o.has("E") || o.has("r");
  const last = [...o.list].reverse().find(([k]) => k === "i");
  const inPlace = last === undefined ? undefined : (last[1] ?? "");
  const scripts: string[] = [];
  for (const [k, v = ""] of o.list) {
    if (k === "e") scripts.push(v);
    else if (k === "f") {
      const text = readOperand(c, v);
      if (typeof text !== "string") {
        c.err(`sed: couldn't open file ${v}: ${fsErrorText(text.error)}\n`);
        return 4;
      }
      scripts.push(text.replace(/\n$/, ""));
    }
  }
  const files = [...o.operands];
  if (scripts.length === 0) {
    const s = files.shift();
    if (s === undefined) {
      c.err(SED_USAGE);
      return 1;
    }
    scripts.push(s);
  }
  let cmds: SedCmd[];
  try {
    const cost = c.shell.regexCost(c.ctx);
    cmds = scripts.flatMap((s, k) => parseSed(s, ere, k + 1, cost));
    linkSed(cmds);
  } catch (e) {
    if (e instanceof SedError) {
      c.err(`${e.message}\n`);
      return e.status;
    }
    throw e;
  }
  let work = 0;
  const limits = {
    work: (cost: number): void => {
      work += cost;
      if (work > SED_WORK) c.shell.limit(c.ctx, `sed: more than ${SED_WORK} commands run; stopped`);
    },
    spaceBytes: LIMITS.value,
  };
  let status = 0;
  if (inPlace !== undefined) {
    if (files.length === 0) {
      c.err("sed: no input files\n");
      return 1;
    }
    for (const f of files) {
      const path = c.shell.resolve(f);
      const data = c.shell.fs.read(path);
      if (typeof data !== "string") {
        if (data.error === "EISDIR") {
          c.err(`sed: couldn't edit ${f}: not a regular file\n`);
          return 4;
        }
        c.err(`sed: can't read ${f}: ${fsErrorText(data.error)}\n`);
        status = 2;
        continue;
      }
      let out = "";
      for (const cmd of cmds) cmd.active = false;
      try {
        runSed(
          cmds,
          data,
          quiet,
          (s) => {
            out += s;
          },
          limits,
        );
      } catch (e) {
        if (!(e instanceof SedError)) throw e;
        c.err(`${e.message}\n`);
        return 4;
      }
      if (inPlace !== "") c.shell.fs.write(c.shell.resolve(f + inPlace), data, false);
      const e = c.shell.fs.write(path, out, false);
      if (e !== undefined) {
        c.err(`sed: couldn't edit ${f}: ${fsErrorText(e)}\n`);
        status = 4;
      }
    }
    return status;
  }
  // the input: one stream over every file (each its own with -s); a directory stops sed
  const streams: string[] = [];
  let input = files.length === 0 ? c.stdin : "";
  let fatal = false;
  for (const f of files) {
    const data = readOperand(c, f);
    if (typeof data !== "string") {
      if (data.error === "EISDIR") {
        fatal = true;
        break;
      }
      c.err(`sed: can't read ${f}: ${fsErrorText(data.error)}\n`);
      status = 2;
      continue;
    }
    if (o.has("s")) streams.push(data);
    else input += data;
  }
  if (!o.has("s") || files.length === 0) streams.push(input);
  let buf = "";
  for (const stream of streams) {
    for (const cmd of cmds) cmd.active = false;
    try {
      runSed(
        cmds,
        stream,
        quiet,
        (s) => {
          buf += s;
          if (buf.length > 64 * 1024) {
            c.out(buf);
            buf = "";
          }
        },
        limits,
      );
    } catch (e) {
      if (!(e instanceof SedError)) throw e;
      c.out(buf);
      c.err(`${e.message}\n`);
      return 4;
    }
  }
  c.out(buf);
  if (fatal) {
    const dir = files.find((f) => c.shell.fs.isDir(c.shell.resolve(f))) ?? "";
    c.err(`sed: read error on ${dir}: Is a directory\n`);
    return 4;
  }
  return status;
};

// ---- small coreutils ----

const basename: Builtin = (c) => {
  const o = parseOrComplain(c, "basename", {
    short: "as:z",
    long: { multiple: "a", suffix: "s:", zero: "z" },
  });
  if (typeof o === "number") return o;
  const names = o.operands;
  if (names.length === 0) return usageError(c.err, "basename", "missing operand");
  const many = o.has("a") || o.has("s");
  if (!many && names.length > 2)
    return usageError(c.err, "basename", `extra operand ${quoteArg(names[2] ?? "")}`);
  const suffix = many ? o.get("s") : names[1];
  const end = o.has("z") ? "\0" : "\n";
  for (const name of many ? names : names.slice(0, 1)) {
    let base = name.replace(/\/+$/, "");
    base = base === "" ? (name.startsWith("/") ? "/" : "") : base.slice(base.lastIndexOf("/") + 1);
    if (suffix !== undefined && suffix !== "" && base !== suffix && base.endsWith(suffix))
      base = base.slice(0, -suffix.length);
    c.out(`${base}${end}`);
  }
  return 0;
};

const dirname: Builtin = (c) => {
  const o = parseOrComplain(c, "dirname", { short: "z", long: { zero: "z" } });
  if (typeof o === "number") return o;
  if (o.operands.length === 0) return usageError(c.err, "dirname", "missing operand");
  const end = o.has("z") ? "\0" : "\n";
  for (const a of o.operands) {
    const trimmed = a.replace(/\/+$/, "");
    const i = trimmed.lastIndexOf("/");
    c.out(
      `${i < 0 ? (a.startsWith("/") ? "/" : ".") : i === 0 ? "/" : trimmed.slice(0, i).replace(/\/+$/, "") || "/"}${end}`,
    );
  }
  return 0;
};

const linesOf = (data: string, eol = "\n"): string[] => {
  if (data === "") return [];
  const l = data.split(eol);
  if (l[l.length - 1] === "") l.pop();
  return l;
};

/**
 * Each operand (or stdin) in turn, as the tool reads it: `act` gets what was read; a file that
 * cannot be is reported in the tool's own words and the status becomes 1.
 */
function eachFile(
  c: BuiltinContext,
  files: string[],
  complain: (file: string, error: FsError) => string,
  act: (data: string) => void,
): number {
  let status = 0;
  for (const f of files.length === 0 ? ["-"] : files) {
    const d = readOperand(c, f);
    if (typeof d !== "string") {
      c.err(complain(f, d.error));
      status = 1;
      continue;
    }
    act(d);
  }
  return status;
}

/** util-linux rev: each line reversed, file by file. */
const rev: Builtin = (c) => {
  const o = parseOrComplain(c, "rev", { short: "0", long: { zero: "0" } });
  if (typeof o === "number") return o;
  const sep = o.has("0") ? "\0" : "\n";
  return eachFile(
    c,
    o.operands,
    // util-linux words a directory as the read error of its first line
    (f, e) =>
      e === "EISDIR" ? `rev: ${f}: 0: Is a directory\n` : `rev: cannot open ${f}: ${fsErrorText(e)}\n`,
    (data) => {
      const parts = data.split(sep);
      const last = parts.pop() ?? "";
      let out = parts.map((l) => `${[...l].reverse().join("")}${sep}`).join("");
      if (last !== "") out += [...last].reverse().join("");
      c.out(out);
    },
  );
};

/** tac: records (lines, or what -s separates) last first; -b puts the separator before each. */
const tac: Builtin = (c) => {
  const o = parseOrComplain(c, "tac", {
    short: "bs:",
    long: { before: "b", separator: "s:" },
  });
  if (typeof o === "number") return o;
  const sep = o.get("s") ?? "\n";
  if (sep === "") {
    c.err("tac: separator cannot be empty\n");
    return 1;
  }
  const before = o.has("b");
  return eachFile(
    c,
    o.operands,
    (f, e) =>
      e === "EISDIR"
        ? `tac: ${f}: read error: Invalid argument\n`
        : `tac: failed to open '${f}' for reading: ${fsErrorText(e)}\n`,
    (data) => {
      // records keep their separator: after them (the default) or before them (-b)
      const records: string[] = [];
      if (before) {
        let start = 0;
        for (let k = data.indexOf(sep, 1); k >= 0; k = data.indexOf(sep, k + sep.length)) {
          records.push(data.slice(start, k));
          start = k;
        }
        records.push(data.slice(start));
      } else {
        let start = 0;
        for (let k = data.indexOf(sep); k >= 0; k = data.indexOf(sep, start)) {
          records.push(data.slice(start, k + sep.length));
          start = k + sep.length;
        }
        if (start < data.length) records.push(data.slice(start));
      }
      c.out(records.reverse().join(""));
    },
  );
};

const paste: Builtin = (c) => {
  const o = parseOrComplain(c, "paste", {
    short: "d:sz",
    long: { delimiters: "d:", serial: "s", "zero-terminated": "z" },
  });
  if (typeof o === "number") return o;
  // the delimiter list: \n \t \\ and \0 (no delimiter) are escapes
  const d: string[] = [];
  const spec = o.get("d") ?? "\t";
  for (let k = 0; k < spec.length; k++) {
    const ch = spec[k] ?? "";
    if (ch !== "\\") d.push(ch);
    else {
      const e = spec[++k];
      if (e === undefined) {
        c.err(`paste: delimiter list ends with an unescaped backslash: ${spec}\n`);
        return 1;
      }
      d.push(({ n: "\n", t: "\t", "0": "" } as Record<string, string>)[e] ?? e);
    }
  }
  if (spec === "") d.push("");
  const join = (parts: string[]): string =>
    parts.reduce((acc, p, k) => (k === 0 ? p : acc + (d[(k - 1) % d.length] ?? "") + p), "");
  const eol = o.has("z") ? "\0" : "\n";
  const cols: string[][] = [];
  const status = eachFile(
    c,
    o.operands,
    (f, e) => `paste: ${f}: ${fsErrorText(e)}\n`,
    (data) => {
      cols.push(linesOf(data, eol));
    },
  );
  if (status !== 0) return status;
  if (o.has("s")) {
    c.out(cols.map((l) => `${join(l)}${eol}`).join(""));
    return 0;
  }
  const rows = Math.max(0, ...cols.map((l) => l.length));
  let out = "";
  for (let r = 0; r < rows; r++) out += `${join(cols.map((l) => l[r] ?? ""))}${eol}`;
  c.out(out);
  return 0;
};

/** expr: integer arithmetic, comparisons, `length`, `:` (anchored BRE match). */
const expr: Builtin = (c) => {
  // expr reads --help and --version only as its sole argument, and a leading `--` ends options
  const only = c.argv.length === 2 ? c.argv[1] : undefined;
  if (only === "--help") {
    c.out("Usage: expr EXPRESSION\n  or:  expr OPTION\n");
    return 0;
  }
  if (only === "--version") {
    c.out(versionText("expr"));
    return 0;
  }
  const t = c.argv.slice(c.argv[1] === "--" ? 2 : 1);
  let i = 0;
  const fail = (msg: string): never => {
    throw new Error(msg);
  };
  const isInt = (s: string): boolean => /^[-+]?\d+$/.test(s);
  const num = (s: string): number => {
    if (!isInt(s)) fail("non-integer argument");
    return Number(s);
  };
  const primary = (): string => {
    const a = t[i++];
    if (a === undefined) return fail(`syntax error: missing argument after \u2018${t[i - 2] ?? ""}\u2019`);
    if (a === "(") {
      const v = orE();
      if (t[i++] !== ")") fail("syntax error: expecting ')'");
      return v;
    }
    if (a === "length") return String([...primary()].length);
    if (a === "+") return t[i++] ?? fail("syntax error: missing argument after \u2018+\u2019");
    if (a === "match") return matchRe(primary(), primary());
    if (a === "substr") {
      const str = [...primary()];
      const pos = primary();
      const len = primary();
      // an invalid position or length gives the empty string, as in GNU expr
      if (!isInt(pos) || !isInt(len) || Number(pos) < 1 || Number(len) < 1) return "";
      return str.slice(Number(pos) - 1, Number(pos) - 1 + Number(len)).join("");
    }
    if (a === "index") {
      const str = [...primary()];
      const chars = primary();
      const k = str.findIndex((ch) => chars.includes(ch));
      return String(k + 1);
    }
    return a;
  };
  /** A left-associative level: `next (op next)*`, each operator applied by `apply`. */
  const level =
    (next: () => string, ops: readonly string[], apply: (op: string, a: string, b: string) => string) =>
    (): string => {
      let v = next();
      while (ops.includes(t[i] ?? "")) {
        const op = t[i++] ?? "";
        v = apply(op, v, next());
      }
      return v;
    };
  const truthy = (v: string): boolean => v !== "" && v !== "0";
  const matchRe = (v: string, re: string): string => {
    try {
      const grouped = re.includes("\\(");
      const m = compilePosix(`^${re.replace(/^\^/, "")}`, {
        extended: false,
        capture: true,
        cost: c.shell.regexCost(c.ctx),
      }).exec(v);
      return m === undefined ? (grouped ? "" : "0") : grouped ? (m.groups[1] ?? "") : String(m.end - m.start);
    } catch (e) {
      if (isStopLine(e)) throw e;
      return fail("Invalid regular expression");
    }
  };
  const match = level(primary, [":"], (_, v, re) => matchRe(v, re));
  const mul = level(match, ["*", "/", "%"], (op, v, r) => {
    const a = num(v);
    const b = num(r);
    if (op !== "*" && b === 0) fail("division by zero");
    return String(op === "*" ? a * b : op === "/" ? Math.trunc(a / b) : a % b);
  });
  const add = level(mul, ["+", "-"], (op, v, r) => String(op === "+" ? num(v) + num(r) : num(v) - num(r)));
  const cmp = level(add, ["=", "==", "!=", "<", "<=", ">", ">="], (op, v, r) => {
    const c = isInt(v) && isInt(r) ? Number(v) - Number(r) : v < r ? -1 : v > r ? 1 : 0;
    const ok = {
      "=": c === 0,
      "==": c === 0,
      "!=": c !== 0,
      "<": c < 0,
      "<=": c <= 0,
      ">": c > 0,
      ">=": c >= 0,
    }[op];
    return ok ? "1" : "0";
  });
  const andE = level(cmp, ["&"], (_, v, r) => (truthy(v) && truthy(r) ? v : "0"));
  const orE = level(andE, ["|"], (_, v, r) => (truthy(v) ? v : truthy(r) ? r : "0"));
  try {
    if (t.length === 0) fail("missing operand");
    const v = orE();
    if (i < t.length) fail(`syntax error: unexpected argument \u2018${t[i]}\u2019`);
    c.out(`${v}\n`);
    return truthy(v) ? 0 : 1;
  } catch (e) {
    if (isStopLine(e)) throw e;
    c.err(
      `expr: ${e instanceof Error ? e.message : String(e)}\n${e instanceof Error && e.message === "missing operand" ? "Try 'expr --help' for more information.\n" : ""}`,
    );
    return 2;
  }
};

export const TOOLS: Record<string, Builtin> = {
  seq,
  xargs,
  sed,
  jq,
  expr,
  basename,
  dirname,
  rev,
  tac,
  paste,
};
