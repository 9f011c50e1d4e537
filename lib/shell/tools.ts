/**
 * seq, xargs and a sed subset (s///gpiN with & and \1…\9, p, d, q, a/i/c, y, =, line numbers,
 * `$`, /regex/ and ranges, `!`, -n -e -E/-r -i[SUFFIX]), with GNU's messages. Regexes run on the
 * linear-time engine (lib/shell/regex.ts, ADR 0009); output is bounded by the line's budget.
 */
import { type Builtin, type BuiltinContext, readOperand } from "./builtins";
import { fsErrorText, isStopLine, LIMITS } from "./interp";
import { jq } from "./jq";
import { compilePosix } from "./regex";
import { linkSed, parseSed, runSed, type SedCmd, SedError } from "./sed";

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

/** Commands one sed may run (its script over every line, branches included). */
const SED_WORK = 2_000_000;

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
  let input = "";
  if (files.length === 0) input = c.stdin;
  for (const f of files) {
    const data = readOperand(c, f);
    if (typeof data !== "string") {
      c.err(`sed: can't read ${f}: ${fsErrorText(data.error)}\n`);
      status = 2;
      continue;
    }
    input += data;
  }
  let buf = "";
  try {
    runSed(
      cmds,
      input,
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
    const d = readOperand(c, f);
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
const expr: Builtin = (c) => {
  const t = c.argv.slice(1);
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
  const match = level(primary, [":"], (_, v, re) => {
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
  });
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
