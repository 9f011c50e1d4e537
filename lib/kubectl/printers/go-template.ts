/**
 * `-o go-template` / `--template`: the subset of Go's text/template that tutorials use — text,
 * `{{.a.b}}`, `{{range}}`/`{{if}}`/`{{with}}` with `{{else}}`, variables, pipelines, parentheses,
 * trim markers, and the functions index, len, printf, print, println, eq, ne, lt, le, gt, ge, and,
 * or, not. Data is the object after a JSON round trip, so numbers print as Go float64s do.
 */

export class TemplateError extends Error {}

type Operand =
  | { t: "dot"; fields: string[] }
  | { t: "var"; name: string; fields: string[] }
  | { t: "lit"; value: unknown }
  | { t: "ident"; name: string }
  | { t: "paren"; pipe: Pipe; fields: string[] };
type Cmd = Operand[];
interface Pipe {
  decl: string[];
  assign: boolean;
  cmds: Cmd[];
}
type Node =
  | { t: "text"; text: string }
  | { t: "action"; pipe: Pipe }
  | { t: "if" | "with"; pipe: Pipe; body: Node[]; else: Node[] }
  | { t: "range"; pipe: Pipe; body: Node[]; else: Node[] };

// ---------- lexing actions ----------

/**
 * One token of an action: white space (dropped), a quoted string (kept with its quotes; a
 * backslash escapes inside "…" and '…', not inside `…`), `:=`, `( ) | , =`, or a run of anything
 * else (a field chain, a variable, a function name, a number). A word never starts with a quote,
 * so an unterminated string matches nothing.
 */
const ACTION_TOKEN =
  /\s+|"(?:[^"\\]|\\[\s\S])*"|'(?:[^'\\]|\\[\s\S])*'|`[^`]*`|:=|[()|,=]|(?!["'`])(?:[^\s()|,=:]|:(?!=))+/y;

function tokenize(src: string): string[] {
  const toks: string[] = [];
  const token = new RegExp(ACTION_TOKEN);
  while (token.lastIndex < src.length) {
    const m = token.exec(src);
    if (m === null) throw new TemplateError("unterminated quoted string");
    // a field chain may follow a closing paren directly: handled by the parser
    if (!/^\s/.test(m[0])) toks.push(m[0]);
  }
  return toks;
}

function unquote(tok: string): string {
  if (tok.startsWith("`")) return tok.slice(1, -1);
  if (tok.startsWith("'")) return tok.slice(1, -1);
  let out = "";
  for (let i = 1; i < tok.length - 1; i++) {
    const c = tok[i];
    if (c === "\\") {
      const n = tok[++i];
      out += n === "n" ? "\n" : n === "t" ? "\t" : n === "r" ? "\r" : n === "0" ? "\0" : (n ?? "");
    } else out += c;
  }
  return out;
}

function fieldsOf(s: string): string[] {
  return s.split(".").filter((x) => x !== "");
}

function parsePipe(toks: string[]): Pipe {
  let pos = 0;
  const decl: string[] = [];
  let assign = false;
  // declarations: $x := / $i, $e := / $x =
  const look = toks.indexOf(":=") >= 0 ? ":=" : toks.indexOf("=") >= 0 ? "=" : "";
  if (look) {
    const at = toks.indexOf(look);
    const names = toks.slice(0, at).filter((t) => t !== ",");
    if (names.length > 0 && names.every((n) => n.startsWith("$"))) {
      decl.push(...names);
      assign = look === "=";
      pos = at + 1;
    }
  }
  const parseOperand = (): Operand => {
    const t = toks[pos++];
    if (t === undefined) throw new TemplateError("missing value for command");
    if (t === "(") {
      let depth = 1;
      const start = pos;
      while (pos < toks.length && depth > 0) {
        if (toks[pos] === "(") depth++;
        else if (toks[pos] === ")") depth--;
        pos++;
      }
      const inner = parsePipe(toks.slice(start, pos - 1));
      let fields: string[] = [];
      const next = toks[pos];
      if (next?.startsWith(".")) {
        fields = fieldsOf(next);
        pos++;
      }
      return { t: "paren", pipe: inner, fields };
    }
    if (t.startsWith('"') || t.startsWith("`") || t.startsWith("'")) return { t: "lit", value: unquote(t) };
    if (t.startsWith(".")) return { t: "dot", fields: fieldsOf(t) };
    if (t.startsWith("$")) {
      const [name, ...rest] = t.split(".");
      return { t: "var", name: name ?? "$", fields: rest.filter((x) => x !== "") };
    }
    if (t === "true" || t === "false") return { t: "lit", value: t === "true" };
    if (t === "nil") return { t: "lit", value: null };
    if (/^[-+]?(\d|\.\d)/.test(t)) return { t: "lit", value: Number(t) };
    return { t: "ident", name: t };
  };
  const cmds: Cmd[] = [];
  let cmd: Cmd = [];
  while (pos < toks.length) {
    if (toks[pos] === "|") {
      pos++;
      cmds.push(cmd);
      cmd = [];
      continue;
    }
    cmd.push(parseOperand());
  }
  cmds.push(cmd);
  if (cmds.some((c) => c.length === 0)) throw new TemplateError("missing value for command");
  return { decl, assign, cmds };
}

// ---------- parsing the template ----------

interface RawAction {
  kind: "text" | "action";
  text: string;
}

function split(src: string): RawAction[] {
  const out: RawAction[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf("{{", i);
    if (open < 0) {
      out.push({ kind: "text", text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src[start] === "-" && /\s/.test(src[start + 1] ?? "")) {
      text = text.replace(/\s+$/, "");
      start += 2;
    }
    // find the close, skipping quoted strings
    let j = start;
    let quote = "";
    for (; j < src.length; j++) {
      const c = src[j];
      if (quote) {
        if (c === "\\" && quote !== "`") j++;
        else if (c === quote) quote = "";
      } else if (c === '"' || c === "`") quote = c;
      else if (c === "}" && src[j + 1] === "}") break;
    }
    if (j >= src.length) throw new TemplateError("unclosed action");
    let body = src.slice(start, j);
    let next = j + 2;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -2);
      const m = /^\s*/.exec(src.slice(next));
      next += m?.[0].length ?? 0;
    }
    if (text) out.push({ kind: "text", text });
    out.push({ kind: "action", text: body.trim() });
    i = next;
  }
  return out;
}

function parseTemplate(src: string): Node[] {
  const parts = split(src);
  let pos = 0;
  const parseList = (stopAt: Set<string>): { nodes: Node[]; stop: string; rest: string } => {
    const nodes: Node[] = [];
    while (pos < parts.length) {
      const p = parts[pos++];
      if (!p) break;
      if (p.kind === "text") {
        nodes.push({ t: "text", text: p.text });
        continue;
      }
      const a = p.text;
      if (a.startsWith("/*")) continue;
      const word = /^(if|with|range|else|end)\b/.exec(a)?.[1] ?? a.split(/\s+/)[0] ?? "";
      if (stopAt.has(word)) return { nodes, stop: word, rest: a.slice(word.length).trim() };
      if (word === "if" || word === "with" || word === "range") {
        nodes.push(parseBlock(word, a.slice(word.length).trim()));
        continue;
      }
      if (word === "end" || word === "else") throw new TemplateError(`unexpected {{${word}}}`);
      nodes.push({ t: "action", pipe: parsePipe(tokenize(a)) });
    }
    if (stopAt.size > 0) throw new TemplateError("unexpected EOF");
    return { nodes, stop: "", rest: "" };
  };
  const parseBlock = (word: "if" | "with" | "range", cond: string): Node => {
    const pipe = parsePipe(tokenize(cond));
    const body = parseList(new Set(["else", "end"]));
    let elseNodes: Node[] = [];
    if (body.stop === "else") {
      if (body.rest.startsWith("if ") && word === "if") {
        elseNodes = [parseBlock("if", body.rest.slice(3).trim())];
      } else {
        const e = parseList(new Set(["end"]));
        elseNodes = e.nodes;
      }
    }
    if (word === "range") return { t: "range", pipe, body: body.nodes, else: elseNodes };
    return { t: word, pipe, body: body.nodes, else: elseNodes };
  };
  return parseList(new Set()).nodes;
}

// ---------- evaluation ----------

const NO_VALUE = Symbol("no value");

function truthy(v: unknown): boolean {
  if (v === NO_VALUE || v === null || v === undefined || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v as object).length > 0;
  return true;
}

/** Go's %v of a float64. */
export function goFloat(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "NaN" : n > 0 ? "+Inf" : "-Inf";
  if (n === 0) return "0";
  const e = n.toExponential();
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(e);
  if (!m) return String(n);
  const exp = Number(m[3]) * (m[2] === "-" ? -1 : 1);
  if (exp < -4 || exp >= 6) return `${m[1]}e${m[2]}${(m[3] ?? "").padStart(2, "0")}`;
  return String(n);
}

export function goPrint(v: unknown): string {
  if (v === NO_VALUE || v === undefined) return "<no value>";
  if (v === null) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return goFloat(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return `[${v.map(goPrint).join(" ")}]`;
  const o = v as Record<string, unknown>;
  return `map[${Object.keys(o)
    .sort()
    .map((k) => `${k}:${goPrint(o[k])}`)
    .join(" ")}]`;
}

function sprintf(format: string, args: unknown[]): string {
  let ai = 0;
  return format.replace(
    /%([-+ 0#]*)(\d*)(?:\.(\d+))?([svdqftxX%])/g,
    (_, flags: string, w: string, prec: string, verb: string) => {
      if (verb === "%") return "%";
      const a = args[ai++];
      let s: string;
      switch (verb) {
        case "d":
          s = typeof a === "number" ? String(Math.trunc(a)) : `%!d(${typeof a}=${goPrint(a)})`;
          break;
        case "f":
          s = typeof a === "number" ? a.toFixed(prec ? Number(prec) : 6) : `%!f(${goPrint(a)})`;
          break;
        case "q":
          s = JSON.stringify(goPrint(a));
          break;
        case "x":
        case "X":
          s =
            typeof a === "number"
              ? a.toString(16)
              : [...new TextEncoder().encode(goPrint(a))]
                  .map((b) => b.toString(16).padStart(2, "0"))
                  .join("");
          if (verb === "X") s = s.toUpperCase();
          break;
        default:
          s = a === undefined ? `%!${verb}(MISSING)` : goPrint(a);
      }
      const width = Number(w || 0);
      if (s.length < width)
        s = flags.includes("-") ? s.padEnd(width) : s.padStart(width, flags.includes("0") ? "0" : " ");
      return s;
    },
  );
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

type Fn = (args: unknown[]) => unknown;
const FUNCS: Record<string, Fn> = {
  len: ([a]) => {
    if (typeof a === "string" || Array.isArray(a)) return a.length;
    if (a && typeof a === "object") return Object.keys(a).length;
    throw new TemplateError(`error calling len: len of type ${typeof a}`);
  },
  index: ([a, ...keys]) => {
    let cur: unknown = a;
    for (const k of keys) {
      if (Array.isArray(cur)) {
        const i = Number(k);
        if (!(i >= 0 && i < cur.length))
          throw new TemplateError(`error calling index: index out of range: ${i}`);
        cur = cur[i];
      } else if (cur && typeof cur === "object") {
        const o = cur as Record<string, unknown>;
        cur = String(k) in o ? o[String(k)] : NO_VALUE;
      } else cur = NO_VALUE;
    }
    return cur;
  },
  print: (args) =>
    args
      .map(
        (a, i) => (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string" ? " " : "") + goPrint(a),
      )
      .join(""),
  println: (args) => `${args.map(goPrint).join(" ")}\n`,
  printf: ([f, ...args]) => sprintf(String(f), args),
  eq: ([a, ...bs]) => bs.some((b) => compare(a, b) === 0),
  ne: ([a, b]) => compare(a, b) !== 0,
  lt: ([a, b]) => compare(a, b) < 0,
  le: ([a, b]) => compare(a, b) <= 0,
  gt: ([a, b]) => compare(a, b) > 0,
  ge: ([a, b]) => compare(a, b) >= 0,
  not: ([a]) => !truthy(a),
  and: (args) => {
    for (const a of args) if (!truthy(a)) return a;
    return args[args.length - 1];
  },
  or: (args) => {
    for (const a of args) if (truthy(a)) return a;
    return args[args.length - 1];
  },
  base64decode: ([a]) => {
    const bin = atob(String(a));
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  },
  base64encode: ([a]) => btoa(String.fromCharCode(...new TextEncoder().encode(String(a)))),
  html: ([a]) => goPrint(a).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"),
  urlquery: ([a]) => encodeURIComponent(goPrint(a)),
};

interface Scope {
  vars: Map<string, unknown>[];
}

function lookupVar(scope: Scope, name: string): unknown {
  for (let i = scope.vars.length - 1; i >= 0; i--) {
    const m = scope.vars[i];
    if (m?.has(name)) return m.get(name);
  }
  throw new TemplateError(`undefined variable "${name}"`);
}

function field(v: unknown, fields: string[]): unknown {
  let cur = v;
  for (const f of fields) {
    if (cur === NO_VALUE || cur === null || cur === undefined) {
      if (cur === null || cur === undefined)
        throw new TemplateError(`nil pointer evaluating interface {}.${f}`);
      return NO_VALUE;
    }
    if (typeof cur === "object" && !Array.isArray(cur)) {
      const o = cur as Record<string, unknown>;
      cur = f in o ? o[f] : NO_VALUE;
    } else
      throw new TemplateError(
        `can't evaluate field ${f} in type ${Array.isArray(cur) ? "[]interface {}" : typeof cur}`,
      );
  }
  return cur;
}

function evalOperand(op: Operand, dot: unknown, scope: Scope): unknown {
  switch (op.t) {
    case "dot":
      return field(dot, op.fields);
    case "var":
      return field(lookupVar(scope, op.name), op.fields);
    case "lit":
      return op.value;
    case "paren":
      return field(evalPipe(op.pipe, dot, scope), op.fields);
    case "ident": {
      const fn = FUNCS[op.name];
      if (!fn) throw new TemplateError(`function "${op.name}" not defined`);
      return fn([]);
    }
  }
}

function evalCmd(cmd: Cmd, dot: unknown, scope: Scope, prev: unknown[] | undefined): unknown {
  const [head, ...rest] = cmd;
  if (!head) throw new TemplateError("empty command");
  if (head.t === "ident") {
    const fn = FUNCS[head.name];
    if (!fn) throw new TemplateError(`function "${head.name}" not defined`);
    const args = rest.map((o) => evalOperand(o, dot, scope));
    if (prev) args.push(...prev);
    return fn(args);
  }
  if (rest.length > 0 || prev)
    throw new TemplateError(`can't give argument to non-function ${JSON.stringify(head)}`);
  return evalOperand(head, dot, scope);
}

function evalPipe(pipe: Pipe, dot: unknown, scope: Scope): unknown {
  let v: unknown;
  pipe.cmds.forEach((cmd, i) => {
    v = evalCmd(cmd, dot, scope, i === 0 ? undefined : [v]);
  });
  if (pipe.decl.length === 1) {
    const name = pipe.decl[0] ?? "";
    if (pipe.assign) {
      for (let i = scope.vars.length - 1; i >= 0; i--) {
        const m = scope.vars[i];
        if (m?.has(name)) {
          m.set(name, v);
          break;
        }
      }
    } else scope.vars[scope.vars.length - 1]?.set(name, v);
  }
  return v;
}

function exec(nodes: Node[], dot: unknown, scope: Scope, out: string[]): void {
  for (const n of nodes) {
    switch (n.t) {
      case "text":
        out.push(n.text);
        break;
      case "action": {
        const v = evalPipe(n.pipe, dot, scope);
        if (n.pipe.decl.length === 0) out.push(goPrint(v));
        break;
      }
      case "if":
      case "with": {
        scope.vars.push(new Map());
        const v = evalPipe(n.pipe, dot, scope);
        if (truthy(v)) exec(n.body, n.t === "with" ? v : dot, scope, out);
        else exec(n.else, dot, scope, out);
        scope.vars.pop();
        break;
      }
      case "range": {
        scope.vars.push(new Map());
        const decl = n.pipe.decl;
        const v = evalPipe({ ...n.pipe, decl: [] }, dot, scope);
        const entries: [unknown, unknown][] = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : v && typeof v === "object"
            ? Object.keys(v)
                .sort()
                .map((k) => [k, (v as Record<string, unknown>)[k]])
            : typeof v === "number"
              ? Array.from({ length: v }, (_, i) => [i, i])
              : [];
        if (v !== null && v !== undefined && v !== NO_VALUE && typeof v !== "object" && typeof v !== "number")
          throw new TemplateError(`range can't iterate over ${goPrint(v)}`);
        if (entries.length === 0) exec(n.else, dot, scope, out);
        for (const [k, x] of entries) {
          const frame = scope.vars[scope.vars.length - 1];
          if (decl.length === 1) frame?.set(decl[0] ?? "", x);
          else if (decl.length === 2) {
            frame?.set(decl[0] ?? "", k);
            frame?.set(decl[1] ?? "", x);
          }
          exec(n.body, x, scope, out);
        }
        scope.vars.pop();
        break;
      }
    }
  }
}

export function executeGoTemplate(template: string, data: unknown): string {
  const nodes = parseTemplate(template);
  const out: string[] = [];
  exec(nodes, data, { vars: [new Map([["$", data]])] }, out);
  return out.join("");
}
