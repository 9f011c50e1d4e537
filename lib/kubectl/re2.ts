/**
 * RE2, Go's regular expressions (kubectl's JSONPath `=~`), on re2js's linear-time engine, and
 * what a regular expression costs. Every pattern a student can type — grep, sed, awk, bash's
 * `=~`, expr, jq, a JSONPath filter — is compiled here (lib/shell/regex.ts translates POSIX
 * syntax first) and charges its compiling and its matching to the calling line's budget through
 * one RegexCost, before the work is done (docs/adr/0036). It lives below lib/shell because
 * kubectl's JSONPath needs it too.
 */
import { RE2JS, RE2JSException } from "re2js";

export class RegexSyntaxError extends Error {}

export interface SafeRegex {
  test(s: string): boolean;
  /** Non-overlapping matches left to right, like a global JS RegExp (`matchAll`). */
  matches(s: string): { start: number; end: number }[];
  /** Replaces the first (or every, `global`) match by what `fn` returns for it. */
  replace(s: string, fn: (m: string) => string, global: boolean): string;
  /** Splits at every non-empty match (awk's FS as a regular expression). */
  split(s: string): string[];
  /**
   * The first match at or after `from` with its groups (index 0: the whole match) and where each
   * group starts (-1 when it took no part).
   */
  exec(
    s: string,
    from?: number,
  ): { start: number; end: number; groups: (string | undefined)[]; starts: number[] } | undefined;
}

/**
 * What a regular expression costs, for the line's budget (lib/shell/interp.ts `regexCost`). RE2's
 * linear time is linear in the text times the program: compiling costs about the pattern's
 * length, matching about the text's length times it (a 64 KiB pattern of classes took 11 s over
 * 100 KB, a 1 MiB literal 7–10 s to compile — one synchronous call each, found by the hostile
 * suite). `charge` is told the units before the work is done, so a line that cannot afford it
 * stops first.
 */
export interface RegexCost {
  charge(units: number): void;
}

/** Units that cost one step of the line's budget (about 25 µs of RE2 work). */
export const REGEX_UNITS_PER_STEP = 16 * 1024;
/** Compiling costs this many units per character of the pattern (≈ 1–4 µs each). */
export const COMPILE_UNITS_PER_CHAR = REGEX_UNITS_PER_STEP / 2;

/**
 * What scanning one character costs besides the program: re2js spends ~100 ns a character
 * whatever the pattern (a search for `a*b|a` over 40 KB: 4 ms, 40,000 × 69 units).
 */
const SCAN_UNITS_PER_CHAR = 64;

/**
 * Calls `visit` with the index of each character of an RE2 source that is neither escaped nor
 * inside a bracket class, until it returns true; whether one did.
 */
export function someOutsideClasses(src: string, visit: (i: number) => boolean): boolean {
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") i++;
    else if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") {
      inClass = true;
      if (src[i + 1] === "^") i++;
      if (src[i + 1] === "]") i++;
    } else if (visit(i)) return true;
  }
  return false;
}

/**
 * Whether a search with this RE2 source can scan far past the match it settles on: it has an
 * alternation or a quantified group (a class, an escape or a single character quantified
 * cannot: the preferred, greedier thread is the longer match).
 */
function mayRescan(src: string): boolean {
  return someOutsideClasses(
    src,
    (i) => src[i] === "|" || (src[i] === ")" && "*+?{".includes(src[i + 1] ?? "")),
  );
}

/** A RegexCost that charges whole steps to `steps` (a builtin's `c.shell.work(c.ctx, n)`). */
export function regexCost(steps: (n: number) => void): RegexCost {
  let pending = 0;
  return {
    charge(units) {
      pending += units;
      if (pending < REGEX_UNITS_PER_STEP) return;
      const n = Math.floor(pending / REGEX_UNITS_PER_STEP);
      pending -= n * REGEX_UNITS_PER_STEP;
      steps(n);
    },
  };
}

/** Compiles RE2 syntax (as kubectl's JSONPath `=~` and Go take it); throws RegexSyntaxError. */
export function compileRe2(
  src: string,
  opts: { icase?: boolean; cost?: RegexCost; compileCharged?: boolean } = {},
): SafeRegex {
  const cost = opts.cost;
  if (opts.compileCharged !== true) cost?.charge(src.length * COMPILE_UNITS_PER_CHAR);
  /**
   * A search of `s` from `from` costs the text it may scan times the program (the source's
   * length stands for it). A search may scan to the end of the text before it settles on a
   * match that ends early — a preferred alternative or quantified group that fails late
   * (`a*b|a` over a line of `a`s) — so N searches along one line can be N scans: 40 KB of `a`
   * took 80 s with one charge per line. Such a pattern pays every search in full. Any other
   * (no `|`, no quantified group) settles within its own length past the match, so searches
   * that go on along the same text pay that overlap only: `s/ /_/g` stays linear.
   */
  const rescans = mayRescan(src);
  const perChar = src.length + SCAN_UNITS_PER_CHAR;
  let along: { s: string; from: number } | undefined;
  const run = (s: string, from = 0): void => {
    if (!rescans && from > 0 && along !== undefined && along.s === s && from >= along.from) {
      cost?.charge((src.length + 1) * perChar);
    } else cost?.charge((Math.max(0, s.length - from) + 1) * perChar);
    along = { s, from };
  };
  let re: RE2JS;
  try {
    re = RE2JS.compile(src, opts.icase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (e) {
    if (e instanceof RE2JSException) throw new RegexSyntaxError(e.message);
    throw e;
  }
  /** The first `limit` matches left to right, each search charged before it runs. */
  const matches = (s: string, limit = Number.POSITIVE_INFINITY): { start: number; end: number }[] => {
    const found: { start: number; end: number }[] = [];
    const m = re.matcher(s);
    let from = 0;
    while (from <= s.length && found.length < limit) {
      run(s, from);
      if (!m.find(from)) break;
      const start = m.start();
      const end = m.end();
      found.push({ start, end });
      from = end > start ? end : end + 1;
    }
    return found;
  };
  const execAt = (
    s: string,
    from = 0,
  ): { start: number; end: number; groups: (string | undefined)[]; starts: number[] } | undefined => {
    run(s, from);
    const m = re.matcher(s);
    if (from > s.length || !m.find(from)) return undefined;
    const groups: (string | undefined)[] = [];
    const starts: number[] = [];
    for (let g = 0; g <= m.groupCount(); g++) {
      const text = m.group(g) ?? undefined;
      groups.push(text);
      starts.push(text === undefined ? -1 : m.start(g));
    }
    return { start: m.start(), end: m.end(), groups, starts };
  };
  return {
    test: (s) => {
      run(s);
      return re.test(s);
    },
    exec: execAt,
    matches: (s) => matches(s),
    replace(s, fn, global) {
      let out = "";
      let last = 0;
      for (const { start, end } of matches(s, global ? Number.POSITIVE_INFINITY : 1)) {
        out += s.slice(last, start) + fn(s.slice(start, end));
        last = end;
      }
      return out + s.slice(last);
    },
    split(s) {
      const parts: string[] = [];
      let last = 0;
      for (const { start, end } of matches(s)) {
        if (end === start) continue;
        parts.push(s.slice(last, start));
        last = end;
      }
      parts.push(s.slice(last));
      return parts;
    },
  };
}

/**
 * Patterns that are computed while a program runs (awk's `$1 ~ var`, a JSONPath filter over
 * every item, jq's `test` over every input), compiled once per distinct text for one run of the
 * program, a few kept: each compile is charged to `cost` once, each match every time.
 */
export function regexCache(
  compile: (src: string, cost: RegexCost | undefined) => SafeRegex,
  cost: RegexCost | undefined,
): (src: string) => SafeRegex {
  const cache = new Map<string, SafeRegex>();
  return (src) => {
    const hit = cache.get(src);
    if (hit !== undefined) return hit;
    const re = compile(src, cost);
    if (cache.size >= 64) cache.clear();
    cache.set(src, re);
    return re;
  };
}
