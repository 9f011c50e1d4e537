/**
 * An awk subset: `-F`, BEGIN/END, patterns (/re/, comparisons, &&, ||, !), and the statements
 * print, printf, assignment (=, +=) and next; $N, $NF, NR, NF, string functions length,
 * toupper, tolower, substr, and match/sub/gsub. Enough for `awk '{print $1}'` and
 * `awk 'NR>1 {print $1, $3}'`. Regular expressions (/re/, ~, FS, match/sub/gsub) run on the
 * linear-time engine of ./regex.
 */
import type { Builtin } from "./builtins";
import { isStopLine } from "./interp";
import { compilePosix, type RegexCost, RegexSyntaxError, regexCache, type SafeRegex } from "./regex";

type Tok = { t: "num" | "str" | "re" | "name" | "op"; v: string };
type Val = string | number;
type Expr = (r: Rec) => Val;
type Stmt = (r: Rec) => "next" | undefined;

interface Rec {
  fields: string[];
  nr: number;
  vars: Map<string, Val>;
  out: (s: string) => void;
  /** This run's regular expressions (awkRegex, cached). */
  regex: (src: string) => SafeRegex;
}

class AwkError extends Error {}

/** A line's output is bounded (1 MiB): a wider field is refused before it is built. */
const MAX_PRINTF_WIDTH = 1024 * 1024;

/**
 * awk's regular expressions are EREs with awk's escapes, on the linear-time engine, compiled
 * once per distinct text for one run (`$1 ~ var` too) and charged to the line's budget.
 */
function awkRegex(src: string, cost: RegexCost | undefined): SafeRegex {
  try {
    return compilePosix(src, { extended: true, awk: true, cost });
  } catch (e) {
    if (e instanceof RegexSyntaxError)
      throw new AwkError(`regular expression compile failed (${e.message})\n${src}`);
    throw e;
  }
}

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const prevAllowsRegex = (): boolean => {
    const p = toks[toks.length - 1];
    return p === undefined || (p.t === "op" && !")]".includes(p.v)) || (p.t === "name" && p.v === "print");
  };
  /**
   * A "…" or /…/ literal, from its opening delimiter to past its closing one. `escaped` turns the
   * character after a backslash into text, or answers undefined to keep the backslash as written.
   */
  const literal = (close: string, escaped: (next: string) => string | undefined, what: string): string => {
    let s = "";
    i++;
    while (i < src.length && src[i] !== close) {
      const text = src[i] === "\\" ? escaped(src[i + 1] ?? "") : undefined;
      if (text === undefined) s += src[i++];
      else {
        s += text;
        i += 2;
      }
    }
    if (i >= src.length) throw new AwkError(`non-terminated ${what}`);
    i++;
    return s;
  };
  while (i < src.length) {
    const c = src[i] ?? "";
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    if (c === "\\" && src[i + 1] === "\n") {
      i += 2;
      continue;
    }
    if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (c === '"') {
      toks.push({ t: "str", v: literal('"', (n) => (n === "n" ? "\n" : n === "t" ? "\t" : n), "string") });
      continue;
    }
    if (c === "/" && prevAllowsRegex()) {
      // only \/ is the lexer's; other escapes are the regular expression's own
      toks.push({ t: "re", v: literal("/", (n) => (n === "/" ? "/" : undefined), "regular expression") });
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(src.slice(i));
    if (num !== null) {
      toks.push({ t: "num", v: num[0] });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name !== null) {
      toks.push({ t: "name", v: name[0] });
      i += name[0].length;
      continue;
    }
    const op =
      ["==", "!=", "<=", ">=", "&&", "||", "!~", "+=", "-=", "++", "--"].find((o) => src.startsWith(o, i)) ??
      c;
    if (op !== "&&" && op !== "||" && !"=<>!~+-*/%(){};,$\n".includes(op[0] ?? ""))
      throw new AwkError(`syntax error at source line 1: unexpected character '${c}'`);
    toks.push({ t: "op", v: op });
    i += op.length;
  }
  return toks;
}

const num = (v: Val): number => (typeof v === "number" ? v : Number.parseFloat(v) || 0);
const str = (v: Val): string =>
  typeof v === "number" ? (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)))) : v;
const looksNumeric = (v: Val): boolean =>
  typeof v === "number" || /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v);
const truthy = (v: Val): boolean => (typeof v === "number" ? v !== 0 : v !== "");

class AwkParser {
  i = 0;
  constructor(
    private toks: Tok[],
    private regex: (src: string) => SafeRegex,
  ) {}
  peek(): Tok | undefined {
    return this.toks[this.i];
  }
  isOp(v: string): boolean {
    const t = this.peek();
    return t?.t === "op" && t.v === v;
  }
  expectOp(v: string): void {
    if (!this.isOp(v)) throw new AwkError(`syntax error: expected '${v}'`);
    this.i++;
  }
  skipNl(): void {
    while (this.isOp("\n") || this.isOp(";")) this.i++;
  }

  program(): { begin: Stmt[]; end: Stmt[]; rules: { pattern?: Expr; body: Stmt[] }[] } {
    const prog = { begin: [] as Stmt[], end: [] as Stmt[], rules: [] as { pattern?: Expr; body: Stmt[] }[] };
    this.skipNl();
    while (this.peek() !== undefined) {
      const t = this.peek();
      if (t?.t === "name" && (t.v === "BEGIN" || t.v === "END")) {
        this.i++;
        const body = this.block();
        (t.v === "BEGIN" ? prog.begin : prog.end).push(...body);
      } else {
        const pattern = this.isOp("{") ? undefined : this.expr();
        const body = this.isOp("{") ? this.block() : [this.printStmt([])];
        prog.rules.push({ pattern, body });
      }
      this.skipNl();
    }
    return prog;
  }

  block(): Stmt[] {
    this.expectOp("{");
    const out: Stmt[] = [];
    this.skipNl();
    while (!this.isOp("}")) {
      if (this.peek() === undefined) throw new AwkError("syntax error: unexpected end of program");
      out.push(this.stmt());
      this.skipNl();
    }
    this.i++;
    return out;
  }

  printStmt(args: Expr[]): Stmt {
    return (r) => {
      const ofs = str(r.vars.get("OFS") ?? " ");
      r.out(`${args.length === 0 ? (r.fields[0] ?? "") : args.map((a) => str(a(r))).join(ofs)}\n`);
      return undefined;
    };
  }

  exprList(): Expr[] {
    const args: Expr[] = [];
    const paren = this.isOp("(");
    const stop = (): boolean =>
      this.peek() === undefined || this.isOp(";") || this.isOp("}") || this.isOp("\n");
    if (stop()) return args;
    args.push(this.expr());
    while (this.isOp(",")) {
      this.i++;
      args.push(this.expr());
    }
    void paren;
    return args;
  }

  stmt(): Stmt {
    const t = this.peek();
    if (t?.t === "name" && t.v === "print") {
      this.i++;
      return this.printStmt(this.exprList());
    }
    if (t?.t === "name" && t.v === "printf") {
      this.i++;
      const args = this.exprList();
      return (r) => {
        const [fmt, ...rest] = args.map((a) => a(r));
        let k = 0;
        r.out(
          str(fmt ?? "").replace(
            /%(-?\d*)(?:\.(\d+))?([sdfi%])/g,
            (_m, w: string, prec: string | undefined, conv: string) => {
              if (conv === "%") return "%";
              const v = rest[k++] ?? "";
              let s: string;
              if (conv === "d" || conv === "i") s = String(Math.trunc(num(v)));
              else if (conv === "f") s = num(v).toFixed(prec === undefined ? 6 : Number(prec));
              else s = str(v);
              const width = Number(w.replace("-", "")) || 0;
              if (width > MAX_PRINTF_WIDTH) throw new AwkError(`printf: field width ${width} is too large`);
              return w.startsWith("-") ? s.padEnd(width) : s.padStart(width);
            },
          ),
        );
        return undefined;
      };
    }
    if (t?.t === "name" && t.v === "next") {
      this.i++;
      return () => "next";
    }
    const e = this.expr();
    return (r) => {
      e(r);
      return undefined;
    };
  }

  expr(): Expr {
    return this.assignment();
  }

  assignment(): Expr {
    const t = this.peek();
    const n = this.toks[this.i + 1];
    if (t?.t === "name" && n?.t === "op" && (n.v === "=" || n.v === "+=" || n.v === "-=")) {
      this.i += 2;
      const rhs = this.assignment();
      return (r) => {
        const v = rhs(r);
        const cur = r.vars.get(t.v) ?? "";
        const next = n.v === "=" ? v : n.v === "+=" ? num(cur) + num(v) : num(cur) - num(v);
        r.vars.set(t.v, next);
        return next;
      };
    }
    return this.or();
  }

  /** A left-associative level: `next (op next)*`; `join` builds each operator's expression. */
  leftAssoc(next: () => Expr, ops: readonly string[], join: (op: string, a: Expr, b: Expr) => Expr): Expr {
    let l = next();
    for (let op = this.opOf(ops); op !== undefined; op = this.opOf(ops)) {
      this.i++;
      l = join(op, l, next());
    }
    return l;
  }

  /** The one of `ops` at the cursor, if any. */
  opOf(ops: readonly string[]): string | undefined {
    return ops.find((o) => this.isOp(o));
  }

  or(): Expr {
    return this.leftAssoc(
      () => this.and(),
      ["||"],
      (_, a, b) => (r) => (truthy(a(r)) || truthy(b(r)) ? 1 : 0),
    );
  }

  and(): Expr {
    return this.leftAssoc(
      () => this.match(),
      ["&&"],
      (_, a, b) => (r) => (truthy(a(r)) && truthy(b(r)) ? 1 : 0),
    );
  }

  match(): Expr {
    const l = this.cmp();
    if (this.isOp("~") || this.isOp("!~")) {
      const neg = this.peek()?.v === "!~";
      this.i++;
      const t = this.peek();
      let re: (r: Rec) => SafeRegex;
      if (t?.t === "re") {
        this.i++;
        const compiled = this.regex(t.v);
        re = () => compiled;
      } else {
        const e = this.cmp();
        re = (r) => r.regex(str(e(r)));
      }
      return (r) => (re(r).test(str(l(r))) !== neg ? 1 : 0);
    }
    return l;
  }

  cmp(): Expr {
    const l = this.concat();
    const t = this.peek();
    if (t?.t === "op" && ["==", "!=", "<", ">", "<=", ">="].includes(t.v)) {
      this.i++;
      const rgt = this.concat();
      return (r) => {
        const a = l(r);
        const b = rgt(r);
        const c =
          looksNumeric(a) && looksNumeric(b)
            ? num(a) - num(b)
            : str(a) < str(b)
              ? -1
              : str(a) > str(b)
                ? 1
                : 0;
        switch (t.v) {
          case "==":
            return c === 0 ? 1 : 0;
          case "!=":
            return c !== 0 ? 1 : 0;
          case "<":
            return c < 0 ? 1 : 0;
          case ">":
            return c > 0 ? 1 : 0;
          case "<=":
            return c <= 0 ? 1 : 0;
          default:
            return c >= 0 ? 1 : 0;
        }
      };
    }
    return l;
  }

  startsPrimary(): boolean {
    const t = this.peek();
    if (t === undefined) return false;
    if (t.t !== "op") return !(t.t === "name" && ["print", "printf", "next"].includes(t.v));
    return t.v === "$" || t.v === "(" || t.v === "!" || t.v === "-";
  }

  concat(): Expr {
    const parts: Expr[] = [this.additive()];
    while (this.startsPrimary() && !this.isOp("-")) parts.push(this.additive());
    if (parts.length === 1) return parts[0] as Expr;
    return (r) => parts.map((p) => str(p(r))).join("");
  }

  additive(): Expr {
    return this.leftAssoc(
      () => this.mul(),
      ["+", "-"],
      (op, a, b) => (r) => (op === "+" ? num(a(r)) + num(b(r)) : num(a(r)) - num(b(r))),
    );
  }

  mul(): Expr {
    return this.leftAssoc(
      () => this.unary(),
      ["*", "/", "%"],
      (op, a, b) => (r) => {
        const x = num(a(r));
        const y = num(b(r));
        if (op === "*") return x * y;
        if (y === 0) throw new AwkError("division by zero");
        return op === "/" ? x / y : x % y;
      },
    );
  }

  unary(): Expr {
    if (this.isOp("!")) {
      this.i++;
      const e = this.unary();
      return (r) => (truthy(e(r)) ? 0 : 1);
    }
    if (this.isOp("-")) {
      this.i++;
      const e = this.unary();
      return (r) => -num(e(r));
    }
    return this.primary();
  }

  /** A regular-expression argument: `/re/` literally, or any expression read as one. */
  regexArg(): (r: Rec) => SafeRegex {
    const t = this.peek();
    const n = this.toks[this.i + 1];
    if (t?.t === "re" && n?.t === "op" && (n.v === "," || n.v === ")")) {
      this.i++;
      const re = this.regex(t.v);
      return () => re;
    }
    const e = this.expr();
    return (r) => r.regex(str(e(r)));
  }

  /** sub(re, repl [, target]), gsub(…), match(s, re): RSTART and RLENGTH as awk sets them. */
  regexFn(name: "sub" | "gsub" | "match"): Expr {
    this.expectOp("(");
    if (name === "match") {
      const s = this.expr();
      this.expectOp(",");
      const re = this.regexArg();
      this.expectOp(")");
      return (r) => {
        const text = str(s(r));
        const m = re(r).exec(text);
        const start = m === undefined ? 0 : m.start + 1;
        r.vars.set("RSTART", start);
        r.vars.set("RLENGTH", m === undefined ? -1 : m.end - m.start);
        return start;
      };
    }
    const re = this.regexArg();
    this.expectOp(",");
    const repl = this.expr();
    let get: (r: Rec) => string = (r) => r.fields[0] ?? "";
    let set: (r: Rec, v: string) => void = (r, v) => {
      r.fields = [v, ...splitFields(v, str(r.vars.get("FS") ?? " "), r.regex)];
    };
    if (this.isOp(",")) {
      this.i++;
      const target = this.peek();
      if (target?.t === "name") {
        this.i++;
        get = (r) => str(r.vars.get(target.v) ?? "");
        set = (r, v) => r.vars.set(target.v, v);
      } else if (target?.t === "op" && target.v === "$") {
        this.i++;
        const idx = this.primary();
        const at = (r: Rec): number => Math.max(0, Math.trunc(num(idx(r))));
        get = (r) => r.fields[at(r)] ?? "";
        set = (r, v) => {
          const k = at(r);
          if (k === 0) {
            r.fields = [v, ...splitFields(v, str(r.vars.get("FS") ?? " "), r.regex)];
            return;
          }
          while (r.fields.length <= k) r.fields.push("");
          r.fields[k] = v;
          r.fields[0] = r.fields.slice(1).join(str(r.vars.get("OFS") ?? " "));
        };
      } else throw new AwkError(`${name}: third argument must be a variable or a field`);
    }
    this.expectOp(")");
    return (r) => {
      const text = get(r);
      const with_ = str(repl(r));
      let count = 0;
      const replaced = re(r).replace(
        text,
        (m) => {
          count++;
          return with_.replace(/\\&|&/g, (x) => (x === "&" ? m : "&"));
        },
        name === "gsub",
      );
      if (count > 0) set(r, replaced);
      return count;
    };
  }

  primary(): Expr {
    const t = this.toks[this.i++];
    if (t === undefined) throw new AwkError("syntax error: unexpected end of program");
    switch (t.t) {
      case "num": {
        const v = Number(t.v);
        return () => v;
      }
      case "str":
        return () => t.v;
      case "re": {
        const re = this.regex(t.v);
        return (r) => (re.test(r.fields[0] ?? "") ? 1 : 0);
      }
      case "name": {
        if ((t.v === "sub" || t.v === "gsub" || t.v === "match") && this.isOp("(")) return this.regexFn(t.v);
        if (this.isOp("(")) {
          this.i++;
          const args: Expr[] = [];
          if (!this.isOp(")")) {
            args.push(this.expr());
            while (this.isOp(",")) {
              this.i++;
              args.push(this.expr());
            }
          }
          this.expectOp(")");
          return builtinFn(t.v, args);
        }
        if (t.v === "length") return (r) => (r.fields[0] ?? "").length;
        if (t.v === "NR") return (r) => r.nr;
        if (t.v === "NF") return (r) => r.fields.length - 1;
        return (r) => r.vars.get(t.v) ?? "";
      }
      case "op":
        if (t.v === "(") {
          const e = this.expr();
          this.expectOp(")");
          return e;
        }
        if (t.v === "$") {
          const e = this.primary();
          return (r) => r.fields[Math.max(0, Math.trunc(num(e(r))))] ?? "";
        }
        throw new AwkError(`syntax error at source line 1: unexpected '${t.v === "\n" ? "newline" : t.v}'`);
    }
  }
}

function builtinFn(name: string, args: Expr[]): Expr {
  const a = (r: Rec, k: number): Val => args[k]?.(r) ?? "";
  switch (name) {
    case "length":
      return (r) => (args.length === 0 ? (r.fields[0] ?? "") : str(a(r, 0))).length;
    case "toupper":
      return (r) => str(a(r, 0)).toUpperCase();
    case "tolower":
      return (r) => str(a(r, 0)).toLowerCase();
    case "substr":
      return (r) => {
        const s = str(a(r, 0));
        const start = Math.max(1, Math.trunc(num(a(r, 1))));
        return args.length > 2
          ? s.substr(start - 1, Math.max(0, Math.trunc(num(a(r, 2)))))
          : s.slice(start - 1);
      };
    case "int":
      return (r) => Math.trunc(num(a(r, 0)));
    default:
      throw new AwkError(`calling undefined function ${name}`);
  }
}

function splitFields(line: string, fs: string, regex: (src: string) => SafeRegex): string[] {
  if (fs === " ") return line.trim() === "" ? [] : line.trim().split(/[ \t\n]+/);
  if (fs.length === 1) return line.split(fs);
  return regex(fs).split(line);
}

export const awk: Builtin = (c) => {
  let fs = " ";
  let i = 1;
  const vars = new Map<string, Val>([
    ["OFS", " "],
    ["FS", " "],
  ]);
  for (; i < c.argv.length; i++) {
    const a = c.argv[i] ?? "";
    if (a.startsWith("-F")) fs = a.length > 2 ? a.slice(2) : (c.argv[++i] ?? " ");
    else if (a === "-v") {
      const [k = "", v = ""] = (c.argv[++i] ?? "").split(/=(.*)/s);
      vars.set(k, v);
    } else break;
  }
  if (fs === "\\t" || fs === "t") fs = "\t";
  vars.set("FS", fs);
  const source = c.argv[i];
  if (source === undefined) {
    c.err("usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]\n");
    return 2;
  }
  const files = c.argv.slice(i + 1);
  const regex = regexCache(awkRegex, c.shell.regexCost(c.ctx));
  let prog: ReturnType<AwkParser["program"]>;
  try {
    prog = new AwkParser(tokenize(source), regex).program();
  } catch (e) {
    if (isStopLine(e)) throw e;
    c.err(`awk: ${e instanceof Error ? e.message : String(e)}\n awk: source line number 1\n`);
    return 2;
  }
  let data = c.stdin;
  if (files.length > 0) {
    data = "";
    for (const f of files) {
      const r = c.shell.fs.read(c.shell.resolve(f));
      if (typeof r !== "string") {
        c.err(`awk: can't open file ${f}\n source line number 1\n`);
        return 2;
      }
      data += r;
    }
  }
  const rec: Rec = { fields: [""], nr: 0, vars, out: c.out, regex };
  try {
    for (const s of prog.begin) s(rec);
    const ls = data === "" ? [] : data.replace(/\n$/, "").split("\n");
    for (const line of ls) {
      rec.nr++;
      rec.fields = [line, ...splitFields(line, fs, regex)];
      for (const rule of prog.rules) {
        if (rule.pattern !== undefined && !truthy(rule.pattern(rec))) continue;
        let skip = false;
        for (const s of rule.body) {
          if (s(rec) === "next") {
            skip = true;
            break;
          }
        }
        if (skip) break;
      }
    }
    for (const s of prog.end) s(rec);
  } catch (e) {
    if (isStopLine(e)) throw e;
    c.err(`awk: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  return 0;
};
