/**
 * seq, xargs and a sed subset (s///gpiN with & and \1…\9, p, d, q, a/i/c, y, =, line numbers,
 * `$`, /regex/ and ranges, `!`, -n -e -E/-r -i[SUFFIX]), with GNU's messages. Regexes run on the
 * linear-time engine (lib/shell/regex.ts, ADR 0009); output is bounded by the line's budget.
 */
import type { Builtin, BuiltinContext } from "./builtins";
import { fsErrorText } from "./interp";
import { jq } from "./jq";
import { compilePosix, RegexSyntaxError, type SafeRegex } from "./regex";

// ---- seq ----

const seq: Builtin = (c) => {
  let sep = "\n";
  let equal = false;
  const nums: string[] = [];
  const args = c.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "-w" || a === "--equal-width") equal = true;
    else if (a === "-s") sep = args[++i] ?? "";
    else if (a.startsWith("-s")) sep = a.slice(2);
    else if (/^-?(\d+\.?\d*|\.\d+)$/.test(a)) nums.push(a);
    else if (a.startsWith("-") && a.length > 1 && !/^-\d/.test(a)) {
      c.err(`seq: invalid option -- '${a.slice(1, 2)}'\nTry 'seq --help' for more information.\n`);
      return 1;
    } else {
      c.err(
        `seq: invalid floating point argument: \u2018${a}\u2019\nTry 'seq --help' for more information.\n`,
      );
      return 1;
    }
  }
  if (nums.length === 0) {
    c.err("seq: missing operand\nTry 'seq --help' for more information.\n");
    return 1;
  }
  if (nums.length > 3) {
    c.err(`seq: extra operand \u2018${nums[3]}\u2019\nTry 'seq --help' for more information.\n`);
    return 1;
  }
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
    c.err(`seq: invalid Zero increment value: \u2018${incS}\u2019\nTry 'seq --help' for more information.\n`);
    return 1;
  }
  const fmt = (v: number): string => v.toFixed(decimals);
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
  let maxArgs = 0;
  let replace: string | undefined;
  let noEmpty = false;
  let i = 1;
  for (; i < c.argv.length; i++) {
    const a = c.argv[i] ?? "";
    if (a === "-n") maxArgs = Number(c.argv[++i]);
    else if (/^-n\d+$/.test(a)) maxArgs = Number(a.slice(2));
    else if (a === "-I") replace = c.argv[++i];
    else if (a.startsWith("-I")) replace = a.slice(2);
    else if (a === "-i") replace = "{}";
    else if (a === "-r" || a === "--no-run-if-empty") noEmpty = true;
    else if (a === "-t" || a === "-0") continue;
    else if (a === "--") {
      i++;
      break;
    } else break;
  }
  const cmd = c.argv.slice(i);
  if (cmd.length === 0) cmd.push("echo");
  const runs: string[][] = [];
  if (replace !== undefined) {
    const r = replace;
    for (const line of c.stdin.split("\n")) {
      const item = line.trim();
      if (item === "") continue;
      runs.push(cmd.map((w) => w.split(r).join(item)));
    }
  } else {
    const items = xargsTokens(c.stdin);
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

type Addr = { kind: "line"; n: number } | { kind: "last" } | { kind: "re"; re: SafeRegex };

interface SedCmd {
  a1?: Addr;
  a2?: Addr;
  negate: boolean;
  name: string;
  re?: SafeRegex;
  repl?: string;
  global?: boolean;
  nth?: number;
  print?: boolean;
  text?: string;
  from?: string;
  to?: string;
  /** Range state: inside the range since this line. */
  active?: boolean;
}

class SedError extends Error {}

function parseSed(script: string, ere: boolean, exprNo: number): SedCmd[] {
  const cmds: SedCmd[] = [];
  let i = 0;
  const fail = (msg: string): never => {
    throw new SedError(`sed: -e expression #${exprNo}, char ${Math.min(i + 1, script.length)}: ${msg}`);
  };
  const compile = (src: string, icase = false): SafeRegex => {
    try {
      return compilePosix(src, { extended: ere, capture: true, icase });
    } catch (e) {
      if (e instanceof RegexSyntaxError) fail(e.message);
      throw e;
    }
  };
  /** Reads up to the unescaped delimiter; `\delim` becomes delim, other escapes stay. */
  const until = (delim: string, what: string): string => {
    let out = "";
    while (i < script.length) {
      const ch = script[i] ?? "";
      if (ch === "\\" && i + 1 < script.length) {
        const n = script[i + 1] ?? "";
        out += n === delim ? n : n === "n" && delim !== "n" ? "\n" : `\\${n}`;
        i += 2;
        continue;
      }
      if (ch === delim) {
        i++;
        return out;
      }
      if (ch === "\n" && what !== "") fail(what);
      out += ch;
      i++;
    }
    return fail(what);
  };
  const addr = (): Addr | undefined => {
    const ch = script[i];
    if (ch === undefined) return undefined;
    if (/\d/.test(ch)) {
      const m = /^\d+/.exec(script.slice(i))?.[0] ?? "0";
      i += m.length;
      return { kind: "line", n: Number(m) };
    }
    if (ch === "$") {
      i++;
      return { kind: "last" };
    }
    if (ch === "/" || ch === "\\") {
      const delim = ch === "\\" ? (script[++i] ?? "/") : "/";
      i++;
      const src = until(delim, "unterminated address regex");
      return { kind: "re", re: compile(src) };
    }
    return undefined;
  };
  while (i < script.length) {
    while (i < script.length && /[\s;]/.test(script[i] ?? "")) i++;
    if (i >= script.length) break;
    const cmd: SedCmd = { negate: false, name: "" };
    cmd.a1 = addr();
    if (cmd.a1 !== undefined && script[i] === ",") {
      i++;
      cmd.a2 = addr();
      if (cmd.a2 === undefined) fail("unexpected `,'");
    }
    while (script[i] === " ") i++;
    if (script[i] === "!") {
      cmd.negate = true;
      i++;
      while (script[i] === " ") i++;
    }
    const name = script[i++];
    if (name === undefined) fail("missing command");
    cmd.name = name ?? "";
    switch (name) {
      case "s": {
        const delim = script[i++];
        if (delim === undefined || delim === "\n" || delim === "\\") fail("unterminated `s' command");
        const d = delim ?? "/";
        const pat = until(d, "unterminated `s' command");
        cmd.repl = until(d, "unterminated `s' command");
        let icase = false;
        while (i < script.length && !/[\s;}]/.test(script[i] ?? "")) {
          const f = script[i] ?? "";
          if (f === "g") cmd.global = true;
          else if (f === "p") cmd.print = true;
          else if (f === "i" || f === "I") icase = true;
          else if (/\d/.test(f)) {
            const m = /^\d+/.exec(script.slice(i))?.[0] ?? "1";
            cmd.nth = Number(m);
            i += m.length - 1;
          } else fail("unknown option to `s'");
          i++;
        }
        cmd.re = compile(pat, icase);
        break;
      }
      case "y": {
        const delim = script[i++] ?? "/";
        cmd.from = until(delim, "unterminated `y' command");
        cmd.to = until(delim, "unterminated `y' command");
        if ([...cmd.from].length !== [...cmd.to].length)
          fail("strings for `y' command are different lengths");
        break;
      }
      case "a":
      case "i":
      case "c": {
        if (script[i] === "\\") i++;
        if (script[i] === "\n") i++;
        while (script[i] === " ") i++;
        const end = script.indexOf("\n", i);
        cmd.text = script.slice(i, end < 0 ? script.length : end);
        i = end < 0 ? script.length : end;
        break;
      }
      case "p":
      case "d":
      case "q":
      case "=":
      case "P":
      case "D":
        break;
      case "#": {
        const end = script.indexOf("\n", i);
        i = end < 0 ? script.length : end;
        continue;
      }
      default:
        i--;
        fail(`unknown command: \`${name}'`);
    }
    cmds.push(cmd);
  }
  return cmds;
}

function substitute(line: string, cmd: SedCmd): { text: string; changed: boolean } {
  const re = cmd.re;
  if (re === undefined) return { text: line, changed: false };
  let out = "";
  let pos = 0;
  let count = 0;
  let changed = false;
  while (pos <= line.length) {
    const m = re.exec(line, pos);
    if (m === undefined) break;
    count++;
    const want =
      cmd.nth === undefined
        ? cmd.global === true
          ? count >= 1
          : count === 1
        : cmd.global === true
          ? count >= cmd.nth
          : count === cmd.nth;
    out += line.slice(pos, m.start);
    if (want) {
      out += expandRepl(cmd.repl ?? "", m.groups);
      changed = true;
    } else out += line.slice(m.start, m.end);
    if (m.end === m.start) {
      out += line.slice(m.end, m.end + 1);
      pos = m.end + 1;
    } else pos = m.end;
    if (!cmd.global && changed) break;
  }
  if (pos <= line.length) out += line.slice(pos);
  return { text: out, changed };
}

function expandRepl(repl: string, groups: (string | undefined)[]): string {
  let out = "";
  for (let i = 0; i < repl.length; i++) {
    const ch = repl[i] ?? "";
    if (ch === "\\" && i + 1 < repl.length) {
      const n = repl[++i] ?? "";
      if (/\d/.test(n)) out += groups[Number(n)] ?? "";
      else if (n === "n") out += "\n";
      else if (n === "t") out += "\t";
      else out += n;
    } else if (ch === "&") out += groups[0] ?? "";
    else out += ch;
  }
  return out;
}

function runSed(cmds: SedCmd[], data: string, quiet: boolean, emit: (s: string) => void): void {
  const lines = data === "" ? [] : data.split("\n");
  const trailingNewline = data.endsWith("\n");
  if (trailingNewline) lines.pop();
  const last = lines.length;
  const matchAddr = (a: Addr, n: number, line: string): boolean =>
    a.kind === "line" ? a.n === n : a.kind === "last" ? n === last : a.re.test(line);
  for (let idx = 0; idx < lines.length; idx++) {
    const n = idx + 1;
    let line = lines[idx] ?? "";
    let deleted = false;
    let quit = false;
    const after: string[] = [];
    for (const cmd of cmds) {
      let sel: boolean;
      if (cmd.a1 === undefined) sel = true;
      else if (cmd.a2 === undefined) sel = matchAddr(cmd.a1, n, line);
      else if (cmd.active === true) {
        sel = true;
        const a2 = cmd.a2;
        if (a2.kind === "line" ? n >= a2.n : matchAddr(a2, n, line)) cmd.active = false;
      } else if (matchAddr(cmd.a1, n, line)) {
        sel = true;
        const a2 = cmd.a2;
        cmd.active = !(a2.kind === "line" ? a2.n <= n : a2.kind === "last" ? n === last : false);
      } else sel = false;
      if (sel === cmd.negate) continue;
      switch (cmd.name) {
        case "s": {
          const r = substitute(line, cmd);
          line = r.text;
          if (r.changed && cmd.print === true) emit(`${line}\n`);
          break;
        }
        case "y": {
          const from = [...(cmd.from ?? "")];
          const to = [...(cmd.to ?? "")];
          line = [...line]
            .map((ch) => {
              const k = from.indexOf(ch);
              return k < 0 ? ch : (to[k] ?? ch);
            })
            .join("");
          break;
        }
        case "p":
        case "P":
          emit(`${line}\n`);
          break;
        case "=":
          emit(`${n}\n`);
          break;
        case "a":
          after.push(`${cmd.text ?? ""}\n`);
          break;
        case "i":
          emit(`${cmd.text ?? ""}\n`);
          break;
        case "c":
          if (cmd.a2 === undefined || cmd.active !== true) emit(`${cmd.text ?? ""}\n`);
          deleted = true;
          break;
        case "d":
        case "D":
          deleted = true;
          break;
        case "q":
          quit = true;
          break;
      }
      if (deleted || quit) break;
    }
    if (!deleted && !quit) {
      if (!quiet) emit(idx === lines.length - 1 && !trailingNewline ? line : `${line}\n`);
    } else if (quit && !deleted && !quiet) emit(`${line}\n`);
    for (const a of after) emit(a);
    if (quit) return;
  }
}

const sed: Builtin = (c: BuiltinContext) => {
  let quiet = false;
  let ere = false;
  let inPlace: string | undefined;
  const scripts: string[] = [];
  const files: string[] = [];
  const args = c.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "-n" || a === "--quiet" || a === "--silent") quiet = true;
    else if (a === "-E" || a === "-r" || a === "--regexp-extended") ere = true;
    else if (a === "-e") scripts.push(args[++i] ?? "");
    else if (a.startsWith("--expression=")) scripts.push(a.slice(13));
    else if (a === "-i" || a === "--in-place") inPlace = "";
    else if (a.startsWith("-i")) inPlace = a.slice(2);
    else if (/^-[nEr]+$/.test(a)) {
      if (a.includes("n")) quiet = true;
      if (a.includes("E") || a.includes("r")) ere = true;
    } else if (a.startsWith("-") && a.length > 1) {
      c.err(
        `sed: invalid option -- '${a.slice(1, 2)}'\nUsage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n`,
      );
      return 1;
    } else files.push(a);
  }
  if (scripts.length === 0) {
    const s = files.shift();
    if (s === undefined) {
      c.err("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n");
      return 1;
    }
    scripts.push(s);
  }
  let cmds: SedCmd[];
  try {
    cmds = scripts.flatMap((s, k) => parseSed(s, ere, k + 1));
  } catch (e) {
    if (e instanceof SedError) {
      c.err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
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
        c.err(`sed: can't read ${f}: ${fsErrorText(data.error)}\n`);
        status = 2;
        continue;
      }
      let out = "";
      for (const cmd of cmds) cmd.active = false;
      runSed(cmds, data, quiet, (s) => {
        out += s;
      });
      if (inPlace !== "") c.shell.fs.write(c.shell.resolve(f + inPlace), data, false);
      const e = c.shell.fs.write(path, out, false);
      if (e !== undefined) {
        c.err(`sed: couldn't edit ${f}: ${fsErrorText(e)}\n`);
        status = 4;
      }
    }
    return status;
  }
  let input = "";
  if (files.length === 0) input = c.stdin;
  for (const f of files) {
    if (f === "-") {
      input += c.stdin;
      continue;
    }
    const data = c.shell.fs.read(c.shell.resolve(f));
    if (typeof data !== "string") {
      c.err(`sed: can't read ${f}: ${fsErrorText(data.error)}\n`);
      status = 2;
      continue;
    }
    input += data;
  }
  let buf = "";
  runSed(cmds, input, quiet, (s) => {
    buf += s;
    if (buf.length > 64 * 1024) {
      c.out(buf);
      buf = "";
    }
  });
  c.out(buf);
  return status;
};

// ---- small coreutils ----

const basename: Builtin = ({ argv, out, err }) => {
  const args = argv.slice(1).filter((a) => a !== "--");
  const name = args[0];
  if (name === undefined) {
    err("basename: missing operand\nTry 'basename --help' for more information.\n");
    return 1;
  }
  let base = name.replace(/\/+$/, "");
  base = base === "" ? (name.startsWith("/") ? "/" : "") : base.slice(base.lastIndexOf("/") + 1);
  const suffix = args[1];
  if (suffix !== undefined && base !== suffix && base.endsWith(suffix)) base = base.slice(0, -suffix.length);
  out(`${base}\n`);
  return 0;
};

const dirname: Builtin = ({ argv, out, err }) => {
  const args = argv.slice(1).filter((a) => a !== "--");
  if (args.length === 0) {
    err("dirname: missing operand\nTry 'dirname --help' for more information.\n");
    return 1;
  }
  for (const a of args) {
    const trimmed = a.replace(/\/+$/, "");
    const i = trimmed.lastIndexOf("/");
    out(
      `${i < 0 ? (a.startsWith("/") ? "/" : ".") : i === 0 ? "/" : trimmed.slice(0, i).replace(/\/+$/, "") || "/"}\n`,
    );
  }
  return 0;
};

function readInputs(c: BuiltinContext, tool: string, files: string[]): string | number {
  if (files.length === 0) return c.stdin;
  let data = "";
  for (const f of files) {
    if (f === "-") {
      data += c.stdin;
      continue;
    }
    const d = c.shell.fs.read(c.shell.resolve(f));
    if (typeof d !== "string") {
      c.err(`${tool}: ${f}: ${fsErrorText(d.error)}\n`);
      return 1;
    }
    data += d;
  }
  return data;
}

const linesOf = (data: string): string[] => {
  if (data === "") return [];
  const l = data.split("\n");
  if (l[l.length - 1] === "") l.pop();
  return l;
};

const rev: Builtin = (c) => {
  const data = readInputs(c, "rev", c.argv.slice(1));
  if (typeof data === "number") return data;
  c.out(
    linesOf(data)
      .map((l) => `${[...l].reverse().join("")}\n`)
      .join(""),
  );
  return 0;
};

const tac: Builtin = (c) => {
  const data = readInputs(c, "tac", c.argv.slice(1));
  if (typeof data === "number") return data;
  c.out(
    linesOf(data)
      .reverse()
      .map((l) => `${l}\n`)
      .join(""),
  );
  return 0;
};

const paste: Builtin = (c) => {
  let serial = false;
  let delims = "\t";
  const files: string[] = [];
  const args = c.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "-s") serial = true;
    else if (a === "-d") delims = args[++i] ?? "\t";
    else if (/^-s?d/.test(a)) {
      if (a.startsWith("-s")) serial = true;
      delims = a.slice(a.indexOf("d") + 1) || (args[++i] ?? "\t");
    } else if (a === "-sd") serial = true;
    else files.push(a);
  }
  const d = [...(delims.replace(/\\t/g, "\t").replace(/\\n/g, "\n") || "\t")];
  const join = (parts: string[]): string =>
    parts.reduce((acc, p, k) => (k === 0 ? p : acc + (d[(k - 1) % d.length] ?? "") + p), "");
  const sources = (files.length === 0 ? ["-"] : files).map((f) => readInputs(c, "paste", [f]));
  if (sources.some((x) => typeof x === "number")) return 1;
  const cols = sources.map((x) => linesOf(x as string));
  if (serial) {
    c.out(cols.map((l) => `${join(l)}\n`).join(""));
    return 0;
  }
  const rows = Math.max(0, ...cols.map((l) => l.length));
  let out = "";
  for (let r = 0; r < rows; r++) out += `${join(cols.map((l) => l[r] ?? ""))}\n`;
  c.out(out);
  return 0;
};

/** expr: integer arithmetic, comparisons, `length`, `:` (anchored BRE match). */
const expr: Builtin = ({ argv, out, err }) => {
  const t = argv.slice(1);
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
    return a;
  };
  const match = (): string => {
    let v = primary();
    while (t[i] === ":") {
      i++;
      const re = primary();
      try {
        const grouped = re.includes("\\(");
        const m = compilePosix(`^${re.replace(/^\^/, "")}`, { extended: false, capture: true }).exec(v);
        v = m === undefined ? (grouped ? "" : "0") : grouped ? (m.groups[1] ?? "") : String(m.end - m.start);
      } catch {
        fail("Invalid regular expression");
      }
    }
    return v;
  };
  const mul = (): string => {
    let v = match();
    while (t[i] === "*" || t[i] === "/" || t[i] === "%") {
      const op = t[i++];
      const r = match();
      const a = num(v);
      const b = num(r);
      if (op !== "*" && b === 0) fail("division by zero");
      v = String(op === "*" ? a * b : op === "/" ? Math.trunc(a / b) : a % b);
    }
    return v;
  };
  const add = (): string => {
    let v = mul();
    while (t[i] === "+" || t[i] === "-") {
      const op = t[i++];
      const r = mul();
      v = String(op === "+" ? num(v) + num(r) : num(v) - num(r));
    }
    return v;
  };
  const cmp = (): string => {
    let v = add();
    while (["=", "==", "!=", "<", "<=", ">", ">="].includes(t[i] ?? "")) {
      const op = t[i++] ?? "";
      const r = add();
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
      v = ok ? "1" : "0";
    }
    return v;
  };
  const andE = (): string => {
    let v = cmp();
    while (t[i] === "&") {
      i++;
      const r = cmp();
      v = v !== "" && v !== "0" && r !== "" && r !== "0" ? v : "0";
    }
    return v;
  };
  const orE = (): string => {
    let v = andE();
    while (t[i] === "|") {
      i++;
      const r = andE();
      v = v !== "" && v !== "0" ? v : r !== "" && r !== "0" ? r : "0";
    }
    return v;
  };
  try {
    if (t.length === 0) fail("missing operand");
    const v = orE();
    if (i < t.length) fail(`syntax error: unexpected argument \u2018${t[i]}\u2019`);
    out(`${v}\n`);
    return v === "" || v === "0" ? 1 : 0;
  } catch (e) {
    err(
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
