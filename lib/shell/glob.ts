/**
 * Shell patterns (`*`, `?`, `[…]`, backslash-quoted characters) for globbing, `case`, `[[ == ]]`,
 * `${v#pat}` and `${v//pat/rep}`, and brace expansion (`{a,b}`, `{1..5}`, `{01..10}`, `{a..e}`).
 * A pattern is read once, in linear time, into tokens, and matched by a set-of-states walk over
 * the text (an NFA: each character costs at most the pattern's length, nothing backtracks).
 * Every walk charges its states to the line's budget as it goes (`cost`, Shell.regexCost), so a
 * huge pattern over a huge value stops with the budget's message (ADR 0036). Brace expansion is
 * bounded by the caller's word limit.
 */
import type { Word, WordPart } from "./ast";
import type { RegexCost } from "./regex";

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

/**
 * Where each bracket expression of `p` closes, found in one pass from the right. Inside a
 * bracket, the item at k (a character, `\x`, a range `a-z`, a class `[:alpha:]`) is followed by
 * the item at `next(k)`; a bracket whose items run off the end is a literal `[`. Scanning ahead
 * from every `[` made many unclosed `[` quadratic (the scan re-read the rest of the pattern for
 * each one).
 */
function bracketEnds(p: string): { next: (k: number) => number; closeAt: Int32Array } {
  const n = p.length;
  /** The first ":]" at or after k (-1: none). */
  const colonClose = new Int32Array(n + 2).fill(-1);
  for (let k = n - 2; k >= 0; k--)
    colonClose[k] = p[k] === ":" && p[k + 1] === "]" ? k : (colonClose[k + 1] ?? -1);
  const next = (k: number): number => {
    if (p[k] === "[" && p[k + 1] === ":") {
      const end = colonClose[k + 2] ?? -1;
      if (end > 0) return end + 2;
    }
    let j = k;
    if (p[j] === "\\" && j + 1 < n) j++;
    if (p[j + 1] === "-" && p[j + 2] !== undefined && p[j + 2] !== "]") return j + 3;
    return j + 1;
  };
  /** From an item at k that is not a bracket's first: where the bracket closes (-1: never). */
  const closeAt = new Int32Array(n + 1).fill(-1);
  for (let k = n - 1; k >= 0; k--) closeAt[k] = p[k] === "]" ? k : (closeAt[next(k)] ?? -1);
  return { next, closeAt };
}

function tokenize(p: string): Tok[] {
  const out: Tok[] = [];
  const brackets = p.includes("[") ? bracketEnds(p) : undefined;
  for (let i = 0; i < p.length; i++) {
    const c = p[i] ?? "";
    if (c === "\\" && i + 1 < p.length) {
      out.push(lit(p[++i] ?? ""));
    } else if (c === "*") {
      if (out[out.length - 1]?.k !== "star") out.push(STAR);
    } else if (c === "?") out.push(ANY);
    else if (c === "[" && brackets !== undefined) {
      let j = i + 1;
      let neg = false;
      if (p[j] === "!" || p[j] === "^") {
        neg = true;
        j++;
      }
      // the first item may be `]` itself; the bracket closes where its second item's walk does
      const close = j < p.length ? (brackets.closeAt[brackets.next(j)] ?? -1) : -1;
      if (close < 0) {
        out.push(lit("["));
        continue;
      }
      const tests: ((c: string) => boolean)[] = [];
      while (j < close) {
        const d = p[j] ?? "";
        const after = brackets.next(j);
        if (d === "[" && p[j + 1] === ":" && after > j + 2 && p[after - 1] === "]" && p[after - 2] === ":") {
          const fn = CLASSES[p.slice(j + 2, after - 2)];
          if (fn !== undefined) tests.push(fn);
        } else {
          const lo = d === "\\" && j + 1 < p.length ? (p[j + 1] ?? "") : d;
          if (after - j >= 3 && p[after - 2] === "-") {
            const hi = p[after - 1] ?? "";
            tests.push((x) => x >= lo && x <= hi);
          } else tests.push((x) => x === lo);
        }
        j = after;
      }
      out.push({ k: "class", neg, test: (x) => tests.some((t) => t(x)) });
      i = close;
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

/** Units of the line's budget (RegexCost, ~1.5 ns each) one visited state costs (~20–35 ns measured). */
const UNITS_PER_STATE = 24;
/** States a walk visits before it charges them (the charge comes before each batch). */
const CHARGE_EVERY = 4096;

/**
 * A pattern's tokens as a set-of-states matcher: state k means "tokens before k matched"; a
 * star state loops on any character and also stands at the state after it. A walk over text
 * of length n visits at most n × (tokens + 1) states — linear in the text for a given pattern.
 */
class Matcher {
  private readonly seen: Uint32Array;
  private cur: Int32Array;
  private nxt: Int32Array;
  private gen = 0;
  constructor(private readonly toks: Tok[]) {
    this.seen = new Uint32Array(toks.length + 1);
    this.cur = new Int32Array(toks.length + 1);
    this.nxt = new Int32Array(toks.length + 1);
  }

  /** Adds state k (and the states a star lets it stand at) to `list`; the new length. */
  private add(k: number, list: Int32Array, len: number): number {
    let n = len;
    let s = k;
    for (;;) {
      if (this.seen[s] === this.gen) return n;
      this.seen[s] = this.gen;
      list[n++] = s;
      if (this.toks[s]?.k !== "star") return n;
      s++;
    }
  }

  /**
   * Walks `text` from `from` (a UTF-16 offset), one code point at a time, and answers where the
   * first (`shortest`) or last match starting at `from` ends, or -1; the empty match at `from`
   * counts. The walk stops as soon as no state is left.
   */
  scan(text: string, from: number, shortest: boolean, cost: RegexCost | undefined): number {
    const m = this.toks.length;
    if (this.gen > 0xfffffff0) {
      this.seen.fill(0);
      this.gen = 0;
    }
    this.gen++;
    let len = this.add(0, this.cur, 0);
    let found = this.seen[m] === this.gen ? from : -1;
    if (found >= 0 && shortest) return found;
    let pending = 0;
    let i = from;
    while (i < text.length && len > 0) {
      const cp = text.codePointAt(i) ?? 0;
      const ch = cp > 0xffff ? String.fromCodePoint(cp) : (text[i] ?? "");
      i += ch.length;
      pending += len;
      if (pending >= CHARGE_EVERY) {
        cost?.charge(pending * UNITS_PER_STATE);
        pending = 0;
      }
      this.gen++;
      let n = 0;
      for (let q = 0; q < len; q++) {
        const k = this.cur[q] ?? 0;
        const t = this.toks[k];
        if (t === undefined) continue;
        if (t.k === "star") n = this.add(k, this.nxt, n);
        else if (one(t, ch)) n = this.add(k + 1, this.nxt, n);
      }
      [this.cur, this.nxt] = [this.nxt, this.cur];
      len = n;
      if (this.seen[m] === this.gen) {
        found = i;
        if (shortest) break;
      }
    }
    if (pending > 0) cost?.charge(pending * UNITS_PER_STATE);
    return found;
  }
}

/**
 * The last pattern read, forwards and backwards (`${v%pat}` walks the reversed value): a glob
 * tests one pattern against every entry of a directory, and reading it anew for each made a
 * 1 MiB pattern (`$X*` after X doubled) cost its length per entry — 36–74 s on one line of the
 * hostile run.
 */
let last: { pattern: string; toks: Tok[]; fwd: Matcher; rev?: Matcher } | undefined;

function compiled(pattern: string, cost: RegexCost | undefined): NonNullable<typeof last> {
  if (last?.pattern !== pattern) {
    cost?.charge(pattern.length * UNITS_PER_STATE);
    const toks = tokenize(pattern);
    last = { pattern, toks, fwd: new Matcher(toks) };
  }
  return last;
}

function reversed(pattern: string, cost: RegexCost | undefined): Matcher {
  const c = compiled(pattern, cost);
  c.rev ??= new Matcher([...c.toks].reverse());
  return c.rev;
}

const reverse = (s: string): string => [...s].reverse().join("");

/** Whether `text` matches the whole pattern; `cost`: the line's budget (Shell.regexCost). */
export function globMatch(pattern: string, text: string, cost?: RegexCost): boolean {
  return compiled(pattern, cost).fwd.scan(text, 0, false, cost) === text.length;
}

/** Whether an (escaped) pattern has an active wildcard. */
export function hasGlob(pattern: string): boolean {
  const lastClose = pattern.lastIndexOf("]");
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "*" || c === "?") return true;
    else if (c === "[" && lastClose >= i + 2) return true;
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
export function trimPattern(
  value: string,
  pattern: string,
  op: "#" | "##" | "%" | "%%",
  cost?: RegexCost,
): string {
  if (op === "#" || op === "##") {
    const end = compiled(pattern, cost).fwd.scan(value, 0, op === "#", cost);
    return end < 0 ? value : value.slice(end);
  }
  const len = reversed(pattern, cost).scan(reverse(value), 0, op === "%", cost);
  return len < 0 ? value : value.slice(0, value.length - len);
}

/** `${v/p/r}` and friends: the first (or every) longest match replaced. */
export function replacePattern(
  value: string,
  pattern: string,
  repl: string,
  mode: "/" | "//" | "/#" | "/%",
  cost?: RegexCost,
): string {
  if (pattern === "") return value;
  if (mode === "/#") {
    const end = compiled(pattern, cost).fwd.scan(value, 0, false, cost);
    return end < 0 ? value : repl + value.slice(end);
  }
  if (mode === "/%") {
    const len = reversed(pattern, cost).scan(reverse(value), 0, false, cost);
    return len < 0 ? value : value.slice(0, value.length - len) + repl;
  }
  const fwd = compiled(pattern, cost).fwd;
  let out = "";
  let i = 0;
  let replaced = false;
  while (i < value.length) {
    if (replaced && mode === "/") return out + value.slice(i);
    const end = fwd.scan(value, i, false, cost);
    if (end > i) {
      out += repl;
      i = end;
      replaced = true;
    } else {
      const cp = value.codePointAt(i) ?? 0;
      const n = cp > 0xffff ? 2 : 1;
      out += value.slice(i, i + n);
      i += n;
    }
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
