/**
 * Everyday commands of a learner's terminal that bash and coreutils do the same way every time:
 * trap, getopts, let, find (in the virtual filesystem), diff and yes.
 */
import { type Builtin, readOperand } from "./builtins";
import { formatDate } from "./date";
import { getopt, helpText, parseOrComplain, versionText } from "./getopt";
import { globMatch } from "./glob";
import { fsErrorText, LIMITS } from "./interp";

// ---- trap ----

const SIGNALS: Record<string, number> = {
  EXIT: 0,
  HUP: 1,
  INT: 2,
  QUIT: 3,
  KILL: 9,
  USR1: 10,
  USR2: 12,
  TERM: 15,
};
/** bash's pseudo-signals, listed after the real ones. */
const PSEUDO = ["DEBUG", "ERR", "RETURN"];

/** `INT`, `SIGINT`, `2`, `int` → `INT`; undefined for what bash rejects. */
function signalName(spec: string): string | undefined {
  const up = spec.toUpperCase().replace(/^SIG/, "");
  if (/^\d+$/.test(spec)) return Object.keys(SIGNALS).find((k) => SIGNALS[k] === Number(spec));
  if (Object.hasOwn(SIGNALS, up) || PSEUDO.includes(up)) return up;
  return undefined;
}

const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;

const trap: Builtin = ({ argv, shell, out, err }) => {
  const args = argv.slice(1);
  if (args[0] === "--") args.shift();
  const order = (n: string): number => SIGNALS[n] ?? 100 + PSEUDO.indexOf(n);
  if (args.length === 0 || args[0] === "-p") {
    const wanted = args.slice(1).map((a) => signalName(a) ?? a);
    for (const name of [...shell.traps.keys()].sort((a, b) => order(a) - order(b))) {
      if (wanted.length > 0 && !wanted.includes(name)) continue;
      const shown = name === "EXIT" || PSEUDO.includes(name) ? name : `SIG${name}`;
      out(`trap -- ${quote(shell.traps.get(name) ?? "")} ${shown}\n`);
    }
    return 0;
  }
  if (args[0] === "-l") {
    out(" 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 9) SIGKILL\t10) SIGUSR1\n12) SIGUSR2\t15) SIGTERM\n");
    return 0;
  }
  // `trap SIG` alone (a signal name) resets it, as `trap - SIG`
  const action = args.length === 1 && signalName(args[0] ?? "") !== undefined ? "-" : (args.shift() ?? "-");
  if (args.length === 0 && action !== "-") {
    err(`trap: usage: trap [-lp] [[arg] signal_spec ...]\n`);
    return 2;
  }
  let status = 0;
  for (const spec of args.length === 0 ? [argv[1] ?? ""] : args) {
    const name = signalName(spec);
    if (name === undefined) {
      err(`bash: trap: ${spec}: invalid signal specification\n`);
      status = 1;
      continue;
    }
    if (action === "-") shell.traps.delete(name);
    else shell.traps.set(name, action.slice(0, LIMITS.aliasBytes));
  }
  return status;
};

// ---- getopts ----

const getopts: Builtin = ({ argv, shell, err }) => {
  const spec = argv[1];
  const name = argv[2];
  if (spec === undefined || name === undefined) {
    err("getopts: usage: getopts optstring name [arg ...]\n");
    return 2;
  }
  const silent = spec.startsWith(":");
  const opts = silent ? spec.slice(1) : spec;
  const args = argv.length > 3 ? argv.slice(3) : shell.positional;
  let ind = Number(shell.getVar("OPTIND") ?? "1");
  if (!Number.isInteger(ind) || ind < 1) ind = 1;
  // where inside a bundle (-ab) the previous call stopped
  let pos = shell.getopsPos.ind === ind ? shell.getopsPos.char : 1;
  const word = args[ind - 1];
  const finish = (): number => {
    shell.setVar(name, "?");
    shell.vars.delete("OPTARG");
    shell.setVar("OPTIND", String(ind));
    shell.getopsPos = { ind: 0, char: 1 };
    return 1;
  };
  if (word === undefined || !word.startsWith("-") || word === "-") return finish();
  if (word === "--") {
    ind++;
    return finish();
  }
  const ch = word[pos] ?? "";
  pos++;
  const advance = (): void => {
    if (pos >= word.length) {
      ind++;
      pos = 1;
    }
    shell.setVar("OPTIND", String(ind));
    shell.getopsPos = { ind, char: pos };
  };
  const k = opts.indexOf(ch);
  if (k < 0 || ch === ":") {
    if (silent) shell.setVar("OPTARG", ch);
    else {
      err(`bash: illegal option -- ${ch}\n`);
      shell.vars.delete("OPTARG");
    }
    shell.setVar(name, "?");
    advance();
    return 0;
  }
  if (opts[k + 1] === ":") {
    let arg: string | undefined;
    if (pos < word.length) {
      arg = word.slice(pos);
      ind++;
    } else {
      arg = args[ind];
      ind += 2;
    }
    pos = 1;
    shell.getopsPos = { ind: 0, char: 1 };
    shell.setVar("OPTIND", String(ind));
    if (arg === undefined) {
      if (silent) {
        shell.setVar(name, ":");
        shell.setVar("OPTARG", ch);
      } else {
        err(`bash: option requires an argument -- ${ch}\n`);
        shell.setVar(name, "?");
        shell.vars.delete("OPTARG");
      }
      return 0;
    }
    shell.setVar("OPTARG", arg);
    shell.setVar(name, ch);
    return 0;
  }
  shell.setVar(name, ch);
  shell.vars.delete("OPTARG");
  advance();
  return 0;
};

// ---- let ----

const letB: Builtin = async ({ argv, shell, ctx, err }) => {
  if (argv.length < 2) {
    err("bash: let: expression expected\n");
    return 1;
  }
  let last = 0;
  for (const expr of argv.slice(1)) last = await shell.arith(expr, ctx);
  return last === 0 ? 1 : 0;
};

// ---- find ----

/** One file find looked at: the path as printed, where it is, how deep under its root. */
interface FindEntry {
  shown: string;
  abs: string;
  depth: number;
  isDir: boolean;
}

/** A find expression: tests, actions and operators, evaluated per entry. */
type FindExpr =
  | { kind: "test"; test: (e: FindEntry) => boolean }
  | { kind: "exec"; argv: string[]; batch: boolean }
  | { kind: "print"; end: string }
  | { kind: "delete" }
  | { kind: "quit" }
  | { kind: "not"; e: FindExpr }
  | { kind: "and" | "or"; a: FindExpr; b: FindExpr };

class FindError extends Error {}

/** `+N` more than N, `-N` less than N, `N` exactly N; undefined when it is not a number. */
function findNumber(s: string): ((v: number) => boolean) | undefined {
  const m = /^([-+]?)(\d+)$/.exec(s);
  if (m === null) return undefined;
  const n = Number(m[2]);
  return m[1] === "+" ? (v) => v > n : m[1] === "-" ? (v) => v < n : (v) => v === n;
}

const find: Builtin = async (c) => {
  const { argv, shell, out, err, ctx } = c;
  const args = argv.slice(1);
  const roots: string[] = [];
  while (args.length > 0 && !/^[-!(]/.test(args[0] ?? "")) roots.push(args.shift() ?? "");
  if (roots.length === 0) roots.push(".");
  const cost = shell.regexCost(ctx);
  const now = shell.opts.clock.now();
  let maxDepth = Number.POSITIVE_INFINITY;
  let minDepth = 0;
  let depthFirst = false;
  let hasAction = false;
  let i = 0;
  const fail = (msg: string): never => {
    throw new FindError(msg);
  };
  const value = (a: string): string => {
    const v = args[i++];
    if (v === undefined) fail(`missing argument to \`${a}'`);
    return v ?? "";
  };
  const sizeOf = (e: FindEntry): number => {
    const d = shell.fs.read(e.abs);
    return typeof d === "string" ? new TextEncoder().encode(d).length : 4096;
  };
  // the grammar: or := and (-o and)*; and := unary ((-a)? unary)*; unary := ! unary | ( or ) | primary
  const primary = (): FindExpr | undefined => {
    const a = args[i++] ?? "";
    switch (a) {
      case "-name":
      case "-iname": {
        const p = value(a);
        const ci = a === "-iname";
        return {
          kind: "test",
          test: (e) => {
            const name =
              e.depth === 0
                ? e.shown.replace(/\/+$/, "").replace(/^.*\//, "") || e.shown
                : e.shown.slice(e.shown.lastIndexOf("/") + 1);
            return globMatch(ci ? p.toLowerCase() : p, ci ? name.toLowerCase() : name, cost);
          },
        };
      }
      case "-path":
      case "-wholename":
      case "-ipath": {
        const p = value(a);
        const ci = a === "-ipath";
        return {
          kind: "test",
          test: (e) => globMatch(ci ? p.toLowerCase() : p, ci ? e.shown.toLowerCase() : e.shown, cost),
        };
      }
      case "-type": {
        const ty = value(a);
        if (!/^[bcdpflsD](,[bcdpflsD])*$/.test(ty)) fail(`Unknown argument to -type: ${ty}`);
        const types = ty.split(",");
        return { kind: "test", test: (e) => types.includes(e.isDir ? "d" : "f") };
      }
      case "-empty":
        return {
          kind: "test",
          test: (e) => {
            if (!e.isDir) return sizeOf(e) === 0;
            const names = shell.fs.list(e.abs);
            return Array.isArray(names) && names.length === 0;
          },
        };
      case "-size": {
        const v = value(a);
        const m = /^([-+]?\d+)([bcwkMG]?)$/.exec(v);
        if (m === null) {
          const unit = /^[-+]?\d+(.)/.exec(v)?.[1];
          fail(unit !== undefined ? `invalid -size type \`${unit}'` : `invalid -size type \`${v}'`);
        }
        const unit =
          { b: 512, c: 1, w: 2, k: 1024, M: 1024 ** 2, G: 1024 ** 3, "": 512 }[m?.[2] ?? ""] ?? 512;
        const cmp = findNumber(m?.[1] ?? "0");
        // sizes are counted in whole units, rounded up
        return { kind: "test", test: (e) => cmp?.(Math.ceil(sizeOf(e) / unit)) === true };
      }
      case "-mtime":
      case "-mmin": {
        const v = value(a);
        const cmp = findNumber(v);
        if (cmp === undefined) fail(`invalid argument \`${v}' to \`${a}'`);
        const unit = a === "-mtime" ? 86_400_000 : 60_000;
        return {
          kind: "test",
          test: (e) => cmp?.(Math.floor((now - shell.fs.mtime(e.abs)) / unit)) === true,
        };
      }
      case "-newer": {
        const v = value(a);
        const ref = shell.resolve(v);
        if (!shell.fs.exists(ref)) fail(`\u2018${v}\u2019: No such file or directory`);
        const t = shell.fs.mtime(ref);
        return { kind: "test", test: (e) => shell.fs.mtime(e.abs) > t };
      }
      case "-true":
        return { kind: "test", test: () => true };
      case "-false":
        return { kind: "test", test: () => false };
      case "-print":
        hasAction = true;
        return { kind: "print", end: "\n" };
      case "-print0":
        hasAction = true;
        return { kind: "print", end: "\0" };
      case "-delete":
        hasAction = true;
        depthFirst = true;
        return { kind: "delete" };
      case "-quit":
        return { kind: "quit" };
      case "-exec": {
        hasAction = true;
        const cmd: string[] = [];
        for (;;) {
          const w = args[i++];
          if (w === undefined) fail("missing argument to `-exec'");
          if (w === ";") break;
          if (w === "+" && cmd[cmd.length - 1] === "{}") {
            cmd.pop();
            if (cmd.length === 0) fail("missing argument to `-exec'");
            return { kind: "exec", argv: cmd, batch: true };
          }
          cmd.push(w ?? "");
        }
        if (cmd.length === 0) fail("missing argument to `-exec'");
        return { kind: "exec", argv: cmd, batch: false };
      }
      case "-maxdepth":
      case "-mindepth": {
        const n = value(a);
        if (!/^\d+$/.test(n))
          fail(`Expected a positive decimal integer argument to ${a}, but got \u2018${n}\u2019`);
        if (a === "-maxdepth") maxDepth = Number(n);
        else minDepth = Number(n);
        return undefined;
      }
      case "-depth":
        depthFirst = true;
        return undefined;
      default:
        return fail(
          a.startsWith("-") ? `unknown predicate \`${a}'` : `paths must precede expression: \`${a}'`,
        );
    }
  };
  const isOp = (w: string | undefined): boolean => w === "-o" || w === "-or" || w === "-a" || w === "-and";
  const unary = (): FindExpr | undefined => {
    const a = args[i];
    if (a === "!" || a === "-not") {
      i++;
      if (i >= args.length || args[i] === ")" || isOp(args[i])) fail(`expected an expression after '${a}'`);
      const e = unary();
      return e === undefined ? undefined : { kind: "not", e };
    }
    if (a === "(") {
      i++;
      const e = orE();
      if (args[i] !== ")")
        fail("invalid expression; I was expecting to find a ')' somewhere but did not see one.");
      i++;
      return e;
    }
    if (isOp(a)) fail(`invalid expression; you have used a binary operator '${a}' with nothing before it.`);
    return primary();
  };
  const andE = (): FindExpr | undefined => {
    let e = i < args.length ? unary() : undefined;
    while (i < args.length && args[i] !== ")" && args[i] !== "-o" && args[i] !== "-or") {
      const op = args[i];
      if (op === "-a" || op === "-and") {
        i++;
        if (i >= args.length || args[i] === ")" || isOp(args[i]))
          fail(`expected an expression after '${op}'`);
      }
      const r = unary();
      if (r === undefined) continue;
      e = e === undefined ? r : { kind: "and", a: e, b: r };
    }
    return e;
  };
  const orE = (): FindExpr | undefined => {
    let e = andE();
    while (args[i] === "-o" || args[i] === "-or") {
      const op = args[i];
      i++;
      if (i >= args.length || args[i] === ")") fail(`expected an expression after '${op}'`);
      const r = andE();
      if (e === undefined)
        fail(`invalid expression; you have used a binary operator '${op}' with nothing before it.`);
      if (r !== undefined && e !== undefined) e = { kind: "or", a: e, b: r };
    }
    return e;
  };
  let expr: FindExpr | undefined;
  try {
    expr = orE();
    if (i < args.length) {
      const w = args[i] ?? "";
      fail(
        w === ")" ? `invalid expression; you have too many ')'` : `paths must precede expression: \`${w}'`,
      );
    }
  } catch (e) {
    if (!(e instanceof FindError)) throw e;
    err(`find: ${e.message}\n`);
    return 1;
  }
  // without an action, every entry the expression is true of is printed
  if (!hasAction)
    expr =
      expr === undefined
        ? { kind: "print", end: "\n" }
        : { kind: "and", a: expr, b: { kind: "print", end: "\n" } };
  const program: FindExpr = expr ?? { kind: "print", end: "\n" };
  let status = 0;
  let quit = false;
  /** A command -exec can run: a program, not a shell function (find runs no shell). */
  const runnable = (name: string): boolean => shell.hasCommand(name) && !shell.functions.has(name);
  const batches = new Map<FindExpr, string[]>();
  const run = async (cmd: string[]): Promise<number> =>
    shell.dispatch(cmd, [], { stdin: "", out, err, outIsTerminal: false }, ctx, false, true);
  const evaluate = async (e: FindExpr, entry: FindEntry): Promise<boolean> => {
    switch (e.kind) {
      case "test":
        return e.test(entry);
      case "print":
        out(`${entry.shown}${e.end}`);
        return true;
      case "delete": {
        const r = entry.isDir ? shell.fs.rmdir(entry.abs) : shell.fs.remove(entry.abs);
        if (r !== undefined) {
          err(`find: cannot delete \u2018${entry.shown}\u2019: ${fsErrorText(r)}\n`);
          status = 1;
          return false;
        }
        return true;
      }
      case "quit":
        quit = true;
        return true;
      case "exec": {
        if (e.batch) {
          const list = batches.get(e) ?? [];
          list.push(entry.shown);
          batches.set(e, list);
          return true;
        }
        // the command that cannot be run fails in find's child: the test is false, find goes on
        if (!runnable(e.argv[0] ?? "")) {
          err(`find: \u2018${e.argv[0]}\u2019: No such file or directory\n`);
          return false;
        }
        return (await run(e.argv.map((w) => w.split("{}").join(entry.shown)))) === 0;
      }
      case "not":
        return !(await evaluate(e.e, entry));
      case "and":
        return (await evaluate(e.a, entry)) && (await evaluate(e.b, entry));
      case "or":
        return (await evaluate(e.a, entry)) || (await evaluate(e.b, entry));
    }
  };
  let visited = 0;
  const entries: FindEntry[] = [];
  const walk = (shown: string, abs: string, depth: number): void => {
    if (++visited > 100_000) shell.limit(ctx, "find: over 100000 entries; stopped");
    const isDir = shell.fs.isDir(abs);
    const entry = { shown, abs, depth, isDir };
    if (!depthFirst && depth >= minDepth) entries.push(entry);
    if (isDir && depth < maxDepth) {
      const names = shell.fs.list(abs);
      if (Array.isArray(names)) {
        for (const n of names) {
          const child = shown.endsWith("/") ? `${shown}${n}` : `${shown}/${n}`;
          walk(child, abs === "/" ? `/${n}` : `${abs}/${n}`, depth + 1);
        }
      }
    }
    if (depthFirst && depth >= minDepth) entries.push(entry);
  };
  for (const root of roots) {
    const abs = shell.resolve(root);
    if (!shell.fs.exists(abs)) {
      err(`find: \u2018${root}\u2019: No such file or directory\n`);
      status = 1;
      continue;
    }
    entries.length = 0;
    walk(root, abs, 0);
    for (const entry of entries) {
      if (c.interrupt.interrupted) return 130;
      await evaluate(program, entry);
      if (quit) break;
    }
    if (quit) break;
  }
  for (const [e, paths] of batches) {
    if (e.kind !== "exec") continue;
    if (!runnable(e.argv[0] ?? "")) {
      err(`find: \u2018${e.argv[0]}\u2019: No such file or directory\n`);
      status = 1;
      continue;
    }
    if ((await run([...e.argv, ...paths])) !== 0) status = 1;
  }
  return status;
};

// ---- diff ----

/** Cells of the line-matching table one diff may fill (1000 × 1000 differing lines: ~33 ms of CPU). */
const DIFF_CELLS = 1_000_000;

const diff: Builtin = ({ argv, shell, stdin, out, err }) => {
  const spec = {
    short: "biqsuU:w",
    long: {
      "ignore-space-change": "b",
      "ignore-case": "i",
      unified: "U::",
      brief: "q",
      "report-identical-files": "s",
      "ignore-all-space": "w",
    },
  };
  const o = getopt(argv, spec);
  if ("special" in o) {
    out(o.special === "help" ? helpText("diff", spec) : versionText("diff"));
    return 0;
  }
  // diffutils prefixes its `Try` line with its name too
  const usage = (problem: string): number => {
    err(`diff: ${problem}\ndiff: Try 'diff --help' for more information.\n`);
    return 2;
  };
  if ("error" in o) return usage(o.error);
  const brief = o.has("q");
  const files = o.operands;
  if (files.length < 2) return usage(`missing operand after '${files[files.length - 1] ?? "diff"}'`);
  if (files.length > 2) return usage(`extra operand '${files[2]}'`);
  const unifiedArg = [...o.list].reverse().find(([k]) => k === "u" || k === "U");
  const context = unifiedArg === undefined ? -1 : Number(unifiedArg[1] ?? 3);
  if (unifiedArg?.[1] !== undefined && !/^\d+$/.test(unifiedArg[1]))
    return usage(`invalid context length '${unifiedArg[1]}'`);
  // a directory beside a file stands for the file of the same name in it
  const isDir = (f: string): boolean => f !== "-" && shell.fs.isDir(shell.resolve(f));
  if (isDir(files[0] ?? "") && isDir(files[1] ?? "")) {
    err(
      `diff: ${files[0]} and ${files[1]} are directories: comparing directories is not available on this workstation\n`,
    );
    return 2;
  }
  for (const k of [0, 1]) {
    const f = files[k] ?? "";
    const other = files[1 - k] ?? "";
    if (isDir(f) && other !== "-")
      files[k] = `${f.replace(/\/+$/, "")}/${other.replace(/\/+$/, "").replace(/^.*\//, "")}`;
  }
  const texts: string[] = [];
  for (const f of files) {
    const t = readOperand({ stdin, shell }, f);
    if (typeof t !== "string") {
      err(`diff: ${f}: ${t.error === "EISDIR" ? "Is a directory" : "No such file or directory"}\n`);
      return 2;
    }
    texts.push(t);
  }
  const [ta = "", tb = ""] = texts;
  /** What two lines are compared by (-i, -w, -b); the output shows them as they are. */
  const key = (l: string): string => {
    let k = o.has("i") ? l.toLowerCase() : l;
    if (o.has("w")) k = k.replace(/\s+/g, "");
    else if (o.has("b")) k = k.replace(/\s+/g, " ").replace(/ $/, "");
    return k;
  };
  const identical = (): number => {
    if (o.has("s")) out(`Files ${files[0]} and ${files[1]} are identical\n`);
    return 0;
  };
  if (ta === tb) return identical();
  const split = (t: string): string[] => {
    if (t === "") return [];
    const l = t.split("\n");
    if (t.endsWith("\n")) l.pop();
    return l;
  };
  const a = split(ta);
  const b = split(tb);
  const ka = a.map(key);
  const kb = b.map(key);
  // the common head and tail need no table
  let head = 0;
  while (head < a.length && head < b.length && ka[head] === kb[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    ka[a.length - 1 - tail] === kb[b.length - 1 - tail]
  )
    tail++;
  const n = a.length - head - tail;
  const m = b.length - head - tail;
  if ((n + 1) * (m + 1) > DIFF_CELLS) {
    err(`diff: ${files[0]} and ${files[1]} differ in too many lines to compare here (${n} × ${m})\n`);
    return 2;
  }
  // lcs[i*(m+1)+j]: longest common subsequence of a[head+i..] and b[head+j..] (within the middle)
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * w + j] =
        ka[head + i] === kb[head + j]
          ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
  /** The changes: lines x1..x2 of the first file became lines y1..y2 of the second. */
  const blocks: { x1: number; x2: number; y1: number; y2: number }[] = [];
  let i = 0;
  let j = 0;
  let i1 = 0;
  let j1 = 0;
  const flush = (): void => {
    if (i1 !== i || j1 !== j) blocks.push({ x1: head + i1, x2: head + i, y1: head + j1, y2: head + j });
  };
  while (i < n || j < m) {
    if (i < n && j < m && ka[head + i] === kb[head + j]) {
      flush();
      i++;
      j++;
      i1 = i;
      j1 = j;
    } else if (j >= m || (i < n && (lcs[(i + 1) * w + j] ?? 0) >= (lcs[i * w + j + 1] ?? 0))) i++;
    else j++;
  }
  flush();
  if (blocks.length === 0) return identical();
  if (brief) {
    out(`Files ${files[0]} and ${files[1]} differ\n`);
    return 1;
  }
  const noEol = (t: string, last: boolean): string =>
    last && !t.endsWith("\n") ? "\n\\ No newline at end of file\n" : "\n";
  const lineA = (prefix: string, k: number): string => `${prefix}${a[k]}${noEol(ta, k === a.length - 1)}`;
  const lineB = (prefix: string, k: number): string => `${prefix}${b[k]}${noEol(tb, k === b.length - 1)}`;
  if (context < 0) {
    const range = (x: number, y: number): string => (x >= y ? String(y) : `${x},${y}`);
    for (const { x1, x2, y1, y2 } of blocks) {
      const op = x1 === x2 ? "a" : y1 === y2 ? "d" : "c";
      let text = `${op === "a" ? String(x1) : range(x1 + 1, x2)}${op}${op === "d" ? String(y1) : range(y1 + 1, y2)}\n`;
      for (let k = x1; k < x2; k++) text += lineA("< ", k);
      if (op === "c") text += "---\n";
      for (let k = y1; k < y2; k++) text += lineB("> ", k);
      out(text);
    }
    return 1;
  }
  // unified: a header with each file's time, then hunks of changes with `context` lines around,
  // changes closer than twice that sharing a hunk
  const stamp = (f: string): string =>
    formatDate(
      f === "-" ? shell.opts.clock.now() : shell.fs.mtime(shell.resolve(f)),
      "%Y-%m-%d %H:%M:%S.%N %z",
    );
  let text = `--- ${files[0]}\t${stamp(files[0] ?? "")}\n+++ ${files[1]}\t${stamp(files[1] ?? "")}\n`;
  const hunkRange = (start: number, count: number): string =>
    count === 1 ? String(start + 1) : `${count === 0 ? start : start + 1},${count}`;
  for (let k = 0; k < blocks.length; ) {
    let last = k;
    while (last + 1 < blocks.length && (blocks[last + 1]?.x1 ?? 0) - (blocks[last]?.x2 ?? 0) <= 2 * context)
      last++;
    const first = blocks[k] ?? { x1: 0, x2: 0, y1: 0, y2: 0 };
    const end = blocks[last] ?? first;
    const before = Math.min(context, first.x1);
    const after = Math.min(context, a.length - end.x2);
    const xs = first.x1 - before;
    const ys = first.y1 - before;
    const xe = end.x2 + after;
    const ye = end.y2 + after;
    text += `@@ -${hunkRange(xs, xe - xs)} +${hunkRange(ys, ye - ys)} @@\n`;
    let x = xs;
    for (let q = k; q <= last; q++) {
      const bl = blocks[q] ?? first;
      for (; x < bl.x1; x++) text += lineA(" ", x);
      for (let r = bl.x1; r < bl.x2; r++) text += lineA("-", r);
      for (let r = bl.y1; r < bl.y2; r++) text += lineB("+", r);
      x = bl.x2;
    }
    for (; x < xe; x++) text += lineA(" ", x);
    k = last + 1;
  }
  out(text);
  return 1;
};

// ---- yes ----

const yes: Builtin = ({ argv, out, err }) => {
  const o = parseOrComplain({ argv, out, err }, "yes", { short: "" });
  if (typeof o === "number") return o;
  // a pipe reader takes what it needs; here the output is bounded by the pipe's buffer
  const line = `${o.operands.length > 0 ? o.operands.join(" ") : "y"}\n`;
  const chunk = line.repeat(Math.max(1, Math.floor(8192 / line.length)));
  for (let total = 0; total < 64 * 1024; total += chunk.length) out(chunk);
  return 0;
};

export const EVERYDAY_BUILTINS: Record<string, Builtin> = { trap, getopts, let: letB };
export const EVERYDAY_TOOLS: Record<string, Builtin> = { find, yes, diff };
