/**
 * sed's script language (GNU sed's words): addresses (N, $, /re/, ranges, `!`), blocks `{ }`,
 * s///gpiN, y, p, P, d, D, n, N, q, Q, =, a/i/c, the hold space (h H g G x), labels and
 * branches (: b t T). Regexes go through re2js (lib/shell/regex.ts), so none can backtrack;
 * the work of one run is bounded by `budget` (branches can loop: `:a;ba`), and each regex's
 * compiling and matching by the line's budget.
 */
import { compilePosix, type RegexCost, RegexSyntaxError, type SafeRegex } from "./regex";

type Addr = { kind: "line"; n: number } | { kind: "last" } | { kind: "re"; re: SafeRegex };

export interface SedCmd {
  a1?: Addr;
  a2?: Addr;
  negate: boolean;
  name: string;
  re?: SafeRegex;
  repl?: string;
  global?: boolean;
  nth?: number;
  print?: boolean;
  text?: string;
  from?: string;
  to?: string;
  /** `b`/`t`/`T`/`:`: the label; `{`: index of the matching `}`. */
  label?: string;
  jump?: number;
  /** Range state: inside the range since this line. */
  active?: boolean;
}

export class SedError extends Error {
  /** sed's exit status: 1 for a bad script, 4 for what GNU sed calls a panic. */
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

/** `cost`: the line's budget, charged for compiling each regex and for every match it makes. */
export function parseSed(script: string, ere: boolean, exprNo: number, cost?: RegexCost): SedCmd[] {
  const cmds: SedCmd[] = [];
  const open: number[] = [];
  let i = 0;
  const fail = (msg: string): never => {
    throw new SedError(`sed: -e expression #${exprNo}, char ${Math.min(i + 1, script.length)}: ${msg}`);
  };
  const compile = (src: string, icase = false): SafeRegex => {
    try {
      return compilePosix(src, { extended: ere, capture: true, icase, cost, sed: true });
    } catch (e) {
      if (e instanceof RegexSyntaxError) fail(e.message);
      throw e;
    }
  };
  /** Reads up to the unescaped delimiter; `\delim` becomes delim, other escapes stay. */
  const until = (delim: string, what: string): string => {
    let out = "";
    while (i < script.length) {
      const ch = script[i] ?? "";
      if (ch === "\\" && i + 1 < script.length) {
        const n = script[i + 1] ?? "";
        out += n === delim ? n : n === "n" && delim !== "n" ? "\n" : `\\${n}`;
        i += 2;
        continue;
      }
      if (ch === delim) {
        i++;
        return out;
      }
      if (ch === "\n" && what !== "") fail(what);
      out += ch;
      i++;
    }
    return fail(what);
  };
  const addr = (): Addr | undefined => {
    const ch = script[i];
    if (ch === undefined) return undefined;
    if (/\d/.test(ch)) {
      const m = /^\d+/.exec(script.slice(i))?.[0] ?? "0";
      i += m.length;
      return { kind: "line", n: Number(m) };
    }
    if (ch === "$") {
      i++;
      return { kind: "last" };
    }
    if (ch === "/" || ch === "\\") {
      const delim = ch === "\\" ? (script[++i] ?? "/") : "/";
      i++;
      const src = until(delim, "unterminated address regex");
      return { kind: "re", re: compile(src) };
    }
    return undefined;
  };
  const label = (): string => {
    while (script[i] === " " || script[i] === "\t") i++;
    const m = /^[^;\n}]*/.exec(script.slice(i))?.[0] ?? "";
    i += m.length;
    return m.trim();
  };
  while (i < script.length) {
    while (i < script.length && /[\s;]/.test(script[i] ?? "")) i++;
    if (i >= script.length) break;
    const cmd: SedCmd = { negate: false, name: "" };
    cmd.a1 = addr();
    if (cmd.a1 !== undefined && script[i] === ",") {
      i++;
      cmd.a2 = addr();
      if (cmd.a2 === undefined) fail("unexpected `,'");
    }
    while (script[i] === " ") i++;
    if (script[i] === "!") {
      cmd.negate = true;
      i++;
      while (script[i] === " ") i++;
    }
    const name = script[i++];
    if (name === undefined) fail("missing command");
    cmd.name = name ?? "";
    switch (name) {
      case "s": {
        const delim = script[i++];
        if (delim === undefined || delim === "\n" || delim === "\\") fail("unterminated `s' command");
        const d = delim ?? "/";
        const pat = until(d, "unterminated `s' command");
        cmd.repl = until(d, "unterminated `s' command");
        let icase = false;
        while (i < script.length && !/[\s;}]/.test(script[i] ?? "")) {
          const f = script[i] ?? "";
          if (f === "g") cmd.global = true;
          else if (f === "p") cmd.print = true;
          else if (f === "i" || f === "I") icase = true;
          else if (/\d/.test(f)) {
            const m = /^\d+/.exec(script.slice(i))?.[0] ?? "1";
            cmd.nth = Number(m);
            if (cmd.nth === 0) fail("number option to `s' command may not be zero");
            i += m.length - 1;
          } else fail("unknown option to `s'");
          i++;
        }
        cmd.re = compile(pat, icase);
        break;
      }
      case "y": {
        const delim = script[i++] ?? "/";
        cmd.from = until(delim, "unterminated `y' command");
        cmd.to = until(delim, "unterminated `y' command");
        if ([...cmd.from].length !== [...cmd.to].length)
          fail("strings for `y' command are different lengths");
        break;
      }
      case "a":
      case "i":
      case "c": {
        // GNU: `a text`, `a\text`, or `a\` and the text on the next lines (a trailing \ continues)
        while (script[i] === " " || script[i] === "\t") i++;
        if (script[i] === "\\") i++;
        if (script[i] === "\n") i++;
        else while (script[i] === " " || script[i] === "\t") i++;
        let text = "";
        while (i < script.length && script[i] !== "\n") {
          if (script[i] === "\\" && i + 1 < script.length) {
            text += script[i + 1];
            i += 2;
          } else text += script[i++];
        }
        if (text === "" && i >= script.length && script[i - 1] !== "\n")
          fail("expected \\ after `a', `c' or `i'");
        cmd.text = text;
        break;
      }
      case ":": {
        if (cmd.a1 !== undefined) fail(": doesn't want any addresses");
        cmd.label = label();
        if (cmd.label === "") fail('":" lacks a label');
        break;
      }
      case "b":
      case "t":
      case "T":
        cmd.label = label();
        break;
      case "{":
        open.push(cmds.length);
        break;
      case "}": {
        if (cmd.a1 !== undefined) fail("} doesn't want any addresses");
        const at = open.pop();
        if (at === undefined) fail("unexpected `}'");
        const block = cmds[at ?? 0];
        if (block !== undefined) block.jump = cmds.length;
        break;
      }
      case "p":
      case "d":
      case "q":
      case "Q":
      case "=":
      case "P":
      case "D":
      case "h":
      case "H":
      case "g":
      case "G":
      case "x":
      case "n":
      case "N":
        break;
      case "#": {
        const end = script.indexOf("\n", i);
        i = end < 0 ? script.length : end;
        continue;
      }
      default:
        i--;
        fail(`unknown command: \`${name}'`);
    }
    cmds.push(cmd);
  }
  if (open.length > 0) throw new SedError(`sed: -e expression #${exprNo}, char 0: unmatched \`{'`);
  return cmds;
}

/** Resolves `b label` to indices; an unknown label is an error, as in GNU sed. */
export function linkSed(cmds: SedCmd[]): void {
  const labels = new Map<string, number>();
  cmds.forEach((c, k) => {
    if (c.name === ":" && c.label !== undefined) labels.set(c.label, k);
  });
  for (const c of cmds) {
    if ((c.name === "b" || c.name === "t" || c.name === "T") && c.label !== "" && c.label !== undefined) {
      const at = labels.get(c.label);
      if (at === undefined) throw new SedError(`sed: can't find label for jump to \`${c.label}'`, 4);
      c.jump = at;
    }
  }
}

function substitute(line: string, cmd: SedCmd): { text: string; changed: boolean } {
  const re = cmd.re;
  if (re === undefined) return { text: line, changed: false };
  let out = "";
  let pos = 0;
  let count = 0;
  let changed = false;
  while (pos <= line.length) {
    const m = re.exec(line, pos);
    if (m === undefined) break;
    count++;
    const nth = cmd.nth ?? 1;
    const want = cmd.global === true ? count >= nth : count === nth;
    out += line.slice(pos, m.start);
    if (want) {
      out += expandRepl(cmd.repl ?? "", m.groups);
      changed = true;
    } else out += line.slice(m.start, m.end);
    if (m.end === m.start) {
      out += line.slice(m.end, m.end + 1);
      pos = m.end + 1;
    } else pos = m.end;
    if (cmd.global !== true && changed) break;
  }
  if (pos <= line.length) out += line.slice(pos);
  return { text: out, changed };
}

function expandRepl(repl: string, groups: (string | undefined)[]): string {
  let out = "";
  for (let i = 0; i < repl.length; i++) {
    const ch = repl[i] ?? "";
    if (ch === "\\" && i + 1 < repl.length) {
      const n = repl[++i] ?? "";
      if (/\d/.test(n)) out += groups[Number(n)] ?? "";
      else if (n === "n") out += "\n";
      else if (n === "t") out += "\t";
      else out += n;
    } else if (ch === "&") out += groups[0] ?? "";
    else out += ch;
  }
  return out;
}

export interface SedLimits {
  /** Called with the cost of each command run; throws to stop (the line's budget). */
  work(cost: number): void;
  /** Bytes the pattern or hold space may hold. */
  spaceBytes: number;
}

/** Runs a parsed script over `data`, emitting what sed prints. */
export function runSed(
  cmds: SedCmd[],
  data: string,
  quiet: boolean,
  emit: (s: string) => void,
  limits: SedLimits,
): void {
  const lines = data === "" ? [] : data.split("\n");
  const trailingNewline = data.endsWith("\n");
  if (trailingNewline) lines.pop();
  let next = 0; // index of the next input line
  let n = 0; // lines read
  let hold = "";
  let ps = "";
  let missingNewline = false;
  const isLast = (): boolean => next >= lines.length;
  const read = (): boolean => {
    if (next >= lines.length) return false;
    ps = lines[next] ?? "";
    next++;
    n++;
    missingNewline = next === lines.length && !trailingNewline;
    return true;
  };
  const bounded = (s: string): string => {
    if (s.length > limits.spaceBytes)
      throw new SedError(`sed: pattern space over ${limits.spaceBytes / 1024} KiB`);
    return s;
  };
  /** h/H and g/G: copy one space over the other (lower case), or append it after a newline. */
  const transfer = (from: string, to: string, append: boolean): string =>
    append ? bounded(`${to}\n${from}`) : from;
  const out = (s: string, last = false): void => emit(last && missingNewline ? s : `${s}\n`);
  const matchAddr = (a: Addr): boolean =>
    a.kind === "line" ? a.n === n : a.kind === "last" ? isLast() : a.re.test(ps);
  const selected = (cmd: SedCmd): boolean => {
    let sel: boolean;
    if (cmd.a1 === undefined) sel = true;
    else if (cmd.a2 === undefined) sel = matchAddr(cmd.a1);
    else if (cmd.active === true) {
      sel = true;
      const a2 = cmd.a2;
      if (a2.kind === "line" ? n >= a2.n : matchAddr(a2)) cmd.active = false;
    } else if (matchAddr(cmd.a1)) {
      sel = true;
      const a2 = cmd.a2;
      cmd.active = !(a2.kind === "line" ? a2.n <= n : a2.kind === "last" ? isLast() : false);
    } else sel = false;
    return sel !== cmd.negate;
  };
  let restart = false; // `D` with a newline: the next cycle keeps the pattern space
  while (restart || read()) {
    restart = false;
    const after: string[] = [];
    const flushAfter = (): void => {
      for (const a of after.splice(0)) emit(a);
    };
    let substituted = false;
    let autoprint = !quiet;
    let quit = false;
    let pc = 0;
    while (pc < cmds.length) {
      const cmd = cmds[pc] as SedCmd;
      limits.work(1 + (cmd.re !== undefined || cmd.a1?.kind === "re" ? ps.length >> 10 : 0));
      pc++;
      if (cmd.name === "}" || cmd.name === ":") continue;
      if (!selected(cmd)) {
        if (cmd.name === "{") pc = (cmd.jump ?? pc) + 1;
        continue;
      }
      let endCycle = false;
      switch (cmd.name) {
        case "{":
          break;
        case "s": {
          const r = substitute(ps, cmd);
          ps = bounded(r.text);
          if (r.changed) {
            substituted = true;
            if (cmd.print === true) out(ps);
          }
          break;
        }
        case "y": {
          const from = [...(cmd.from ?? "")];
          const to = [...(cmd.to ?? "")];
          ps = [...ps].map((ch) => (from.includes(ch) ? (to[from.indexOf(ch)] ?? ch) : ch)).join("");
          break;
        }
        case "p":
          out(ps);
          break;
        case "P":
          out(ps.split("\n")[0] ?? "");
          break;
        case "=":
          emit(`${n}\n`);
          break;
        case "a":
          after.push(`${cmd.text ?? ""}\n`);
          break;
        case "i":
          emit(`${cmd.text ?? ""}\n`);
          break;
        case "c":
          if (cmd.a2 === undefined || cmd.active !== true) emit(`${cmd.text ?? ""}\n`);
          autoprint = false;
          endCycle = true;
          break;
        case "d":
          autoprint = false;
          endCycle = true;
          break;
        case "D": {
          const nl = ps.indexOf("\n");
          autoprint = false;
          endCycle = true;
          if (nl >= 0) {
            ps = ps.slice(nl + 1);
            restart = true;
          }
          break;
        }
        case "h":
        case "H":
          hold = transfer(ps, hold, cmd.name === "H");
          break;
        case "g":
        case "G":
          ps = transfer(hold, ps, cmd.name === "G");
          break;
        case "x":
          [ps, hold] = [hold, ps];
          break;
        case "n":
          if (isLast()) {
            // GNU: no next line: print and stop without running the rest
            quit = true;
            endCycle = true;
            break;
          }
          if (!quiet) out(ps);
          flushAfter();
          read();
          break;
        case "N":
          if (isLast()) {
            quit = true;
            endCycle = true;
            break;
          }
          flushAfter();
          {
            const prev = ps;
            read();
            ps = bounded(`${prev}\n${ps}`);
          }
          break;
        case "q":
          quit = true;
          endCycle = true;
          break;
        case "Q":
          quit = true;
          autoprint = false;
          endCycle = true;
          break;
        case "b":
          pc = cmd.jump ?? cmds.length;
          break;
        case "t":
        case "T":
          if (substituted === (cmd.name === "t")) pc = cmd.jump ?? cmds.length;
          substituted = false;
          break;
      }
      if (endCycle) break;
    }
    if (autoprint) out(ps, true);
    flushAfter();
    if (quit) return;
  }
}
