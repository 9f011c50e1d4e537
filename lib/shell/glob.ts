/**
 * Shell patterns (`*`, `?`, `[…]`, backslash-quoted characters) for globbing, `case`, `[[ == ]]`
 * and `${v#pat}`, and brace expansion (`{a,b}`, `{1..5}`, `{01..10}`, `{a..e}`). The matcher
 * is the iterative wildcard algorithm (O(pattern × text), no backtracking blow-up); brace
 * expansion is bounded by the caller's word limit.
 */
import type { Word, WordPart } from "./ast";

type Tok =
  | { k: "lit"; c: string }
  | { k: "any" }
  | { k: "star" }
  | { k: "class"; neg: boolean; test: (c: string) => boolean };

const CLASSES: Record<string, (c: string) => boolean> = {
  alpha: (c) => /[A-Za-z]/.test(c),
  digit: (c) => /[0-9]/.test(c),
  alnum: (c) => /[A-Za-z0-9]/.test(c),
  upper: (c) => /[A-Z]/.test(c),
  lower: (c) => /[a-z]/.test(c),
  space: (c) => /\s/.test(c),
  xdigit: (c) => /[0-9A-Fa-f]/.test(c),
  punct: (c) => /[!-/:-@[-`{-~]/.test(c),
};

/** One token per literal character, shared (a 1 MiB pattern is a million of them). */
const LITERALS = new Map<string, Tok>();
const STAR: Tok = { k: "star" };
const ANY: Tok = { k: "any" };
function lit(c: string): Tok {
  let t = LITERALS.get(c);
  if (t === undefined) {
    t = { k: "lit", c };
    if (LITERALS.size < 4096) LITERALS.set(c, t);
  }
  return t;
}

function tokenize(p: string): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i] ?? "";
    if (c === "\\" && i + 1 < p.length) {
      out.push(lit(p[++i] ?? ""));
    } else if (c === "*") {
      if (out[out.length - 1]?.k !== "star") out.push(STAR);
    } else if (c === "?") out.push(ANY);
    else if (c === "[") {
      let j = i + 1;
      let neg = false;
      if (p[j] === "!" || p[j] === "^") {
        neg = true;
        j++;
      }
      const tests: ((c: string) => boolean)[] = [];
      let first = true;
      let closed = false;
      while (j < p.length) {
        const d = p[j] ?? "";
        if (d === "]" && !first) {
          closed = true;
          break;
        }
        first = false;
        if (d === "[" && p[j + 1] === ":") {
          const end = p.indexOf(":]", j + 2);
          if (end > 0) {
            const fn = CLASSES[p.slice(j + 2, end)];
            if (fn !== undefined) tests.push(fn);
            j = end + 2;
            continue;
          }
        }
        let lo = d;
        if (d === "\\" && j + 1 < p.length) lo = p[++j] ?? "";
        if (p[j + 1] === "-" && p[j + 2] !== undefined && p[j + 2] !== "]") {
          const hi = p[j + 2] ?? "";
          tests.push((x) => x >= lo && x <= hi);
          j += 3;
          continue;
        }
        tests.push((x) => x === lo);
        j++;
      }
      if (!closed) {
        out.push(lit("["));
        continue;
      }
      out.push({ k: "class", neg, test: (x) => tests.some((t) => t(x)) });
      i = j;
    } else out.push(lit(c));
  }
  return out;
}

function one(t: Tok, c: string): boolean {
  switch (t.k) {
    case "lit":
      return t.c === c;
    case "any":
      return true;
    case "class":
      return t.test(c) !== t.neg;
    case "star":
      return false;
  }
}

/**
 * The last pattern's tokens: a glob tests one pattern against every entry of a directory, and
 * `${v#pat}` against every prefix of v. Tokenizing anew for each made a 1 MiB pattern (`$X*`
 * after X doubled) cost the pattern's length per entry — 36–74 s on one line of the hostile run.
 */
let last: { pattern: string; toks: Tok[] } | undefined;

/** Whether `text` matches the whole pattern. */
export function globMatch(pattern: string, text: string): boolean {
  if (last?.pattern !== pattern) last = { pattern, toks: tokenize(pattern) };
  const toks = last.toks;
  const chars = [...text];
  let ti = 0;
  let pi = 0;
  let starP = -1;
  let starT = 0;
  while (ti < chars.length) {
    const t = toks[pi];
    if (t !== undefined && t.k === "star") {
      starP = pi++;
      starT = ti;
    } else if (t !== undefined && one(t, chars[ti] ?? "")) {
      pi++;
      ti++;
    } else if (starP >= 0) {
      pi = starP + 1;
      ti = ++starT;
    } else return false;
  }
  while (toks[pi]?.k === "star") pi++;
  return pi === toks.length;
}

/** Whether an (escaped) pattern has an active wildcard. */
export function hasGlob(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "*" || c === "?") return true;
    else if (c === "[" && pattern.indexOf("]", i + 2) > 0) return true;
  }
  return false;
}

/** Backslash-escapes the pattern characters of literal text. */
export function escapeGlob(s: string): string {
  return s.replace(/[\\*?[\]]/g, "\\$&");
}

/** Removes the backslashes of an escaped pattern (a glob with no match stays as typed). */
export function unescapeGlob(s: string): string {
  return s.replace(/\\(.)/g, "$1");
}

/** `${v#p}` `${v##p}` `${v%p}` `${v%%p}`: removes the shortest/longest matching prefix/suffix. */
export function trimPattern(value: string, pattern: string, op: "#" | "##" | "%" | "%%"): string {
  const chars = [...value];
  const n = chars.length;
  if (op === "#" || op === "##") {
    const order = op === "#" ? range(0, n) : range(n, 0);
    for (const i of order) if (globMatch(pattern, chars.slice(0, i).join(""))) return chars.slice(i).join("");
  } else {
    const order = op === "%" ? range(n, 0) : range(0, n);
    for (const i of order) if (globMatch(pattern, chars.slice(i).join(""))) return chars.slice(0, i).join("");
  }
  return value;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  if (from <= to) for (let i = from; i <= to; i++) out.push(i);
  else for (let i = from; i >= to; i--) out.push(i);
  return out;
}

/** `${v/p/r}` and friends: the first (or every) longest match replaced. */
export function replacePattern(
  value: string,
  pattern: string,
  repl: string,
  mode: "/" | "//" | "/#" | "/%",
): string {
  const chars = [...value];
  const n = chars.length;
  if (pattern === "") return value;
  if (mode === "/#") {
    for (let j = n; j >= 0; j--)
      if (globMatch(pattern, chars.slice(0, j).join(""))) return repl + chars.slice(j).join("");
    return value;
  }
  if (mode === "/%") {
    for (let i = 0; i <= n; i++)
      if (globMatch(pattern, chars.slice(i).join(""))) return chars.slice(0, i).join("") + repl;
    return value;
  }
  let out = "";
  let i = 0;
  let replaced = false;
  while (i < n) {
    let matched = -1;
    if (!(replaced && mode === "/")) {
      for (let j = n; j > i; j--) {
        if (globMatch(pattern, chars.slice(i, j).join(""))) {
          matched = j;
          break;
        }
      }
    }
    if (matched > 0) {
      out += repl;
      i = matched;
      replaced = true;
    } else out += chars[i++] ?? "";
  }
  return out;
}

// ---- brace expansion ----

type Item = { ch: string } | { part: WordPart };

function toItems(word: Word): Item[] {
  const items: Item[] = [];
  for (const p of word.parts) {
    if (p.kind === "lit" && !p.quoted) for (const ch of p.text) items.push({ ch });
    else items.push({ part: p });
  }
  return items;
}

function toWord(items: Item[], raw: string): Word {
  const parts: WordPart[] = [];
  let lit = "";
  for (const it of items) {
    if ("ch" in it) lit += it.ch;
    else {
      if (lit !== "") parts.push({ kind: "lit", text: lit, quoted: false });
      lit = "";
      parts.push(it.part);
    }
  }
  if (lit !== "") parts.push({ kind: "lit", text: lit, quoted: false });
  return { parts, raw };
}

const isCh = (it: Item | undefined, c: string): boolean => it !== undefined && "ch" in it && it.ch === c;

/** The alternatives of the brace group opening at `open`, or undefined when it is not one. */
function alternatives(
  items: Item[],
  open: number,
  limit: number,
): { close: number; alts: Item[][] } | undefined {
  let depth = 0;
  const commas: number[] = [];
  for (let i = open + 1; i < items.length; i++) {
    const it = items[i];
    if (isCh(it, "\\")) {
      i++;
      continue;
    }
    if (isCh(it, "{")) depth++;
    else if (isCh(it, "}")) {
      if (depth === 0) {
        const inner = items.slice(open + 1, i);
        if (commas.length > 0) {
          const alts: Item[][] = [];
          let from = open + 1;
          for (const c of [...commas, i]) {
            alts.push(items.slice(from, c));
            from = c + 1;
          }
          return { close: i, alts };
        }
        if (inner.every((x) => "ch" in x)) {
          const seq = sequence(inner.map((x) => ("ch" in x ? x.ch : "")).join(""), limit);
          if (seq !== undefined) return { close: i, alts: seq.map((s) => [...s].map((ch) => ({ ch }))) };
        }
        return undefined;
      }
      depth--;
    } else if (isCh(it, ",") && depth === 0) commas.push(i);
  }
  return undefined;
}

export class BraceLimitError extends Error {}

function sequence(text: string, limit: number): string[] | undefined {
  const num = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/.exec(text);
  const chr = /^([A-Za-z])\.\.([A-Za-z])(?:\.\.(-?\d+))?$/.exec(text);
  if (num !== null) {
    const a = Number(num[1]);
    const b = Number(num[2]);
    const step = Math.abs(Number(num[3] ?? 1)) || 1;
    const count = Math.floor(Math.abs(b - a) / step) + 1;
    if (count > limit)
      throw new BraceLimitError(`brace expansion: {${text}} makes ${count} words, over ${limit}`);
    const pad = [num[1] ?? "", num[2] ?? ""].some((s) => /^-?0\d/.test(s))
      ? Math.max((num[1] ?? "").length, (num[2] ?? "").length)
      : 0;
    const out: string[] = [];
    for (let i = 0, v = a; i < count; i++, v += a <= b ? step : -step) {
      const s = String(Math.abs(v)).padStart(pad - (v < 0 ? 1 : 0), "0");
      out.push(v < 0 ? `-${s}` : s);
    }
    return out;
  }
  if (chr !== null) {
    const a = (chr[1] ?? "a").charCodeAt(0);
    const b = (chr[2] ?? "a").charCodeAt(0);
    const step = Math.abs(Number(chr[3] ?? 1)) || 1;
    const out: string[] = [];
    for (let v = a; a <= b ? v <= b : v >= b; v += a <= b ? step : -step) out.push(String.fromCharCode(v));
    return out;
  }
  return undefined;
}

/** Brace-expands a word; throws BraceLimitError past `limit` words. */
export function braceExpand(word: Word, limit: number): Word[] {
  if (!word.parts.some((p) => p.kind === "lit" && !p.quoted && p.text.includes("{"))) return [word];
  const out: Item[][] = [];
  const walk = (items: Item[], from: number): void => {
    for (let i = from; i < items.length; i++) {
      if (isCh(items[i], "\\")) {
        i++;
        continue;
      }
      if (!isCh(items[i], "{")) continue;
      const g = alternatives(items, i, limit);
      if (g === undefined) continue;
      const pre = items.slice(0, i);
      const post = items.slice(g.close + 1);
      for (const alt of g.alts) {
        if (out.length > limit) throw new BraceLimitError(`brace expansion makes over ${limit} words`);
        walk([...pre, ...alt, ...post], i);
      }
      return;
    }
    out.push(items);
  };
  walk(toItems(word), 0);
  if (out.length > limit) throw new BraceLimitError(`brace expansion makes over ${limit} words`);
  return out.map((items) => toWord(items, word.raw));
}
