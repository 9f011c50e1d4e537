/** cat, grep, head, tail, wc, sort, uniq, cut, tr, tee, base64 and an awk subset, over strings. */
import { awk } from "./awk";
import { type Builtin, type BuiltinContext, readOperand } from "./builtins";
import { fsErrorText } from "./interp";
import { compileFixed, compilePosix, RegexSyntaxError, type SafeRegex } from "./regex";

/** Reads the named files (or stdin when none / "-"); reports errors like coreutils. */
function inputs(c: BuiltinContext, tool: string, files: string[]): { name: string; data: string }[] | number {
  if (files.length === 0) return [{ name: "-", data: c.stdin }];
  const out: { name: string; data: string }[] = [];
  let failed = false;
  for (const f of files) {
    const r = readOperand(c, f);
    if (typeof r !== "string") {
      c.err(`${tool}: ${f}: ${fsErrorText(r.error)}\n`);
      failed = true;
      continue;
    }
    out.push({ name: f, data: r });
  }
  return out.length === 0 && failed ? 1 : out;
}

function lines(data: string): string[] {
  if (data === "") return [];
  const l = data.split("\n");
  if (l[l.length - 1] === "") l.pop();
  return l;
}

/** Splits argv into short flags (with values for `withValue`) and operands. */
function parseFlags(
  argv: string[],
  withValue: string,
): { flags: Map<string, string>; operands: string[]; bad?: string } {
  const flags = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const [k = "", v] = a.slice(2).split("=", 2);
      flags.set(k, v ?? "");
      continue;
    }
    if (a.startsWith("-") && a.length > 1 && !/^-\d/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j] ?? "";
        if (withValue.includes(f)) {
          const v = a.slice(j + 1) || argv[++i];
          if (v === undefined) return { flags, operands, bad: f };
          flags.set(f, v);
          break;
        }
        flags.set(f, "");
      }
      continue;
    }
    if (/^-\d+$/.test(a)) {
      flags.set("n", a.slice(1));
      continue;
    }
    operands.push(a);
  }
  return { flags, operands };
}

const cat: Builtin = (c) => {
  const { flags, operands } = parseFlags(c.argv, "");
  const ins = inputs(c, "cat", operands);
  if (typeof ins === "number") return ins;
  let n = 0;
  for (const i of ins) {
    if (flags.has("n")) {
      for (const l of lines(i.data)) c.out(`${String(++n).padStart(6)}\t${l}\n`);
    } else c.out(i.data);
  }
  return ins.length < Math.max(1, operands.length) ? 1 : 0;
};

const grep: Builtin = (c) => {
  const { flags, operands, bad } = parseFlags(c.argv, "emA");
  if (bad !== undefined) {
    c.err(
      `grep: option requires an argument -- '${bad}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`,
    );
    return 2;
  }
  const pattern = flags.get("e") ?? operands.shift();
  if (pattern === undefined) {
    c.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    return 2;
  }
  let re: SafeRegex;
  try {
    const icase = flags.has("i") || flags.has("ignore-case") || flags.has("y");
    const word = flags.has("w");
    // compiling and matching are charged to the line's budget before they are done
    const cost = c.shell.regexCost(c.ctx);
    re = flags.has("F")
      ? compileFixed(pattern, { icase, word, cost })
      : compilePosix(pattern, { extended: flags.has("E"), icase, word, cost });
  } catch (e) {
    if (!(e instanceof RegexSyntaxError)) throw e;
    c.err(`grep: ${e.message}\n`);
    return 2;
  }
  const ins = inputs(c, "grep", operands);
  if (typeof ins === "number") return 2;
  const invert = flags.has("v");
  const max = flags.has("m") ? Number(flags.get("m")) : Number.POSITIVE_INFINITY;
  let matched = 0;
  const many = ins.length > 1;
  for (const i of ins) {
    let count = 0;
    const ls = lines(i.data);
    for (let n = 0; n < ls.length && count < max; n++) {
      const l = ls[n] ?? "";
      const hit = re.test(l) !== invert;
      if (!hit) continue;
      count++;
      if (flags.has("q") || flags.has("c") || flags.has("l")) continue;
      const prefix = `${many ? `${i.name}:` : ""}${flags.has("n") ? `${n + 1}:` : ""}`;
      if (flags.has("o") && !invert) {
        for (const m of re.matches(l)) {
          if (m.end > m.start) c.out(`${prefix}${highlight(c, l.slice(m.start, m.end))}\n`);
        }
      } else {
        const shown = c.tty && !invert ? re.replace(l, (m) => (m === "" ? m : highlight(c, m)), true) : l;
        c.out(`${prefix}${shown}\n`);
      }
    }
    matched += count;
    if (flags.has("c")) c.out(`${many ? `${i.name}:` : ""}${count}\n`);
    if (flags.has("l") && count > 0) c.out(`${i.name}\n`);
  }
  return matched > 0 ? 0 : 1;
};

function highlight(c: BuiltinContext, s: string): string {
  return c.tty ? `\x1b[01;31m\x1b[K${s}\x1b[m\x1b[K` : s;
}

function headTail(tool: "head" | "tail"): Builtin {
  return (c) => {
    const { flags, operands } = parseFlags(c.argv, "nc");
    const spec = flags.get("n") ?? "10";
    const fromStart = tool === "tail" && spec.startsWith("+");
    const n = Number.parseInt(spec.replace(/^[+-]/, ""), 10);
    if (Number.isNaN(n)) {
      c.err(`${tool}: invalid number of lines: '${spec}'\n`);
      return 1;
    }
    const ins = inputs(c, tool, operands);
    if (typeof ins === "number") return ins;
    ins.forEach((i, idx) => {
      if (ins.length > 1)
        c.out(`${idx > 0 ? "\n" : ""}==> ${i.name === "-" ? "standard input" : i.name} <==\n`);
      if (flags.has("c")) {
        const bytes = Number(flags.get("c"));
        c.out(tool === "head" ? i.data.slice(0, bytes) : i.data.slice(-bytes));
        return;
      }
      const ls = lines(i.data);
      let picked: string[];
      if (tool === "head")
        picked = spec.startsWith("-") ? ls.slice(0, Math.max(0, ls.length - n)) : ls.slice(0, n);
      else picked = fromStart ? ls.slice(Math.max(0, n - 1)) : n === 0 ? [] : ls.slice(-n);
      const trailing = i.data.endsWith("\n") || picked[picked.length - 1] !== ls[ls.length - 1];
      c.out(picked.join("\n") + (picked.length > 0 && trailing ? "\n" : ""));
    });
    return 0;
  };
}

const wc: Builtin = (c) => {
  const { flags, operands } = parseFlags(c.argv, "");
  const ins = inputs(c, "wc", operands);
  if (typeof ins === "number") return ins;
  let which = ["l", "w", "c"].filter((f) => flags.has(f) || (f === "c" && flags.has("m")));
  if (which.length === 0) which = ["l", "w", "c"];
  const rows = ins.map((i) => ({
    name: i.name === "-" ? "" : i.name,
    l: (i.data.match(/\n/g) ?? []).length,
    w: i.data.split(/\s+/).filter(Boolean).length,
    c: new TextEncoder().encode(i.data).length,
  }));
  if (rows.length > 1) {
    rows.push({
      name: "total",
      l: rows.reduce((a, r) => a + r.l, 0),
      w: rows.reduce((a, r) => a + r.w, 0),
      c: rows.reduce((a, r) => a + r.c, 0),
    });
  }
  const stdinOnly = operands.length === 0;
  const width =
    which.length === 1 && rows.length === 1
      ? 0
      : stdinOnly
        ? 7
        : Math.max(...rows.map((r) => String(r.c).length));
  for (const r of rows) {
    const cells = which.map((f) => String(r[f as "l" | "w" | "c"]).padStart(width));
    c.out(`${cells.join(" ")}${r.name !== "" ? ` ${r.name}` : ""}\n`);
  }
  return 0;
};

const sort: Builtin = (c) => {
  const { flags, operands } = parseFlags(c.argv, "kt");
  const ins = inputs(c, "sort", operands);
  if (typeof ins === "number") return ins;
  let all = ins.flatMap((i) => lines(i.data));
  const sep = flags.get("t");
  const keyField = flags.has("k") ? Number.parseInt(flags.get("k") ?? "1", 10) : 0;
  const key = (l: string): string => {
    if (keyField <= 0) return l;
    const fields = sep !== undefined ? l.split(sep) : l.trim().split(/\s+/);
    return fields.slice(keyField - 1).join(sep ?? " ");
  };
  const numeric = flags.has("n") || flags.has("h");
  const cmp = (a: string, b: string): number => {
    const ka = key(a);
    const kb = key(b);
    if (numeric) {
      const d = (Number.parseFloat(ka) || 0) - (Number.parseFloat(kb) || 0);
      if (d !== 0) return d;
    }
    const x = flags.has("f") ? ka.toLowerCase() : ka;
    const y = flags.has("f") ? kb.toLowerCase() : kb;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  all.sort(cmp);
  if (flags.has("r")) all.reverse();
  if (flags.has("u")) all = all.filter((l, i) => i === 0 || cmp(all[i - 1] ?? "", l) !== 0);
  c.out(all.map((l) => `${l}\n`).join(""));
  return 0;
};

const uniq: Builtin = (c) => {
  const { flags, operands } = parseFlags(c.argv, "");
  const ins = inputs(c, "uniq", operands.slice(0, 1));
  if (typeof ins === "number") return ins;
  const groups: { line: string; n: number }[] = [];
  for (const l of lines(ins[0]?.data ?? "")) {
    const last = groups[groups.length - 1];
    const same =
      last !== undefined && (flags.has("i") ? last.line.toLowerCase() === l.toLowerCase() : last.line === l);
    if (same) last.n++;
    else groups.push({ line: l, n: 1 });
  }
  for (const g of groups) {
    if (flags.has("d") && g.n < 2) continue;
    if (flags.has("u") && g.n > 1) continue;
    c.out(flags.has("c") ? `${String(g.n).padStart(7)} ${g.line}\n` : `${g.line}\n`);
  }
  return 0;
};

function parseList(spec: string): ((n: number) => boolean) | undefined {
  const ranges: [number, number][] = [];
  for (const part of spec.split(",")) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (m === null || (m[1] === "" && m[3] === "")) return undefined;
    const a = m[1] === "" ? 1 : Number(m[1]);
    const b = m[2] === "" ? a : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
    ranges.push([a, b]);
  }
  return (n) => ranges.some(([a, b]) => n >= a && n <= b);
}

const cut: Builtin = (c) => {
  const { flags, operands } = parseFlags(c.argv, "dfc");
  const spec = flags.get("f") ?? flags.get("c");
  if (spec === undefined) {
    c.err(
      "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n",
    );
    return 1;
  }
  const pick = parseList(spec);
  if (pick === undefined) {
    c.err(`cut: invalid field value '${spec}'\nTry 'cut --help' for more information.\n`);
    return 1;
  }
  const delim = flags.get("d") ?? "\t";
  if (delim.length !== 1) {
    c.err("cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n");
    return 1;
  }
  const ins = inputs(c, "cut", operands);
  if (typeof ins === "number") return ins;
  for (const i of ins) {
    for (const l of lines(i.data)) {
      if (flags.has("c")) {
        c.out(`${[...l].filter((_, k) => pick(k + 1)).join("")}\n`);
        continue;
      }
      if (!l.includes(delim)) {
        if (!flags.has("s")) c.out(`${l}\n`);
        continue;
      }
      c.out(
        `${l
          .split(delim)
          .filter((_, k) => pick(k + 1))
          .join(delim)}\n`,
      );
    }
  }
  return 0;
};

function expandSet(s: string): string[] {
  const out: string[] = [];
  const chars = [...s.replace(/\\n/g, "\n").replace(/\\t/g, "\t")];
  for (let i = 0; i < chars.length; i++) {
    const a = chars[i] ?? "";
    if (chars[i + 1] === "-" && chars[i + 2] !== undefined) {
      const from = a.codePointAt(0) ?? 0;
      const to = chars[i + 2]?.codePointAt(0) ?? 0;
      for (let k = from; k <= to && out.length < 4096; k++) out.push(String.fromCodePoint(k));
      i += 2;
    } else out.push(a);
  }
  return out;
}

const tr: Builtin = (c) => {
  const { flags, operands } = parseFlags(c.argv, "");
  const [a, b] = operands;
  const del = flags.has("d");
  const squeeze = flags.has("s");
  if (a === undefined || (b === undefined && !del && !squeeze)) {
    c.err(
      a === undefined
        ? "tr: missing operand\nTry 'tr --help' for more information.\n"
        : `tr: missing operand after \u2018${a}\u2019\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n`,
    );
    return 1;
  }
  if (del && !squeeze && b !== undefined) {
    c.err(
      `tr: extra operand \u2018${b}\u2019\nOnly one string may be given when deleting without squeezing repeats.\nTry 'tr --help' for more information.\n`,
    );
    return 1;
  }
  const from = expandSet(a);
  const to = b === undefined ? [] : expandSet(b);
  const translating = !del && b !== undefined;
  let out = "";
  for (const ch of c.stdin) {
    const k = from.indexOf(ch);
    if (k < 0) out += ch;
    else if (translating) out += to[Math.min(k, to.length - 1)] ?? "";
    else if (!del) out += ch;
  }
  if (squeeze) {
    const set = new Set(b === undefined ? from : to);
    let sq = "";
    let prev = "";
    for (const ch of out) {
      if (ch === prev && set.has(ch)) continue;
      sq += ch;
      prev = ch;
    }
    out = sq;
  }
  c.out(out);
  return 0;
};

const tee: Builtin = (c) => {
  const { flags, operands } = parseFlags(c.argv, "");
  let status = 0;
  for (const f of operands) {
    const e = c.shell.fs.write(c.shell.resolve(f), c.stdin, flags.has("a"));
    if (e !== undefined) {
      c.err(`tee: ${f}: ${fsErrorText(e)}\n`);
      status = 1;
    }
  }
  c.out(c.stdin);
  return status;
};

const base64: Builtin = (c) => {
  const { flags, operands } = parseFlags(c.argv, "w");
  const ins = inputs(c, "base64", operands.slice(0, 1));
  if (typeof ins === "number") return ins;
  const data = ins[0]?.data ?? "";
  if (flags.has("d") || flags.has("decode")) {
    const clean = data.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
      c.err("base64: invalid input\n");
      return 1;
    }
    const bin = atob(clean);
    const bytes = Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
    c.out(new TextDecoder().decode(bytes));
    return 0;
  }
  const bytes = new TextEncoder().encode(data);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  const enc = btoa(bin);
  const wrap = Number(flags.get("w") ?? "76");
  c.out(
    wrap > 0 ? `${enc.replace(new RegExp(`(.{${wrap}})`, "g"), "$1\n").replace(/\n$/, "")}\n` : `${enc}\n`,
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
