/**
 * Every pattern a student types (grep, awk) runs on RE2's linear-time engine (re2js, pure JS),
 * never on the backtracking `RegExp`: a 27-character pattern must not freeze the class
 * (ADR 0009). POSIX BRE/ERE is translated here into RE2 syntax with every literal escaped, so
 * grep users keep the semantics they expect (`\(\)` groups in BRE, `a{` literal in ERE,
 * `[]a]`, `[[:digit:]]`, a leading `*` literal in BRE, stacked quantifiers like `a+?` meaning
 * `(a+)?` and not a lazy `+`), and errors are worded like GNU grep's.
 */
import { RE2JS } from "re2js";
import {
  COMPILE_UNITS_PER_CHAR,
  compileRe2,
  type RegexCost,
  RegexSyntaxError,
  type SafeRegex,
} from "../kubectl/re2";

export {
  compileRe2,
  type RegexCost,
  RegexSyntaxError,
  regexCache,
  regexCost,
  type SafeRegex,
  someOutsideClasses,
} from "../kubectl/re2";

/** RE2's repeat limit; GNU allows 32767 and says "Regular expression too big" beyond. */
const MAX_REPEAT = 1000;

const POSIX_CLASSES = new Set([
  "alpha",
  "upper",
  "lower",
  "digit",
  "xdigit",
  "alnum",
  "space",
  "blank",
  "punct",
  "print",
  "graph",
  "cntrl",
]);

export interface PosixOptions {
  /** ERE (grep -E, awk) rather than BRE (grep). */
  extended: boolean;
  /** awk's escapes in regular expressions: `\n` `\t` `\r` `\/` `\"`. */
  awk?: boolean;
  /** GNU sed's escapes in regular expressions: `\n` `\t` `\r` `\f` `\v`. */
  sed?: boolean;
  /** Groups capture (sed's `\1`, bash's BASH_REMATCH); grep and awk need no captures. */
  capture?: boolean;
}

const RE2_SPECIAL = new Set([..."\\.+*?()|[]{}^$"]);
const lit = (ch: string): string => (RE2_SPECIAL.has(ch) ? `\\${ch}` : ch);
/** A character inside an RE2 class: `\`, `]`, `[`, `^`, `-` escaped. */
const classLit = (ch: string): string => ("\\]^-[".includes(ch) ? `\\${ch}` : ch);

/** Translates a POSIX BRE or ERE (with GNU's `\w \s \b \< \>` extensions) to RE2 syntax. */
export function posixToRe2(p: string, opts: PosixOptions): string {
  const ere = opts.extended;
  let out = "";
  /** Start offsets in `out` of the open groups. */
  const groups: number[] = [];
  let groupCount = 0;
  /** Offset in `out` of the last quantifiable atom, or -1 when there is none (start of a branch). */
  let atom = -1;
  /** Whether the last thing emitted was a quantifier (RE2 rejects `a**`; POSIX means `(a*)*`). */
  let quantified = false;
  /** At the start of the pattern, a group or a branch: where BRE's `^` is an anchor. */
  let opening = true;
  const chars = [...p];
  let i = 0;

  const emitAtom = (s: string): void => {
    opening = false;
    atom = out.length;
    out += s;
    quantified = false;
  };
  /** `(` in an ERE, `\(` in a BRE: a group opens (capturing only when asked). */
  const openGroup = (): void => {
    groups.push(out.length);
    groupCount++;
    out += opts.capture === true ? "(" : "(?:";
    opening = true;
    atom = -1;
    quantified = false;
  };
  /** The group that opened at `start` closes and is the atom a quantifier applies to. */
  const closeGroup = (start: number): void => {
    out += ")";
    opening = false;
    atom = start;
    quantified = false;
  };
  /** `|` (ERE) or `\|` (GNU BRE): an alternative starts. */
  const alternate = (): void => {
    out += "|";
    opening = true;
    atom = -1;
    quantified = false;
  };
  const quantify = (q: string): void => {
    if (atom < 0) return;
    if (quantified) out = `${out.slice(0, atom)}(?:${out.slice(atom)})`;
    out += q;
    opening = false;
    quantified = true;
  };
  const atBranchStart = (): boolean => atom < 0;

  /** Parses `m}`, `m,}`, `,n}`, `m,n}` (BRE: ending in `\}`) from chars[i]; null if not one. */
  const interval = (): { text: string; next: number } | null => {
    let j = i;
    let body = "";
    while (j < chars.length && /[0-9,]/.test(chars[j] ?? "")) body += chars[j++];
    const close = ere ? chars[j] === "}" : chars[j] === "\\" && chars[j + 1] === "}";
    if (!close) return null;
    const m = /^(\d*)(,?)(\d*)$/.exec(body);
    if (m === null || (m[1] === "" && m[2] === "")) return null;
    const lo = m[1] === "" ? 0 : Number(m[1]);
    const hi = m[3] === "" ? undefined : Number(m[3]);
    if (hi !== undefined && hi < lo) throw new RegexSyntaxError("Invalid content of \\{\\}");
    if (lo > MAX_REPEAT || (hi ?? 0) > MAX_REPEAT) throw new RegexSyntaxError("Regular expression too big");
    const text = m[2] === "" ? `{${lo}}` : hi === undefined ? `{${lo},}` : `{${lo},${hi}}`;
    return { text, next: j + (ere ? 1 : 2) };
  };

  const bracket = (): void => {
    // chars[i] is "["
    let j = i + 1;
    let negate = false;
    if (chars[j] === "^") {
      negate = true;
      j++;
    }
    const items: string[] = [];
    let first = true;
    let prev: string | undefined;
    const unmatched = (): never => {
      throw new RegexSyntaxError("Unmatched [, [^, [:, [., or [=");
    };
    for (;;) {
      const ch = chars[j];
      if (ch === undefined) unmatched();
      if (ch === "]" && !first) break;
      first = false;
      if (ch === "[" && (chars[j + 1] === ":" || chars[j + 1] === "=" || chars[j + 1] === ".")) {
        const kind = chars[j + 1] as string;
        let k = j + 2;
        let name = "";
        while (k < chars.length && !(chars[k] === kind && chars[k + 1] === "]")) name += chars[k++];
        if (k >= chars.length) unmatched();
        j = k + 2;
        if (kind === ":") {
          if (!POSIX_CLASSES.has(name)) throw new RegexSyntaxError("Invalid character class name");
          items.push(`[:${name}:]`);
          prev = undefined;
        } else {
          if ([...name].length !== 1) throw new RegexSyntaxError("Invalid collation character");
          items.push(classLit(name));
          prev = name;
        }
        continue;
      }
      if (ch === "-" && prev !== undefined && chars[j + 1] !== "]" && chars[j + 1] !== undefined) {
        let end = chars[j + 1] as string;
        let skip = 2;
        if (end === "[" && chars[j + 2] === ".") {
          const close = chars.indexOf(".", j + 3);
          end = chars.slice(j + 3, close).join("");
          skip = close + 2 - j;
        }
        if ((end.codePointAt(0) ?? 0) < (prev.codePointAt(0) ?? 0))
          throw new RegexSyntaxError("Invalid range end");
        items.push(`-${classLit(end)}`);
        prev = undefined;
        j += skip;
        continue;
      }
      items.push(classLit(ch as string));
      prev = ch;
      j++;
    }
    const body = items.join("");
    if (/^:.*:$/s.test(chars.slice(i + 1, j).join(""))) {
      throw new RegexSyntaxError("character class syntax is [[:space:]], not [:space:]");
    }
    i = j + 1;
    emitAtom(`[${negate ? "^" : ""}${body}]`);
  };

  while (i < chars.length) {
    const ch = chars[i] as string;
    if (ch === "\\") {
      const n = chars[i + 1];
      if (n === undefined) throw new RegexSyntaxError("Trailing backslash");
      i += 2;
      if (!ere && n === "(") openGroup();
      else if (!ere && n === ")") {
        const start = groups.pop();
        if (start === undefined) throw new RegexSyntaxError("Unmatched ) or \\)");
        closeGroup(start);
      } else if (!ere && n === "|") alternate();
      else if (!ere && n === "{") {
        const iv = interval();
        if (iv === null) {
          throw new RegexSyntaxError(
            chars.slice(i).some((c, k) => c === "\\" && chars[i + k + 1] === "}")
              ? "Invalid content of \\{\\}"
              : "Unmatched \\{",
          );
        }
        if (atBranchStart()) throw new RegexSyntaxError("Invalid preceding regular expression");
        quantify(iv.text);
        i = iv.next;
      } else if (!ere && (n === "+" || n === "?")) {
        if (atBranchStart()) emitAtom(lit(n));
        else quantify(n);
      } else if (/[1-9]/.test(n)) {
        throw new RegexSyntaxError(
          Number(n) <= groupCount
            ? "back-references (\\1 … \\9) are not supported"
            : "Invalid back reference",
        );
      } else if (n === "w" || n === "W" || n === "s" || n === "S") emitAtom(`\\${n}`);
      else if (n === "b" || n === "B" || n === "<" || n === ">") {
        out += n === "B" ? "\\B" : "\\b";
        quantified = false;
      } else if (n === "`") out += "\\A";
      else if (n === "'") out += "\\z";
      else if ((opts.awk || opts.sed) && n === "n") emitAtom("\\n");
      else if ((opts.awk || opts.sed) && n === "t") emitAtom("\\t");
      else if ((opts.awk || opts.sed) && n === "r") emitAtom("\\r");
      else if (opts.sed && n === "f") emitAtom("\\f");
      else if (opts.sed && n === "v") emitAtom("\\v");
      else emitAtom(lit(n));
      continue;
    }
    if (ch === "[") {
      bracket();
      continue;
    }
    if (ch === ".") {
      emitAtom(".");
      i++;
      continue;
    }
    if (ch === "*") {
      i++;
      if (atBranchStart()) {
        // BRE: a leading `*` is literal; GNU ERE ignores it (with a warning).
        if (!ere) emitAtom("\\*");
      } else quantify("*");
      continue;
    }
    if (ch === "^") {
      i++;
      if (ere || opening) {
        out += "^";
        opening = false;
        atom = -1;
        quantified = false;
      } else emitAtom("\\^");
      continue;
    }
    if (ch === "$") {
      i++;
      const next = chars[i];
      const atEnd =
        next === undefined || (!ere && next === "\\" && (chars[i + 1] === ")" || chars[i + 1] === "|"));
      if (ere || atEnd) {
        out += "$";
        quantified = false;
      } else emitAtom("\\$");
      continue;
    }
    if (ere) {
      if (ch === "(") {
        i++;
        openGroup();
        continue;
      }
      if (ch === ")") {
        i++;
        const start = groups.pop();
        if (start === undefined) emitAtom("\\)");
        else closeGroup(start);
        continue;
      }
      if (ch === "|") {
        i++;
        alternate();
        continue;
      }
      if (ch === "+" || ch === "?") {
        i++;
        if (!atBranchStart()) quantify(ch);
        continue;
      }
      if (ch === "{") {
        i++;
        const iv = atBranchStart() ? null : interval();
        if (iv === null) emitAtom("\\{");
        else {
          quantify(iv.text);
          i = iv.next;
        }
        continue;
      }
    }
    emitAtom(lit(ch));
    i++;
  }
  if (groups.length > 0) throw new RegexSyntaxError("Unmatched ( or \\(");
  return out;
}

/** A POSIX BRE/ERE as grep and awk read it, on the linear-time engine. */
export function compilePosix(
  pattern: string,
  opts: PosixOptions & { icase?: boolean; word?: boolean; cost?: RegexCost },
): SafeRegex {
  // charged before the translation, which is itself linear work over the pattern
  opts.cost?.charge(pattern.length * COMPILE_UNITS_PER_CHAR);
  let src = posixToRe2(pattern, opts);
  if (opts.word) src = `\\b(?:${src})\\b`;
  return compileRe2(src, { icase: opts.icase, cost: opts.cost, compileCharged: true });
}

/** grep -F: the pattern is a fixed string. */
export function compileFixed(
  pattern: string,
  opts: { icase?: boolean; word?: boolean; cost?: RegexCost },
): SafeRegex {
  opts.cost?.charge(pattern.length * COMPILE_UNITS_PER_CHAR);
  let src = RE2JS.quote(pattern);
  if (opts.word) src = `\\b(?:${src})\\b`;
  return compileRe2(src, { icase: opts.icase, cost: opts.cost, compileCharged: true });
}
