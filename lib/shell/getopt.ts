/**
 * GNU getopt_long for the simulated tools: short options (bundled, with their argument attached
 * or in the next word), long options (`--name=value` or `--name value`, any unambiguous prefix),
 * options after operands (GNU permutes them), `--` ending options, and glibc's words when the
 * command line is wrong — so `cat --bogus`, `head -n` and `cut -Z` fail as they do on a real
 * Debian/Ubuntu machine instead of being silently accepted.
 */
import type { Sink } from "./interp";

export interface OptionSpec {
  /** getopt's optstring: a letter, `x:` when it takes an argument, `x::` when it may. */
  short: string;
  /**
   * Long options: name → the key it sets (a short letter or any word), followed by `:` when it
   * takes an argument and `::` when it may (`lines: "n:"`, `quiet: "q"`, `color: "color::"`).
   */
  long?: Record<string, string>;
  /** Words such as `-5` or `+5` that the tool reads itself (head/tail's old syntax) stay operands. */
  numbersAreOperands?: boolean;
  /** Stop at the first operand (xargs, whose command's options are the command's). */
  stopAtOperand?: boolean;
  /**
   * Options the real tool has that this workstation does not simulate: short letter → long name
   * ("" when none). They fail with a sentence that says so, not as unknown options, and are never
   * silently ignored.
   */
  unsupported?: Record<string, string>;
}

export interface ParsedOptions {
  /** Every option in order: [key, value] (value undefined when the option has none). */
  list: [string, string | undefined][];
  operands: string[];
  has(key: string): boolean;
  /** The last value given for the key. */
  get(key: string): string | undefined;
}

type Arg = "none" | "required" | "optional";

function parseSpec(s: string): { key: string; arg: Arg } {
  if (s.endsWith("::")) return { key: s.slice(0, -2), arg: "optional" };
  if (s.endsWith(":")) return { key: s.slice(0, -1), arg: "required" };
  return { key: s, arg: "none" };
}

function shortArg(short: string, ch: string): Arg | undefined {
  if (ch === ":") return undefined;
  const k = short.indexOf(ch);
  if (k < 0) return undefined;
  if (short[k + 1] !== ":") return "none";
  return short[k + 2] === ":" ? "optional" : "required";
}

/** Parses argv[1..]; returns the options, or the complaint glibc would print (without `tool: `). */
export function getopt(
  argv: string[],
  spec: OptionSpec,
): ParsedOptions | { error: string; unsupported?: boolean } | { special: "help" | "version" } {
  const list: [string, string | undefined][] = [];
  const operands: string[] = [];
  const unsupported = spec.unsupported ?? {};
  // every GNU tool takes --help and --version (getopt_long finds them by prefix like the rest)
  const long: Record<string, string> = { ...spec.long };
  long.help ??= "\0help";
  long.version ??= "\0version";
  for (const [letter, name] of Object.entries(unsupported)) if (name !== "") long[name] = `\0${letter}`;
  const notHere = (word: string) => ({
    error: `option '${word}' is not available on this workstation`,
    unsupported: true,
  });
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      let entry = Object.hasOwn(long, name) ? parseSpec(long[name] ?? "") : undefined;
      let full = name;
      if (entry === undefined) {
        const cands = Object.keys(long).filter((n) => n.startsWith(name));
        const distinct = new Set(cands.map((n) => long[n]));
        if (cands.length === 0) return { error: `unrecognized option '${eq < 0 ? a : a.slice(0, eq)}'` };
        if (distinct.size > 1)
          return {
            error: `option '${eq < 0 ? a : a.slice(0, eq)}' is ambiguous; possibilities:${cands.map((n) => ` '--${n}'`).join("")}`,
          };
        full = cands[0] ?? name;
        entry = parseSpec(long[full] ?? "");
      }
      if (entry.key === "\0help" || entry.key === "\0version")
        return { special: entry.key === "\0help" ? "help" : "version" };
      if (entry.key.startsWith("\0")) return notHere(`--${full}`);
      if (entry.arg === "none") {
        if (eq >= 0) return { error: `option '--${full}' doesn't allow an argument` };
        list.push([entry.key, undefined]);
      } else if (eq >= 0) list.push([entry.key, a.slice(eq + 1)]);
      else if (entry.arg === "optional") list.push([entry.key, undefined]);
      else {
        const v = argv[i + 1];
        if (v === undefined) return { error: `option '--${full}' requires an argument` };
        list.push([entry.key, v]);
        i++;
      }
      continue;
    }
    const oldNumber = spec.numbersAreOperands === true && /^[-+]\d/.test(a);
    if (a.startsWith("-") && a.length > 1 && !oldNumber) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j] ?? "";
        if (Object.hasOwn(unsupported, ch)) return notHere(`-${ch}`);
        const arg = shortArg(spec.short, ch);
        if (arg === undefined) return { error: `invalid option -- '${ch}'` };
        if (arg === "none") {
          list.push([ch, undefined]);
          continue;
        }
        const rest = a.slice(j + 1);
        if (rest !== "" || arg === "optional") list.push([ch, rest === "" ? undefined : rest]);
        else {
          const v = argv[i + 1];
          if (v === undefined) return { error: `option requires an argument -- '${ch}'` };
          list.push([ch, v]);
          i++;
        }
        break;
      }
      continue;
    }
    if (spec.stopAtOperand === true) {
      operands.push(...argv.slice(i));
      break;
    }
    operands.push(a);
  }
  return {
    list,
    operands,
    has: (k) => list.some(([key]) => key === k),
    get: (k) => {
      for (let n = list.length - 1; n >= 0; n--) if (list[n]?.[0] === k) return list[n]?.[1];
      return undefined;
    },
  };
}

/** coreutils' complaint about how a command was called: the problem, then where help is. */
export function usageError(err: Sink, tool: string, problem: string, status = 1, usage = ""): number {
  err(`${tool}: ${problem}\n${usage}Try '${tool} --help' for more information.\n`);
  return status;
}

/** The first lines of each tool's `--help`, as GNU prints them. */
const SYNOPSES: Record<string, string> = {
  base64: "base64 [OPTION]... [FILE]",
  basename: "basename NAME [SUFFIX]\n  or:  basename OPTION... NAME...",
  cp: "cp [OPTION]... [-T] SOURCE DEST\n  or:  cp [OPTION]... SOURCE... DIRECTORY\n  or:  cp [OPTION]... -t DIRECTORY SOURCE...",
  cut: "cut OPTION... [FILE]...",
  date: "date [OPTION]... [+FORMAT]",
  diff: "diff [OPTION]... FILES",
  dirname: "dirname [OPTION] NAME...",
  grep: "grep [OPTION]... PATTERNS [FILE]...",
  mkdir: "mkdir [OPTION]... DIRECTORY...",
  mv: "mv [OPTION]... [-T] SOURCE DEST\n  or:  mv [OPTION]... SOURCE... DIRECTORY\n  or:  mv [OPTION]... -t DIRECTORY SOURCE...",
  printenv: "printenv [OPTION]... [VARIABLE]...",
  rev: "rev [options] [file ...]",
  rmdir: "rmdir [OPTION]... DIRECTORY...",
  seq: "seq [OPTION]... LAST\n  or:  seq [OPTION]... FIRST LAST\n  or:  seq [OPTION]... FIRST INCREMENT LAST",
  sleep: "sleep NUMBER[SUFFIX]...",
  touch: "touch [OPTION]... FILE...",
  tr: "tr [OPTION]... STRING1 [STRING2]",
  uname: "uname [OPTION]...",
  uniq: "uniq [OPTION]... [INPUT [OUTPUT]]",
  whoami: "whoami [OPTION]...",
  xargs: "xargs [OPTION]... COMMAND [INITIAL-ARGS]...",
  yes: "yes [STRING]...",
};

/**
 * The package each tool comes from, for `--version`: Debian 12's, the release the bash
 * differential's oracle runs (coreutils 9.1 for the rest), with the year of its copyright.
 */
const PACKAGES: Record<string, [string, number]> = {
  grep: ["(GNU grep) 3.8", 2022],
  sed: ["(GNU sed) 4.9", 2022],
  xargs: ["(GNU findutils) 4.9.0", 2022],
  find: ["(GNU findutils) 4.9.0", 2022],
  diff: ["(GNU diffutils) 3.8", 2021],
};

/**
 * `--help`: the synopsis, then the options this workstation's tool understands, each with its
 * long names — generated from the same table the parser reads, so it cannot promise more.
 */
export function helpText(tool: string, spec: OptionSpec): string {
  const long = Object.entries(spec.long ?? {});
  const rows: string[] = [];
  const shown = new Set<string>();
  for (const m of spec.short.matchAll(/([^:])(:{0,2})/g)) {
    const ch = m[1] ?? "";
    const names = long.filter(([, v]) => parseSpec(v).key === ch).map(([n]) => n);
    for (const n of names) shown.add(n);
    const arg = m[2] === ":" ? " ARG" : m[2] === "::" ? "[ARG]" : "";
    rows.push(
      `  -${ch}${arg}${names.map((n) => `, --${n}${arg === "" ? "" : m[2] === ":" ? "=ARG" : "[=ARG]"}`).join("")}`,
    );
  }
  for (const [n, v] of long) {
    if (shown.has(n)) continue;
    const { arg } = parseSpec(v);
    rows.push(`      --${n}${arg === "required" ? "=ARG" : arg === "optional" ? "[=ARG]" : ""}`);
  }
  rows.push(
    "      --help     display this help and exit",
    "      --version  output version information and exit",
  );
  return `Usage: ${SYNOPSES[tool] ?? `${tool} [OPTION]... [FILE]...`}\nThe options this workstation's ${tool} understands:\n${rows.join("\n")}\n`;
}

/** `--version`: the tool, its package and release, and the GNU licence lines. */
export function versionText(tool: string): string {
  if (tool === "rev") return "rev from util-linux 2.38.1\n";
  const [pkg, year] = PACKAGES[tool] ?? ["(GNU coreutils) 9.1", 2022];
  return `${tool} ${pkg}\nCopyright (C) ${year} Free Software Foundation, Inc.\nLicense GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\nThis is free software: you are free to change and redistribute it.\nThere is NO WARRANTY, to the extent permitted by law.\n`;
}

/**
 * getopt plus the complaint: the options, or the status after printing glibc's words and
 * coreutils' `Try '… --help'` line (`usage` goes between them: grep prints its synopsis there).
 * `--help` and `--version` are answered here (status 0).
 */
export function parseOrComplain(
  c: { argv: string[]; err: Sink; out: Sink },
  tool: string,
  spec: OptionSpec,
  status = 1,
  usage = "",
): ParsedOptions | number {
  const r = getopt(c.argv, spec);
  if ("special" in r) {
    c.out(r.special === "help" ? helpText(tool, spec) : versionText(tool));
    return 0;
  }
  if ("error" in r && r.unsupported === true) {
    c.err(`${tool}: ${r.error}\n`);
    return status;
  }
  if ("error" in r) return usageError(c.err, tool, r.error, status, usage);
  return r;
}

/** coreutils' quoting of a user's word in messages under a UTF-8 locale. */
export const quoteArg = (s: string): string => `\u2018${s}\u2019`;
