/**
 * A jq subset for `kubectl get … -o json | jq …`, worded as jq 1.6: paths (`.a.b`, `.[0]`,
 * `.[]`, `.[1:3]`, `?`), `|` `,` `//`, arithmetic and comparisons, `and`/`or`/`not`,
 * `if … then … elif … else … end`, `… as $x | …`, object and array construction, string
 * interpolation, and the builtins people use (length keys values map select has to_entries
 * from_entries with_entries add sort sort_by unique min max reverse first last tostring tonumber
 * type join split test match capture scan splits sub gsub (flags g i x n p s l) startswith endswith
 * ltrimstr rtrimstr ascii_downcase ascii_upcase
 * contains empty range any all flatten paths tojson fromjson limit @base64 @base64d @csv @tsv
 * @json @text @sh @uri @html). Options: -r -j -c -n -s -S -e --arg --argjson --tab --indent.
 * Every run is bounded by a budget of produced values.
 */
import type { Builtin } from "./builtins";
import { fsErrorText } from "./interp";
import {
  compileRe2,
  type RegexCost,
  RegexSyntaxError,
  regexCache,
  type SafeRegex,
  someOutsideClasses,
} from "./regex";

type J = null | boolean | number | string | J[] | { [k: string]: J };

type Node =
  | { t: "id" }
  | { t: "recurse" }
  | { t: "lit"; v: J }
  | { t: "str"; parts: (string | Node)[]; fmt?: string }
  | { t: "field"; of: Node; name: string; opt: boolean }
  | { t: "index"; of: Node; idx: Node; opt: boolean }
  | { t: "slice"; of: Node; from?: Node; to?: Node; opt: boolean }
  | { t: "iter"; of: Node; opt: boolean }
  | { t: "pipe"; a: Node; b: Node }
  | { t: "comma"; a: Node; b: Node }
  | { t: "bin"; op: string; a: Node; b: Node }
  | { t: "neg"; a: Node }
  | { t: "arr"; body?: Node }
  | { t: "obj"; entries: { key: Node; value?: Node }[] }
  | { t: "call"; name: string; args: Node[] }
  | { t: "var"; name: string }
  | { t: "as"; src: Node; name: string; body: Node }
  | { t: "if"; cond: Node; body: Node; elifs: { cond: Node; body: Node }[]; else?: Node }
  | { t: "reduce"; src: Node; name: string; init: Node; update: Node }
  | { t: "format"; name: string }
  | { t: "try"; body: Node; catch?: Node };

class JqCompileError extends Error {}
class JqRuntimeError extends Error {}
class BudgetError extends Error {}

// ---- lexer ----

type Tok =
  | { k: "num"; v: number }
  | { k: "str"; parts: (string | Node)[] }
  | { k: "id"; v: string }
  | { k: "var"; v: string }
  | { k: "fmt"; v: string }
  | { k: "op"; v: string }
  | { k: "field"; v: string }
  | { k: "eof" };

const OPS = [
  "|=",
  "+=",
  "-=",
  "//",
  "==",
  "!=",
  "<=",
  ">=",
  "..",
  "?//",
  "|",
  ",",
  "+",
  "-",
  "*",
  "/",
  "%",
  "<",
  ">",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ":",
  ";",
  ".",
  "?",
  "=",
];

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? "";
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^\d+(\.\d*)?([eE][-+]?\d+)?/.exec(src.slice(i))?.[0] ?? "0";
      out.push({ k: "num", v: Number(m) });
      i += m.length;
      continue;
    }
    if (c === '"') {
      const r = readString(src, i + 1);
      out.push({ k: "str", parts: r.parts });
      i = r.end;
      continue;
    }
    if (c === "." && /[A-Za-z_]/.test(src[i + 1] ?? "")) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i + 1))?.[0] ?? "";
      out.push({ k: "field", v: m });
      i += 1 + m.length;
      continue;
    }
    if (c === "$" && /[A-Za-z_]/.test(src[i + 1] ?? "")) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i + 1))?.[0] ?? "";
      out.push({ k: "var", v: m });
      i += 1 + m.length;
      continue;
    }
    if (c === "@") {
      const m = /^[A-Za-z0-9_]+/.exec(src.slice(i + 1))?.[0] ?? "";
      out.push({ k: "fmt", v: m });
      i += 1 + m.length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i))?.[0] ?? "";
      out.push({ k: "id", v: m });
      i += m.length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined)
      throw new JqCompileError(
        `syntax error, unexpected INVALID_CHARACTER (Unix shell quoting issues?) at <top-level>, line 1:\n${src}`,
      );
    out.push({ k: "op", v: op });
    i += op.length;
  }
  out.push({ k: "eof" });
  return out;
}

function readString(src: string, from: number): { parts: (string | Node)[]; end: number } {
  const parts: (string | Node)[] = [];
  let cur = "";
  let i = from;
  while (i < src.length) {
    const c = src[i] ?? "";
    if (c === '"') return { parts: [...parts, cur], end: i + 1 };
    if (c === "\\") {
      const n = src[i + 1] ?? "";
      if (n === "(") {
        // interpolation: find the matching paren
        let depth = 1;
        let j = i + 2;
        while (j < src.length && depth > 0) {
          if (src[j] === "(") depth++;
          else if (src[j] === ")") depth--;
          else if (src[j] === '"') j = readString(src, j + 1).end - 1;
          j++;
        }
        parts.push(cur);
        cur = "";
        parts.push(parse(src.slice(i + 2, j - 1)));
        i = j;
        continue;
      }
      const map: Record<string, string> = {
        n: "\n",
        t: "\t",
        r: "\r",
        b: "\b",
        f: "\f",
        '"': '"',
        "\\": "\\",
        "/": "/",
      };
      if (n === "u") {
        cur += String.fromCharCode(Number.parseInt(src.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      cur += map[n] ?? n;
      i += 2;
      continue;
    }
    cur += c;
    i++;
  }
  throw new JqCompileError(
    `syntax error, unexpected $end, expecting QQSTRING_TEXT or QQSTRING_INTERP_START or QQSTRING_END (Unix shell quoting issues?) at <top-level>, line 1:\n${src}`,
  );
}

// ---- parser ----

function parse(src: string): Node {
  const toks = lex(src);
  let p = 0;
  const peek = (): Tok => toks[p] ?? { k: "eof" };
  const isOp = (v: string): boolean => {
    const t = peek();
    return t.k === "op" && t.v === v;
  };
  const isId = (v: string): boolean => {
    const t = peek();
    return t.k === "id" && t.v === v;
  };
  const fail = (): never => {
    const t = peek();
    const shown = t.k === "eof" ? "$end" : t.k === "op" ? `'${t.v}'` : t.k === "id" ? `IDENT ${t.v}` : t.k;
    throw new JqCompileError(
      `syntax error, unexpected ${shown} (Unix shell quoting issues?) at <top-level>, line 1:\n${src}`,
    );
  };
  const expectOp = (v: string): void => {
    if (!isOp(v)) fail();
    p++;
  };
  const expectId = (v: string): void => {
    if (!isId(v)) fail();
    p++;
  };

  const pipe = (): Node => {
    const left = comma();
    if (isId("as")) {
      p++;
      const v = peek();
      if (v.k !== "var") return fail();
      p++;
      expectOp("|");
      return { t: "as", src: left, name: v.v, body: pipe() };
    }
    if (isOp("|")) {
      p++;
      return { t: "pipe", a: left, b: pipe() };
    }
    return left;
  };
  /**
   * A left-associative level: `next (op next)*`, where `opHere` names the operator at p, if any;
   * `join` builds the node (a `bin` node unless told otherwise).
   */
  const leftAssoc =
    (
      next: () => Node,
      opHere: () => string | undefined,
      join: (op: string, a: Node, b: Node) => Node = (op, a, b) => ({ t: "bin", op, a, b }),
    ) =>
    (): Node => {
      let left = next();
      for (let op = opHere(); op !== undefined; op = opHere()) {
        p++;
        left = join(op, left, next());
      }
      return left;
    };
  const keyword = (word: string) => () => (isId(word) ? word : undefined);
  const operators =
    (...ops: string[]) =>
    () =>
      ops.find((o) => isOp(o));
  const comma = leftAssoc(
    () => alt(),
    operators(","),
    (_, a, b) => ({ t: "comma", a, b }),
  );
  const alt = (): Node => {
    const left = or();
    if (isOp("//")) {
      p++;
      return { t: "bin", op: "//", a: left, b: alt() };
    }
    if (isOp("|=") || isOp("+=") || isOp("-=") || isOp("=")) {
      const op = (peek() as { v: string }).v;
      p++;
      return { t: "bin", op, a: left, b: alt() };
    }
    return left;
  };
  const or = leftAssoc(() => and(), keyword("or"));
  const and = leftAssoc(() => cmp(), keyword("and"));
  const cmp = (): Node => {
    const left = add();
    for (const op of ["==", "!=", "<=", ">=", "<", ">"]) {
      if (isOp(op)) {
        p++;
        return { t: "bin", op, a: left, b: add() };
      }
    }
    return left;
  };
  const add = leftAssoc(() => mul(), operators("+", "-"));
  const mul = leftAssoc(() => unary(), operators("*", "/", "%"));
  const unary = (): Node => {
    if (isOp("-")) {
      p++;
      return { t: "neg", a: postfix() };
    }
    return postfix();
  };
  const postfix = (): Node => {
    let node = primary();
    for (;;) {
      const t = peek();
      if (t.k === "field") {
        p++;
        node = { t: "field", of: node, name: t.v, opt: optional() };
      } else if (t.k === "op" && t.v === "." && toks[p + 1]?.k === "str") {
        p++;
        const s = toks[p++] as { k: "str"; parts: (string | Node)[] };
        node = { t: "index", of: node, idx: { t: "str", parts: s.parts }, opt: optional() };
      } else if (
        t.k === "op" &&
        (t.v === "[" || (t.v === "." && toks[p + 1]?.k === "op" && (toks[p + 1] as { v: string }).v === "["))
      ) {
        if (t.v === ".") p++;
        node = bracket(node);
      } else if (t.k === "op" && t.v === "?") {
        p++;
        node = { t: "try", body: node };
      } else return node;
    }
  };
  const optional = (): boolean => {
    if (isOp("?")) {
      p++;
      return true;
    }
    return false;
  };
  const bracket = (of: Node): Node => {
    expectOp("[");
    if (isOp("]")) {
      p++;
      return { t: "iter", of, opt: optional() };
    }
    if (isOp(":")) {
      p++;
      const to = pipe();
      expectOp("]");
      return { t: "slice", of, to, opt: optional() };
    }
    const idx = pipe();
    if (isOp(":")) {
      p++;
      const to = isOp("]") ? undefined : pipe();
      expectOp("]");
      return { t: "slice", of, from: idx, to, opt: optional() };
    }
    expectOp("]");
    return { t: "index", of, idx, opt: optional() };
  };
  const primary = (): Node => {
    const t = peek();
    switch (t.k) {
      case "num":
        p++;
        return { t: "lit", v: t.v };
      case "str":
        p++;
        return { t: "str", parts: t.parts };
      case "field":
        p++;
        return { t: "field", of: { t: "id" }, name: t.v, opt: optional() };
      case "var":
        p++;
        return { t: "var", name: t.v };
      case "fmt": {
        p++;
        const n = peek();
        if (n.k === "str") {
          p++;
          return { t: "str", parts: n.parts, fmt: t.v };
        }
        return { t: "format", name: t.v };
      }
      case "op":
        if (t.v === ".") {
          p++;
          const n = peek();
          if (n.k === "str") {
            p++;
            return { t: "index", of: { t: "id" }, idx: { t: "str", parts: n.parts }, opt: optional() };
          }
          if (n.k === "op" && n.v === "[") return bracket({ t: "id" });
          return { t: "id" };
        }
        if (t.v === "..") {
          p++;
          return { t: "recurse" };
        }
        if (t.v === "(") {
          p++;
          const e = pipe();
          expectOp(")");
          return e;
        }
        if (t.v === "[") {
          p++;
          if (isOp("]")) {
            p++;
            return { t: "arr" };
          }
          const body = pipe();
          expectOp("]");
          return { t: "arr", body };
        }
        if (t.v === "{") {
          p++;
          const entries: { key: Node; value?: Node }[] = [];
          while (!isOp("}")) {
            const k = peek();
            let key: Node;
            if (k.k === "id") {
              p++;
              key = { t: "lit", v: k.v };
            } else if (k.k === "str") {
              p++;
              key = { t: "str", parts: k.parts };
            } else if (k.k === "var") {
              p++;
              key = { t: "lit", v: k.v };
              if (!isOp(":")) {
                entries.push({ key, value: { t: "var", name: k.v } });
                if (isOp(",")) p++;
                continue;
              }
            } else if (k.k === "num") {
              return fail();
            } else if (k.k === "op" && k.v === "(") {
              p++;
              key = pipe();
              expectOp(")");
            } else return fail();
            if (isOp(":")) {
              p++;
              entries.push({ key, value: objValue() });
            } else entries.push({ key });
            if (isOp(",")) p++;
            else if (!isOp("}")) fail();
          }
          p++;
          return { t: "obj", entries };
        }
        return fail();
      case "id": {
        p++;
        if (t.v === "if") {
          const cond = pipe();
          expectId("then");
          const then = pipe();
          const elifs: { cond: Node; body: Node }[] = [];
          let els: Node | undefined;
          for (;;) {
            if (isId("elif")) {
              p++;
              const c = pipe();
              expectId("then");
              elifs.push({ cond: c, body: pipe() });
              continue;
            }
            if (isId("else")) {
              p++;
              els = pipe();
            }
            expectId("end");
            break;
          }
          return { t: "if", cond, body: then, elifs, else: els };
        }
        if (t.v === "reduce") {
          const src0 = postfix();
          expectId("as");
          const v = peek();
          if (v.k !== "var") return fail();
          p++;
          expectOp("(");
          const init = pipe();
          expectOp(";");
          const update = pipe();
          expectOp(")");
          return { t: "reduce", src: src0, name: v.v, init, update };
        }
        if (t.v === "try") {
          const body = postfix();
          if (isId("catch")) {
            p++;
            return { t: "try", body, catch: postfix() };
          }
          return { t: "try", body };
        }
        if (t.v === "true" || t.v === "false") return { t: "lit", v: t.v === "true" };
        if (t.v === "null") return { t: "lit", v: null };
        const args: Node[] = [];
        if (isOp("(")) {
          p++;
          args.push(pipe());
          while (isOp(";")) {
            p++;
            args.push(pipe());
          }
          expectOp(")");
        }
        return { t: "call", name: t.v, args };
      }
      default:
        return fail();
    }
  };
  // an object value binds tighter than `,`
  const objValue = leftAssoc(
    () => alt(),
    operators("|"),
    (_, a, b) => ({ t: "pipe", a, b }),
  );
  const node = pipe();
  if (peek().k !== "eof") fail();
  return node;
}

// ---- evaluation ----

/** A JSON object (not null, not an array). */
const isObject = (v: J): v is { [k: string]: J } => v !== null && typeof v === "object" && !Array.isArray(v);

const typeOf = (v: J): string =>
  v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "object" ? "object" : typeof v;

function shown(v: J): string {
  const s = JSON.stringify(v);
  return s.length > 11 ? `${s.slice(0, 10)}...` : s;
}

function compare(a: J, b: J): number {
  const order = ["null", "boolean", "number", "string", "array", "object"];
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) return order.indexOf(ta) - order.indexOf(tb);
  if (ta === "boolean") return Number(a) - Number(b);
  if (ta === "number") return (a as number) - (b as number);
  if (ta === "string") return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  if (ta === "array") {
    const x = a as J[];
    const y = b as J[];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = compare(x[i] ?? null, y[i] ?? null);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  const x = a as Record<string, J>;
  const y = b as Record<string, J>;
  const kc = compare(Object.keys(x).sort(), Object.keys(y).sort());
  if (kc !== 0) return kc;
  for (const k of Object.keys(x).sort()) {
    const c = compare(x[k] ?? null, y[k] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}

const equal = (a: J, b: J): boolean => compare(a, b) === 0;
const truthy = (v: J): boolean => v !== null && v !== false;

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** jq 1.6's @base64d: stops at the first `=`, refuses any other character outside the alphabet. */
function base64Decode(s: string): string {
  const bytes: number[] = [];
  let code = 0;
  let have = 0;
  for (const c of s) {
    if (c === "=") break;
    const v = BASE64.indexOf(c);
    if (v < 0) throw new JqRuntimeError(`string (${shown(s)}) is not valid base64 data`);
    code = (code << 6) | v;
    if (++have === 4) {
      bytes.push((code >> 16) & 255, (code >> 8) & 255, code & 255);
      code = 0;
      have = 0;
    }
  }
  if (have === 3) bytes.push((code >> 10) & 255, (code >> 2) & 255);
  else if (have === 2) bytes.push((code >> 4) & 255);
  else if (have === 1) throw new JqRuntimeError(`string (${shown(s)}) trailing base64 byte found`);
  return Buffer.from(bytes).toString("utf8");
}

/** Oniguruma's words (jq 1.6 prints them after "Regex failure: ") for RE2's syntax errors. */
function onigWords(re2: string): string {
  const why = re2.replace(/^error parsing regexp: /, "");
  const words: [RegExp, string][] = [
    [/^missing closing \)/, "end pattern with unmatched parenthesis"],
    [/^unexpected \)/, "unmatched close parenthesis"],
    [/^missing closing \]/, "premature end of char-class"],
    [/^missing argument to repetition operator/, "target of repeat operator is not specified"],
    [/^trailing backslash/, "end pattern at escape"],
    [/^invalid character class range/, "empty range in char class"],
    [/^invalid repeat count: `\{(\d+),(\d+)\}`/, "upper is smaller than lower in repeat range"],
    [/^invalid repeat count/, "too big number for repeat range"],
    [/^invalid named capture: `\(\?P?<([^>]*)/, "invalid group name <$1>"],
    [/^invalid escape sequence: `\\[1-9]`/, "invalid backref number/name"],
    [/^invalid nested repetition operator/, "nested repeat operator"],
    [/^duplicate capture group name/, "multiplex defined name <$1>"],
  ];
  for (const [re, text] of words) {
    const m = re.exec(why);
    if (m !== null) return text.replace("$1", m[1] ?? "");
  }
  return why;
}

/** The "x" flag: white space and `#` comments outside a class are dropped (Oniguruma's extended syntax). */
function dropExtended(re: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i] ?? "";
    if (c === "\\") {
      out += c + (re[i + 1] ?? "");
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
      if (re[i + 1] === "^") out += re[++i];
      if (re[i + 1] === "]") out += re[++i];
    } else if (c === "#") {
      while (i < re.length && re[i] !== "\n") i++;
    } else if (!/\s/.test(c)) out += c;
  }
  return out;
}

/** The name of each capturing group in order (null when unnamed): `(…)`, `(?<name>…)`, `(?P<name>…)`. */
function groupNames(re: string): (string | null)[] {
  const names: (string | null)[] = [];
  someOutsideClasses(re, (i) => {
    if (re[i] !== "(") return false;
    if (re[i + 1] !== "?") names.push(null);
    else {
      const m = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(re.slice(i, i + 300));
      if (m !== null) names.push(m[1] ?? null);
    }
    return false;
  });
  return names;
}

/** For each UTF-16 index of `s`, its offset in code points (built once, only when `s` has a surrogate pair). */
function codepointTable(s: string): Int32Array {
  const t = new Int32Array(s.length + 1);
  let cp = 0;
  for (let i = 0; i < s.length; i++) {
    t[i] = cp;
    const c = s.charCodeAt(i);
    // the low half of a pair is inside the character its high half starts
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) t[++i] = cp;
    cp++;
  }
  t[s.length] = cp;
  return t;
}

/** A UTF-16 index to jq's offset in code points (the same number while the text has no surrogate pair). */
function codepoints(s: string): (idx: number) => number {
  if (!/[\uD800-\uDFFF]/.test(s)) return (idx) => idx;
  const t = codepointTable(s);
  return (idx) => t[idx] ?? 0;
}

/** jq's offset in code points back to a UTF-16 index. */
function utf16Index(s: string): (cp: number) => number {
  if (!/[\uD800-\uDFFF]/.test(s)) return (cp) => cp;
  const t = codepointTable(s);
  const back = new Int32Array((t[s.length] ?? 0) + 1);
  for (let i = s.length; i >= 0; i--) back[t[i] ?? 0] = i;
  return (cp) => back[cp] ?? s.length;
}

function sortKeys(o: Record<string, J>): string[] {
  return Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

class Evaluator {
  steps = 0;
  /** `test`'s patterns, compiled once per distinct text, charged to the line's budget. */
  readonly regex: (src: string) => SafeRegex;
  constructor(
    readonly budget: number,
    readonly env: Record<string, J>,
    cost?: RegexCost,
  ) {
    this.regex = regexCache((src, c) => compileRe2(src, { cost: c }), cost);
  }

  tick(n = 1): void {
    this.steps += n;
    if (this.steps > this.budget) throw new BudgetError("jq: the program produced too many values; stopped");
  }

  /**
   * jq 1.6's `_match_impl` (behind test, match, capture, scan, split/2, splits, sub, gsub) on the
   * linear-time engine (ADR 0009), every search charged to the line's budget through `regex`
   * (ADR 0036). RE2's syntax is Oniguruma's common core: `^`/`$` anchor the whole text, `.` stops
   * at a newline unless the flag is "p"; "x" drops white space and `#` comments first; "s" and
   * "l" change nothing here (Oniguruma's longest match did not change jq 1.6's answers either).
   * A global search goes on from the search's start plus one after an empty match, as jq 1.6
   * does (so `\b` is found twice), and never at the very end of the text.
   */
  matchImpl(input: J, re: J, flags: J, testMode: boolean): J[] {
    if (typeof input !== "string")
      throw new JqRuntimeError(`${typeOf(input)} (${shown(input)}) cannot be matched, as it is not a string`);
    if (typeof re !== "string") throw new JqRuntimeError(`${typeOf(re)} (${shown(re)}) is not a string`);
    let global = false;
    let icase = false;
    let extended = false;
    let notEmpty = false;
    let dotAll = false;
    if (typeof flags === "string") {
      for (const f of flags) {
        if (f === "g") global = true;
        else if (f === "i") icase = true;
        else if (f === "x") extended = true;
        else if (f === "n") notEmpty = true;
        else if (f === "p") dotAll = true;
        else if (f !== "s" && f !== "l") throw new JqRuntimeError(`${flags} is not a valid modifier string`);
      }
    } else if (flags !== null) throw new JqRuntimeError(`${typeOf(flags)} (${shown(flags)}) is not a string`);
    const pattern = extended ? dropExtended(re) : re;
    let compiled: SafeRegex;
    try {
      compiled = this.regex(`${icase ? "(?i)" : ""}${dotAll ? "(?s)" : ""}${pattern}`);
    } catch (e) {
      if (e instanceof RegexSyntaxError) throw new JqRuntimeError(`Regex failure: ${onigWords(e.message)}`);
      throw e;
    }
    if (testMode) {
      if (!notEmpty) return [compiled.test(input)];
      for (let from = 0; from <= input.length; ) {
        const m = compiled.exec(input, from);
        if (m === undefined) return [false];
        if (m.end > m.start) return [true];
        from = m.start + 1;
      }
      return [false];
    }
    const names = groupNames(pattern);
    const cp = codepoints(input);
    const out: J[] = [];
    let start = 0;
    do {
      this.tick();
      const m = compiled.exec(input, start);
      if (m === undefined) break;
      if (!(notEmpty && m.end === m.start)) {
        const captures: J[] = [];
        for (let g = 1; g < m.groups.length; g++) {
          const text = m.groups[g];
          const name = names[g - 1] ?? null;
          if (text === undefined) captures.push({ offset: -1, string: null, length: 0, name });
          else {
            captures.push({ offset: cp(m.starts[g] ?? 0), length: [...text].length, string: text, name });
          }
        }
        const whole = input.slice(m.start, m.end);
        out.push({ offset: cp(m.start), length: [...whole].length, string: whole, captures });
      }
      start = m.end === m.start ? start + 1 : m.end;
    } while (global && start < input.length);
    return out;
  }

  /** split/2 and splits: the text between the matches of a global search (jq 1.6's definition). */
  splitsBy(input: J, re: J, flags: J): J[] {
    const ms = this.matchImpl(input, re, this.arith("+", "g", flags), false) as Record<string, J>[];
    const text = input as string;
    const idx = utf16Index(text);
    const out: J[] = [];
    let last = 0;
    for (const m of ms) {
      const start = idx(Number(m.offset));
      out.push(text.slice(last, start));
      last = start + String(m.string).length;
    }
    out.push(text.slice(last));
    return out;
  }

  /** test/1, match/1, capture/1: a string, or an array of the pattern and its flags. */
  regexArgs(v: J): [J, J] {
    if (typeof v === "string") return [v, null];
    if (Array.isArray(v) && v.length > 1) return [v[0] ?? null, v[1] ?? null];
    if (Array.isArray(v) && v.length > 0) return [v[0] ?? null, null];
    throw new JqRuntimeError(`${typeOf(v)} not a string or array`);
  }

  /** The object of a match's named captures (`capture`, and the input of sub's replacement). */
  static captureObject(m: J): Record<string, J> {
    const o: Record<string, J> = {};
    const caps = isObject(m) && Array.isArray(m.captures) ? m.captures : [];
    for (const c of caps) if (isObject(c) && typeof c.name === "string") o[c.name] = c.string ?? null;
    return o;
  }

  /**
   * sub and gsub: every match (the first only without "g") replaced by what `repl` gives for the
   * object of its named captures; several values give every combination, the first match's
   * varying fastest (as jq 1.6). Each match's text before it is added to its replacement from the
   * last match to the first, so a replacement that is not a string fails in jq's words.
   */
  substitute(input: J, re: J, flags: J, repl: Node, vars: Map<string, J>): J[] {
    const ms = this.matchImpl(input, re, flags, false) as Record<string, J>[];
    const text = input as string;
    if (ms.length === 0) return [text];
    const cpToIdx = utf16Index(text);
    const spans = ms.map((m) => {
      const start = cpToIdx(Number(m.offset));
      return { start, end: start + String(m.string).length };
    });
    const options = ms.map((m) => this.eval(repl, Evaluator.captureObject(m), vars));
    let results: J[][] = [[]];
    for (let k = 0; k < ms.length; k++) {
      const next: J[][] = [];
      for (const r of options[k] ?? []) for (const acc of results) next.push([...acc, r]);
      results = next;
      this.tick(results.length);
    }
    return results.map((reps) => {
      const pieces: J[] = [];
      for (let k = ms.length - 1; k >= 0; k--) {
        const gapStart = k === 0 ? 0 : (spans[k - 1]?.end ?? 0);
        pieces[k] = this.arith("+", text.slice(gapStart, spans[k]?.start ?? 0), reps[k] ?? null);
      }
      let out: J = "";
      for (const p of pieces) out = this.arith("+", out, p ?? null);
      return this.arith("+", out, text.slice(spans[spans.length - 1]?.end ?? 0));
    });
  }

  eval(n: Node, input: J, vars: Map<string, J>): J[] {
    this.tick();
    switch (n.t) {
      case "id":
        return [input];
      case "recurse": {
        const out: J[] = [];
        const walk = (v: J): void => {
          this.tick();
          out.push(v);
          if (Array.isArray(v)) for (const x of v) walk(x);
          else if (v !== null && typeof v === "object") for (const x of Object.values(v)) walk(x);
        };
        walk(input);
        return out;
      }
      case "lit":
        return [n.v];
      case "str": {
        let results = [""];
        for (const part of n.parts) {
          if (typeof part === "string") results = results.map((r) => r + part);
          else {
            const next: string[] = [];
            for (const r of results)
              for (const v of this.eval(part, input, vars))
                next.push(
                  r +
                    (n.fmt !== undefined
                      ? this.format(n.fmt, v)
                      : typeof v === "string"
                        ? v
                        : JSON.stringify(v)),
                );
            results = next;
          }
        }
        return results;
      }
      case "format":
        return [this.format(n.name, input)];
      case "field":
        return this.eval(n.of, input, vars).flatMap((v) => this.index(v, n.name, n.opt));
      case "index": {
        const out: J[] = [];
        for (const v of this.eval(n.of, input, vars))
          for (const k of this.eval(n.idx, input, vars)) out.push(...this.index(v, k, n.opt));
        return out;
      }
      case "slice": {
        const out: J[] = [];
        for (const v of this.eval(n.of, input, vars)) {
          if (v === null) {
            out.push(null);
            continue;
          }
          if (typeof v !== "string" && !Array.isArray(v)) {
            if (n.opt) continue;
            throw new JqRuntimeError(`Cannot index ${typeOf(v)} with object`);
          }
          const len = v.length;
          const norm = (x: J | undefined, def: number): number => {
            if (x === undefined || x === null) return def;
            const k = Math.floor(Number(x));
            return k < 0 ? Math.max(0, len + k) : Math.min(len, k);
          };
          const from = norm(n.from === undefined ? undefined : this.eval(n.from, input, vars)[0], 0);
          const to = norm(n.to === undefined ? undefined : this.eval(n.to, input, vars)[0], len);
          out.push(v.slice(from, Math.max(from, to)) as J);
        }
        return out;
      }
      case "iter": {
        const out: J[] = [];
        for (const v of this.eval(n.of, input, vars)) {
          if (Array.isArray(v)) out.push(...v);
          else if (v !== null && typeof v === "object") out.push(...Object.values(v));
          else if (!n.opt)
            throw new JqRuntimeError(
              `Cannot iterate over ${typeOf(v)}${v === null ? " (null)" : ` (${shown(v)})`}`,
            );
          this.tick(Array.isArray(v) ? v.length : 1);
        }
        return out;
      }
      case "pipe":
        return this.eval(n.a, input, vars).flatMap((v) => this.eval(n.b, v, vars));
      case "comma":
        return [...this.eval(n.a, input, vars), ...this.eval(n.b, input, vars)];
      case "neg":
        return this.eval(n.a, input, vars).map((v) => {
          if (typeof v !== "number") throw new JqRuntimeError(`${typeOf(v)} (${shown(v)}) cannot be negated`);
          return -v;
        });
      case "bin":
        return this.binary(n, input, vars);
      case "arr":
        return [n.body === undefined ? [] : this.eval(n.body, input, vars)];
      case "obj": {
        let results: Record<string, J>[] = [{}];
        for (const e of n.entries) {
          const keys = this.eval(e.key, input, vars);
          const next: Record<string, J>[] = [];
          for (const k of keys) {
            if (typeof k !== "string") throw new JqRuntimeError(`Object keys must be strings`);
            const values =
              e.value === undefined
                ? e.key.t === "lit" && vars.has(`$${k}`)
                  ? [vars.get(`$${k}`) ?? null]
                  : this.index(input, k, false)
                : this.eval(e.value, input, vars);
            for (const r of results) for (const v of values) next.push({ ...r, [k]: v });
          }
          results = next;
          this.tick(results.length);
        }
        return results;
      }
      case "var": {
        if (n.name === "ENV" || n.name === "__loc__") return [n.name === "ENV" ? this.env : null];
        const v = vars.get(`$${n.name}`);
        if (v === undefined && !vars.has(`$${n.name}`))
          throw new JqCompileError(`$${n.name} is not defined at <top-level>, line 1:`);
        return [v ?? null];
      }
      case "as":
        return this.eval(n.src, input, vars).flatMap((v) =>
          this.eval(n.body, input, new Map(vars).set(`$${n.name}`, v)),
        );
      case "if": {
        const out: J[] = [];
        for (const c of this.eval(n.cond, input, vars)) {
          if (truthy(c)) out.push(...this.eval(n.body, input, vars));
          else {
            let done = false;
            for (const e of n.elifs) {
              const cs = this.eval(e.cond, input, vars);
              if (cs.some(truthy)) {
                out.push(...this.eval(e.body, input, vars));
                done = true;
                break;
              }
            }
            if (!done) out.push(...(n.else === undefined ? [input] : this.eval(n.else, input, vars)));
          }
        }
        return out;
      }
      case "reduce": {
        let acc = this.eval(n.init, input, vars);
        for (const v of this.eval(n.src, input, vars)) {
          const scope = new Map(vars).set(`$${n.name}`, v);
          acc = acc.flatMap((a) => this.eval(n.update, a, scope)).slice(-1);
        }
        return acc;
      }
      case "try":
        try {
          return this.eval(n.body, input, vars);
        } catch (e) {
          if (!(e instanceof JqRuntimeError)) throw e;
          return n.catch === undefined ? [] : this.eval(n.catch, e.message, vars);
        }
      case "call":
        return this.call(n, input, vars);
    }
  }

  index(v: J, k: J, opt: boolean): J[] {
    if (v === null) return [null];
    if (typeof k === "string" && isObject(v)) return [Object.hasOwn(v, k) ? (v[k] ?? null) : null];
    if (typeof k === "number" && Array.isArray(v)) {
      const i = Math.floor(k);
      return [v[i < 0 ? v.length + i : i] ?? null];
    }
    if (opt) return [];
    if (typeof k === "string") throw new JqRuntimeError(`Cannot index ${typeOf(v)} with string "${k}"`);
    throw new JqRuntimeError(`Cannot index ${typeOf(v)} with ${typeOf(k)}`);
  }

  binary(n: Extract<Node, { t: "bin" }>, input: J, vars: Map<string, J>): J[] {
    if (n.op === "//") {
      const left = (() => {
        try {
          return this.eval(n.a, input, vars).filter(truthy);
        } catch (e) {
          if (e instanceof JqRuntimeError) return [];
          throw e;
        }
      })();
      return left.length > 0 ? left : this.eval(n.b, input, vars);
    }
    if (n.op === "and" || n.op === "or") {
      const out: J[] = [];
      for (const a of this.eval(n.a, input, vars)) {
        if (n.op === "and" && !truthy(a)) out.push(false);
        else if (n.op === "or" && truthy(a)) out.push(true);
        else for (const b of this.eval(n.b, input, vars)) out.push(truthy(b));
      }
      return out;
    }
    if (n.op === "|=" || n.op === "=" || n.op === "+=" || n.op === "-=") {
      return [this.update(n, input, vars)];
    }
    const out: J[] = [];
    for (const b of this.eval(n.b, input, vars))
      for (const a of this.eval(n.a, input, vars)) out.push(this.arith(n.op, a, b));
    return out;
  }

  /** `path |= f`, `path = v`, `path += v` for simple paths (.a.b, .[0], .[]) */
  update(n: Extract<Node, { t: "bin" }>, input: J, vars: Map<string, J>): J {
    const rhsValues = n.op === "|=" ? undefined : this.eval(n.b, input, vars);
    const apply = (old: J): J => {
      if (n.op === "|=") return this.eval(n.b, old, vars)[0] ?? null;
      const r = rhsValues?.[0] ?? null;
      return n.op === "=" ? r : this.arith(n.op === "+=" ? "+" : "-", old, r);
    };
    const set = (target: Node, v: J, fn: (old: J) => J): J => {
      switch (target.t) {
        case "id":
          return fn(v);
        case "field":
          return set(target.of, v, (obj) => {
            const o = obj === null ? {} : obj;
            if (typeof o !== "object" || Array.isArray(o))
              throw new JqRuntimeError(`Cannot index ${typeOf(o)} with "${target.name}"`);
            return { ...o, [target.name]: fn(o[target.name] ?? null) };
          });
        case "index":
          return set(target.of, v, (obj) => {
            const k = this.eval(target.idx, input, vars)[0] ?? null;
            if (typeof k === "number") {
              const arr = Array.isArray(obj) ? [...obj] : [];
              arr[k] = fn(arr[k] ?? null);
              return arr.map((x) => x ?? null);
            }
            const o = obj === null || typeof obj !== "object" || Array.isArray(obj) ? {} : obj;
            return { ...o, [String(k)]: fn(o[String(k)] ?? null) };
          });
        case "iter":
          return set(target.of, v, (obj) => {
            if (Array.isArray(obj)) return obj.map(fn);
            if (obj !== null && typeof obj === "object")
              return Object.fromEntries(Object.entries(obj).map(([k, x]) => [k, fn(x)]));
            throw new JqRuntimeError(`Cannot iterate over ${typeOf(obj)}`);
          });
        case "pipe":
          return set(target.a, v, (mid) => set(target.b, mid, fn));
        default:
          throw new JqRuntimeError("Invalid path expression");
      }
    };
    return set(n.a, input, apply);
  }

  arith(op: string, a: J, b: J): J {
    switch (op) {
      case "==":
        return equal(a, b);
      case "!=":
        return !equal(a, b);
      case "<":
        return compare(a, b) < 0;
      case "<=":
        return compare(a, b) <= 0;
      case ">":
        return compare(a, b) > 0;
      case ">=":
        return compare(a, b) >= 0;
      case "+":
        if (a === null) return b;
        if (b === null) return a;
        if (typeof a === "number" && typeof b === "number") return a + b;
        if (typeof a === "string" && typeof b === "string") {
          this.tick(Math.floor((a.length + b.length) / 1024));
          return a + b;
        }
        if (Array.isArray(a) && Array.isArray(b)) {
          this.tick(a.length + b.length);
          return [...a, ...b];
        }
        if (isObject(a) && isObject(b)) return { ...a, ...b };
        break;
      case "-":
        if (typeof a === "number" && typeof b === "number") return a - b;
        if (Array.isArray(a) && Array.isArray(b)) return a.filter((x) => !b.some((y) => equal(x, y)));
        break;
      case "*":
        if (typeof a === "number" && typeof b === "number") return a * b;
        if (typeof a === "string" && typeof b === "number")
          return b <= 0
            ? null
            : a.repeat(Math.min(Math.ceil(b), Math.floor(this.budget / Math.max(1, a.length))));
        break;
      case "/":
        if (typeof a === "number" && typeof b === "number") {
          if (b === 0)
            throw new JqRuntimeError(
              `${typeOf(a)} (${shown(a)}) and ${typeOf(b)} (${shown(b)}) cannot be divided because the divisor is zero`,
            );
          return a / b;
        }
        if (typeof a === "string" && typeof b === "string") return a.split(b);
        break;
      case "%":
        if (typeof a === "number" && typeof b === "number") {
          if (Math.trunc(b) === 0)
            throw new JqRuntimeError(
              `${typeOf(a)} (${shown(a)}) and ${typeOf(b)} (${shown(b)}) cannot be divided because the divisor is zero`,
            );
          return Math.trunc(a) % Math.trunc(b);
        }
        break;
    }
    const verb =
      { "+": "added", "-": "subtracted", "*": "multiplied", "/": "divided", "%": "divided" }[op] ??
      "combined";
    throw new JqRuntimeError(`${typeOf(a)} (${shown(a)}) and ${typeOf(b)} (${shown(b)}) cannot be ${verb}`);
  }

  format(name: string, v: J): string {
    const text = (x: J): string => (typeof x === "string" ? x : JSON.stringify(x));
    switch (name) {
      case "text":
        return text(v);
      case "json":
        return JSON.stringify(v);
      case "base64":
        return Buffer.from(text(v), "utf8").toString("base64");
      case "base64d":
        return base64Decode(text(v));
      case "uri":
        return encodeURIComponent(text(v));
      case "html":
        return text(v).replace(
          /[<>&'"]/g,
          (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&#39;", '"': "&quot;" })[c] ?? c,
        );
      case "sh":
        return (Array.isArray(v) ? v : [v])
          .map((x) => {
            if (x !== null && typeof x === "object")
              throw new JqRuntimeError(`${typeOf(x)} (${shown(x)}) can not be escaped for shell`);
            return typeof x === "string" ? `'${x.replace(/'/g, "'\\''")}'` : JSON.stringify(x);
          })
          .join(" ");
      case "csv":
      case "tsv": {
        if (!Array.isArray(v))
          throw new JqRuntimeError(`${typeOf(v)} (${shown(v)}) cannot be ${name}-formatted, only array`);
        return v
          .map((x) => {
            if (x !== null && typeof x === "object")
              // jq 1.6 says "csv row" for @tsv too
              throw new JqRuntimeError(`${typeOf(x)} (${shown(x)}) is not valid in a csv row`);
            return typeof x === "string"
              ? name === "csv"
                ? `"${x.replace(/"/g, '""')}"`
                : x.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
              : x === null
                ? ""
                : JSON.stringify(x);
          })
          .join(name === "csv" ? "," : "\t");
      }
      default:
        // jq 1.6 finds out when the format is applied
        throw new JqRuntimeError(`${name} is not a valid format`);
    }
  }

  call(n: Extract<Node, { t: "call" }>, input: J, vars: Map<string, J>): J[] {
    const arg = (k: number, v: J = input): J[] => {
      const a = n.args[k];
      if (a === undefined)
        throw new JqCompileError(`${n.name}/${n.args.length} is not defined at <top-level>, line 1:`);
      return this.eval(a, v, vars);
    };
    const want = (count: number): void => {
      if (n.args.length !== count)
        throw new JqCompileError(`${n.name}/${n.args.length} is not defined at <top-level>, line 1:`);
    };
    const arr = (what: string): J[] => {
      if (!Array.isArray(input))
        throw new JqRuntimeError(
          `Cannot ${what} ${typeOf(input)}${input === null ? "" : ` (${shown(input)})`}`,
        );
      return input;
    };
    const str = (v: J, what: string): string => {
      if (typeof v !== "string") throw new JqRuntimeError(`${typeOf(v)} (${shown(v)}) ${what}`);
      return v;
    };
    switch (n.name) {
      case "empty":
        return [];
      case "not":
        return [!truthy(input)];
      case "length":
        want(0);
        if (input === null) return [0];
        if (typeof input === "boolean") throw new JqRuntimeError(`boolean (${input}) has no length`);
        if (typeof input === "number") return [Math.abs(input)];
        if (typeof input === "string") return [[...input].length];
        return [Array.isArray(input) ? input.length : Object.keys(input).length];
      case "utf8bytelength":
        return [Buffer.byteLength(str(input, "only strings have UTF-8 byte length"))];
      case "keys":
      case "keys_unsorted":
        if (Array.isArray(input)) return [input.map((_, i) => i)];
        if (input === null || typeof input !== "object")
          throw new JqRuntimeError(`${typeOf(input)} (${shown(input)}) has no keys`);
        return [n.name === "keys" ? sortKeys(input) : Object.keys(input)];
      case "values":
        return truthy(input) || input === false ? (input === null ? [] : [input]) : [];
      case "has":
        return arg(0).map((k) => {
          if (Array.isArray(input)) return typeof k === "number" && k >= 0 && k < input.length;
          if (input !== null && typeof input === "object")
            return typeof k === "string" && Object.hasOwn(input, k);
          throw new JqRuntimeError(`Cannot check whether ${typeOf(input)} has a ${typeOf(k)} key`);
        });
      case "in":
        return arg(0).map(
          (o) => this.call({ t: "call", name: "has", args: [{ t: "lit", v: input }] }, o, vars)[0] ?? false,
        );
      case "map":
        want(1);
        if (isObject(input)) return [Object.values(input).flatMap((v) => arg(0, v))];
        return [arr("iterate over").flatMap((v) => arg(0, v))];
      case "map_values":
        if (isObject(input))
          return [
            Object.fromEntries(
              Object.entries(input).flatMap(([k, v]) =>
                arg(0, v)
                  .slice(0, 1)
                  .map((x) => [k, x]),
              ),
            ),
          ];
        return [arr("iterate over").flatMap((v) => arg(0, v).slice(0, 1))];
      case "select":
        return arg(0).some(truthy) ? [input] : [];
      case "recurse":
        return this.eval({ t: "recurse" }, input, vars);
      case "to_entries":
        if (input === null || typeof input !== "object")
          throw new JqRuntimeError(`${typeOf(input)} (${shown(input)}) has no keys`);
        return [
          Array.isArray(input)
            ? input.map((v, i) => ({ key: i, value: v }))
            : Object.entries(input).map(([key, value]) => ({ key, value })),
        ];
      case "from_entries": {
        const o: Record<string, J> = {};
        for (const e of arr("iterate over")) {
          if (e === null || typeof e !== "object" || Array.isArray(e))
            throw new JqRuntimeError(`Cannot index ${typeOf(e)} with "key"`);
          const k = e.key ?? e.k ?? e.name ?? e.Name ?? e.Key ?? e.K ?? null;
          const v = Object.hasOwn(e, "value") ? e.value : Object.hasOwn(e, "v") ? e.v : (e.Value ?? null);
          o[typeof k === "string" ? k : JSON.stringify(k)] = v ?? null;
        }
        return [o];
      }
      case "with_entries": {
        const entries = this.call({ t: "call", name: "to_entries", args: [] }, input, vars)[0] as J[];
        const mapped = entries.flatMap((e) => arg(0, e));
        return this.call({ t: "call", name: "from_entries", args: [] }, mapped, vars);
      }
      case "add": {
        const items = isObject(input) ? Object.values(input) : arr("iterate over");
        let acc: J = null;
        for (const v of items) acc = this.arith("+", acc, v);
        return [acc];
      }
      case "any":
        return [
          n.args.length === 0
            ? arr("iterate over").some(truthy)
            : arr("iterate over").some((v) => arg(0, v).some(truthy)),
        ];
      case "all":
        return [
          n.args.length === 0
            ? arr("iterate over").every(truthy)
            : arr("iterate over").every((v) => arg(0, v).some(truthy)),
        ];
      case "range": {
        const [from, to] = n.args.length === 1 ? [0, arg(0)[0]] : [arg(0)[0], arg(1)[0]];
        const a = Number(from);
        const b = Number(to);
        const out: J[] = [];
        for (let i = a; i < b; i++) {
          this.tick();
          out.push(i);
        }
        return out;
      }
      case "floor":
      case "sqrt":
      case "ceil":
      case "round":
      case "fabs": {
        if (typeof input !== "number")
          throw new JqRuntimeError(`${typeOf(input)} (${shown(input)}) number required`);
        const f =
          { floor: Math.floor, sqrt: Math.sqrt, ceil: Math.ceil, round: Math.round, fabs: Math.abs }[
            n.name
          ] ?? Math.floor;
        return [f(input)];
      }
      case "sort":
        return [[...arr("sort,")].sort(compare)];
      case "sort_by":
        return [
          arr("sort,")
            .map((v) => ({ v, k: arg(0, v) as J }))
            .sort((x, y) => compare(x.k, y.k))
            .map((x) => x.v),
        ];
      case "group_by": {
        const sorted = arr("group,")
          .map((v) => ({ v, k: arg(0, v) as J }))
          .sort((x, y) => compare(x.k, y.k));
        const groups: J[][] = [];
        let last: J | undefined;
        for (const s of sorted) {
          if (groups.length === 0 || !equal(last ?? null, s.k)) groups.push([]);
          groups[groups.length - 1]?.push(s.v);
          last = s.k;
        }
        return [groups];
      }
      case "unique":
        return [[...arr("sort,")].sort(compare).filter((v, i, a) => i === 0 || !equal(a[i - 1] ?? null, v))];
      case "unique_by": {
        const seen: J[] = [];
        const out: J[] = [];
        for (const v of [...arr("sort,")].sort((x, y) => compare(arg(0, x) as J, arg(0, y) as J))) {
          const k = arg(0, v) as J;
          if (!seen.some((s) => equal(s, k))) {
            seen.push(k);
            out.push(v);
          }
        }
        return [out];
      }
      case "min":
      case "max": {
        const a = [...arr("find min/max of")].sort(compare);
        return [(n.name === "min" ? a[0] : a[a.length - 1]) ?? null];
      }
      case "min_by":
      case "max_by": {
        const a = [...arr("find min/max of")].sort((x, y) => compare(arg(0, x) as J, arg(0, y) as J));
        return [(n.name === "min_by" ? a[0] : a[a.length - 1]) ?? null];
      }
      case "reverse":
        if (typeof input === "string") return [[...input].reverse().join("")];
        if (input === null) return [[]];
        return [[...arr("reverse")].reverse()];
      case "first":
        return n.args.length === 0 ? [this.index(input, 0, false)[0] ?? null] : arg(0).slice(0, 1);
      case "last":
        return n.args.length === 0 ? [this.index(input, -1, false)[0] ?? null] : arg(0).slice(-1);
      case "limit": {
        const k = Number(arg(0)[0]);
        return arg(1).slice(0, Math.max(0, k));
      }
      case "flatten": {
        const depth = n.args.length === 0 ? 1e9 : Number(arg(0)[0]);
        const flat = (a: J[], d: number): J[] =>
          a.flatMap((x) => (Array.isArray(x) && d > 0 ? flat(x, d - 1) : [x]));
        return [flat(arr("flatten"), depth)];
      }
      case "tostring":
        return [typeof input === "string" ? input : JSON.stringify(input)];
      case "tonumber": {
        if (typeof input === "number") return [input];
        const s = str(input, "cannot be parsed as a number");
        const v = Number(s);
        if (s.trim() === "" || Number.isNaN(v)) throw new JqRuntimeError(`Cannot parse '${s}' as JSON`);
        return [v];
      }
      case "tojson":
        return [JSON.stringify(input)];
      case "fromjson":
        try {
          return [JSON.parse(str(input, "only strings can be parsed")) as J];
        } catch (e) {
          if (e instanceof JqRuntimeError) throw e;
          throw new JqRuntimeError(`${input} (while parsing '${input}')`);
        }
      case "type":
        return [typeOf(input)];
      case "arrays":
      case "objects":
      case "strings":
      case "numbers":
      case "booleans":
      case "nulls":
      case "iterables":
      case "scalars": {
        const t = typeOf(input);
        const ok =
          n.name === "iterables"
            ? t === "array" || t === "object"
            : n.name === "scalars"
              ? t !== "array" && t !== "object"
              : `${t}s` === n.name || (n.name === "booleans" && t === "boolean");
        return ok ? [input] : [];
      }
      case "join": {
        const sep = arg(0)[0];
        const parts = arr("iterate over").map((x) => {
          if (x === null) return "";
          if (typeof x === "object") throw new JqRuntimeError(`Cannot join with ${typeOf(x)}`);
          return String(x);
        });
        return [parts.join(typeof sep === "string" ? sep : "")];
      }
      case "split": {
        if (n.args.length === 2)
          return arg(0).flatMap((re) => arg(1).map((f) => this.splitsBy(input, re, f)));
        want(1);
        const s = str(input, "cannot be split");
        const sep = arg(0)[0];
        return [s.split(typeof sep === "string" ? sep : "")];
      }
      case "ascii_downcase":
      case "ascii_upcase": {
        // jq 1.6 defines them with explode: only A-Z and a-z change
        if (typeof input !== "string") throw new JqRuntimeError("explode input must be a string");
        return [
          n.name === "ascii_downcase"
            ? input.replace(/[A-Z]+/g, (m) => m.toLowerCase())
            : input.replace(/[a-z]+/g, (m) => m.toUpperCase()),
        ];
      }
      case "ltrimstr": {
        const p = arg(0)[0];
        return [
          typeof input === "string" && typeof p === "string" && input.startsWith(p)
            ? input.slice(p.length)
            : input,
        ];
      }
      case "rtrimstr": {
        const p = arg(0)[0];
        return [
          typeof input === "string" && typeof p === "string" && p !== "" && input.endsWith(p)
            ? input.slice(0, -p.length)
            : input,
        ];
      }
      case "startswith":
      case "endswith": {
        const p = arg(0)[0];
        if (typeof input !== "string" || typeof p !== "string")
          throw new JqRuntimeError(`${n.name}() requires string inputs`);
        return [n.name === "startswith" ? input.startsWith(p) : input.endsWith(p)];
      }
      case "contains": {
        const b = arg(0)[0] ?? null;
        const contains = (x: J, y: J): boolean => {
          if (typeof x === "string" && typeof y === "string") return x.includes(y);
          if (Array.isArray(x) && Array.isArray(y)) return y.every((yy) => x.some((xx) => contains(xx, yy)));
          if (isObject(x) && isObject(y))
            return Object.entries(y).every(([k, v]) => Object.hasOwn(x, k) && contains(x[k] ?? null, v));
          if (typeOf(x) !== typeOf(y))
            throw new JqRuntimeError(
              `${typeOf(x)} (${shown(x)}) and ${typeOf(y)} (${shown(y)}) cannot have their containment checked`,
            );
          return equal(x, y);
        };
        return [contains(input, b)];
      }
      case "test":
      case "match":
      case "capture": {
        if (n.args.length === 0 || n.args.length > 2)
          throw new JqCompileError(`${n.name}/${n.args.length} is not defined at <top-level>, line 1:`);
        const out: J[] = [];
        for (const [re, flags] of n.args.length === 1
          ? arg(0).map((v) => this.regexArgs(v))
          : arg(0).flatMap((re) => arg(1).map((f) => [re, f] as [J, J]))) {
          if (n.name === "test") out.push(...this.matchImpl(input, re, flags, true));
          else {
            const ms = this.matchImpl(input, re, flags, false);
            out.push(...(n.name === "match" ? ms : ms.map((m) => Evaluator.captureObject(m))));
          }
        }
        return out;
      }
      case "scan": {
        want(1);
        return arg(0).flatMap((re) =>
          this.matchImpl(input, re, "g", false).map((m) => {
            const caps = isObject(m) && Array.isArray(m.captures) ? m.captures : [];
            return caps.length > 0
              ? caps.map((c) => (isObject(c) ? (c.string ?? null) : null))
              : isObject(m)
                ? (m.string ?? null)
                : null;
          }),
        );
      }
      case "splits": {
        if (n.args.length === 0 || n.args.length > 2)
          throw new JqCompileError(`${n.name}/${n.args.length} is not defined at <top-level>, line 1:`);
        const flagsOf = n.args.length === 2 ? arg(1) : [null];
        return arg(0).flatMap((re) => flagsOf.flatMap((f) => this.splitsBy(input, re, f)));
      }
      case "sub":
      case "gsub": {
        if (n.args.length < 2 || n.args.length > 3)
          throw new JqCompileError(`${n.name}/${n.args.length} is not defined at <top-level>, line 1:`);
        const repl = n.args[1] as Node;
        const flagSets = n.args.length === 3 ? arg(2) : [n.name === "gsub" ? "" : null];
        const out: J[] = [];
        for (const re of arg(0))
          for (const f of flagSets) {
            if (n.args.length === 2 && n.name === "sub") {
              const [r, fl] = this.regexArgs(re);
              out.push(...this.substitute(input, r, fl, repl, vars));
              continue;
            }
            const flags = n.name === "gsub" ? this.arith("+", f, "g") : f;
            out.push(...this.substitute(input, re, flags, repl, vars));
          }
        return out;
      }
      case "paths": {
        const out: J[] = [];
        const walk = (v: J, path: J[]): void => {
          this.tick();
          if (path.length > 0) out.push(path);
          if (Array.isArray(v)) {
            for (let i = 0; i < v.length; i++) walk(v[i] ?? null, [...path, i]);
          } else if (v !== null && typeof v === "object")
            for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
        };
        walk(input, []);
        return out;
      }
      case "env":
        return [this.env];
      case "error":
        throw new JqRuntimeError(
          n.args.length === 0
            ? typeof input === "string"
              ? input
              : `${JSON.stringify(input)} (not a string)`
            : String(arg(0)[0]),
        );
      case "input_line_number":
        return [0];
      case "ascii":
        return [String.fromCharCode(Number(input))];
      case "now":
        return [0];
      default:
        throw new JqCompileError(`${n.name}/${n.args.length} is not defined at <top-level>, line 1:`);
    }
  }
}

// ---- output ----

function numberText(v: number): string {
  if (!Number.isFinite(v))
    return v > 0 ? "1.7976931348623157e+308" : v < 0 ? "-1.7976931348623157e+308" : "null";
  if (Number.isInteger(v) && Math.abs(v) < 1e17) return String(v);
  return String(v).replace(/e\+?/, "e+").replace("e+-", "e-");
}

function render(v: J, indent: string, sort: boolean, level = 0): string {
  if (v === null || typeof v === "boolean") return String(v);
  if (typeof v === "number") return numberText(v);
  if (typeof v === "string") return JSON.stringify(v).replace(/\u007f/g, "\\u007f");
  const pad = indent === "" ? "" : `\n${indent.repeat(level + 1)}`;
  const end = indent === "" ? "" : `\n${indent.repeat(level)}`;
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return `[${v.map((x) => pad + render(x, indent, sort, level + 1)).join(",")}${end}]`;
  }
  const keys = sort ? sortKeys(v) : Object.keys(v);
  if (keys.length === 0) return "{}";
  const sep = indent === "" ? ":" : ": ";
  return `{${keys.map((k) => `${pad}${JSON.stringify(k)}${sep}${render(v[k] ?? null, indent, sort, level + 1)}`).join(",")}${end}}`;
}

/** Parses a stream of JSON texts (jq reads several values from one input). */
function parseStream(text: string): { values: J[]; error?: string } {
  const values: J[] = [];
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && /\s/.test(text[i] ?? "")) i++;
  };
  const lineCol = (): string => {
    const before = text.slice(0, i);
    const line = before.split("\n").length;
    const col = i - before.lastIndexOf("\n") - 1;
    return `at line ${line}, column ${col}`;
  };
  for (;;) {
    ws();
    if (i >= n) return { values };
    // find the end of one JSON value by scanning brackets and strings
    const start = i;
    let depth = 0;
    let inStr = false;
    for (; i < n; i++) {
      const c = text[i];
      if (inStr) {
        if (c === "\\") i++;
        else if (c === '"') {
          inStr = false;
          if (depth === 0) {
            i++;
            break;
          }
        }
        continue;
      }
      if (c === '"') inStr = true;
      else if (c === "{" || c === "[") depth++;
      else if (c === "}" || c === "]") {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      } else if (depth === 0 && /[\s,]/.test(c ?? "")) break;
    }
    if (inStr) return { values, error: `Unfinished string at EOF ${lineCol()}` };
    const chunk = text.slice(start, i);
    try {
      values.push(JSON.parse(chunk) as J);
    } catch {
      if (depth > 0) return { values, error: `Unfinished JSON term at EOF ${lineCol()}` };
      i++;
      const kind = /^[tfn]/.test(chunk) ? "Invalid literal" : "Invalid numeric literal";
      return { values, error: `${kind} ${lineCol()}` };
    }
  }
}

export const jq: Builtin = (c) => {
  let raw = false;
  let join = false;
  let compact = false;
  let nullInput = false;
  let slurp = false;
  let sortKeysOpt = false;
  let exitStatus = false;
  let indent = "  ";
  let filter: string | undefined;
  const files: string[] = [];
  const vars = new Map<string, J>();
  const args = c.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--arg" || a === "--argjson") {
      const name = args[i + 1];
      const value = args[i + 2];
      if (name === undefined || value === undefined) {
        c.err(
          `jq: ${a} takes two parameters (e.g. ${a} varname value)\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://stedolan.github.io/jq\n`,
        );
        return 2;
      }
      if (a === "--arg") vars.set(`$${name}`, value);
      else {
        try {
          vars.set(`$${name}`, JSON.parse(value) as J);
        } catch {
          c.err(
            `jq: invalid JSON text passed to --argjson\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://stedolan.github.io/jq\n`,
          );
          return 2;
        }
      }
      i += 2;
      continue;
    }
    if (a === "--tab") {
      indent = "\t";
      continue;
    }
    if (a === "--indent") {
      indent = " ".repeat(Math.min(7, Number(args[++i] ?? 2)));
      continue;
    }
    if (a.startsWith("--")) {
      const long: Record<string, () => void> = {
        "--raw-output": () => {
          raw = true;
        },
        "--join-output": () => {
          raw = true;
          join = true;
        },
        "--compact-output": () => {
          compact = true;
        },
        "--null-input": () => {
          nullInput = true;
        },
        "--slurp": () => {
          slurp = true;
        },
        "--sort-keys": () => {
          sortKeysOpt = true;
        },
        "--exit-status": () => {
          exitStatus = true;
        },
        "--color-output": () => {},
        "--monochrome-output": () => {},
      };
      const f = long[a];
      if (f === undefined) {
        c.err(
          `jq: Unknown option: ${a}\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://stedolan.github.io/jq\n`,
        );
        return 2;
      }
      f();
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (const f of a.slice(1)) {
        if (f === "r") raw = true;
        else if (f === "j") {
          raw = true;
          join = true;
        } else if (f === "c") compact = true;
        else if (f === "n") nullInput = true;
        else if (f === "s") slurp = true;
        else if (f === "S") sortKeysOpt = true;
        else if (f === "e") exitStatus = true;
        else if (f === "C" || f === "M" || f === "a") continue;
        else {
          c.err(
            `jq: Unknown option: ${a}\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://stedolan.github.io/jq\n`,
          );
          return 2;
        }
      }
      continue;
    }
    if (filter === undefined) filter = a;
    else files.push(a);
  }
  if (filter === undefined) {
    c.err(
      'Usage:\tjq [OPTIONS] FILTER [FILES...]\n\tjq [OPTIONS] --args FILTER [STRINGS...]\n\tjq [OPTIONS] --jsonargs FILTER [JSON_TEXTS...]\n\njq is a tool for processing JSON inputs, applying the given filter to\nits JSON text inputs and producing the filter\'s results as JSON on\nstandard output.\n\nThe simplest filter is ., which copies jq\'s input to its output\nunmodified (except for formatting, but note that IEEE754 is used\nfor number representation internally, with all that that implies).\n\nFor more advanced filters see the jq(1) manpage ("man jq")\nand/or https://stedolan.github.io/jq\n\nExample:\n\n\t$ echo \'{"foo": 0}\' | jq .\n\t{\n\t\t"foo": 0\n\t}\n\nFor a listing of options, use jq --help.\n',
    );
    return 2;
  }
  let program: Node;
  try {
    program = parse(filter);
  } catch (e) {
    if (e instanceof JqCompileError) {
      c.err(`jq: error: ${e.message}\njq: 1 compile error\n`);
      return 3;
    }
    throw e;
  }
  let text = "";
  if (files.length === 0) text = c.stdin;
  for (const f of files) {
    const d = c.shell.fs.read(c.shell.resolve(f));
    if (typeof d !== "string") {
      c.err(`jq: error: Could not open ${f}: ${fsErrorText(d.error)}\n`);
      return 2;
    }
    text += d;
  }
  const env: Record<string, J> = Object.fromEntries(c.shell.exportedEnv());
  const ev = new Evaluator(1_000_000, env, c.shell.regexCost(c.ctx));
  const parsed = nullInput ? { values: [null] as J[] } : parseStream(text);
  const inputs: J[] = slurp && !nullInput ? [parsed.values] : parsed.values;
  let status = 0;
  let last: J | undefined;
  let buf = "";
  const flush = (): void => {
    if (buf !== "") c.out(buf);
    buf = "";
  };
  for (const input of inputs) {
    try {
      for (const v of ev.eval(program, input, vars)) {
        last = v;
        buf += raw && typeof v === "string" ? v : render(v, compact ? "" : indent, sortKeysOpt);
        if (!join) buf += "\n";
        if (buf.length > 64 * 1024) flush();
      }
    } catch (e) {
      flush();
      if (e instanceof JqRuntimeError) {
        c.err(
          `jq: error (at <stdin>:${text.split("\n").length - (text.endsWith("\n") ? 1 : 0)}): ${e.message}\n`,
        );
        status = 5;
        continue;
      }
      if (e instanceof JqCompileError) {
        c.err(
          `jq: error: ${e.message}${e.message.endsWith("line 1:") ? `\n${filter}` : ""}\njq: 1 compile error\n`,
        );
        return 3;
      }
      if (e instanceof BudgetError) {
        c.err(`${e.message}\n`);
        return 5;
      }
      throw e;
    }
  }
  flush();
  if (parsed.error !== undefined) {
    c.err(`parse error: ${parsed.error}\n`);
    // jq 1.6 exits 4 after an input it cannot parse (observed; 1.7 says 2)
    return 4;
  }
  if (exitStatus && status === 0) return last === undefined ? 4 : truthy(last) ? 0 : 1;
  return status;
};
