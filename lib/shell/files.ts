/**
 * File commands over the virtual filesystem with coreutils' options and words: ls (-l -a -A -d
 * -1 -r -t -h), mkdir (-p; ‘…’ quotes as coreutils prints them in a UTF-8 locale), rm (-r -f -d),
 * rmdir, touch, cp (-r), mv.
 */

import { utcFields } from "../cluster/time";
import type { Builtin, BuiltinContext } from "./builtins";
import { formatColumns } from "./columns";
import { parseDateString, utcMs } from "./date";
import type { FsError, VirtualFs } from "./fs";
import { type OptionSpec, parseOrComplain, usageError } from "./getopt";
import type { Sink } from "./interp";
import { fsErrorText } from "./interp";
import { applyMode, modeString, parseMode } from "./modes";

/** coreutils' quoting of a file name in messages under a UTF-8 locale. */
const q = (s: string): string => `\u2018${s}\u2019`;

const join = (dir: string, name: string): string => `${dir === "/" ? "" : dir}/${name}`;

function sizeOf(fs: VirtualFs, path: string): number {
  return Math.max(0, fs.size(path));
}

function human(n: number): string {
  if (n < 1024) return String(n);
  const units = ["K", "M", "G"];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? (Math.ceil(v * 10) / 10).toFixed(1) : String(Math.ceil(v))}${units[u]}`;
}

const SIX_MONTHS = 182.5 * 86_400_000;

function lsDate(ms: number, now: number): string {
  const f = utcFields(ms);
  const recent = Math.abs(now - ms) < SIX_MONTHS;
  return `${f.monthName} ${String(f.day).padStart(2)} ${recent ? f.hms.slice(0, 5) : ` ${f.year}`}`;
}

export const ls: Builtin = ({ argv, shell, out, err, tty, columns }) => {
  const o = parseOrComplain(
    { argv, out, err },
    "ls",
    {
      short: "laAd1rRthFS",
      long: {
        all: "a",
        "almost-all": "A",
        directory: "d",
        "human-readable": "h",
        classify: "F::",
        reverse: "r",
        recursive: "R",
        color: "color::",
        colour: "color::",
      },
    },
    2,
  );
  if (typeof o === "number") return o;
  const paths = [...o.operands];
  const long = o.has("l");
  const all = o.has("a");
  const almost = o.has("A");
  const dirAsFile = o.has("d");
  const fs = shell.fs;
  const now = shell.opts.clock.now();
  if (paths.length === 0) paths.push(".");
  let status = 0;
  // Ubuntu's ~/.bashrc aliases ls to `ls --color=auto` (the workstation, whose prompt is coloured
  // too); the bootcamp image's Debian root shell has no such alias
  const colour = (name: string, full: string): string =>
    tty && shell.opts.colourPrompt && fs.isDir(full) ? `\x1b[01;34m${name}\x1b[0m` : name;
  const order = (entries: { name: string; full: string }[]): { name: string; full: string }[] => {
    let r = entries;
    if (o.has("t"))
      r = [...r].sort((a, b) => fs.mtime(b.full) - fs.mtime(a.full) || (a.name < b.name ? -1 : 1));
    if (o.has("S")) r = [...r].sort((a, b) => sizeOf(fs, b.full) - sizeOf(fs, a.full));
    if (o.has("r")) r = [...r].reverse();
    return r;
  };
  const print = (entries: { name: string; full: string }[]): void => {
    if (entries.length === 0) return;
    if (long) {
      const rows = entries.map((n) => {
        const isDir = fs.isDir(n.full);
        const listing = isDir ? fs.list(n.full) : [];
        const subdirs = Array.isArray(listing) ? listing.filter((x) => fs.isDir(join(n.full, x))).length : 0;
        const size = sizeOf(fs, n.full);
        return {
          mode: modeString(isDir, fs.mode(n.full)),
          owner: fs.owned(n.full) ? shell.opts.user : "root",
          links: String(isDir ? 2 + subdirs : 1),
          size: o.has("h") ? human(size) : String(size),
          date: lsDate(fs.mtime(n.full), now),
          name: colour(n.name, n.full) + (o.has("F") && isDir ? "/" : ""),
        };
      });
      const lw = Math.max(...rows.map((r) => r.links.length));
      const sw = Math.max(...rows.map((r) => r.size.length));
      const ow = Math.max(...rows.map((r) => r.owner.length));
      for (const r of rows)
        out(
          `${r.mode} ${r.links.padStart(lw)} ${r.owner.padEnd(ow)} ${r.owner.padEnd(ow)} ${r.size.padStart(sw)} ${r.date} ${r.name}\n`,
        );
      return;
    }
    const names = entries.map((n) => n.name + (o.has("F") && fs.isDir(n.full) ? "/" : ""));
    if (!tty || o.has("1")) {
      for (const n of names) out(`${n}\n`);
      return;
    }
    out(
      formatColumns(
        entries.map((n, k) => colour(names[k] ?? n.name, n.full)),
        names.map((n) => n.length),
        columns,
      ),
    );
  };
  const files: { name: string; full: string }[] = [];
  const dirs: { arg: string; full: string }[] = [];
  for (const p of paths) {
    const full = shell.resolve(p);
    if (fs.isDir(full) && !dirAsFile) dirs.push({ arg: p, full });
    else if (fs.exists(full)) files.push({ name: p, full });
    else {
      err(`ls: cannot access '${p}': No such file or directory\n`);
      status = 2;
    }
  }
  print(order(files.sort((a, b) => (a.name < b.name ? -1 : 1))));
  const sortedDirs = dirs.sort((a, b) => (a.arg < b.arg ? -1 : 1));
  const recursive = o.has("R");
  let listed = 0;
  /** One directory's listing, under its name when there is more than one thing to show. */
  const listDir = (d: { arg: string; full: string }): void => {
    const names = fs.list(d.full);
    if (!Array.isArray(names)) return;
    if (recursive || sortedDirs.length + files.length > 1 || status !== 0)
      out(`${files.length > 0 || listed > 0 ? "\n" : ""}${d.arg}:\n`);
    listed++;
    const shown = names.filter((n) => all || almost || !n.startsWith("."));
    const entries = shown.map((n) => ({ name: n, full: join(d.full, n) }));
    if (all) {
      const parent = d.full === "/" ? "/" : d.full.slice(0, d.full.lastIndexOf("/")) || "/";
      entries.unshift({ name: ".", full: d.full }, { name: "..", full: parent });
    }
    if (long) {
      const blocks = entries.reduce(
        (n, e) => n + (fs.isDir(e.full) ? 4 : Math.ceil(sizeOf(fs, e.full) / 4096) * 4),
        0,
      );
      out(`total ${blocks}\n`);
    }
    const ordered = order(entries);
    print(ordered);
    // -R: then each subdirectory, in the order shown, all of it before the next
    if (!recursive) return;
    for (const e of ordered) {
      if (e.name === "." || e.name === ".." || !fs.isDir(e.full)) continue;
      listDir({ arg: `${d.arg.replace(/\/+$/, "")}/${e.name}`, full: e.full });
    }
  };
  for (const d of sortedDirs) listDir(d);
  return status;
};

/**
 * Acts on each operand in turn, as coreutils do: a failure (the message `act` returns) is
 * reported and the rest still run; the status is 1 if any failed.
 */
function eachOperand(err: Sink, operands: string[], act: (operand: string) => string | undefined): number {
  let status = 0;
  for (const a of operands) {
    const failure = act(a);
    if (failure !== undefined) {
      err(failure);
      status = 1;
    }
  }
  return status;
}

export const mkdir: Builtin = ({ argv, shell, out, err }) => {
  const o = parseOrComplain({ argv, out, err }, "mkdir", {
    short: "m:pvZ",
    long: { mode: "m:", parents: "p", verbose: "v", context: "Z::" },
  });
  if (typeof o === "number") return o;
  const paths = o.operands;
  const parents = o.has("p");
  // -m MODE: chmod's modes, from a=rwx; only the directories named get it (-p's parents do not)
  const modeText = o.get("m");
  const mode = modeText === undefined ? undefined : parseMode(modeText);
  if (modeText !== undefined && mode === undefined) {
    err(`mkdir: invalid mode \u2018${modeText}\u2019\n`);
    return 1;
  }
  const created = (shown: string): void => {
    if (o.has("v")) out(`mkdir: created directory '${shown}'\n`);
  };
  const withMode = (path: string): void => {
    if (mode !== undefined) shell.fs.chmod(path, applyMode(mode, 0o777, true));
  };
  if (paths.length === 0) return usageError(err, "mkdir", "missing operand");
  return eachOperand(err, paths, (a) => {
    const path = shell.resolve(a);
    if (parents) {
      const existed = shell.fs.isDir(path);
      const typed = a.split("/");
      let shown = "";
      for (const seg of typed) {
        shown = shown === "" && !a.startsWith("/") ? seg : `${shown}/${seg}`;
        if (seg === "" || seg === "." || seg === "..") continue;
        const cur = shell.resolve(shown);
        if (shell.fs.isDir(cur)) continue;
        const e = shell.fs.mkdir(cur);
        if (e !== undefined)
          return `mkdir: cannot create directory ${q(shown)}: ${fsErrorText(e === "EEXIST" ? "ENOTDIR" : e)}\n`;
        created(shown);
      }
      if (!existed) withMode(path);
      return undefined;
    }
    const parent = path.slice(0, path.lastIndexOf("/")) || "/";
    const e = shell.fs.isFile(parent) ? "ENOTDIR" : shell.fs.mkdir(path);
    if (e === undefined) {
      withMode(path);
      created(a);
    }
    return e && `mkdir: cannot create directory ${q(a)}: ${fsErrorText(e)}\n`;
  });
};

/**
 * Removes a tree bottom-up; returns the first error. `removed` hears of each entry gone, by the
 * name the user gave plus the path below it (rm -v).
 */
function removeTree(
  fs: VirtualFs,
  path: string,
  shown = "",
  removed?: (shown: string, dir: boolean) => void,
): string | undefined {
  if (fs.isDir(path)) {
    const names = fs.list(path);
    if (Array.isArray(names)) {
      for (const n of names) {
        const e = removeTree(fs, join(path, n), `${shown.replace(/\/+$/, "")}/${n}`, removed);
        if (e !== undefined) return e;
      }
    }
    const e = errorText(fs.rmdir(path));
    if (e === undefined) removed?.(shown, true);
    return e;
  }
  const e = errorText(fs.remove(path));
  if (e === undefined) removed?.(shown, false);
  return e;
}

/** What a failed file system call says; undefined when it succeeded. */
function errorText(e: FsError | undefined): string | undefined {
  return e === undefined ? undefined : fsErrorText(e);
}

export const rm: Builtin = ({ argv, shell, out, err }) => {
  const o = parseOrComplain({ argv, out, err }, "rm", {
    short: "dfiIrRv",
    long: {
      dir: "d",
      force: "f",
      interactive: "interactive::",
      recursive: "r",
      verbose: "v",
      "one-file-system": "one-file-system",
      "no-preserve-root": "no-preserve-root",
      "preserve-root": "preserve-root::",
    },
  });
  if (typeof o === "number") return o;
  const paths = o.operands;
  // the last of -f and -i wins
  const force = [...o.list].reverse().find(([k]) => k === "f" || k === "i" || k === "I")?.[0] === "f";
  const recursive = o.has("r") || o.has("R");
  const emptyDirs = o.has("d");
  const removed = (shown: string, dir: boolean): void => {
    if (o.has("v")) out(`removed ${dir ? "directory " : ""}'${shown}'\n`);
  };
  if (paths.length === 0) {
    return force ? 0 : usageError(err, "rm", "missing operand");
  }
  return eachOperand(err, paths, (a) => {
    const path = shell.resolve(a);
    if (/(^|\/)\.\.?\/*$/.test(a)) return `rm: refusing to remove '.' or '..' directory: skipping '${a}'\n`;
    let e: string | undefined;
    if (!shell.fs.exists(path)) e = force ? undefined : "No such file or directory";
    else if (!shell.fs.isDir(path) || recursive) e = removeTree(shell.fs, path, a, removed);
    else if (emptyDirs) {
      e = errorText(shell.fs.rmdir(path));
      if (e === undefined) removed(a, true);
    } else e = "Is a directory";
    return e && `rm: cannot remove '${a}': ${e}\n`;
  });
};

export const rmdir: Builtin = ({ argv, shell, out, err }) => {
  const o = parseOrComplain({ argv, out, err }, "rmdir", {
    short: "pv",
    long: { "ignore-fail-on-non-empty": "ignore", parents: "p", verbose: "v" },
  });
  if (typeof o === "number") return o;
  if (o.operands.length === 0) return usageError(err, "rmdir", "missing operand");
  return eachOperand(err, o.operands, (a) => {
    // -p: then each parent the operand names, `a/b/c` → `a/b` → `a`
    let shown = a;
    for (;;) {
      if (o.has("v")) out(`rmdir: removing directory, '${shown}'\n`);
      const e = errorText(shell.fs.rmdir(shell.resolve(shown)));
      if (e !== undefined)
        return o.has("ignore") && e === "Directory not empty"
          ? undefined
          : `rmdir: failed to remove '${shown}': ${e}\n`;
      const up = shown.replace(/\/+$/, "");
      const k = up.lastIndexOf("/");
      if (!o.has("p") || k <= 0) return undefined;
      shown = up.slice(0, k).replace(/\/+$/, "");
    }
  });
};

/** `touch -t [[CC]YY]MMDDhhmm[.ss]`: the time it names (UTC, the workstation's zone), or undefined. */
function touchStamp(text: string, now: number): number | undefined {
  const m = /^(\d{2})?(\d{2})?(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{2}))?$/.exec(text);
  if (m === null) return undefined;
  const year =
    m[1] !== undefined && m[2] !== undefined
      ? Number(m[1] + m[2])
      : m[1] !== undefined
        ? Number(m[1]) + (Number(m[1]) < 69 ? 2000 : 1900)
        : utcFields(now).year;
  const [month = 0, day = 0, hour = 0, minute = 0, second = 0] = [m[3], m[4], m[5], m[6], m[7] ?? "0"].map(
    Number,
  );
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = utcMs(year, month, day, hour, minute, second);
  // 31 February and the like are refused, not carried into March
  const back = utcFields(ms);
  return back.month === month && back.day === day ? ms : undefined;
}

export const touch: Builtin = ({ argv, shell, out, err }) => {
  const o = parseOrComplain({ argv, out, err }, "touch", {
    short: "acd:fhmr:t:",
    long: { "no-create": "c", "no-dereference": "h", date: "d:", reference: "r:" },
  });
  if (typeof o === "number") return o;
  if (o.operands.length === 0) return usageError(err, "touch", "missing file operand");
  // -d DATE, -t STAMP or -r FILE: that time instead of now
  const now = shell.opts.clock.now();
  let when: number | undefined;
  const reference = o.get("r");
  if (reference !== undefined) {
    const path = shell.resolve(reference);
    if (!shell.fs.exists(path)) {
      err(`touch: failed to get attributes of '${reference}': No such file or directory\n`);
      return 1;
    }
    when = shell.fs.mtime(path);
  }
  const date = o.get("d");
  const stamp = o.get("t");
  if (date !== undefined || stamp !== undefined) {
    const text = date ?? stamp ?? "";
    const parsed = date !== undefined ? parseDateString(date, when ?? now) : touchStamp(text, now);
    if (parsed === undefined) {
      err(`touch: invalid date format \u2018${text}\u2019\n`);
      return 1;
    }
    when = parsed;
  }
  return eachOperand(err, o.operands, (a) => {
    const path = shell.resolve(a);
    if (!shell.fs.exists(path)) {
      if (o.has("c")) return undefined;
      const e = errorText(shell.fs.write(path, "", false));
      if (e !== undefined) return `touch: cannot touch '${a}': ${e}\n`;
    }
    if (when === undefined) shell.fs.touch(path);
    else shell.fs.setMtime(path, when);
    return undefined;
  });
};

/**
 * Copies a file or a tree. What it creates takes the source's permission bits: as they are for
 * `mv`, less the umask's (022) for `cp`, as GNU cp does without `-p`; what existed keeps its own.
 */
function copyTree(fs: VirtualFs, from: string, to: string, keepMode: boolean): string | undefined {
  const mode = keepMode ? fs.mode(from) : fs.mode(from) & ~0o022;
  if (fs.isDir(from)) {
    if (to === from || to.startsWith(`${from}/`)) return "cannot copy a directory into itself";
    if (!fs.isDir(to)) {
      const e = fs.mkdir(to);
      if (e !== undefined) return fsErrorText(e);
      fs.chmod(to, mode);
    }
    const names = fs.list(from);
    if (Array.isArray(names)) {
      for (const n of names) {
        const e = copyTree(fs, join(from, n), join(to, n), keepMode);
        if (e !== undefined) return e;
      }
    }
    return undefined;
  }
  const data = fs.read(from);
  if (typeof data !== "string") return fsErrorText(data.error);
  const created = !fs.exists(to);
  const e = errorText(fs.write(to, data, false));
  if (e === undefined && created) fs.chmod(to, mode);
  return e;
}

function transfer(c: BuiltinContext, move: boolean): number {
  const { shell, out, err } = c;
  const tool = move ? "mv" : "cp";
  const spec: OptionSpec = move
    ? {
        short: "finuvt:TZ",
        long: {
          force: "f",
          interactive: "i",
          "no-clobber": "n",
          update: "u",
          verbose: "v",
          "target-directory": "t:",
          "no-target-directory": "T",
        },
      }
    : {
        short: "afinpPrRuvt:TZ",
        long: {
          archive: "a",
          force: "f",
          interactive: "i",
          "no-clobber": "n",
          preserve: "preserve::",
          recursive: "r",
          update: "u",
          verbose: "v",
          "target-directory": "t:",
          "no-target-directory": "T",
        },
      };
  const o = parseOrComplain(c, tool, spec);
  if (typeof o === "number") return o;
  const paths = o.operands;
  const recursive = move || o.has("r") || o.has("R") || o.has("a");
  const target = o.get("t");
  if (target !== undefined && o.has("T"))
    return usageError(err, tool, "cannot combine --target-directory (-t) and --no-target-directory (-T)");
  if (paths.length === 0) return usageError(err, tool, "missing file operand");
  if (paths.length === 1 && target === undefined)
    return usageError(err, tool, `missing destination file operand after '${paths[0]}'`);
  const dest = target ?? paths[paths.length - 1] ?? "";
  const sources = target === undefined ? paths.slice(0, -1) : paths;
  if (o.has("T") && sources.length > 1) return usageError(err, tool, `extra operand '${paths[2]}'`);
  const destPath = shell.resolve(dest);
  const destIsDir = !o.has("T") && shell.fs.isDir(destPath);
  if (target !== undefined && !destIsDir) {
    err(
      `${tool}: target directory '${dest}': ${shell.fs.exists(destPath) ? "Not a directory" : "No such file or directory"}\n`,
    );
    return 1;
  }
  if (sources.length > 1 && !destIsDir) {
    err(`${tool}: target '${dest}' is not a directory\n`);
    return 1;
  }
  // the last of -f, -i and -n wins
  const noClobber = [...o.list].reverse().find(([k]) => k === "f" || k === "i" || k === "n")?.[0] === "n";
  let status = 0;
  for (const s of sources) {
    const from = shell.resolve(s);
    if (!shell.fs.exists(from)) {
      err(
        move
          ? `mv: cannot stat '${s}': No such file or directory\n`
          : `cp: cannot stat '${s}': No such file or directory\n`,
      );
      status = 1;
      continue;
    }
    if (shell.fs.isDir(from) && !recursive) {
      err(`cp: -r not specified; omitting directory '${s}'\n`);
      status = 1;
      continue;
    }
    const base = from.slice(from.lastIndexOf("/") + 1);
    const to = destIsDir ? join(destPath, base) : destPath;
    if (to === from) {
      err(
        `${tool}: '${s}' and '${destIsDir ? `${dest.replace(/\/$/, "")}/${base}` : dest}' are the same file\n`,
      );
      status = 1;
      continue;
    }
    if (o.has("T") && shell.fs.isDir(to) && !shell.fs.isDir(from)) {
      err(`${tool}: cannot overwrite directory '${dest}' with non-directory\n`);
      status = 1;
      continue;
    }
    if (shell.fs.exists(to) && (noClobber || (o.has("u") && shell.fs.mtime(to) >= shell.fs.mtime(from))))
      continue;
    if (shell.fs.isDir(from) && shell.fs.isFile(to)) {
      err(`${tool}: cannot overwrite non-directory '${dest}' with directory '${s}'\n`);
      status = 1;
      continue;
    }
    const e = copyTree(shell.fs, from, to, move);
    if (e !== undefined) {
      err(`${tool}: cannot ${move ? "move" : "copy"} '${s}': ${e}\n`);
      status = 1;
      continue;
    }
    if (move) removeTree(shell.fs, from);
    if (o.has("v")) {
      const shown = destIsDir ? `${dest.replace(/\/$/, "")}/${base}` : dest;
      out(`${move ? "renamed " : ""}'${s}' -> '${shown}'\n`);
    }
  }
  return status;
}

export const cp: Builtin = (c) => transfer(c, false);
export const mv: Builtin = (c) => transfer(c, true);

export const FILE_COMMANDS: Record<string, Builtin> = { ls, mkdir, rm, rmdir, touch, cp, mv };
