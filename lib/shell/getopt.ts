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
export function getopt(argv: string[], spec: OptionSpec): ParsedOptions | { error: string } {
  const list: [string, string | undefined][] = [];
  const operands: string[] = [];
  const long = spec.long ?? {};
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

/**
 * getopt plus the complaint: the options, or the status after printing glibc's words and
 * coreutils' `Try '… --help'` line (`usage` goes between them: grep prints its synopsis there).
 */
export function parseOrComplain(
  c: { argv: string[]; err: Sink },
  tool: string,
  spec: OptionSpec,
  status = 1,
  usage = "",
): ParsedOptions | number {
  const r = getopt(c.argv, spec);
  if ("error" in r) return usageError(c.err, tool, r.error, status, usage);
  return r;
}

/** coreutils' quoting of a user's word in messages under a UTF-8 locale. */
export const quoteArg = (s: string): string => `\u2018${s}\u2019`;
