/** cat, grep, head, tail, wc, sort, uniq, cut, tr, tee, base64 and an awk subset, over strings. */
import { awk } from "./awk";
import { type Builtin, readOperand } from "./builtins";
import type { FsError } from "./fs";
import { parseOrComplain, quoteArg, usageError } from "./getopt";
import { fsErrorText } from "./interp";
import { compileFixed, compilePosix, RegexSyntaxError, type SafeRegex } from "./regex";

/** The lines of a text (records ended by `eol`: NUL for -z), the last one's ending optional. */
function lines(data: string, eol = "\n"): string[] {
  if (data === "") return [];
  const l = data.split(eol);
  if (l[l.length - 1] === "") l.pop();
  return l;
}

/** cat -v: control bytes as ^X, DEL as ^?, bytes over 127 as M- and the same again (tabs kept). */
function caretNotation(line: string): string {
  if (!/[^\t\x20-\x7e]/.test(line)) return line;
  let out = "";
  for (const b of new TextEncoder().encode(line)) {
    const low = b & 0x7f;
    const prefix = b > 127 ? "M-" : "";
    if (b === 9) out += "\t";
    else if (low < 32) out += `${prefix}^${String.fromCharCode(low + 64)}`;
    else if (low === 127) out += `${prefix}^?`;
    else out += prefix + String.fromCharCode(low);
  }
  return out;
}

const cat: Builtin = (c) => {
  const o = parseOrComplain(c, "cat", {
    short: "AbeEnstTuv",
    long: {
      "show-all": "A",
      "number-nonblank": "b",
      "show-ends": "E",
      number: "n",
      "squeeze-blank": "s",
      "show-tabs": "T",
      "show-nonprinting": "v",
    },
  });
  if (typeof o === "number") return o;
  const ends = o.has("A") || o.has("e") || o.has("E");
  const tabs = o.has("A") || o.has("t") || o.has("T");
  const visible = o.has("A") || o.has("e") || o.has("t") || o.has("v");
  const nonBlank = o.has("b");
  const number = nonBlank || o.has("n");
  const plain = !ends && !tabs && !number && !visible && !o.has("s");
  let n = 0;
  let prevBlank = false;
  let status = 0;
  for (const f of o.operands.length === 0 ? ["-"] : o.operands) {
    const r = readOperand(c, f);
    if (typeof r !== "string") {
      c.err(`cat: ${f}: ${fsErrorText(r.error)}\n`);
      status = 1;
      continue;
    }
    if (plain) {
      c.out(r);
      continue;
    }
    let out = "";
    const ls = r.split("\n");
    ls.forEach((l, k) => {
      const last = k === ls.length - 1;
      if (last && l === "") return;
      const blank = l === "";
      if (o.has("s") && blank && prevBlank) return;
      prevBlank = blank;
      let line = tabs ? l.replace(/\t/g, "^I") : l;
      if (visible) line = caretNotation(line);
      if (number && !(nonBlank && blank)) line = `${String(++n).padStart(6)}\t${line}`;
      out += last ? line : `${line}${ends ? "$" : ""}\n`;
    });
    c.out(out);
  }
  return status;
};

/** grep's synopsis, printed between its complaint and the `Try` line. */
const GREP_USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...\n";

const grep: Builtin = (c) => {
  // -NUM is --context=NUM
  const argv = c.argv.flatMap((a, k) => (k > 0 && /^-\d+$/.test(a) ? ["-C", a.slice(1)] : [a]));
  const o = parseOrComplain(
    { argv, out: c.out, err: c.err },
    "grep",
    {
      short: "EFGiyvwxclLnHhoqsm:e:f:A:B:C:rR",
      long: {
        "extended-regexp": "E",
        "fixed-strings": "F",
        "basic-regexp": "G",
        "ignore-case": "i",
        "no-ignore-case": "no-ignore-case",
        "invert-match": "v",
        "word-regexp": "w",
        "line-regexp": "x",
        count: "c",
        "files-with-matches": "l",
        "files-without-match": "L",
        "line-number": "n",
        "with-filename": "H",
        "no-filename": "h",
        "only-matching": "o",
        quiet: "q",
        silent: "q",
        "no-messages": "s",
        "max-count": "m:",
        regexp: "e:",
        file: "f:",
        "after-context": "A:",
        "before-context": "B:",
        context: "C:",
        recursive: "r",
        "dereference-recursive": "R",
        color: "color::",
        colour: "color::",
      },
    },
    2,
    GREP_USAGE,
  );
  if (typeof o === "number") return o;
  const operands = [...o.operands];
  // the patterns: every -e, every line of every -f file, else the first operand; a pattern with
  // newlines is one pattern per line
  const given: string[] = [];
  for (const [k, v = ""] of o.list) {
    if (k === "e") given.push(...v.split("\n"));
    else if (k === "f") {
      const text = readOperand(c, v);
      if (typeof text !== "string") {
        c.err(`grep: ${v}: ${fsErrorText(text.error)}\n`);
        return 2;
      }
      given.push(...lines(text));
    }
  }
  if (!o.has("e") && !o.has("f")) {
    const first = operands.shift();
    if (first === undefined) {
      c.err(`${GREP_USAGE}Try 'grep --help' for more information.\n`);
      return 2;
    }
    given.push(...first.split("\n"));
  }
  const pattern = given[0] ?? "";
  for (const k of ["A", "B", "C"]) {
    const v = o.get(k);
    if (v !== undefined && !/^\d+$/.test(v)) {
      c.err(`grep: ${v}: invalid context length argument\n`);
      return 2;
    }
  }
  const m = o.get("m");
  if (m !== undefined && !/^-?\d+$/.test(m)) {
    c.err("grep: invalid max count\n");
    return 2;
  }
  let re: SafeRegex;
  try {
    const icase = o.has("i") || o.has("y");
    const word = o.has("w");
    // compiling and matching are charged to the line's budget before they are done
    const cost = c.shell.regexCost(c.ctx);
    // -x: the whole line; a fixed string is matched as a basic regex with its specials escaped
    // several patterns: one alternation, each a group
    const fixed = o.has("F") && !o.has("x") && given.length === 1;
    const extended = o.has("E") && !o.has("F");
    const escaped = given.map((g) => (o.has("F") ? g.replace(/[\\.[\]*^$]/g, "\\$&") : g));
    const basic =
      escaped.length === 1
        ? (escaped[0] ?? "")
        : extended
          ? escaped.map((g) => `(${g})`).join("|")
          : escaped.map((g) => `\\(${g}\\)`).join("\\|");
    const p = o.has("x") ? (extended ? `^(${basic})$` : `^\\(${basic}\\)$`) : basic;
    re = fixed
      ? compileFixed(pattern, { icase, word, cost })
      : compilePosix(p, { extended, icase, word, cost });
  } catch (e) {
    if (!(e instanceof RegexSyntaxError)) throw e;
    c.err(`grep: ${e.message}\n`);
    return 2;
  }
  // --color: always, never, or (auto, and without the option, as Ubuntu's alias has it) on a terminal
  const when = o.list.filter(([k]) => k === "color").pop()?.[1] ?? "auto";
  const WHEN: Record<string, boolean> = {
    always: true,
    yes: true,
    force: true,
    never: false,
    no: false,
    none: false,
  };
  if (!["auto", "tty", "if-tty", ...Object.keys(WHEN)].includes(when)) {
    c.err(
      `grep: invalid argument ${quoteArg(when)} for ${quoteArg("--color")}\nValid arguments are:\n  - ${quoteArg("always")}, ${quoteArg("yes")}, ${quoteArg("force")}\n  - ${quoteArg("never")}, ${quoteArg("no")}, ${quoteArg("none")}\n  - ${quoteArg("auto")}, ${quoteArg("tty")}, ${quoteArg("if-tty")}\n${GREP_USAGE}Try 'grep --help' for more information.\n`,
    );
    return 2;
  }
  const colour = WHEN[when] ?? c.tty;
  const invert = o.has("v");
  const max = m !== undefined && Number(m) >= 0 ? Number(m) : Number.POSITIVE_INFINITY;
  const recursive = o.has("r") || o.has("R");
  // -r: each directory operand stands for the files under it (the working directory when none)
  const files: string[] = [];
  for (const f of operands.length === 0 ? [recursive ? "" : "-"] : operands) {
    if (!recursive || (f !== "" && !c.shell.fs.isDir(c.shell.resolve(f)))) {
      files.push(f);
      continue;
    }
    const walk = (shown: string, abs: string): void => {
      const names = c.shell.fs.list(abs);
      if (!Array.isArray(names)) return;
      for (const n of names) {
        const child = shown === "" ? n : shown.endsWith("/") ? `${shown}${n}` : `${shown}/${n}`;
        const full = abs === "/" ? `/${n}` : `${abs}/${n}`;
        if (c.shell.fs.isDir(full)) walk(child, full);
        else files.push(child);
      }
    };
    walk(f, c.shell.resolve(f === "" ? "." : f));
  }
  const named = o.has("h") ? false : o.has("H") || files.length > 1 || recursive;
  const contextOf = (k: string): number => Number(o.get(k) ?? o.get("C") ?? 0);
  const after = contextOf("A");
  const before = contextOf("B");
  const quietLines = o.has("q") || o.has("c") || o.has("l") || o.has("L");
  const context = !quietLines && !o.has("o") && (after > 0 || before > 0);
  let matched = 0;
  let failed = false;
  /** Whether anything was printed yet (the `--` between context groups goes only between). */
  let printedAny = false;
  for (const f of files) {
    const data = readOperand(c, f);
    if (typeof data !== "string") {
      if (!o.has("s")) c.err(`grep: ${f}: ${fsErrorText(data.error)}\n`);
      failed = true;
      continue;
    }
    const name = f === "-" ? "(standard input)" : f;
    let count = 0;
    const ls = lines(data);
    /** The last line printed (match or context) and how many after-context lines remain. */
    let lastShown = -1;
    let afterLeft = 0;
    const show = (n: number, sep: ":" | "-", text: string): void => {
      // a gap since the last line shown (or a new file) between groups of context
      if (context && printedAny && (lastShown < 0 || n > lastShown + 1)) c.out("--\n");
      c.out(`${named ? `${name}${sep}` : ""}${o.has("n") ? `${n + 1}${sep}` : ""}${text}\n`);
      lastShown = n;
      printedAny = true;
    };
    for (let n = 0; n < ls.length; n++) {
      const l = ls[n] ?? "";
      const hit = count < max && re.test(l) !== invert;
      if (!hit) {
        if (context && afterLeft > 0) {
          afterLeft--;
          show(n, "-", l);
        }
        if (count >= max && afterLeft === 0) break;
        continue;
      }
      count++;
      if (quietLines) continue;
      if (o.has("o") && !invert) {
        const prefix = `${named ? `${name}:` : ""}${o.has("n") ? `${n + 1}:` : ""}`;
        for (const mt of re.matches(l)) {
          if (mt.end > mt.start) c.out(`${prefix}${highlight(colour, l.slice(mt.start, mt.end))}\n`);
        }
        continue;
      }
      if (context) for (let k = Math.max(lastShown + 1, n - before); k < n; k++) show(k, "-", ls[k] ?? "");
      show(n, ":", colour && !invert ? re.replace(l, (s) => (s === "" ? s : highlight(colour, s)), true) : l);
      afterLeft = after;
    }
    matched += count;
    if (o.has("q") && matched > 0) return 0;
    if (o.has("c")) c.out(`${named ? `${name}:` : ""}${count}\n`);
    if (o.has("l") && count > 0) c.out(`${name}\n`);
    if (o.has("L") && count === 0) c.out(`${name}\n`);
  }
  if (failed) return 2;
  return matched > 0 ? 0 : 1;
};

function highlight(colour: boolean, s: string): string {
  return colour ? `\x1b[01;31m\x1b[K${s}\x1b[m\x1b[K` : s;
}

const SIZE_SUFFIX: Record<string, number> = { "": 1, b: 512, kB: 1000, K: 1024, k: 1024, KiB: 1024 };
for (const [i, l] of ["M", "G", "T", "P", "E"].entries()) {
  SIZE_SUFFIX[`${l}B`] = 1000 ** (i + 2);
  SIZE_SUFFIX[l] = 1024 ** (i + 2);
  SIZE_SUFFIX[`${l}iB`] = 1024 ** (i + 2);
}

/** A count as head and tail read it (`10`, `2k`, `1MiB`); undefined when it is not one. */
function parseCount(s: string): number | undefined {
  const m = /^(\d+)([A-Za-z]*)$/.exec(s);
  if (m === null) return undefined;
  const mult = SIZE_SUFFIX[m[2] ?? ""];
  return mult === undefined ? undefined : Number(m[1]) * mult;
}

function headTail(tool: "head" | "tail"): Builtin {
  return (c) => {
    // the old syntax, `head -5` / `tail -5` / `tail +5`, only as the first argument
    let argv = c.argv;
    const old = /^([-+])(\d+)([bcl]?)$/.exec(argv[1] ?? "");
    if (old !== null && (old[1] === "-" || tool === "tail") && argv[1] !== undefined) {
      const value = `${old[1] === "+" ? "+" : ""}${old[2]}`;
      argv = [tool, old[3] === "c" ? "-c" : "-n", value, ...argv.slice(2)];
    }
    const o = parseOrComplain(
      { argv, out: c.out, err: c.err },
      tool,
      tool === "head"
        ? {
            short: "c:n:qvz",
            long: { bytes: "c:", lines: "n:", quiet: "q", silent: "q", verbose: "v", "zero-terminated": "z" },
          }
        : {
            short: "c:n:fFqvs:z",
            long: {
              bytes: "c:",
              lines: "n:",
              follow: "f::",
              retry: "retry",
              pid: "pid:",
              "sleep-interval": "s:",
              "max-unchanged-stats": "max-unchanged-stats:",
              quiet: "q",
              silent: "q",
              verbose: "v",
              "zero-terminated": "z",
            },
          },
    );
    if (typeof o === "number") return o;
    // the last of -n and -c wins
    const last = [...o.list].reverse().find(([k]) => k === "n" || k === "c");
    const bytes = last?.[0] === "c";
    const spec = last?.[1] ?? "10";
    const sign = /^[-+]/.test(spec) ? (spec[0] ?? "") : "";
    const n = parseCount(spec.slice(sign.length));
    if (n === undefined) {
      c.err(`${tool}: invalid number of ${bytes ? "bytes" : "lines"}: ${quoteArg(spec)}\n`);
      return 1;
    }
    // head -n -N: all but the last N; tail -n +N: from the Nth on
    const eol = o.has("z") ? "\0" : "\n";
    const allBut = tool === "head" && sign === "-";
    const fromStart = tool === "tail" && sign === "+";
    const files = o.operands.length === 0 ? ["-"] : o.operands;
    const headers = o.has("v") || (files.length > 1 && !o.has("q"));
    let status = 0;
    let shown = 0;
    for (const f of files) {
      const data = readOperand(c, f);
      if (typeof data !== "string") {
        c.err(
          data.error === "EISDIR"
            ? `${tool}: error reading '${f}': Is a directory\n`
            : `${tool}: cannot open '${f}' for reading: ${fsErrorText(data.error)}\n`,
        );
        status = 1;
        continue;
      }
      if (headers) c.out(`${shown > 0 ? "\n" : ""}==> ${f === "-" ? "standard input" : f} <==\n`);
      shown++;
      if (bytes) {
        const b = new TextEncoder().encode(data);
        const part =
          tool === "head"
            ? b.subarray(0, allBut ? Math.max(0, b.length - n) : n)
            : fromStart
              ? b.subarray(Math.max(0, n - 1))
              : b.subarray(n === 0 ? b.length : Math.max(0, b.length - n));
        c.out(new TextDecoder().decode(part));
        continue;
      }
      const ls = lines(data, eol);
      let picked: string[];
      if (tool === "head") picked = allBut ? ls.slice(0, Math.max(0, ls.length - n)) : ls.slice(0, n);
      else picked = fromStart ? ls.slice(Math.max(0, n - 1)) : n === 0 ? [] : ls.slice(-n);
      const trailing = data.endsWith(eol) || picked[picked.length - 1] !== ls[ls.length - 1];
      c.out(picked.join(eol) + (picked.length > 0 && trailing ? eol : ""));
    }
    return status;
  };
}

const wc: Builtin = (c) => {
  const o = parseOrComplain(c, "wc", {
    short: "clLmw",
    long: { bytes: "c", chars: "m", lines: "l", "max-line-length": "L", words: "w" },
  });
  if (typeof o === "number") return o;
  type Col = "l" | "w" | "m" | "c" | "L";
  let which = (["l", "w", "m", "c", "L"] as Col[]).filter((f) => o.has(f));
  if (which.length === 0) which = ["l", "w", "c"];
  const files = o.operands.length === 0 ? ["-"] : o.operands;
  type Row = Record<Col, number> & { name: string; error?: FsError };
  const count = (name: string, data: string): Row => ({
    name,
    l: (data.match(/\n/g) ?? []).length,
    w: data.split(/\s+/).filter(Boolean).length,
    m: [...data].length,
    c: new TextEncoder().encode(data).length,
    L: Math.max(0, ...data.split("\n").map((l) => [...l.replace(/\t/g, "        ")].length)),
  });
  const rows: Row[] = [];
  for (const f of files) {
    const data = readOperand(c, f);
    if (typeof data === "string") rows.push(count(f === "-" && o.operands.length === 0 ? "" : f, data));
    else if (data.error === "EISDIR") rows.push({ ...count(f, ""), error: data.error });
    else rows.push({ ...count(f, ""), error: data.error, name: `\0${f}` });
  }
  const total: Row = { name: "total", l: 0, w: 0, m: 0, c: 0, L: 0 };
  for (const r of rows) {
    for (const k of ["l", "w", "m", "c"] as const) total[k] += r[k];
    total.L = Math.max(total.L, r.L);
  }
  // coreutils' width: the digits of the regular files' total size, 7 at least when one input is
  // not a regular file (stdin, a directory), 1 when one count of one file is shown
  const irregular = files.some((f) => f === "-" || c.shell.fs.isDir(c.shell.resolve(f)));
  const width =
    which.length === 1 && files.length === 1 ? 1 : Math.max(irregular ? 7 : 1, String(total.c).length);
  let status = 0;
  for (const r of rows) {
    if (r.error !== undefined) {
      c.err(`wc: ${r.name.replace(/^\0/, "")}: ${fsErrorText(r.error)}\n`);
      status = 1;
      if (r.name.startsWith("\0")) continue;
    }
    const cells = which.map((f) => String(r[f]).padStart(width));
    c.out(`${cells.join(" ")}${r.name !== "" ? ` ${r.name}` : ""}\n`);
  }
  if (files.length > 1) c.out(`${which.map((f) => String(total[f]).padStart(width)).join(" ")} total\n`);
  return status;
};

/** A sort key: fields and characters from 1, end 0 = to the end of its field (or line). */
interface SortKey {
  sf: number;
  sc: number;
  ef: number;
  ec: number;
  opts: string;
}

const SORT_KEY_OPTS = "bdfghiMnRrV";

/** Parses `-k F[.C][OPTS][,F[.C][OPTS]]`; a string is sort's complaint. */
function parseSortKey(spec: string): SortKey | string {
  let i = 0;
  const num = (what: string): number | string => {
    const m = /^\d+/.exec(spec.slice(i));
    if (m === null) return `invalid number ${what}: invalid count at start of ${quoteArg(spec.slice(i))}`;
    i += m[0].length;
    return Number(m[0]);
  };
  const opts = (): string => {
    const m = new RegExp(`^[${SORT_KEY_OPTS}]*`).exec(spec.slice(i))?.[0] ?? "";
    i += m.length;
    return m;
  };
  const sf = num("at field start");
  if (typeof sf === "string") return sf;
  if (sf === 0) return `field number is zero: invalid field specification ${quoteArg(spec)}`;
  let sc = 1;
  if (spec[i] === ".") {
    i++;
    const v = num("after '.'");
    if (typeof v === "string") return v;
    if (v === 0) return `character offset is zero: invalid field specification ${quoteArg(spec)}`;
    sc = v;
  }
  let o = opts();
  let ef = 0;
  let ec = 0;
  if (spec[i] === ",") {
    i++;
    const v = num("after ','");
    if (typeof v === "string") return v;
    if (v === 0) return `field number is zero: invalid field specification ${quoteArg(spec)}`;
    ef = v;
    if (spec[i] === ".") {
      i++;
      const w = num("after '.'");
      if (typeof w === "string") return w;
      ec = w;
    }
    o += opts();
  }
  if (i < spec.length) return `stray character in field spec: invalid field specification ${quoteArg(spec)}`;
  return { sf, sc, ef, ec, opts: o };
}

const HUMAN_SUFFIX = "KMGTPEZY";

/** The leading number of a key as -n reads it (blanks skipped; none is 0). */
function leadingNumber(s: string): number {
  const m = /^\s*(-?(\d+\.?\d*|\.\d+))/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

function humanNumber(s: string): [number, number] {
  const m = /^\s*(-?(\d+\.?\d*|\.\d+))([KMGTPEZYk]?)/.exec(s);
  if (m === null) return [0, 0];
  const v = Number(m[1]);
  const mag = m[3] === "" ? 0 : HUMAN_SUFFIX.indexOf((m[3] ?? "").toUpperCase()) + 1;
  return [Math.sign(v) * mag, v];
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/** sort -M: a month name's place (0 for what is not one, before JAN). */
function monthOf(s: string): number {
  return MONTHS.indexOf(s.trimStart().slice(0, 3).toUpperCase()) + 1;
}

/** sort -V: runs of digits compared as numbers, the rest as text (GNU's filevercmp, simplified). */
function versionCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let k = 0; k < Math.min(pa.length, pb.length); k++) {
    const x = pa[k] ?? "";
    const y = pb[k] ?? "";
    const d = /^\d/.test(x) && /^\d/.test(y) ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (d !== 0) return d;
  }
  return pa.length - pb.length;
}

/** A generator for sort -R when the session gives none: Park–Miller from the session's clock. */
function seededDraw(seed: number): () => number {
  let state = (Math.abs(Math.floor(seed)) % 0x7ffffffe) + 1;
  return () => {
    state = (state * 16807) % 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const sort: Builtin = (c) => {
  const o = parseOrComplain(
    c,
    "sort",
    {
      short: "bcCdfghik:mMno:rRsS:t:T:uVz",
      long: {
        "ignore-leading-blanks": "b",
        check: "c::",
        "dictionary-order": "d",
        "ignore-case": "f",
        "general-numeric-sort": "g",
        "human-numeric-sort": "h",
        "ignore-nonprinting": "i",
        key: "k:",
        merge: "m",
        "month-sort": "M",
        "numeric-sort": "n",
        output: "o:",
        reverse: "r",
        stable: "s",
        "buffer-size": "S:",
        "field-separator": "t:",
        "temporary-directory": "T:",
        unique: "u",
        "version-sort": "V",
        "random-sort": "R",
        "zero-terminated": "z",
      },
    },
    2,
  );
  if (typeof o === "number") return o;
  const fail = (msg: string): number => {
    c.err(`sort: ${msg}\n`);
    return 2;
  };
  const eol = o.has("z") ? "\0" : "\n";
  const sep = o.get("t");
  if (sep !== undefined && [...sep].length > 1 && sep !== "\\0")
    return fail(`multi-character tab ${quoteArg(sep)}`);
  if (sep === "") return fail("empty tab");
  const keys: SortKey[] = [];
  for (const [k, v] of o.list) {
    if (k !== "k") continue;
    const key = parseSortKey(v ?? "");
    if (typeof key === "string") return fail(key);
    keys.push(key);
  }
  const global = ["b", "d", "f", "g", "h", "i", "M", "n", "R", "r", "V"].filter((f) => o.has(f)).join("");
  // sort reads every input before it writes anything
  const all: string[] = [];
  for (const f of o.operands.length === 0 ? ["-"] : o.operands) {
    const data = readOperand(c, f);
    if (typeof data !== "string")
      return fail(
        data.error === "EISDIR"
          ? `read failed: ${f}: Is a directory`
          : `cannot read: ${f}: ${fsErrorText(data.error)}`,
      );
    all.push(...lines(data, eol));
  }
  /** Where each field of a line starts and ends (blanks belong to the field they precede). */
  const fields = (l: string): [number, number][] => {
    const out: [number, number][] = [];
    if (sep !== undefined) {
      let start = 0;
      for (;;) {
        const k = l.indexOf(sep, start);
        if (k < 0) {
          out.push([start, l.length]);
          return out;
        }
        out.push([start, k]);
        start = k + sep.length;
      }
    }
    const re = /\s*\S+/g;
    for (let m = re.exec(l); m !== null; m = re.exec(l)) out.push([m.index, m.index + m[0].length]);
    return out;
  };
  const extract = (l: string, key: SortKey, blanks: boolean): string => {
    const fs = fields(l);
    const sfield = fs[key.sf - 1];
    if (sfield === undefined) return "";
    let s = sfield[0];
    if (blanks) while (s < sfield[1] && /\s/.test(l[s] ?? "")) s++;
    s = Math.min(s + key.sc - 1, sfield[1]);
    let e = l.length;
    if (key.ef > 0) {
      const efield = fs[key.ef - 1];
      if (efield === undefined) e = l.length;
      else if (key.ec === 0) e = efield[1];
      else {
        let b = efield[0];
        if (blanks) while (b < efield[1] && /\s/.test(l[b] ?? "")) b++;
        e = Math.min(b + key.ec, efield[1]);
      }
    }
    return e > s ? l.slice(s, e) : "";
  };
  const compareBy = (a: string, b: string, opts: string): number => {
    let d = 0;
    if (opts.includes("R")) d = randomOf(a) - randomOf(b);
    else if (opts.includes("n") || opts.includes("g")) d = leadingNumber(a) - leadingNumber(b);
    else if (opts.includes("M")) d = monthOf(a) - monthOf(b);
    else if (opts.includes("V")) d = versionCompare(a, b);
    else if (opts.includes("h")) {
      const [ma, va] = humanNumber(a);
      const [mb, vb] = humanNumber(b);
      d = ma - mb || va - vb;
    } else {
      let x = opts.includes("b") ? a.replace(/^\s+/, "") : a;
      let y = opts.includes("b") ? b.replace(/^\s+/, "") : b;
      if (opts.includes("d")) {
        x = x.replace(/[^A-Za-z0-9\s]/g, "");
        y = y.replace(/[^A-Za-z0-9\s]/g, "");
      }
      if (opts.includes("f")) {
        x = x.toUpperCase();
        y = y.toUpperCase();
      }
      d = x < y ? -1 : x > y ? 1 : 0;
    }
    return opts.includes("r") ? -d : d;
  };
  // -R: each distinct key a random place (equal keys stay together), drawn from the session's
  // generator, never the host's
  const draw = c.shell.opts.random ?? seededDraw(c.shell.opts.clock.now());
  const places = new Map<string, number>();
  const randomOf = (k: string): number => {
    let v = places.get(k);
    if (v === undefined) {
      v = draw();
      places.set(k, v);
    }
    return v;
  };
  const effective = keys.map((k) => ({ key: k, opts: k.opts === "" ? global : k.opts }));
  const byKeys = (a: string, b: string): number => {
    if (effective.length === 0) return compareBy(a, b, global);
    for (const { key, opts } of effective) {
      const d = compareBy(extract(a, key, opts.includes("b")), extract(b, key, opts.includes("b")), opts);
      if (d !== 0) return d;
    }
    return 0;
  };
  const lastResort = !o.has("s") && !o.has("u");
  const cmp = (a: string, b: string): number => {
    const d = byKeys(a, b);
    if (d !== 0 || !lastResort) return d;
    const r = a < b ? -1 : a > b ? 1 : 0;
    return o.has("r") ? -r : r;
  };
  const check = o.list.find(([k]) => k === "c" || k === "C");
  if (check !== undefined) {
    const quiet = check[0] === "C" || check[1] === "quiet" || check[1] === "silent";
    for (let i = 1; i < all.length; i++) {
      const d = cmp(all[i - 1] ?? "", all[i] ?? "");
      if (d > 0 || (o.has("u") && d === 0)) {
        if (!quiet) c.err(`sort: ${o.operands[0] ?? "-"}:${i + 1}: disorder: ${all[i]}\n`);
        return 1;
      }
    }
    return 0;
  }
  let sorted = all
    .map((l, i) => ({ l, i }))
    .sort((x, y) => cmp(x.l, y.l) || x.i - y.i)
    .map((x) => x.l);
  if (o.has("u")) sorted = sorted.filter((l, i) => i === 0 || byKeys(sorted[i - 1] ?? "", l) !== 0);
  const text = sorted.map((l) => `${l}${eol}`).join("");
  const target = o.get("o");
  if (target !== undefined) {
    const e = c.shell.fs.write(c.shell.resolve(target), text, false);
    if (e !== undefined) return fail(`open failed: ${target}: ${fsErrorText(e)}`);
    return 0;
  }
  c.out(text);
  return 0;
};

const uniq: Builtin = (c) => {
  const o = parseOrComplain(c, "uniq", {
    short: "cdDf:is:uw:z",
    long: {
      count: "c",
      repeated: "d",
      "all-repeated": "D::",
      "skip-fields": "f:",
      "ignore-case": "i",
      "skip-chars": "s:",
      unique: "u",
      "check-chars": "w:",
      "zero-terminated": "z",
    },
  });
  if (typeof o === "number") return o;
  const extra = o.operands[2];
  if (extra !== undefined) return usageError(c.err, "uniq", `extra operand ${quoteArg(extra)}`);
  const numberOf = (k: string, what: string): number | string => {
    const v = o.get(k);
    if (v === undefined) return k === "w" ? Number.POSITIVE_INFINITY : 0;
    return /^\d+$/.test(v) ? Number(v) : `uniq: ${v}: invalid number of ${what}\n`;
  };
  const skipFields = numberOf("f", "fields to skip");
  const skipChars = numberOf("s", "bytes to skip");
  const checkChars = numberOf("w", "bytes to compare");
  for (const v of [skipFields, skipChars, checkChars]) {
    if (typeof v === "string") {
      c.err(v);
      return 1;
    }
  }
  const input = o.operands[0] ?? "-";
  const data = readOperand(c, input);
  if (typeof data !== "string") {
    c.err(
      data.error === "EISDIR"
        ? `uniq: error reading '${input}'\n`
        : `uniq: ${input}: ${fsErrorText(data.error)}\n`,
    );
    return 1;
  }
  const keyOf = (l: string): string => {
    let s = l;
    for (let k = 0; k < (skipFields as number); k++) s = s.replace(/^\s*\S+/, "");
    s = s.slice(skipChars as number).slice(0, checkChars as number);
    return o.has("i") ? s.toLowerCase() : s;
  };
  const groups: { line: string; key: string; all: string[] }[] = [];
  const eol = o.has("z") ? "\0" : "\n";
  for (const l of lines(data, eol)) {
    const last = groups[groups.length - 1];
    const key = keyOf(l);
    if (last !== undefined && last.key === key) last.all.push(l);
    else groups.push({ line: l, key, all: [l] });
  }
  let out = "";
  for (const g of groups) {
    if ((o.has("d") || o.has("D")) && g.all.length < 2) continue;
    if (o.has("u") && g.all.length > 1) continue;
    if (o.has("D")) out += g.all.map((l) => `${l}${eol}`).join("");
    else out += o.has("c") ? `${String(g.all.length).padStart(7)} ${g.line}${eol}` : `${g.line}${eol}`;
  }
  const target = o.operands[1];
  if (target !== undefined && target !== "-") {
    const e = c.shell.fs.write(c.shell.resolve(target), out, false);
    if (e !== undefined) {
      c.err(`uniq: ${target}: ${fsErrorText(e)}\n`);
      return 1;
    }
    return 0;
  }
  c.out(out);
  return 0;
};

/** cut's list (`1,3-5,7-`); a string is cut's complaint. */
function parseList(spec: string, fields: boolean): ((n: number) => boolean) | string {
  const ranges: [number, number][] = [];
  const zero = fields ? "fields are numbered from 1" : "byte/character positions are numbered from 1";
  for (const part of spec.split(/[,\s]/)) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (m === null || (m[1] === "" && m[3] === "" && m[2] === "-"))
      return fields
        ? `invalid field value ${quoteArg(part)}`
        : `invalid byte/character position ${quoteArg(part)}`;
    if (m[1] === "" && m[3] === "") return zero;
    const a = m[1] === "" ? 1 : Number(m[1]);
    const b = m[2] === "" ? a : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
    if (a === 0 || b === 0) return zero;
    if (b < a) return "invalid decreasing range";
    ranges.push([a, b]);
  }
  return (n) => ranges.some(([a, b]) => n >= a && n <= b);
}

const cut: Builtin = (c) => {
  const o = parseOrComplain(c, "cut", {
    short: "b:c:d:f:nsz",
    long: {
      bytes: "b:",
      characters: "c:",
      delimiter: "d:",
      fields: "f:",
      "only-delimited": "s",
      "output-delimiter": "output-delimiter:",
      complement: "complement",
      "zero-terminated": "z",
    },
  });
  if (typeof o === "number") return o;
  const lists = o.list.filter(([k]) => k === "b" || k === "c" || k === "f");
  const kinds = new Set(lists.map(([k]) => k));
  if (kinds.size > 1) return usageError(c.err, "cut", "only one list may be specified");
  const [kind, spec] = lists[lists.length - 1] ?? [];
  if (kind === undefined || spec === undefined)
    return usageError(c.err, "cut", "you must specify a list of bytes, characters, or fields");
  const onFields = kind === "f";
  if (!onFields && o.has("d"))
    return usageError(c.err, "cut", "an input delimiter may be specified only when operating on fields");
  if (!onFields && o.has("s"))
    return usageError(
      c.err,
      "cut",
      "suppressing non-delimited lines makes sense\n\tonly when operating on fields",
    );
  const listed = parseList(spec, onFields);
  if (typeof listed === "string") return usageError(c.err, "cut", listed);
  const pick = o.has("complement") ? (n: number) => !listed(n) : listed;
  const delim = o.get("d") ?? "\t";
  if ([...delim].length > 1) return usageError(c.err, "cut", "the delimiter must be a single character");
  const d = delim === "" ? "\n" : delim;
  const outDelim = o.get("output-delimiter") ?? d;
  const eol = o.has("z") ? "\0" : "\n";
  let status = 0;
  for (const f of o.operands.length === 0 ? ["-"] : o.operands) {
    const data = readOperand(c, f);
    if (typeof data !== "string") {
      c.err(`cut: ${f}: ${fsErrorText(data.error)}\n`);
      status = 1;
      continue;
    }
    let out = "";
    for (const l of lines(data, eol)) {
      if (!onFields) {
        const units = kind === "b" ? [...new TextEncoder().encode(l)] : [...l];
        const kept = units.filter((_, k) => pick(k + 1));
        out += `${kind === "b" ? new TextDecoder().decode(Uint8Array.from(kept as number[])) : (kept as string[]).join("")}${eol}`;
        continue;
      }
      if (!l.includes(d)) {
        if (!o.has("s")) out += `${l}${eol}`;
        continue;
      }
      out += `${l
        .split(d)
        .filter((_, k) => pick(k + 1))
        .join(outDelim)}${eol}`;
    }
    c.out(out);
  }
  return status;
};
const ASCII = Array.from({ length: 128 }, (_, k) => String.fromCharCode(k));

/** tr's character classes, in the C locale's order. */
const TR_CLASSES: Record<string, string[]> = {
  alnum: ASCII.filter((ch) => /[0-9A-Za-z]/.test(ch)),
  alpha: ASCII.filter((ch) => /[A-Za-z]/.test(ch)),
  blank: [" ", "\t"].sort(),
  cntrl: ASCII.filter((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127),
  digit: ASCII.filter((ch) => /[0-9]/.test(ch)),
  graph: ASCII.filter((ch) => ch.charCodeAt(0) > 32 && ch.charCodeAt(0) < 127),
  lower: ASCII.filter((ch) => /[a-z]/.test(ch)),
  print: ASCII.filter((ch) => ch.charCodeAt(0) >= 32 && ch.charCodeAt(0) < 127),
  punct: ASCII.filter((ch) => /[!-/:-@[-`{-~]/.test(ch)),
  space: ASCII.filter((ch) => /[\t\n\v\f\r ]/.test(ch)),
  upper: ASCII.filter((ch) => /[A-Z]/.test(ch)),
  xdigit: ASCII.filter((ch) => /[0-9A-Fa-f]/.test(ch)),
};

const TR_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

/** A tr set (`a-z`, `[:upper:]`, `\n`, `\101`) as the characters it stands for; a string is tr's complaint. */
function expandSet(s: string): string[] | string {
  // the set's characters, escapes read, each marked when it came from an escape
  const chars: { ch: string; escaped: boolean }[] = [];
  const src = [...s];
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] ?? "";
    if (ch !== "\\" || i === src.length - 1) {
      chars.push({ ch, escaped: false });
      continue;
    }
    const next = src[++i] ?? "";
    const octal = /^[0-7]{1,3}/.exec(src.slice(i, i + 3).join(""))?.[0];
    if (octal !== undefined) {
      chars.push({ ch: String.fromCharCode(Number.parseInt(octal, 8) & 0xff), escaped: true });
      i += octal.length - 1;
    } else chars.push({ ch: TR_ESCAPES[next] ?? next, escaped: true });
  }
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const a = chars[i] ?? { ch: "", escaped: false };
    if (a.ch === "[" && !a.escaped && chars[i + 1]?.ch === ":") {
      const rest = chars
        .slice(i + 2)
        .map((x) => x.ch)
        .join("");
      const m = /^([a-z]+):\]/.exec(rest);
      if (m !== null) {
        const cls = TR_CLASSES[m[1] ?? ""];
        if (cls === undefined) return `invalid character class ${quoteArg(m[1] ?? "")}`;
        out.push(...cls);
        i += 1 + (m[0]?.length ?? 0);
        continue;
      }
    }
    const b = chars[i + 2];
    if (chars[i + 1]?.ch === "-" && chars[i + 1]?.escaped === false && b !== undefined) {
      const from = a.ch.codePointAt(0) ?? 0;
      const to = b.ch.codePointAt(0) ?? 0;
      if (to < from) return `range-endpoints of '${a.ch}-${b.ch}' are in reverse collating sequence order`;
      for (let k = from; k <= to && out.length < 4096; k++) out.push(String.fromCodePoint(k));
      i += 2;
    } else out.push(a.ch);
  }
  return out;
}

const tr: Builtin = (c) => {
  const o = parseOrComplain(c, "tr", {
    short: "cCdst",
    long: { complement: "c", delete: "d", "squeeze-repeats": "s", "truncate-set1": "t" },
  });
  if (typeof o === "number") return o;
  const [a, b, extra] = o.operands;
  const del = o.has("d");
  const squeeze = o.has("s");
  const complement = o.has("c") || o.has("C");
  if (a === undefined || (b === undefined && !del && !squeeze)) {
    return usageError(
      c.err,
      "tr",
      a === undefined
        ? "missing operand"
        : `missing operand after ${quoteArg(a)}\nTwo strings must be given when ${squeeze ? "both deleting and squeezing repeats" : "translating"}.`,
    );
  }
  if (del && !squeeze && b !== undefined)
    return usageError(
      c.err,
      "tr",
      `extra operand ${quoteArg(b)}\nOnly one string may be given when deleting without squeezing repeats.`,
    );
  if (extra !== undefined) return usageError(c.err, "tr", `extra operand ${quoteArg(extra)}`);
  const fromSet = expandSet(a);
  const to = b === undefined ? [] : expandSet(b);
  for (const set of [fromSet, to]) {
    if (typeof set === "string") {
      c.err(`tr: ${set}\n`);
      return 1;
    }
  }
  if (typeof fromSet === "string" || typeof to === "string") return 1;
  const inFrom = (ch: string): boolean => fromSet.includes(ch) !== complement;
  const translating = !del && b !== undefined;
  let out = "";
  for (const ch of c.stdin) {
    if (!inFrom(ch)) out += ch;
    else if (translating)
      out += complement
        ? (to[to.length - 1] ?? "")
        : (to[Math.min(fromSet.indexOf(ch), to.length - 1)] ?? "");
    else if (!del) out += ch;
  }
  if (squeeze) {
    const squeezed = (ch: string): boolean =>
      b === undefined || (del && b !== undefined) ? (del ? to.includes(ch) : inFrom(ch)) : to.includes(ch);
    let sq = "";
    let prev = "";
    for (const ch of out) {
      if (ch === prev && squeezed(ch)) continue;
      sq += ch;
      prev = ch;
    }
    out = sq;
  }
  c.out(out);
  return 0;
};

const tee: Builtin = (c) => {
  const o = parseOrComplain(c, "tee", {
    short: "aip",
    long: { append: "a", "ignore-interrupts": "i", "output-error": "output-error::" },
  });
  if (typeof o === "number") return o;
  let status = 0;
  for (const f of o.operands) {
    const e = c.shell.fs.write(c.shell.resolve(f), c.stdin, o.has("a"));
    if (e !== undefined) {
      c.err(`tee: ${f}: ${fsErrorText(e)}\n`);
      status = 1;
    }
  }
  c.out(c.stdin);
  return status;
};

const base64: Builtin = (c) => {
  const o = parseOrComplain(c, "base64", {
    short: "diw:",
    long: { decode: "d", "ignore-garbage": "i", wrap: "w:" },
  });
  if (typeof o === "number") return o;
  const extra = o.operands[1];
  if (extra !== undefined) return usageError(c.err, "base64", `extra operand ${quoteArg(extra)}`);
  const w = o.get("w") ?? "76";
  if (!/^\d+$/.test(w)) {
    c.err(`base64: invalid wrap size: ${quoteArg(w)}\n`);
    return 1;
  }
  const file = o.operands[0] ?? "-";
  const data = readOperand(c, file);
  if (typeof data !== "string") {
    c.err(
      data.error === "EISDIR"
        ? "base64: read error: Is a directory\n"
        : `base64: ${file}: ${fsErrorText(data.error)}\n`,
    );
    return 1;
  }
  if (o.has("d")) {
    // GNU's decoder: group by group of four, what was decoded is written before a bad group or
    // a short last one is reported
    const clean = o.has("i") ? data.replace(/[^A-Za-z0-9+/=]/g, "") : data.replace(/\n/g, "");
    const bytes: number[] = [];
    let bad = false;
    for (let k = 0; k < clean.length && !bad; k += 4) {
      const quad = clean.slice(k, k + 4);
      const m = /^([A-Za-z0-9+/]{2,4})(=*)$/.exec(quad);
      if (m === null || (m[1] ?? "").length + (m[2] ?? "").length !== 4) {
        bad = true;
        // a short last group (`YQ`) still gives its whole bytes
        if (m !== null && k + 4 >= clean.length && (m[2] ?? "") === "") {
          const bin = atob((m[1] ?? "").padEnd(4, "="));
          for (const ch of bin) bytes.push(ch.charCodeAt(0));
        }
        break;
      }
      if ((m[2] ?? "") !== "" && k + 4 < clean.length && !/^[A-Za-z0-9+/]{2}/.test(clean.slice(k + 4)))
        bad = true;
      const bin = atob(quad);
      for (const ch of bin) bytes.push(ch.charCodeAt(0));
    }
    c.out(new TextDecoder().decode(Uint8Array.from(bytes)));
    if (bad) {
      c.err("base64: invalid input\n");
      return 1;
    }
    return 0;
  }
  const bytes = new TextEncoder().encode(data);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  const enc = btoa(bin);
  const wrap = Number(w);
  c.out(
    enc === "" || wrap === 0
      ? enc
      : wrap > 0
        ? `${enc.replace(new RegExp(`(.{${wrap}})`, "g"), "$1\n").replace(/\n$/, "")}\n`
        : `${enc}\n`,
  );
  return 0;
};

export const TEXT_UTILS: Record<string, Builtin> = {
  cat,
  grep,
  egrep: (c) => grep({ ...c, argv: ["grep", "-E", ...c.argv.slice(1)] }),
  head: headTail("head"),
  tail: headTail("tail"),
  wc,
  sort,
  uniq,
  cut,
  tr,
  tee,
  base64,
  awk,
};
