/**
 * kubectl's JSONPath dialect (client-go util/jsonpath): literal text around `{…}` actions,
 * `.field`, `..field`, `[*]`, `[n]`, `[a:b]`, unions, filters `[?(@.x=="y")]`, `range`/`end`,
 * string literals such as `{"\n"}`. Missing keys print nothing (kubectl allows missing keys).
 */
import { compileRe2, type RegexCost, RegexSyntaxError, regexCache, type SafeRegex } from "../re2";
import { goJsonCompact } from "./json";

type Seg =
  | { t: "field"; name: string }
  | { t: "recursive"; name: string }
  | { t: "index"; start?: number; end?: number; step?: number; all?: boolean; single?: number }
  | { t: "union"; keys: (string | number)[] }
  | { t: "filter"; left: Expr; op?: string; right?: Expr };

type Expr = { t: "path"; root: "@" | "$"; segs: Seg[] } | { t: "lit"; value: unknown };

type Node =
  | { t: "text"; text: string }
  | { t: "path"; expr: Expr }
  | { t: "range"; expr: Expr; body: Node[] };

export class JsonPathError extends Error {}

function parseString(s: string, i: number): [string, number] {
  const q = s[i];
  let out = "";
  let j = i + 1;
  while (j < s.length && s[j] !== q) {
    if (s[j] === "\\" && j + 1 < s.length) {
      const n = s[j + 1];
      out += n === "n" ? "\n" : n === "t" ? "\t" : n === "r" ? "\r" : n === "\\" ? "\\" : (n ?? "");
      j += 2;
    } else {
      out += s[j];
      j++;
    }
  }
  if (j >= s.length) throw new JsonPathError(`unterminated string`);
  return [out, j + 1];
}

function parseNumberLit(s: string): unknown {
  const n = Number(s);
  return Number.isNaN(n) ? s : n;
}

function parsePath(s: string, i: number, stop: (c: string) => boolean): [Expr, number] {
  let root: "@" | "$" = "@";
  if (s[i] === "@" || s[i] === "$") {
    root = s[i] as "@" | "$";
    i++;
  }
  const segs: Seg[] = [];
  while (i < s.length && !stop(s[i] ?? "")) {
    const c = s[i];
    if (c === ".") {
      let recursive = false;
      i++;
      if (s[i] === ".") {
        recursive = true;
        i++;
      }
      let name = "";
      while (i < s.length && /[^.[\]()\s=!<>,}]/.test(s[i] ?? "")) name += s[i++];
      if (name === "" && !recursive) continue;
      segs.push(recursive ? { t: "recursive", name } : { t: "field", name });
    } else if (c === "[") {
      const close = findClose(s, i);
      const inner = s.slice(i + 1, close).trim();
      i = close + 1;
      if (inner.startsWith("?(")) {
        const body = inner.slice(2, inner.lastIndexOf(")"));
        segs.push(parseFilter(body));
      } else if (inner === "*") segs.push({ t: "index", all: true });
      else if (inner.includes(":")) {
        const [a, b, st] = inner.split(":").map((x) => x.trim());
        segs.push({
          t: "index",
          start: a ? Number(a) : undefined,
          end: b ? Number(b) : undefined,
          step: st ? Number(st) : undefined,
        });
      } else if (inner.includes(",")) {
        segs.push({
          t: "union",
          keys: inner.split(",").map((k) => {
            const x = k.trim();
            return /^['"]/.test(x) ? x.slice(1, -1) : /^-?\d+$/.test(x) ? Number(x) : x;
          }),
        });
      } else if (/^['"]/.test(inner)) segs.push({ t: "field", name: inner.slice(1, -1) });
      else if (/^-?\d+$/.test(inner)) segs.push({ t: "index", single: Number(inner) });
      else throw new JsonPathError(`invalid array index ${inner}`);
    } else if (c === "*") {
      segs.push({ t: "field", name: "*" });
      i++;
    } else if (c === " ") {
      break;
    } else {
      let name = "";
      while (i < s.length && /[^.[\]()\s=!<>,}]/.test(s[i] ?? "")) name += s[i++];
      if (name === "") throw new JsonPathError(`unrecognized character in action: ${c}`);
      segs.push({ t: "field", name });
    }
  }
  return [{ t: "path", root, segs }, i];
}

function findClose(s: string, i: number): number {
  let depth = 0;
  let quote = "";
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = "";
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "[") depth++;
    else if (c === "]") {
      depth--;
      if (depth === 0) return j;
    }
  }
  throw new JsonPathError("unterminated array");
}

function parseOperand(s: string): Expr {
  const x = s.trim();
  if (x.startsWith("@") || x.startsWith("$")) return parsePath(x, 0, () => false)[0];
  if (/^['"]/.test(x)) return { t: "lit", value: parseString(x, 0)[0] };
  if (x === "true" || x === "false") return { t: "lit", value: x === "true" };
  return { t: "lit", value: parseNumberLit(x) };
}

const FILTER_OPS = ["==", "!=", "<=", ">=", "<", ">", "=~"];

/** Splits `left OP right` at the first operator, in one linear scan (no backtracking regex). */
function parseFilter(body: string): Seg {
  for (let i = 0; i < body.length; i++) {
    const op = FILTER_OPS.find((o) => body.startsWith(o, i));
    if (op === undefined) continue;
    return {
      t: "filter",
      left: parseOperand(body.slice(0, i).trim()),
      op,
      right: parseOperand(body.slice(i + op.length).trim()),
    };
  }
  return { t: "filter", left: parseOperand(body) };
}

/** What one execution evaluates against: the document's root and its `=~` patterns. */
interface Env {
  root: unknown;
  regex: (src: string) => SafeRegex;
}

/** A JSONPath filter's `=~` patterns, as an execution compiles them (jsonPathRegexes). */
export type JsonPathRegexes = (src: string) => SafeRegex;

/**
 * `=~` patterns run on RE2 (Go's syntax, linear time), compiled once per distinct text for one
 * command (one per item would charge the compile again for each of 500 pods), compiling and
 * matching charged to the calling line's budget (`cost`, KubectlIO.regexCost).
 */
export function jsonPathRegexes(cost: RegexCost | undefined): JsonPathRegexes {
  const compile = (src: string, c: RegexCost | undefined): SafeRegex => {
    try {
      return compileRe2(src, { cost: c });
    } catch (e) {
      if (e instanceof RegexSyntaxError) throw new JsonPathError(e.message);
      throw e;
    }
  };
  return regexCache(compile, cost);
}

export function parseJsonPath(template: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  let i = 0;
  let text = "";
  const cur = (): Node[] => stack[stack.length - 1] ?? root;
  while (i < template.length) {
    const c = template[i];
    if (c !== "{") {
      text += c;
      i++;
      continue;
    }
    if (text) cur().push({ t: "text", text });
    text = "";
    // find the matching close brace, skipping quoted text
    let j = i + 1;
    let quote = "";
    for (; j < template.length; j++) {
      const d = template[j];
      if (quote) {
        if (d === "\\") j++;
        else if (d === quote) quote = "";
      } else if (d === '"' || d === "'") quote = d;
      else if (d === "}") break;
    }
    if (j >= template.length) throw new JsonPathError(`unclosed action`);
    const action = template.slice(i + 1, j).trim();
    i = j + 1;
    // Go's parser takes any action starting with `end` / `range` (`{range.items[*]}` needs no space)
    if (action.startsWith("end")) {
      if (stack.length <= 1) throw new JsonPathError("not in range, nothing to end");
      stack.pop();
      continue;
    }
    if (action.startsWith("range")) {
      const [expr] = parsePath(action.slice(5).trim(), 0, () => false);
      const body: Node[] = [];
      cur().push({ t: "range", expr, body });
      stack.push(body);
      continue;
    }
    // an action may be several parts: {.a}{"x"} are separate, but {.a.b[0]} is one path
    let k = 0;
    while (k < action.length) {
      const ch = action[k];
      if (ch === " ") {
        k++;
        continue;
      }
      if (ch === '"' || ch === "'") {
        const [s, next] = parseString(action, k);
        cur().push({ t: "text", text: s });
        k = next;
        continue;
      }
      const [expr, next] = parsePath(action, k, () => false);
      if (next === k) throw new JsonPathError(`unrecognized character in action: ${ch}`);
      cur().push({ t: "path", expr });
      k = next;
    }
  }
  if (text) cur().push({ t: "text", text });
  if (stack.length > 1) throw new JsonPathError("unterminated range");
  return root;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function descend(v: unknown, out: unknown[]): void {
  out.push(v);
  if (Array.isArray(v)) for (const x of v) descend(x, out);
  else if (isObj(v)) for (const k of Object.keys(v).sort()) descend(v[k], out);
}

function evalSegs(values: unknown[], segs: Seg[], env: Env): unknown[] {
  let cur = values;
  for (const seg of segs) {
    const next: unknown[] = [];
    for (const v of cur) {
      switch (seg.t) {
        case "field":
          if (seg.name === "*") {
            if (isObj(v)) for (const k of Object.keys(v).sort()) next.push(v[k]);
            else if (Array.isArray(v)) next.push(...v);
          } else if (isObj(v) && seg.name in v) next.push(v[seg.name]);
          break;
        case "recursive": {
          const all: unknown[] = [];
          descend(v, all);
          for (const x of all) {
            if (seg.name === "" || seg.name === "*") next.push(x);
            else if (isObj(x) && seg.name in x) next.push(x[seg.name]);
          }
          break;
        }
        case "index": {
          if (!Array.isArray(v)) break;
          if (seg.all) next.push(...v);
          else if (seg.single !== undefined) {
            const idx = seg.single < 0 ? v.length + seg.single : seg.single;
            if (idx >= 0 && idx < v.length) next.push(v[idx]);
            else
              throw new JsonPathError(`array index out of bounds: index ${seg.single}, length ${v.length}`);
          } else {
            let s = seg.start ?? 0;
            let e = seg.end ?? v.length;
            if (s < 0) s += v.length;
            if (e < 0) e += v.length;
            s = Math.max(0, Math.min(s, v.length));
            e = Math.max(0, Math.min(e, v.length));
            const step = seg.step ?? 1;
            for (let k = s; k < e; k += step > 0 ? step : 1) next.push(v[k]);
          }
          break;
        }
        case "union":
          for (const k of seg.keys) {
            if (typeof k === "number" && Array.isArray(v)) {
              const x = v[k < 0 ? v.length + k : k];
              if (x !== undefined) next.push(x);
            } else if (isObj(v) && String(k) in v) next.push(v[String(k)]);
          }
          break;
        case "filter": {
          const items = Array.isArray(v) ? v : isObj(v) ? [v] : [];
          for (const item of items) if (filterMatch(item, seg, env)) next.push(item);
          break;
        }
      }
    }
    cur = next;
  }
  return cur;
}

function evalExpr(e: Expr, at: unknown, env: Env): unknown[] {
  if (e.t === "lit") return [e.value];
  return evalSegs([e.root === "$" ? env.root : at], e.segs, env);
}

function filterMatch(item: unknown, seg: Extract<Seg, { t: "filter" }>, env: Env): boolean {
  const left = evalExpr(seg.left, item, env);
  if (!seg.op || !seg.right) return left.length > 0 && left[0] !== null && left[0] !== false;
  const right = evalExpr(seg.right, item, env);
  if (left.length === 0 || right.length === 0) return false;
  const a = left[0];
  const b = right[0];
  switch (seg.op) {
    case "==":
      return String(a) === String(b);
    case "!=":
      return String(a) !== String(b);
    case "<":
      return Number(a) < Number(b);
    case ">":
      return Number(a) > Number(b);
    case "<=":
      return Number(a) <= Number(b);
    case ">=":
      return Number(a) >= Number(b);
    case "=~":
      return env.regex(String(b)).test(String(a));
    default:
      return false;
  }
}

export function jsonPathText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "object") return goJsonCompact(v);
  return String(v);
}

function run(nodes: Node[], at: unknown, env: Env, out: string[]): void {
  for (const n of nodes) {
    if (n.t === "text") out.push(n.text);
    else if (n.t === "path") {
      const vals = evalExpr(n.expr, at, env);
      out.push(vals.map(jsonPathText).join(" "));
    } else {
      const vals = evalExpr(n.expr, at, env);
      const items = vals.length === 1 && Array.isArray(vals[0]) ? vals[0] : vals;
      for (const item of items) run(n.body, item, env, out);
    }
  }
}

/** Run a kubectl jsonpath template against a value. */
export function executeJsonPath(
  template: string,
  data: unknown,
  regex: JsonPathRegexes = jsonPathRegexes(undefined),
): string {
  const nodes = parseJsonPath(template);
  const out: string[] = [];
  run(nodes, data, { root: data, regex }, out);
  return out.join("");
}

/** Evaluate one path (custom-columns): all results. */
export function jsonPathValues(
  expr: string,
  data: unknown,
  regex: JsonPathRegexes = jsonPathRegexes(undefined),
): unknown[] {
  const nodes = parseJsonPath(expr);
  const vals: unknown[] = [];
  const env: Env = { root: data, regex };
  for (const n of nodes) if (n.t === "path") vals.push(...evalExpr(n.expr, data, env));
  return vals;
}

/** kubectl's RelaxedJSONPathExpression: `.a.b` or `{.a.b}` → `{.a.b}`. */
export function relaxedJsonPath(s: string): string {
  const t = s.trim();
  if (t.startsWith("{") && t.endsWith("}")) return t;
  const body = t.startsWith(".") ? t : `.${t}`;
  return `{${body}}`;
}
