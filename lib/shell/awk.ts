/**
 * awk, after POSIX and GNU awk: `-F`, `-v`, `-f`, BEGIN/END, patterns and ranges, if/else, while,
 * do-while, for(;;), for (k in a), break, continue, next, exit, associative arrays (SUBSEP,
 * `in`, delete), user functions, ?:, ^, the assignment operators, strnum comparisons, print and
 * printf (to standard output, /dev/stderr or a file), and the built-in functions length, substr,
 * index, split, sub, gsub, match, sprintf, toupper, tolower, int, sqrt, exp, log, sin, cos, atan2,
 * rand and srand (gawk's own numbers), close, fflush and system; getline in all its forms
 * (`getline [var]`, `getline [var] < file`, `cmd | getline [var]`) and print/printf to `| cmd`,
 * the commands run in our own shell (ADR 0040), standard output buffered as gawk's is off a
 * terminal; NR, NF, FNR, FS, OFS, ORS, SUBSEP, CONVFMT, OFMT, RSTART, RLENGTH, FILENAME, ENVIRON.
 * Regular expressions (/re/, ~, FS, match/sub/gsub/split) run on the linear-time engine of
 * ./regex. Every statement run is charged to a work budget, so `BEGIN{while(1);}` stops.
 */
import { type Builtin, type BuiltinContext, readOperand } from "./builtins";
import { fsErrorText, LIMITS } from "./interp";
import { expo, general, padField } from "./printf";
import { compilePosix, type RegexCost, RegexSyntaxError, regexCache, type SafeRegex } from "./regex";

type Tok = { t: "num" | "str" | "re" | "name" | "func" | "op"; v: string; at: number };

/** A string that came from input and looks like a number: compared as a number with numbers. */
class StrNum {
  constructor(
    readonly s: string,
    readonly n: number,
  ) {}
}
type Val = string | number | StrNum;
type AwkArray = Map<string, Val>;
/** A variable: scalar, array, or not yet either; `up` is the caller's untyped variable it was passed as. */
interface Cell {
  v: Val | AwkArray | undefined;
  up?: Cell;
}

/** The uninitialised value: "" with strings, 0 with numbers. */
const UNINIT = new StrNum("", 0);

class AwkError extends Error {}
/** A syntax error, at an offset of the program text. */
class AwkSyntaxError extends AwkError {
  constructor(
    readonly at: number,
    why = "syntax error",
  ) {
    super(why);
  }
}
class NextSignal {}
class ExitSignal {
  constructor(readonly status: number) {}
}

/** A line's output is bounded (1 MiB): a wider field is refused before it is built. */
const MAX_PRINTF_WIDTH = 1024 * 1024;
/** Statements (and loop turns) one awk run may take. */
const AWK_WORK = 2_000_000;
/** Elements one array may hold. */
const MAX_ARRAY = 100_000;
/** Nested user-function calls. */
const MAX_DEPTH = 500;

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

const KEYWORDS = new Set([
  "BEGIN",
  "END",
  "function",
  "func",
  "if",
  "else",
  "while",
  "for",
  "do",
  "break",
  "continue",
  "next",
  "exit",
  "return",
  "delete",
  "in",
  "getline",
  "print",
  "printf",
]);
const BUILTINS = new Set([
  "length",
  "substr",
  "index",
  "split",
  "sub",
  "gsub",
  "match",
  "sprintf",
  "toupper",
  "tolower",
  "int",
  "sqrt",
  "exp",
  "log",
  "sin",
  "cos",
  "atan2",
  "close",
  "fflush",
  "rand",
  "srand",
  "system",
]);
const OPS = [
  "**=",
  "**",
  "^=",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "!~",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "++",
  "--",
  ">>",
];
const STRING_ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  '"': '"',
  "/": "/",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
};

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const prevAllowsRegex = (): boolean => {
    const p = toks[toks.length - 1];
    if (p === undefined) return true;
    if (p.t === "op") return !")]$".includes(p.v) && p.v !== "++" && p.v !== "--";
    return p.t === "name" && KEYWORDS.has(p.v);
  };
  /**
   * A "…" or /…/ literal, from its opening delimiter to past its closing one. `escaped` turns the
   * character after a backslash into text, or answers undefined to keep the backslash as written.
   */
  const literal = (close: string, escaped: (next: string) => string | undefined, what: string): string => {
    let s = "";
    const start = i;
    i++;
    while (i < src.length && src[i] !== close) {
      if (src[i] === "\n") throw new AwkSyntaxError(start, `unterminated ${what}`);
      const text = src[i] === "\\" ? escaped(src[i + 1] ?? "") : undefined;
      if (text === undefined) s += src[i++];
      else {
        s += text;
        i += 2;
      }
    }
    if (i >= src.length) throw new AwkSyntaxError(start, `unterminated ${what}`);
    i++;
    return s;
  };
  /** Newlines after these are not statement ends. */
  const continues = (): boolean => {
    const p = toks[toks.length - 1];
    return (
      p !== undefined &&
      ((p.t === "op" && ["{", "&&", "||", ",", "\n", ";"].includes(p.v)) ||
        (p.t === "name" && (p.v === "do" || p.v === "else")))
    );
  };
  while (i < src.length) {
    const c = src[i] ?? "";
    const at = i;
    if (c === " " || c === "\t" || c === "\r") {
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
    if (c === "\n") {
      i++;
      if (!continues()) toks.push({ t: "op", v: "\n", at });
      continue;
    }
    if (c === '"') {
      const v = literal('"', (n) => STRING_ESCAPES[n] ?? `\\${n}`, "string");
      toks.push({ t: "str", v, at });
      continue;
    }
    if (c === "/" && prevAllowsRegex()) {
      // only \/ is the lexer's; other escapes are the regular expression's own
      const v = literal("/", (n) => (n === "/" ? "/" : undefined), "regexp");
      toks.push({ t: "re", v, at });
      continue;
    }
    const num = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(src.slice(i, i + 400));
    if (num !== null) {
      toks.push({ t: "num", v: num[0], at });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 400));
    if (name !== null) {
      i += name[0].length;
      const call = src[i] === "(" && !KEYWORDS.has(name[0]);
      toks.push({ t: call ? "func" : "name", v: name[0], at });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i)) ?? c;
    if (op.length === 1 && !"=<>!~+-*/%^(){}[];,$?:|".includes(op)) throw new AwkSyntaxError(at);
    toks.push({ t: "op", v: op, at });
    i += op.length;
  }
  return toks;
}

const NUMERIC = /^[ \t\n]*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[ \t\n]*$/;
const NUMERIC_PREFIX = /^[ \t\n]*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/;

/** A value read from input: a strnum when it looks like a number. */
const input = (s: string): Val => (NUMERIC.test(s) ? new StrNum(s, Number(s.trim())) : s);
const num = (v: Val): number => {
  if (typeof v === "number") return v;
  if (v instanceof StrNum) return v.n;
  const m = NUMERIC_PREFIX.exec(v);
  return m === null ? 0 : Number(m[0].trim());
};
const isNum = (v: Val): boolean => typeof v === "number" || v instanceof StrNum;
const truthy = (v: Val): boolean =>
  typeof v === "number" ? v !== 0 : v instanceof StrNum ? v.n !== 0 : v !== "";

/** How a number prints: integers whole, others through `fmt` (CONVFMT or OFMT, "%.6g"). */
function numText(n: number, fmt: string): string {
  if (Number.isInteger(n)) return Math.abs(n) < 1e16 ? String(n) : BigInt(n).toString();
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  if (fmt === "%.6g") return (n < 0 ? "-" : "") + general(Math.abs(n), 6, false, false);
  return format(fmt, [n], "%.6g");
}

/** awk's printf: conversions c d i o x X u e E f F g G s and %%, flags, widths and `*`. */
function format(fmt: string, args: Val[], convfmt: string): string {
  let k = 0;
  let spec = 0;
  const next = (): Val => {
    const v = args[k++];
    if (v !== undefined) return v;
    // gawk's report: the format, and a caret under the conversion that found no argument
    throw new AwkError(
      `not enough arguments to satisfy format string\n\t\`${fmt}'\n\t${" ".repeat(spec)}^ ran out for this one`,
    );
  };
  return fmt.replace(
    /%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d*))?([cdiouxXeEfFgGs%])/g,
    (m, flags: string, w: string | undefined, p: string | undefined, conv: string, offset: number) => {
      if (conv === "%") return "%";
      spec = offset + m.length - 1;
      let width = w === "*" ? Math.trunc(num(next())) : Number(w ?? 0);
      let left = flags.includes("-");
      if (width < 0) {
        left = true;
        width = -width;
      }
      const prec = p === undefined ? undefined : p === "*" ? Math.trunc(num(next())) : Number(p || 0);
      if (width > MAX_PRINTF_WIDTH || (prec ?? 0) > MAX_PRINTF_WIDTH)
        throw new AwkError(`printf: field width ${Math.max(width, prec ?? 0)} is too large`);
      const v = next();
      const sign = (neg: boolean): string =>
        neg ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
      let body: string;
      let numeric = true;
      if (conv === "s" || conv === "c") {
        numeric = false;
        body =
          conv === "c"
            ? isNum(v) && !(v instanceof StrNum && !NUMERIC.test(v.s))
              ? String.fromCodePoint(Math.trunc(num(v)) & 0x1fffff)
              : ([...str(v, convfmt)][0] ?? "\0")
            : str(v, convfmt);
        if (conv === "s" && prec !== undefined) body = [...body].slice(0, prec).join("");
      } else if ("diouxX".includes(conv)) {
        const n = Math.trunc(num(v));
        if (!Number.isFinite(n)) body = Number.isNaN(n) ? "nan" : n < 0 ? "-inf" : "inf";
        else {
          const signed = "di".includes(conv);
          const digits = signed ? BigInt(Math.abs(n)) : n < 0 ? BigInt.asUintN(64, BigInt(n)) : BigInt(n);
          body = digits.toString(conv === "o" ? 8 : "xX".includes(conv) ? 16 : 10);
          if (conv === "X") body = body.toUpperCase();
          if (prec !== undefined) body = body.padStart(prec, "0");
          if (signed) body = sign(n < 0) + body;
          else if (flags.includes("#") && n !== 0)
            body = (conv === "o" ? "0" : conv === "x" ? "0x" : "0X") + body;
        }
      } else {
        const n = num(v);
        const pr = prec ?? 6;
        const lower = conv.toLowerCase();
        if (!Number.isFinite(n)) body = Number.isNaN(n) ? "nan" : "inf";
        else if (lower === "f") body = Math.abs(n).toFixed(pr);
        else if (lower === "e") body = expo(Math.abs(n), pr, conv === "E");
        else body = general(Math.abs(n), pr, flags.includes("#"), conv === "G");
        if (conv === "F" || conv === "G") body = body.toUpperCase();
        body = sign(n < 0) + body;
      }
      return padField(body, { width, left, zero: numeric && flags.includes("0"), prec, conv });
    },
  );
}

function str(v: Val, convfmt: string): string {
  if (typeof v === "string") return v;
  if (v instanceof StrNum) return v.s;
  return numText(v, convfmt);
}

/** What a running program reads and changes. */
interface Rt {
  fields: string[];
  globals: Map<string, Cell>;
  frame: Cell[];
  depth: number;
  ret: Val;
  c: BuiltinContext;
  work(n: number): void;
  out(s: string, dest?: string, mode?: Dest["mode"]): void;
  /** This run's regular expressions (awkRegex, cached). */
  regex: (src: string) => SafeRegex;
  /** getline, close, output to files and commands, system. */
  io: AwkIo;
  rng: GawkRandom;
  /** The next record of the main input (the operands, else standard input), if any is left. */
  nextRecord(): string | undefined;
  nr: Cell;
  fnr: Cell;
}

/** Where print and printf write: `> file`, `>> file`, `| command`. */
interface Dest {
  to: Ev;
  mode: ">" | ">>" | "|";
}

type Ev = (rt: Rt) => Val;
/** 0 carry on, 1 break, 2 continue, 3 return. */
type Sig = 0 | 1 | 2 | 3;
type Run = (rt: Rt) => Sig;
interface Lv {
  get: Ev;
  set: (rt: Rt, v: Val) => void;
}
/** A compiled expression; `lv` when it can be assigned, `cell` when it is a bare variable name. */
interface Ex {
  ev: Ev;
  lv?: Lv;
  cell?: (rt: Rt) => Cell;
  name?: string;
}
interface Rule {
  pattern?: Ev;
  end?: Ev;
  inRange: boolean;
  body: Run;
}
interface Fn {
  params: string[];
  body: Run;
}

const g = (rt: Rt, name: string): string => {
  const v = rt.globals.get(name)?.v;
  return v === undefined || v instanceof Map ? "" : str(v, "%.6g");
};
const convfmt = (rt: Rt): string => g(rt, "CONVFMT");
const S = (rt: Rt, v: Val): string => (typeof v === "string" ? v : str(v, convfmt(rt)));

function splitWith(s: string, fs: string | SafeRegex, regex: (src: string) => SafeRegex): string[] {
  if (typeof fs !== "string") return s === "" ? [] : fs.split(s);
  if (fs === " ") return s.trim() === "" ? [] : s.replace(/^[ \t\n]+|[ \t\n]+$/g, "").split(/[ \t\n]+/);
  if (s === "") return [];
  if (fs === "") return [...s];
  if (fs.length === 1 && fs !== "\\") return s.split(fs);
  return regex(fs).split(s);
}

function setRecord(rt: Rt, line: string): void {
  rt.fields = [line, ...splitWith(line, g(rt, "FS"), rt.regex)];
}
function rebuild(rt: Rt): void {
  rt.fields[0] = rt.fields.slice(1).join(g(rt, "OFS"));
}
function setField(rt: Rt, k: number, v: string): void {
  if (k === 0) {
    setRecord(rt, v);
    return;
  }
  if (k > MAX_ARRAY) throw new AwkError(`field index ${k} is too large`);
  while (rt.fields.length <= k) rt.fields.push("");
  rt.fields[k] = v;
  rebuild(rt);
}
function fieldIndex(v: Val): number {
  const k = Math.trunc(num(v));
  if (k < 0) throw new AwkError(`attempt to access field ${k}`);
  return k;
}

function scalar(cell: Cell, name: string): Val {
  const v = cell.v;
  if (v instanceof Map) throw new AwkError(`attempt to use array \`${name}' in a scalar context`);
  return v ?? UNINIT;
}
function arrayOf(cell: Cell, name: string): AwkArray {
  const v = cell.v;
  if (v instanceof Map) return v;
  if (v !== undefined) throw new AwkError(`attempt to use scalar \`${name}' as an array`);
  const a: AwkArray = new Map();
  cell.v = a;
  for (let up = cell.up; up !== undefined && up.v === undefined; up = up.up) up.v = a;
  return a;
}

class AwkParser {
  i = 0;
  funcs = new Map<string, Fn>();
  calls: { name: string; at: number }[] = [];
  locals: Map<string, number> | undefined;
  /** Inside print's arguments (not in parentheses) `>` is a redirection. */
  noGt = false;
  constructor(
    private toks: Tok[],
    private srcLength: number,
    private regex: (src: string) => SafeRegex,
  ) {}

  peek(k = 0): Tok | undefined {
    return this.toks[this.i + k];
  }
  isOp(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t?.t === "op" && t.v === v;
  }
  isName(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t?.t === "name" && t.v === v;
  }
  fail(): never {
    const t = this.peek();
    throw new AwkSyntaxError(
      t?.at ?? this.srcLength,
      t === undefined ? "unexpected newline or end of string" : undefined,
    );
  }
  expectOp(v: string): void {
    if (!this.isOp(v)) this.fail();
    this.i++;
  }
  skipNl(): void {
    while (this.isOp("\n")) this.i++;
  }
  skipTerms(): void {
    while (this.isOp("\n") || this.isOp(";")) this.i++;
  }

  program(): { begin: Run[]; end: Run[]; rules: Rule[]; funcs: Map<string, Fn> } {
    const begin: Run[] = [];
    const end: Run[] = [];
    const rules: Rule[] = [];
    this.skipTerms();
    while (this.peek() !== undefined) {
      if (this.isName("BEGIN") || this.isName("END")) {
        const which = this.peek()?.v === "BEGIN" ? begin : end;
        this.i++;
        if (!this.isOp("{")) this.fail();
        which.push(this.block());
      } else if (this.isName("function") || this.isName("func")) {
        this.i++;
        this.functionDef();
      } else {
        let pattern: Ev | undefined;
        let endPat: Ev | undefined;
        if (!this.isOp("{")) {
          pattern = this.expr().ev;
          if (this.isOp(",")) {
            this.i++;
            endPat = this.expr().ev;
          }
        }
        const body = this.isOp("{") ? this.block() : this.printStmt([]);
        rules.push({ pattern, end: endPat, inRange: false, body });
      }
      const t = this.peek();
      if (t !== undefined && !(t.t === "op" && (t.v === "\n" || t.v === ";"))) {
        const prev = this.toks[this.i - 1];
        if (!(prev?.t === "op" && prev.v === "}")) this.fail();
      }
      this.skipTerms();
    }
    for (const call of this.calls)
      if (!this.funcs.has(call.name)) throw new AwkError(`function \`${call.name}' not defined`);
    return { begin, end, rules, funcs: this.funcs };
  }

  functionDef(): void {
    const t = this.peek();
    if (t === undefined || (t.t !== "func" && t.t !== "name") || KEYWORDS.has(t.v)) this.fail();
    this.i++;
    if (BUILTINS.has(t.v)) throw new AwkSyntaxError(t.at, `function name \`${t.v}' previously defined`);
    this.expectOp("(");
    const params: string[] = [];
    while (!this.isOp(")")) {
      const p = this.peek();
      if (p?.t !== "name" || KEYWORDS.has(p.v)) this.fail();
      params.push(p.v);
      this.i++;
      if (this.isOp(",")) this.i++;
      else if (!this.isOp(")")) this.fail();
    }
    this.i++;
    this.skipNl();
    const fn: Fn = { params, body: () => 0 };
    this.funcs.set(t.v, fn);
    this.locals = new Map(params.map((p, k) => [p, k]));
    fn.body = this.block();
    this.locals = undefined;
  }

  block(): Run {
    this.expectOp("{");
    const out: Run[] = [];
    this.skipTerms();
    while (!this.isOp("}")) {
      if (this.peek() === undefined) this.fail();
      out.push(this.stmt());
      this.skipTerms();
    }
    this.i++;
    return seq(out);
  }

  /** After a simple statement: `;`, a newline, `}` or the end. */
  endSimple(): void {
    const t = this.peek();
    if (t !== undefined && !(t.t === "op" && (t.v === ";" || t.v === "\n" || t.v === "}"))) this.fail();
  }

  simple(run: Run): Run {
    this.endSimple();
    return run;
  }

  /** A statement's body after `)`, `else` or `do`. */
  body(): Run {
    this.skipNl();
    if (this.isOp(";")) {
      this.i++;
      return () => 0;
    }
    return this.stmt();
  }

  stmt(): Run {
    const t = this.peek();
    if (t === undefined) this.fail();
    if (t.t === "op" && t.v === "{") return this.block();
    if (t.t === "op" && t.v === ";") {
      this.i++;
      return () => 0;
    }
    if (t.t !== "name") return this.simple(exprStmt(this.expr().ev));
    switch (t.v) {
      case "print":
      case "printf": {
        this.i++;
        const wasNoGt = this.noGt;
        this.noGt = true;
        let args: Ex[];
        // print (a, b) > "f": the parenthesised list is the argument list
        if (this.isOp("(") && this.parenListEndsStatement()) {
          this.i++;
          this.noGt = false;
          args = this.exprList(")");
          this.expectOp(")");
        } else args = this.exprList();
        this.noGt = wasNoGt;
        const dest = this.redirect();
        const evs = args.map((a) => a.ev);
        if (t.v === "print") return this.simple(this.printStmt(evs, dest));
        if (evs.length === 0) this.fail();
        return this.simple(printfStmt(evs, dest));
      }
      case "if": {
        this.i++;
        const cond = this.paren();
        const then = this.body();
        const save = this.i;
        this.skipTerms();
        if (this.isName("else")) {
          this.i++;
          const other = this.body();
          return (rt) => (truthy(cond(rt)) ? then(rt) : other(rt));
        }
        this.i = save;
        return (rt) => (truthy(cond(rt)) ? then(rt) : 0);
      }
      case "while": {
        this.i++;
        const cond = this.paren();
        const body = this.body();
        return loop(undefined, cond, undefined, body);
      }
      case "do": {
        this.i++;
        const body = this.body();
        this.skipTerms();
        if (!this.isName("while")) this.fail();
        this.i++;
        const cond = this.paren();
        return this.simple((rt) => {
          do {
            rt.work(1);
            const s = body(rt);
            if (s === 1) break;
            if (s === 3) return 3;
          } while (truthy(cond(rt)));
          return 0;
        });
      }
      case "for":
        this.i++;
        return this.forStmt();
      case "break":
      case "continue": {
        this.i++;
        const s: Sig = t.v === "break" ? 1 : 2;
        return this.simple(() => s);
      }
      case "next":
        this.i++;
        return this.simple(() => {
          throw new NextSignal();
        });
      case "exit": {
        this.i++;
        const code = this.atEnd() ? undefined : this.expr().ev;
        return this.simple((rt) => {
          throw new ExitSignal(code === undefined ? -1 : Math.trunc(num(code(rt))) & 255);
        });
      }
      case "return": {
        this.i++;
        if (this.locals === undefined)
          throw new AwkSyntaxError(t.at, "`return' used outside function context");
        const v = this.atEnd() ? undefined : this.expr().ev;
        return this.simple((rt) => {
          rt.ret = v === undefined ? UNINIT : v(rt);
          return 3;
        });
      }
      case "delete": {
        this.i++;
        const n = this.peek();
        if (n?.t !== "name" || KEYWORDS.has(n.v)) this.fail();
        this.i++;
        const cell = this.cellOf(n.v);
        if (this.isOp("[")) {
          const key = this.subscript();
          return this.simple((rt) => {
            arrayOf(cell(rt), n.v).delete(key(rt));
            return 0;
          });
        }
        return this.simple((rt) => {
          arrayOf(cell(rt), n.v).clear();
          return 0;
        });
      }
      default:
        return this.simple(exprStmt(this.expr().ev));
    }
  }

  atEnd(): boolean {
    const t = this.peek();
    return t === undefined || (t.t === "op" && (t.v === ";" || t.v === "\n" || t.v === "}"));
  }

  /** Whether the `(` at the cursor closes just before the statement's end or a redirection. */
  parenListEndsStatement(): boolean {
    let depth = 0;
    for (let k = this.i; k < this.toks.length; k++) {
      const t = this.toks[k];
      if (t?.t !== "op") continue;
      if (t.v === "(") depth++;
      else if (t.v === ")" && --depth === 0) {
        const n = this.toks[k + 1];
        return n === undefined || (n.t === "op" && [";", "\n", "}", ">", ">>", "|"].includes(n.v));
      }
    }
    return false;
  }

  redirect(): Dest | undefined {
    if (this.isOp(">") || this.isOp(">>") || this.isOp("|")) {
      const mode = this.peek()?.v as Dest["mode"];
      this.i++;
      return { to: this.concat().ev, mode };
    }
    return undefined;
  }

  paren(): Ev {
    this.expectOp("(");
    const e = this.expr().ev;
    this.expectOp(")");
    return e;
  }

  forStmt(): Run {
    this.expectOp("(");
    const k = this.peek();
    if (k?.t === "name" && this.isName("in", 1) && this.peek(2)?.t === "name" && this.isOp(")", 3)) {
      const arrName = this.peek(2)?.v ?? "";
      this.i += 4;
      const key = this.varLv(k.v);
      const arr = this.cellOf(arrName);
      const body = this.body();
      return (rt) => {
        const a = arrayOf(arr(rt), arrName);
        for (const kk of [...a.keys()]) {
          if (!a.has(kk)) continue;
          rt.work(1);
          key.set(rt, input(kk));
          const s = body(rt);
          if (s === 1) break;
          if (s === 3) return 3;
        }
        return 0;
      };
    }
    const init = this.isOp(";") ? undefined : this.expr().ev;
    this.expectOp(";");
    this.skipNl();
    const cond = this.isOp(";") ? undefined : this.expr().ev;
    this.expectOp(";");
    this.skipNl();
    const step = this.isOp(")") ? undefined : this.expr().ev;
    this.expectOp(")");
    const body = this.body();
    return loop(init, cond, step, body);
  }

  printStmt(args: Ev[], dest?: Dest): Run {
    return (rt) => {
      const ofmt = g(rt, "OFMT");
      const text =
        args.length === 0
          ? (rt.fields[0] ?? "")
          : args
              .map((a) => {
                const v = a(rt);
                return typeof v === "number" ? numText(v, ofmt) : S(rt, v);
              })
              .join(g(rt, "OFS"));
      rt.out(text + g(rt, "ORS"), dest && S(rt, dest.to(rt)), dest?.mode);
      return 0;
    };
  }

  exprList(close?: string): Ex[] {
    const args: Ex[] = [];
    if (
      this.atEnd() ||
      (close !== undefined && this.isOp(close)) ||
      this.isOp(">") ||
      this.isOp(">>") ||
      this.isOp("|")
    )
      return args;
    args.push(this.expr());
    while (this.isOp(",")) {
      this.i++;
      args.push(this.expr());
    }
    return args;
  }

  /** Parses with `>` a comparison again (inside parentheses, brackets, calls). */
  nested<T>(f: () => T): T {
    const was = this.noGt;
    this.noGt = false;
    try {
      return f();
    } finally {
      this.noGt = was;
    }
  }

  expr(): Ex {
    const lhs = this.ternary();
    const t = this.peek();
    if (t?.t === "op" && ["=", "+=", "-=", "*=", "/=", "%=", "^=", "**="].includes(t.v)) {
      const lv = lhs.lv;
      if (lv === undefined) this.fail();
      this.i++;
      this.skipNl();
      const rhs = this.expr().ev;
      if (t.v === "=")
        return {
          ev: (rt) => {
            const v = rhs(rt);
            lv.set(rt, v);
            return v;
          },
        };
      const op = arith(t.v.slice(0, -1));
      return {
        ev: (rt) => {
          const v = op(num(lv.get(rt)), num(rhs(rt)));
          lv.set(rt, v);
          return v;
        },
      };
    }
    return lhs;
  }

  ternary(): Ex {
    const cond = this.or();
    if (!this.isOp("?")) return cond;
    this.i++;
    this.skipNl();
    const a = this.ternary().ev;
    this.skipNl();
    this.expectOp(":");
    this.skipNl();
    const b = this.ternary().ev;
    const c = cond.ev;
    return { ev: (rt) => (truthy(c(rt)) ? a(rt) : b(rt)) };
  }

  or(): Ex {
    return this.leftAssoc(
      () => this.and(),
      ["||"],
      (_, a, b) => (rt) => (truthy(a(rt)) || truthy(b(rt)) ? 1 : 0),
    );
  }

  and(): Ex {
    return this.leftAssoc(
      () => this.inExpr(),
      ["&&"],
      (_, a, b) => (rt) => (truthy(a(rt)) && truthy(b(rt)) ? 1 : 0),
    );
  }

  inExpr(): Ex {
    let l = this.match();
    while (this.isName("in")) {
      this.i++;
      const key = l.ev;
      l = this.inTest((rt) => S(rt, key(rt)));
    }
    return l;
  }

  /** `key in arr`, the array name at the cursor. */
  inTest(key: (rt: Rt) => string): Ex {
    const n = this.peek();
    if (n?.t !== "name" || KEYWORDS.has(n.v)) this.fail();
    this.i++;
    const cell = this.cellOf(n.v);
    return { ev: (rt) => (arrayOf(cell(rt), n.v).has(key(rt)) ? 1 : 0) };
  }

  match(): Ex {
    let l = this.cmp();
    while (this.isOp("~") || this.isOp("!~")) {
      const neg = this.peek()?.v === "!~";
      this.i++;
      const t = this.peek();
      let re: (r: Rt) => SafeRegex;
      if (t?.t === "re") {
        this.i++;
        const compiled = this.regex(t.v);
        re = () => compiled;
      } else {
        const e = this.cmp().ev;
        re = (rt) => rt.regex(S(rt, e(rt)));
      }
      const s = l.ev;
      l = { ev: (rt) => (re(rt).test(S(rt, s(rt))) !== neg ? 1 : 0) };
    }
    return l;
  }

  cmp(): Ex {
    const l = this.concat();
    const t = this.peek();
    if (t?.t !== "op" || !["==", "!=", "<", ">", "<=", ">="].includes(t.v) || (this.noGt && t.v === ">"))
      return l;
    this.i++;
    const a = l.ev;
    const b = this.concat().ev;
    const test = COMPARE[t.v] ?? ((c: number) => c === 0);
    return { ev: (rt) => (test(compare(rt, a(rt), b(rt))) ? 1 : 0) };
  }

  startsOperand(): boolean {
    const t = this.peek();
    if (t === undefined) return false;
    if (t.t === "name") return !KEYWORDS.has(t.v);
    if (t.t !== "op") return true;
    return ["$", "(", "!", "++", "--", "-", "+"].includes(t.v);
  }

  concat(): Ex {
    let ex = this.concatOnly();
    // `cmd | getline [var]`: the command is the whole concatenation before the bar
    while (this.isOp("|") && this.isName("getline", 1)) {
      this.i += 2;
      const cmd = ex.ev;
      const lv = this.getlineTarget();
      ex = { ev: (rt) => rt.io.getline(rt, { cmd: S(rt, cmd(rt)) }, lv) };
    }
    return ex;
  }

  /** The variable after `getline`, if one follows (a name, an element or a field). */
  getlineTarget(): Lv | undefined {
    const t = this.peek();
    if ((t?.t === "name" && !KEYWORDS.has(t.v) && !BUILTINS.has(t.v)) || (t?.t === "op" && t.v === "$"))
      return this.primary().lv;
    return undefined;
  }

  /** `getline [var] [< file]`: reads the next record of the input, or a line of the file. */
  simpleGetline(): Ex {
    const lv = this.getlineTarget();
    if (this.isOp("<")) {
      this.i++;
      // the file is a primary: `getline < dir "/" f` reads from dir, then concatenates
      const file = this.nested(() => this.postfix().ev);
      return { ev: (rt) => rt.io.getline(rt, { file: S(rt, file(rt)) }, lv) };
    }
    return { ev: (rt) => rt.io.getline(rt, {}, lv) };
  }

  concatOnly(): Ex {
    const first = this.additive();
    const parts: Ev[] = [first.ev];
    // a following `-`/`+` is subtraction or addition, already taken by additive()
    while (this.startsOperand() && !this.isOp("-") && !this.isOp("+") && !this.isName("in"))
      parts.push(this.additive().ev);
    if (parts.length === 1) return first;
    return {
      ev: (rt) => {
        let s = "";
        for (const p of parts) s += S(rt, p(rt));
        if (s.length > 1024) rt.work(s.length >> 10);
        if (s.length > LIMITS.value) throw new AwkError(`string over ${LIMITS.value / 1024} KiB`);
        return s;
      },
    };
  }

  /** A left-associative level: `next (op next)*`, each operator's expression built by `join`. */
  leftAssoc(next: () => Ex, ops: readonly string[], join: (op: string, a: Ev, b: Ev) => Ev): Ex {
    let l = next();
    for (let op = ops.find((o) => this.isOp(o)); op !== undefined; op = ops.find((o) => this.isOp(o))) {
      this.i++;
      l = { ev: join(op, l.ev, next().ev) };
    }
    return l;
  }

  additive(): Ex {
    return this.leftAssoc(() => this.mul(), ["+", "-"], arithmetic);
  }

  mul(): Ex {
    return this.leftAssoc(() => this.unary(), ["*", "/", "%"], arithmetic);
  }

  unary(): Ex {
    const t = this.peek();
    if (t?.t === "op" && (t.v === "!" || t.v === "-" || t.v === "+")) {
      this.i++;
      const e = this.unary().ev;
      if (t.v === "!") return { ev: (rt) => (truthy(e(rt)) ? 0 : 1) };
      if (t.v === "-") return { ev: (rt) => -num(e(rt)) };
      return { ev: (rt) => num(e(rt)) };
    }
    return this.power();
  }

  power(): Ex {
    const base = this.postfix();
    if (!this.isOp("^") && !this.isOp("**")) return base;
    this.i++;
    // right-associative; the exponent may carry its own sign: 2^-1
    const t = this.peek();
    const exp = t?.t === "op" && "-+!".includes(t.v) ? this.unary().ev : this.power().ev;
    const b = base.ev;
    return { ev: (rt) => num(b(rt)) ** num(exp(rt)) };
  }

  postfix(): Ex {
    const p = this.primary();
    const lv = p.lv;
    if (lv !== undefined && (this.isOp("++") || this.isOp("--"))) {
      const d = this.peek()?.v === "++" ? 1 : -1;
      this.i++;
      return {
        ev: (rt) => {
          const v = num(lv.get(rt));
          lv.set(rt, v + d);
          return v;
        },
      };
    }
    return p;
  }

  /** A regular-expression argument: `/re/` literally, or any expression read as one. */
  regexArg(): (r: Rt) => SafeRegex {
    const t = this.peek();
    const n = this.peek(1);
    if (t?.t === "re" && n?.t === "op" && (n.v === "," || n.v === ")")) {
      this.i++;
      const re = this.regex(t.v);
      return () => re;
    }
    const e = this.expr().ev;
    return (rt) => rt.regex(S(rt, e(rt)));
  }

  /** sub(re, repl [, target]), gsub(…): the count of replacements, the target changed. */
  subFn(global: boolean): Ex {
    const re = this.regexArg();
    this.expectOp(",");
    const repl = this.expr().ev;
    let target: Lv = {
      get: (rt) => rt.fields[0] ?? "",
      set: (rt, v) => setRecord(rt, S(rt, v)),
    };
    if (this.isOp(",")) {
      this.i++;
      const at = this.peek()?.at ?? 0;
      const lv = this.expr().lv;
      if (lv === undefined)
        throw new AwkSyntaxError(at, `${global ? "gsub" : "sub"} third parameter is not a changeable object`);
      target = lv;
    }
    this.expectOp(")");
    return {
      ev: (rt) => {
        const text = S(rt, target.get(rt));
        const with_ = S(rt, repl(rt));
        let count = 0;
        const replaced = re(rt).replace(
          text,
          (m) => {
            count++;
            return with_.replace(/\\\\|\\&|&/g, (x) => (x === "&" ? m : x === "\\&" ? "&" : "\\"));
          },
          global,
        );
        if (replaced.length > LIMITS.value) throw new AwkError(`string over ${LIMITS.value / 1024} KiB`);
        if (count > 0) target.set(rt, replaced);
        return count;
      },
    };
  }

  /** A variable's cell: the function's parameter, or the global. */
  cellOf(name: string): (rt: Rt) => Cell {
    const local = this.locals?.get(name);
    if (local !== undefined) return (rt) => rt.frame[local] ?? { v: undefined };
    return (rt) => {
      let c = rt.globals.get(name);
      if (c === undefined) {
        c = { v: undefined };
        rt.globals.set(name, c);
      }
      return c;
    };
  }

  varLv(name: string): Lv {
    if (name === "NF")
      return {
        get: (rt) => rt.fields.length - 1,
        set: (rt, v) => {
          const n = Math.trunc(num(v));
          if (n < 0 || n > MAX_ARRAY) throw new AwkError(`NF set to value ${n}`);
          rt.fields.length = Math.min(rt.fields.length, n + 1);
          while (rt.fields.length <= n) rt.fields.push("");
          rebuild(rt);
        },
      };
    const cell = this.cellOf(name);
    return {
      get: (rt) => scalar(cell(rt), name),
      set: (rt, v) => {
        const c = cell(rt);
        scalar(c, name);
        c.v = v;
      },
    };
  }

  /** `[e, …]`: the subscript, joined by SUBSEP. */
  subscript(): (rt: Rt) => string {
    this.expectOp("[");
    const keys = this.nested(() => this.exprList("]")).map((e) => e.ev);
    this.expectOp("]");
    if (keys.length === 0) this.fail();
    if (keys.length === 1) {
      const k = keys[0] as Ev;
      return (rt) => S(rt, k(rt));
    }
    return (rt) => keys.map((k) => S(rt, k(rt))).join(g(rt, "SUBSEP"));
  }

  primary(): Ex {
    const t = this.peek();
    if (t === undefined) this.fail();
    this.i++;
    switch (t.t) {
      case "num": {
        // gawk reads 0x1F as hexadecimal and 017 as octal in a program's text
        const v = /^0[0-7]+$/.test(t.v) ? Number.parseInt(t.v, 8) : Number(t.v);
        return { ev: () => v };
      }
      case "str":
        return { ev: () => t.v };
      case "re": {
        const re = this.regex(t.v);
        return { ev: (rt) => (re.test(rt.fields[0] ?? "") ? 1 : 0) };
      }
      case "func":
        return this.call(t);
      case "name": {
        if (t.v === "getline") return this.simpleGetline();
        if (KEYWORDS.has(t.v)) {
          this.i--;
          this.fail();
        }
        if (BUILTINS.has(t.v)) {
          if (this.isOp("(")) return this.call(t);
          if (t.v === "length") return { ev: (rt) => [...(rt.fields[0] ?? "")].length };
          this.i--;
          this.fail();
        }
        if (this.isOp("[")) {
          const key = this.subscript();
          const cell = this.cellOf(t.v);
          const get = (rt: Rt): Val => {
            const a = arrayOf(cell(rt), t.v);
            const k = key(rt);
            const v = a.get(k);
            if (v !== undefined) return v;
            if (a.size >= MAX_ARRAY) throw new AwkError(`array \`${t.v}' over ${MAX_ARRAY} elements`);
            a.set(k, UNINIT);
            return UNINIT;
          };
          const lv: Lv = {
            get,
            set: (rt, v) => {
              const a = arrayOf(cell(rt), t.v);
              if (a.size >= MAX_ARRAY && !a.has(key(rt)))
                throw new AwkError(`array \`${t.v}' over ${MAX_ARRAY} elements`);
              a.set(key(rt), v);
            },
          };
          return { ev: get, lv };
        }
        const lv = this.varLv(t.v);
        return { ev: lv.get, lv, cell: this.cellOf(t.v), name: t.v };
      }
      case "op":
        break;
    }
    switch (t.v) {
      case "(": {
        const list = this.nested(() => this.exprList(")"));
        this.expectOp(")");
        if (list.length === 1) return { ev: (list[0] as Ex).ev };
        if (list.length > 1 && this.isName("in")) {
          this.i++;
          const keys = list.map((e) => e.ev);
          return this.inTest((rt) => keys.map((k) => S(rt, k(rt))).join(g(rt, "SUBSEP")));
        }
        this.i--;
        return this.fail();
      }
      case "$": {
        const e = this.isOp("++") || this.isOp("--") || this.isOp("-") ? this.unary().ev : this.primary().ev;
        const lv: Lv = {
          get: (rt) => {
            const k = fieldIndex(e(rt));
            return k < rt.fields.length ? input(rt.fields[k] ?? "") : UNINIT;
          },
          set: (rt, v) => setField(rt, fieldIndex(e(rt)), S(rt, v)),
        };
        return { ev: lv.get, lv };
      }
      case "++":
      case "--": {
        const d = t.v === "++" ? 1 : -1;
        const lv = this.primary().lv;
        if (lv === undefined) {
          this.i--;
          this.fail();
        }
        return {
          ev: (rt) => {
            const v = num(lv.get(rt)) + d;
            lv.set(rt, v);
            return v;
          },
        };
      }
      case "-":
      case "+":
      case "!":
        this.i--;
        return this.unary();
    }
    this.i--;
    return this.fail();
  }

  call(t: Tok): Ex {
    this.expectOp("(");
    const name = t.v;
    if (name === "sub" || name === "gsub") return this.nested(() => this.subFn(name === "gsub"));
    if (name === "match" || name === "split") {
      const [s, a, re] = this.nested(() => {
        const s = this.expr().ev;
        this.expectOp(",");
        if (name === "match") return [s, undefined, this.regexArg()] as const;
        const arr = this.peek();
        if (arr?.t !== "name" || KEYWORDS.has(arr.v)) this.fail();
        this.i++;
        let sep: ((rt: Rt) => SafeRegex | string) | undefined;
        if (this.isOp(",")) {
          this.i++;
          sep = this.separator();
        }
        return [s, arr.v, sep] as const;
      });
      this.expectOp(")");
      if (a === undefined) return { ev: matchFn(s, re as (rt: Rt) => SafeRegex) };
      return { ev: this.splitFn(s, a, re as ((rt: Rt) => SafeRegex | string) | undefined) };
    }
    const args = this.nested(() => this.exprList(")"));
    this.expectOp(")");
    if (BUILTINS.has(name)) return { ev: builtinFn(name, args, t.at) };
    this.calls.push({ name, at: t.at });
    return { ev: this.userCall(name, args) };
  }

  /** split's separator: `/re/`, or a string taken as FS would be (" ", one character, or a regular expression). */
  separator(): (rt: Rt) => SafeRegex | string {
    const t = this.peek();
    const n = this.peek(1);
    if (t?.t === "re" && n?.t === "op" && (n.v === "," || n.v === ")")) return this.regexArg();
    const e = this.expr().ev;
    return (rt) => S(rt, e(rt));
  }

  splitFn(s: Ev, arrName: string, sep: ((rt: Rt) => SafeRegex | string) | undefined): Ev {
    const cell = this.cellOf(arrName);
    return (rt) => {
      const a = arrayOf(cell(rt), arrName);
      const text = S(rt, s(rt));
      const parts = splitWith(text, sep === undefined ? g(rt, "FS") : sep(rt), rt.regex);
      if (parts.length > MAX_ARRAY) throw new AwkError(`array \`${arrName}' over ${MAX_ARRAY} elements`);
      rt.work(1 + (parts.length >> 6));
      a.clear();
      parts.forEach((p, k) => {
        a.set(String(k + 1), input(p));
      });
      return parts.length;
    };
  }

  userCall(name: string, args: Ex[]): Ev {
    const funcs = this.funcs;
    return (rt) => {
      const fn = funcs.get(name);
      if (fn === undefined) throw new AwkError(`function \`${name}' not defined`);
      if (args.length > fn.params.length)
        throw new AwkError(`function \`${name}' called with more arguments than declared`);
      if (rt.depth >= MAX_DEPTH) throw new AwkError(`function calls nested over ${MAX_DEPTH} deep`);
      rt.work(1);
      const frame: Cell[] = fn.params.map((_, k) => {
        const a = args[k];
        if (a === undefined) return { v: undefined };
        if (a.cell !== undefined) {
          const c = a.cell(rt);
          if (c.v instanceof Map) return { v: c.v };
          if (c.v === undefined) return { v: undefined, up: c };
        }
        return { v: a.ev(rt) };
      });
      const saved = rt.frame;
      rt.frame = frame;
      rt.depth++;
      try {
        rt.ret = UNINIT;
        fn.body(rt);
        return rt.ret;
      } finally {
        rt.frame = saved;
        rt.depth--;
      }
    };
  }
}

const COMPARE: Record<string, (c: number) => boolean> = {
  "==": (c) => c === 0,
  "!=": (c) => c !== 0,
  "<": (c) => c < 0,
  ">": (c) => c > 0,
  "<=": (c) => c <= 0,
  ">=": (c) => c >= 0,
};

/** Numbers and strnums compare as numbers; anything else as strings. */
function compare(rt: Rt, a: Val, b: Val): number {
  if (isNum(a) && isNum(b)) {
    const x = num(a);
    const y = num(b);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : Number.isNaN(x) ? 1 : -1;
  }
  const x = S(rt, a);
  const y = S(rt, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `a op b` on numbers. */
function arithmetic(op: string, a: Ev, b: Ev): Ev {
  const f = arith(op);
  return (rt) => f(num(a(rt)), num(b(rt)));
}

function arith(op: string): (x: number, y: number) => number {
  switch (op) {
    case "+":
      return (x, y) => x + y;
    case "-":
      return (x, y) => x - y;
    case "*":
      return (x, y) => x * y;
    case "/":
      return (x, y) => {
        if (y === 0) throw new AwkError("division by zero attempted");
        return x / y;
      };
    case "%":
      return (x, y) => {
        if (y === 0) throw new AwkError("division by zero attempted in `%'");
        return x % y;
      };
    default:
      return (x, y) => x ** y;
  }
}

function seq(runs: Run[]): Run {
  return (rt) => {
    for (const r of runs) {
      rt.work(1);
      const s = r(rt);
      if (s !== 0) return s;
    }
    return 0;
  };
}

function exprStmt(e: Ev): Run {
  return (rt) => {
    e(rt);
    return 0;
  };
}

function loop(init: Ev | undefined, cond: Ev | undefined, step: Ev | undefined, body: Run): Run {
  return (rt) => {
    init?.(rt);
    for (;;) {
      rt.work(1);
      if (cond !== undefined && !truthy(cond(rt))) break;
      const s = body(rt);
      if (s === 1) break;
      if (s === 3) return 3;
      step?.(rt);
    }
    return 0;
  };
}

function printfStmt(args: Ev[], dest?: Dest): Run {
  return (rt) => {
    const [fmt, ...rest] = args.map((a) => a(rt));
    rt.out(format(S(rt, fmt ?? ""), rest, convfmt(rt)), dest && S(rt, dest.to(rt)), dest?.mode);
    return 0;
  };
}

function matchFn(s: Ev, re: (rt: Rt) => SafeRegex): Ev {
  return (rt) => {
    const text = S(rt, s(rt));
    const m = re(rt).exec(text);
    const start = m === undefined ? 0 : m.start + 1;
    const set = (name: string, v: number): void => {
      const c = rt.globals.get(name);
      if (c === undefined) rt.globals.set(name, { v });
      else c.v = v;
    };
    set("RSTART", start);
    set("RLENGTH", m === undefined ? -1 : m.end - m.start);
    return start;
  };
}

/** The one-argument numeric built-ins. */
const MATH: Record<string, (x: number) => number> = {
  int: Math.trunc,
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
};

/**
 * gawk's rand(): its own copy of BSD random() (TYPE_4: x**63 + x + 1 over 32-bit words, seeded
 * by Park–Miller and run 630 steps), read through a 512-entry shuffle table, two draws a number
 * (d1 / 2^31 + d2) / 2^31. The same numbers as gawk 5.2 for every seed; the first seed is 1.
 */
class GawkRandom {
  private readonly state = new Uint32Array(63);
  private front = 1;
  private rear = 0;
  private readonly table: number[] = [];
  private last = 0;
  /** The seed srand() was given last, which the next srand() returns. */
  private saved = 1;

  constructor() {
    this.reseed(1);
  }

  private step(): number {
    const st = this.state;
    st[this.front] = ((st[this.front] ?? 0) + (st[this.rear] ?? 0)) >>> 0;
    const v = (st[this.front] ?? 0) >>> 1;
    if (++this.front >= 63) {
      this.front = 0;
      this.rear++;
    } else if (++this.rear >= 63) this.rear = 0;
    return v;
  }

  private draw(): number {
    const j = this.last % 512;
    this.last = this.table[j] ?? 0;
    this.table[j] = this.step();
    return this.last;
  }

  private reseed(seed: number): void {
    const st = this.state;
    st[0] = seed >>> 0;
    for (let i = 1; i < 63; i++) {
      // Park–Miller by Schrage's method on the word as a signed 32-bit number
      let x = (st[i - 1] ?? 0) | 0;
      if (x === 0) x = 123459876;
      let y = 16807 * (x % 127773) - 2836 * Math.trunc(x / 127773);
      if (y < 0) y += 0x7fffffff;
      st[i] = y >>> 0;
    }
    this.front = 1;
    this.rear = 0;
    for (let i = 0; i < 512; i++) this.table[i] = this.step();
    this.last = this.step();
    for (let i = 0; i < 630; i++) this.draw();
  }

  rand(): number {
    for (;;) {
      const d1 = this.draw();
      const d2 = this.draw();
      const r = 0.5 + (d1 / 2147483648 + d2) / 2147483648 - 0.5;
      if (r !== 1) return r;
    }
  }

  /** srand(x): the seed is x truncated (a C long), its low 32 bits seed the generator. */
  seed(x: number): number {
    const prev = this.saved;
    this.saved = Number.isFinite(x) ? Math.trunc(x) : 0;
    this.reseed(this.saved);
    return prev;
  }
}

/** Something the program read from outside, in order: replayed as it was the first time. */
type Outside =
  | { kind: "file"; name: string; data: string | undefined }
  | { kind: "cmd"; cmd: string; input: string | undefined; chunks: [Stream, string][]; status: number };
type Stream = "out" | "err";

/**
 * A command the program must run before it can go on. The shell runs commands asynchronously
 * and awk's evaluator is synchronous, so the run stops here, the command runs in our shell, and
 * the program is run again from the start with the command's result known (ADR 0040): what it
 * had written already is not written twice, what it had read is read again as it was.
 */
class NeedCommand {
  constructor(
    /** Its place among what the program read from outside. */
    readonly at: number,
    readonly cmd: string,
    readonly input: string | undefined,
  ) {}
}

/**
 * awk's input and output besides the main input: `getline < file`, `cmd | getline`, `print > file`,
 * `print | cmd`, close(), fflush(), system(), and its standard output, which gawk buffers when it
 * is not a terminal (so a command's output comes before what awk printed but had not flushed).
 */
class AwkIo {
  private seq = 0;
  private readonly written = { out: 0, err: 0 };
  private buf = "";
  private readonly readers = new Map<string, { lines: string[]; pos: number; status: number }>();
  /** Open output files and commands, in the order they were opened. */
  private readonly outputs = new Map<string, { pipe: boolean; text: string }>();
  private readonly truncated = new Set<string>();

  constructor(
    private readonly c: BuiltinContext,
    private readonly outside: Outside[],
    private readonly emitted: { out: number; err: number },
    private readonly now: number,
  ) {}

  /** Writes what this run has not written before (an earlier run of the program wrote the rest). */
  write(kind: Stream, s: string): void {
    if (s === "") return;
    const before = this.written[kind];
    this.written[kind] += s.length;
    const skip = this.emitted[kind] - before;
    if (skip >= s.length) return;
    const text = skip > 0 ? s.slice(skip) : s;
    this.emitted[kind] = this.written[kind];
    (kind === "out" ? this.c.out : this.c.err)(text);
  }

  stdout(s: string): void {
    if (this.c.tty) {
      this.write("out", s);
      return;
    }
    this.buf += s;
    if (this.buf.length >= 4096) this.flush();
  }

  flush(): void {
    const b = this.buf;
    this.buf = "";
    this.write("out", b);
  }

  seconds(): number {
    return Math.floor(this.now / 1000);
  }

  /** A file's text, as it was when this program first read it. */
  readFile(name: string): string | undefined {
    if (name === "-" || name === "/dev/stdin") return this.c.stdin;
    const k = this.seq++;
    const known = this.outside[k];
    if (known?.kind === "file" && known.name === name) return known.data;
    const d = this.c.shell.fs.read(this.c.shell.resolve(name));
    const data = typeof d === "string" ? d : undefined;
    this.outside.length = k;
    this.outside.push({ kind: "file", name, data });
    return data;
  }

  /** A command's result, once it has run (else the run stops until it has). */
  private run(cmd: string, input: string | undefined): Extract<Outside, { kind: "cmd" }> {
    // sh -c "" does nothing, successfully (gawk's `system("")` only flushes)
    if (cmd.trim() === "") return { kind: "cmd", cmd, input, chunks: [], status: 0 };
    const k = this.seq++;
    const known = this.outside[k];
    if (known?.kind === "cmd" && known.cmd === cmd && known.input === input) return known;
    throw new NeedCommand(k, cmd, input);
  }

  /** The command's output and errors, where they go: awk's standard output and error. */
  private replay(ran: Extract<Outside, { kind: "cmd" }>, out: boolean): void {
    for (const [kind, text] of ran.chunks) if (kind === "err" || out) this.write(kind, text);
  }

  getline(rt: Rt, from: { file?: string; cmd?: string }, lv: Lv | undefined): number {
    let line: string | undefined;
    if (from.file === undefined && from.cmd === undefined) {
      line = rt.nextRecord();
      if (line === undefined) return 0;
      rt.nr.v = num(rt.nr.v as Val) + 1;
      rt.fnr.v = num(rt.fnr.v as Val) + 1;
    } else {
      const name = (from.file ?? from.cmd) as string;
      let r = this.readers.get(name);
      if (r === undefined) {
        let text: string;
        let status = 0;
        if (from.cmd !== undefined) {
          const ran = this.run(from.cmd, undefined);
          this.replay(ran, false);
          text = ran.chunks
            .filter(([k]) => k === "out")
            .map(([, t]) => t)
            .join("");
          status = ran.status;
        } else {
          const data = this.readFile(name);
          if (data === undefined) return -1;
          text = data;
        }
        r = { lines: text === "" ? [] : text.replace(/\n$/, "").split("\n"), pos: 0, status };
        this.readers.set(name, r);
      }
      line = r.lines[r.pos];
      if (line === undefined) return 0;
      r.pos++;
    }
    rt.work(1);
    if (lv === undefined) setRecord(rt, line);
    else lv.set(rt, input(line));
    return 1;
  }

  /** print and printf to a file or a command (the command runs when it is closed). */
  output(text: string, dest: string, mode: Dest["mode"]): void {
    let o = this.outputs.get(dest);
    if (o === undefined) {
      o = { pipe: mode === "|", text: "" };
      // gawk flushes its output before it starts a command
      if (o.pipe) this.flush();
      else if (mode === ">" && !this.truncated.has(dest)) {
        this.truncated.add(dest);
        this.c.shell.fs.write(this.c.shell.resolve(dest), "", false);
      }
      this.outputs.set(dest, o);
    }
    if (o.text.length + text.length > LIMITS.value * 16)
      throw new AwkError(`output to \`${dest}' over ${(LIMITS.value * 16) / 1024 / 1024} MiB`);
    o.text += text;
  }

  private closeOutput(name: string, o: { pipe: boolean; text: string }): number {
    this.outputs.delete(name);
    if (!o.pipe) {
      this.truncated.delete(name);
      this.c.shell.fs.write(this.c.shell.resolve(name), o.text, true);
      return 0;
    }
    const ran = this.run(name, o.text);
    this.replay(ran, true);
    // sh could not find it and exited unread: gawk's write into the pipe fails
    if (ran.status === 127 && o.text !== "") throw new AwkError(`print to "${name}" failed: Broken pipe`);
    return ran.status;
  }

  close(name: string): number {
    const o = this.outputs.get(name);
    if (o !== undefined) {
      this.flush();
      return this.closeOutput(name, o);
    }
    const r = this.readers.get(name);
    if (r === undefined) return -1;
    this.readers.delete(name);
    return r.status;
  }

  system(cmd: string): number {
    this.flush();
    const ran = this.run(cmd, "");
    this.replay(ran, true);
    return ran.status;
  }

  /** At the end (or exit): files and commands closed, the most recently opened first, then standard output. */
  finish(): void {
    for (const [name, o] of [...this.outputs].reverse()) this.closeOutput(name, o);
    this.flush();
  }

  /** After a fatal error: standard output flushed and files written; commands are not run. */
  abandon(): void {
    this.flush();
    for (const [name, o] of this.outputs) if (!o.pipe) this.closeOutput(name, o);
  }
}

function builtinFn(name: string, args: Ex[], at: number): Ev {
  const a = (rt: Rt, k: number): Val => args[k]?.ev(rt) ?? UNINIT;
  const math = (f: (x: number) => number): Ev => {
    if (args.length !== 1) throw new AwkSyntaxError(at, `${name}: called with ${args.length} arguments`);
    return (rt) => f(num(a(rt, 0)));
  };
  const m = MATH[name];
  if (m !== undefined) return math(m);
  switch (name) {
    case "length": {
      const arg = args[0];
      if (arg?.cell !== undefined) {
        const cell = arg.cell;
        return (rt) => {
          const v = cell(rt).v;
          return v instanceof Map ? v.size : [...S(rt, v ?? UNINIT)].length;
        };
      }
      return (rt) => [...(args.length === 0 ? (rt.fields[0] ?? "") : S(rt, a(rt, 0)))].length;
    }
    case "toupper":
      return (rt) => S(rt, a(rt, 0)).toUpperCase();
    case "tolower":
      return (rt) => S(rt, a(rt, 0)).toLowerCase();
    case "index":
      return (rt) => S(rt, a(rt, 0)).indexOf(S(rt, a(rt, 1))) + 1;
    case "substr":
      return (rt) => {
        const s = S(rt, a(rt, 0));
        const start = Math.max(1, Math.trunc(num(a(rt, 1))));
        if (args.length < 3) return s.slice(start - 1);
        const len = Math.trunc(num(a(rt, 2)));
        return len <= 0 ? "" : s.slice(start - 1, start - 1 + len);
      };
    case "sprintf":
      return (rt) => {
        const [fmt, ...rest] = args.map((e) => e.ev(rt));
        return format(S(rt, fmt ?? ""), rest, convfmt(rt));
      };
    case "atan2":
      return (rt) => Math.atan2(num(a(rt, 0)), num(a(rt, 1)));
    case "rand":
      return (rt) => rt.rng.rand();
    case "srand":
      // with no seed, the time of day: the session's clock, never the host's
      return (rt) => rt.rng.seed(args.length === 0 ? rt.io.seconds() : num(a(rt, 0)));
    case "system":
      return (rt) => rt.io.system(S(rt, a(rt, 0)));
    case "close":
      return (rt) => rt.io.close(S(rt, a(rt, 0)));
    default:
      // fflush
      return (rt) => {
        rt.io.flush();
        return 0;
      };
  }
}

/** gawk's two-line report of a syntax error: the source line, then a caret under the place. */
function syntaxReport(src: string, e: AwkSyntaxError): string {
  // at the end gawk has read the newline it adds: it names the next line
  const atEnd = e.at >= src.length;
  const at = e.at;
  const lineStart = src.lastIndexOf("\n", at - 1) + 1;
  const lineEnd = src.indexOf("\n", at);
  const lineNo = src.slice(0, lineStart).split("\n").length + (atEnd ? 1 : 0);
  const text = src.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  const where = `awk: cmd. line:${lineNo}:`;
  return `${where} ${text}\n${where} ${" ".repeat(Math.max(0, at - lineStart))}^ ${e.message}\n`;
}

export const awk: Builtin = async (c) => {
  let fs = " ";
  let i = 1;
  const assigns: [string, string][] = [];
  let progFile: string | undefined;
  for (; i < c.argv.length; i++) {
    const a = c.argv[i] ?? "";
    if (a === "--") {
      i++;
      break;
    }
    if (a.startsWith("-f")) {
      const f = a.length > 2 ? a.slice(2) : (c.argv[++i] ?? "");
      const text = readOperand(c, f);
      if (typeof text !== "string") {
        c.err(`awk: fatal: cannot open source file \`${f}' for reading: ${fsErrorText(text.error)}\n`);
        return 2;
      }
      progFile = text;
    } else if (a.startsWith("-F")) fs = a.length > 2 ? a.slice(2) : (c.argv[++i] ?? " ");
    else if (a.startsWith("-v")) {
      const [k = "", v = ""] = (a.length > 2 ? a.slice(2) : (c.argv[++i] ?? "")).split(/=(.*)/s);
      assigns.push([k, v]);
    } else break;
  }
  if (fs === "\\t" || fs === "t") fs = "\t";
  const source = progFile ?? c.argv[i];
  if (progFile === undefined) i++;
  if (source === undefined) {
    c.err("usage: awk [POSIX or GNU style options] -f progfile [--] file ...\n");
    return 2;
  }
  const files = c.argv.slice(i);
  const regex = regexCache(awkRegex, c.shell.regexCost(c.ctx));
  let prog: ReturnType<AwkParser["program"]>;
  try {
    prog = new AwkParser(tokenize(source), source.length, regex).program();
  } catch (e) {
    if (e instanceof AwkSyntaxError) {
      c.err(syntaxReport(source, e));
      return 1;
    }
    if (e instanceof AwkError) {
      c.err(`awk: cmd. line:1: fatal: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  /** What the program read from outside (files, commands), kept across its runs (see NeedCommand). */
  const outside: Outside[] = [];
  const emitted = { out: 0, err: 0 };
  const now = c.shell.opts.clock.now();
  let steps = 0;
  const work = (n: number): void => {
    steps += n;
    if (steps > AWK_WORK) c.shell.limit(c.ctx, `awk: more than ${AWK_WORK} statements run; stopped`);
  };
  for (;;) {
    try {
      return runProgram(c, prog, { fs, assigns, files, regex, outside, emitted, now, work });
    } catch (e) {
      if (!(e instanceof NeedCommand)) throw e;
      const chunks: [Stream, string][] = [];
      let size = 0;
      const sink =
        (kind: Stream) =>
        (s: string): void => {
          size += s.length;
          if (size > LIMITS.value * 16)
            c.shell.limit(
              c.ctx,
              `awk: output of \`${e.cmd}' over ${(LIMITS.value * 16) / 1024 / 1024} MiB; stopped`,
            );
          const last = chunks[chunks.length - 1];
          if (last !== undefined && last[0] === kind) last[1] += s;
          else chunks.push([kind, s]);
        };
      // gawk hands the command to `sh -c`, a new process: a child shell of ours (exported
      // variables only, nothing it changes stays, dash's messages), charged to the same line and
      // nested as deep as $(…) may
      const status = await c.shell.runChildShell(
        e.cmd,
        { argv0: "sh", args: [], name: { dash: true, from: "command" } },
        {
          stdin: e.input ?? "",
          out: sink("out"),
          err: sink("err"),
          outIsTerminal: e.input !== undefined && c.tty,
        },
        c.ctx,
      );
      // Ctrl-C ends awk with its command, as the terminal's SIGINT ends both
      if (c.interrupt.interrupted) return 130;
      // what was read after it (by a run that went otherwise) is read again
      outside.length = e.at;
      outside.push({ kind: "cmd", cmd: e.cmd, input: e.input, chunks, status });
    }
  }
};

/** One run of a program, from the start (again, after a command it needed has run). */
function runProgram(
  c: BuiltinContext,
  prog: ReturnType<AwkParser["program"]>,
  o: {
    fs: string;
    assigns: [string, string][];
    files: string[];
    regex: (src: string) => SafeRegex;
    outside: Outside[];
    emitted: { out: number; err: number };
    now: number;
    work: (n: number) => void;
  },
): number {
  for (const rule of prog.rules) rule.inRange = false;
  const globals = new Map<string, Cell>();
  const set = (k: string, v: Val): void => void globals.set(k, { v });
  for (const [k, v] of [
    ["FS", o.fs],
    ["OFS", " "],
    ["ORS", "\n"],
    ["SUBSEP", "\x1c"],
    ["CONVFMT", "%.6g"],
    ["OFMT", "%.6g"],
    ["RSTART", 0],
    ["RLENGTH", -1],
    ["FILENAME", ""],
  ] as const)
    set(k, v);
  // ENVIRON: the exported variables, strnums as input is
  globals.set("ENVIRON", { v: new Map([...c.shell.exportedEnv()].map(([k, v]) => [k, input(v)])) });
  // -v values (and `var=value` operands) take escapes as string literals do, and are strnums
  const assign = (k: string, v: string): void =>
    set(k, input(v.replace(/\\(.)/g, (_m, n: string) => STRING_ESCAPES[n] ?? `\\${n}`)));
  for (const [k, v] of o.assigns) assign(k, v);
  // ARGV and ARGC: the operands, which the main input reads as they are when it gets to each
  const argv: AwkArray = new Map([["0", "awk"]]);
  for (const [k, f] of o.files.entries()) argv.set(String(k + 1), input(f));
  globals.set("ARGV", { v: argv });
  set("ARGC", o.files.length + 1);
  const counter = (name: string): Cell => {
    const cell: Cell = { v: 0 };
    globals.set(name, cell);
    return cell;
  };
  const nr = counter("NR");
  const fnr = counter("FNR");
  const io = new AwkIo(c, o.outside, o.emitted, o.now);
  let where = "";
  // the main input: each operand in turn, a record at a time; `var=value` operands assign when
  // reached, and without a file operand it is standard input
  let argNo = 0;
  let opened = false;
  let lines: string[] = [];
  let lineNo = 0;
  let current = "";
  const nextRecord = (): string | undefined => {
    for (;;) {
      const line = lines[lineNo];
      if (line !== undefined) {
        lineNo++;
        where = `(FILENAME=${current} FNR=${num(fnr.v as Val) + 1}) `;
        return line;
      }
      const args = globals.get("ARGV")?.v;
      const argc = num((globals.get("ARGC")?.v as Val | undefined) ?? 0);
      let next: string | undefined;
      while (next === undefined && ++argNo < argc) {
        const a = args instanceof Map ? args.get(String(argNo)) : undefined;
        const text = a === undefined ? "" : typeof a === "string" ? a : a instanceof StrNum ? a.s : String(a);
        const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(text);
        if (assignment !== null) assign(assignment[1] ?? "", assignment[2] ?? "");
        else if (text !== "") next = text;
      }
      if (next === undefined) {
        if (opened) return undefined;
        next = "-";
      }
      opened = true;
      current = next;
      const data = current === "-" ? c.stdin : io.readFile(current);
      if (data === undefined) throw new CannotOpen(current);
      (globals.get("FILENAME") ?? { v: "" }).v = current;
      fnr.v = 0;
      lines = data === "" ? [] : data.replace(/\n$/, "").split("\n");
      lineNo = 0;
    }
  };
  const rt: Rt = {
    fields: [""],
    globals,
    frame: [],
    depth: 0,
    ret: UNINIT,
    c,
    regex: o.regex,
    io,
    rng: new GawkRandom(),
    nextRecord,
    nr,
    fnr,
    work: o.work,
    out: (s, dest, mode) => {
      if (dest === undefined || dest === "/dev/stdout" || dest === "-") io.stdout(s);
      else if (dest === "/dev/stderr") io.write("err", s);
      else io.output(s, dest, mode ?? ">");
    },
  };
  let status = 0;
  try {
    try {
      for (const b of prog.begin) b(rt);
      if (prog.rules.length > 0 || prog.end.length > 0) {
        for (let line = nextRecord(); line !== undefined; line = nextRecord()) {
          nr.v = num(nr.v as Val) + 1;
          fnr.v = num(fnr.v as Val) + 1;
          setRecord(rt, line);
          try {
            for (const rule of prog.rules) {
              rt.work(1);
              if (!matches(rt, rule)) continue;
              rule.body(rt);
            }
          } catch (e) {
            if (!(e instanceof NextSignal)) throw e;
          }
        }
      }
    } catch (e) {
      if (!(e instanceof ExitSignal)) throw e;
      if (e.status >= 0) status = e.status;
    }
    try {
      for (const b of prog.end) b(rt);
    } catch (e) {
      if (!(e instanceof ExitSignal)) throw e;
      if (e.status >= 0) status = e.status;
    }
    io.finish();
  } catch (e) {
    if (e instanceof NeedCommand) throw e;
    if (e instanceof CannotOpen) {
      io.abandon();
      io.write("err", `awk: fatal: cannot open file \`${e.file}' for reading: No such file or directory\n`);
      return 2;
    }
    if (e instanceof NextSignal) {
      io.abandon();
      io.write("err", "awk: cmd. line:1: fatal: `next' used in BEGIN or END action\n");
      return 2;
    }
    if (!(e instanceof AwkError)) throw e;
    io.abandon();
    io.write("err", `awk: cmd. line:1: ${where}fatal: ${e.message}\n`);
    return 2;
  }
  return status;
}

/** A main-input operand that cannot be read. */
class CannotOpen {
  constructor(readonly file: string) {}
}

/** Whether a rule runs for this record; a range rule runs from a record matching its start to one matching its end. */
function matches(rt: Rt, rule: Rule): boolean {
  if (rule.pattern === undefined) return true;
  if (rule.end === undefined) return truthy(rule.pattern(rt));
  if (!rule.inRange) {
    if (!truthy(rule.pattern(rt))) return false;
    rule.inRange = true;
  }
  if (truthy(rule.end(rt))) rule.inRange = false;
  return true;
}
