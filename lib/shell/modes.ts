/** Permission bits: what `ls -l` shows of them and how chmod's modes change them (GNU chmod). */

/** `ls -l`'s first column: the type and the permission bits (with setuid, setgid and sticky). */
export function modeString(isDir: boolean, mode: number): string {
  const triple = (shift: number, special: boolean, letter: string): string => {
    const r = mode & (0o4 << shift) ? "r" : "-";
    const w = mode & (0o2 << shift) ? "w" : "-";
    const x = (mode & (0o1 << shift)) !== 0;
    return r + w + (special ? (x ? letter : letter.toUpperCase()) : x ? "x" : "-");
  };
  return (
    (isDir ? "d" : "-") +
    triple(6, (mode & 0o4000) !== 0, "s") +
    triple(3, (mode & 0o2000) !== 0, "s") +
    triple(0, (mode & 0o1000) !== 0, "t")
  );
}

/** The workstation's umask: what a mode without `u`, `g`, `o` or `a` leaves alone. */
const UMASK = 0o022;

/** One clause of a symbolic mode: who, then each operator with its permissions. */
interface Clause {
  who: number;
  ops: { op: "+" | "-" | "="; perms: string; copy?: "u" | "g" | "o" }[];
}

/** A mode as chmod reads it: octal digits, or symbolic clauses (`u+x,go-w`, `a=rX`, `g=u`). */
export type ParsedMode = { octal: number } | { clauses: Clause[] };

const WHO: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007, a: 0o7777 };

export function parseMode(text: string): ParsedMode | undefined {
  if (/^[0-7]{1,4}$/.test(text)) return { octal: Number.parseInt(text, 8) };
  const clauses: Clause[] = [];
  for (const part of text.split(",")) {
    const m = /^([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)$/.exec(part);
    if (m === null) return undefined;
    let who = 0;
    for (const w of m[1] ?? "") who |= WHO[w] ?? 0;
    const ops: Clause["ops"] = [];
    for (const o of (m[2] ?? "").matchAll(/([-+=])([ugo]|[rwxXst]*)/g)) {
      const perms = o[2] ?? "";
      const copy = perms === "u" || perms === "g" || perms === "o" ? perms : undefined;
      ops.push({ op: o[1] as "+" | "-" | "=", perms: copy === undefined ? perms : "", copy });
    }
    clauses.push({ who, ops });
  }
  return { clauses };
}

/** The bits `perms` stands for in every class; `X` only for a directory or what runs already. */
function permBits(perms: string, isDir: boolean, current: number): number {
  let bits = 0;
  for (const p of perms) {
    if (p === "r") bits |= 0o444;
    else if (p === "w") bits |= 0o222;
    else if (p === "x") bits |= 0o111;
    else if (p === "X") bits |= isDir || (current & 0o111) !== 0 ? 0o111 : 0;
    else if (p === "s") bits |= 0o6000;
    else if (p === "t") bits |= 0o1000;
  }
  return bits;
}

/** The class's three bits copied to every class (`g=u`). */
function copyBits(current: number, from: "u" | "g" | "o"): number {
  const shift = from === "u" ? 6 : from === "g" ? 3 : 0;
  const b = (current >> shift) & 0o7;
  return (b << 6) | (b << 3) | b;
}

/** What `mode` makes of a file's or directory's current bits, as GNU chmod computes it. */
export function applyMode(mode: ParsedMode, current: number, isDir: boolean): number {
  if ("octal" in mode) return mode.octal;
  let bits = current;
  for (const c of mode.clauses) {
    // no `ugoa`: all classes, but not what the umask masks (for `=`, those bits are cleared)
    const affected = c.who === 0 ? 0o7777 & ~UMASK : c.who;
    const all = c.who === 0 ? 0o7777 : c.who;
    for (const o of c.ops) {
      const want =
        (o.copy === undefined ? permBits(o.perms, isDir, bits) : copyBits(bits, o.copy)) & affected;
      if (o.op === "+") bits |= want;
      else if (o.op === "-") bits &= ~want;
      else bits = (bits & ~(all & (isDir ? 0o777 : 0o7777))) | want;
    }
  }
  return bits & 0o7777;
}
