/**
 * File commands over the virtual filesystem with coreutils' options and words: ls (-l -a -A -d
 * -1 -r -t -h), mkdir (-p; ‘…’ quotes as coreutils prints them in a UTF-8 locale), rm (-r -f -d),
 * rmdir, touch, cp (-r), mv.
 */

import { utcFields } from "../cluster/time";
import type { Builtin, BuiltinContext } from "./builtins";
import { formatColumns } from "./columns";
import type { FsError, VirtualFs } from "./fs";
import type { Sink } from "./interp";
import { fsErrorText } from "./interp";
import { modeString } from "./modes";

/** coreutils' quoting of a file name in messages under a UTF-8 locale. */
const q = (s: string): string => `\u2018${s}\u2019`;

function splitArgs(argv: string[]): { flags: Set<string>; paths: string[]; bad?: string } {
  const flags = new Set<string>();
  const paths: string[] = [];
  let done = false;
  for (const a of argv.slice(1)) {
    if (!done && a === "--") {
      done = true;
      continue;
    }
    if (!done && a.startsWith("--") && a.length > 2) {
      flags.add(a);
      continue;
    }
    if (!done && a.startsWith("-") && a.length > 1) for (const f of a.slice(1)) flags.add(f);
    else paths.push(a);
  }
  return { flags, paths };
}

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
  const { flags, paths } = splitArgs(argv);
  for (const f of flags) {
    if (
      f.startsWith("--")
        ? ![
            "--all",
            "--almost-all",
            "--directory",
            "--human-readable",
            "--color",
            "--color=auto",
            "--color=never",
          ].includes(f)
        : !"laAd1rthFS".includes(f)
    ) {
      err(
        f.startsWith("--")
          ? `ls: unrecognized option '${f}'\nTry 'ls --help' for more information.\n`
          : `ls: invalid option -- '${f}'\nTry 'ls --help' for more information.\n`,
      );
      return 2;
    }
  }
  const long = flags.has("l");
  const all = flags.has("a") || flags.has("--all");
  const almost = flags.has("A") || flags.has("--almost-all");
  const dirAsFile = flags.has("d") || flags.has("--directory");
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
    if (flags.has("t"))
      r = [...r].sort((a, b) => fs.mtime(b.full) - fs.mtime(a.full) || (a.name < b.name ? -1 : 1));
    if (flags.has("S")) r = [...r].sort((a, b) => sizeOf(fs, b.full) - sizeOf(fs, a.full));
    if (flags.has("r")) r = [...r].reverse();
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
          size: flags.has("h") ? human(size) : String(size),
          date: lsDate(fs.mtime(n.full), now),
          name: colour(n.name, n.full) + (flags.has("F") && isDir ? "/" : ""),
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
    const names = entries.map((n) => n.name + (flags.has("F") && fs.isDir(n.full) ? "/" : ""));
    if (!tty || flags.has("1")) {
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
  for (const d of sortedDirs) {
    const names = fs.list(d.full);
    if (!Array.isArray(names)) continue;
    if (sortedDirs.length + files.length > 1 || status !== 0)
      out(`${files.length > 0 || d !== sortedDirs[0] ? "\n" : ""}${d.arg}:\n`);
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
    print(order(entries));
  }
  return status;
};

/** coreutils' complaint about how a command was called; status 1. */
function usageError(err: Sink, tool: string, problem: string): number {
  err(`${tool}: ${problem}\nTry '${tool} --help' for more information.\n`);
  return 1;
}

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

export const mkdir: Builtin = ({ argv, shell, err }) => {
  const { flags, paths } = splitArgs(argv);
  const parents = flags.has("p") || flags.has("--parents");
  if (paths.length === 0) return usageError(err, "mkdir", "missing operand");
  return eachOperand(err, paths, (a) => {
    const path = shell.resolve(a);
    if (parents) {
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
      }
      return undefined;
    }
    const parent = path.slice(0, path.lastIndexOf("/")) || "/";
    const e = shell.fs.isFile(parent) ? "ENOTDIR" : shell.fs.mkdir(path);
    return e && `mkdir: cannot create directory ${q(a)}: ${fsErrorText(e)}\n`;
  });
};

/** Removes a tree bottom-up; returns the first error. */
function removeTree(fs: VirtualFs, path: string): string | undefined {
  if (fs.isDir(path)) {
    const names = fs.list(path);
    if (Array.isArray(names)) {
      for (const n of names) {
        const e = removeTree(fs, join(path, n));
        if (e !== undefined) return e;
      }
    }
    return errorText(fs.rmdir(path));
  }
  return errorText(fs.remove(path));
}

/** What a failed file system call says; undefined when it succeeded. */
function errorText(e: FsError | undefined): string | undefined {
  return e === undefined ? undefined : fsErrorText(e);
}

export const rm: Builtin = ({ argv, shell, err }) => {
  const { flags, paths } = splitArgs(argv);
  const force = flags.has("f") || flags.has("--force");
  const recursive = flags.has("r") || flags.has("R") || flags.has("--recursive");
  const emptyDirs = flags.has("d") || flags.has("--dir");
  if (paths.length === 0) {
    return force ? 0 : usageError(err, "rm", "missing operand");
  }
  return eachOperand(err, paths, (a) => {
    const path = shell.resolve(a);
    if (/(^|\/)\.\.?\/*$/.test(a)) return `rm: refusing to remove '.' or '..' directory: skipping '${a}'\n`;
    let e: string | undefined;
    if (!shell.fs.exists(path)) e = force ? undefined : "No such file or directory";
    else if (!shell.fs.isDir(path)) e = errorText(shell.fs.remove(path));
    else if (recursive) e = removeTree(shell.fs, path);
    else if (emptyDirs) e = errorText(shell.fs.rmdir(path));
    else e = "Is a directory";
    return e && `rm: cannot remove '${a}': ${e}\n`;
  });
};

export const rmdir: Builtin = ({ argv, shell, err }) => {
  const { paths } = splitArgs(argv);
  if (paths.length === 0) return usageError(err, "rmdir", "missing operand");
  return eachOperand(err, paths, (a) => {
    const e = errorText(shell.fs.rmdir(shell.resolve(a)));
    return e && `rmdir: failed to remove '${a}': ${e}\n`;
  });
};

export const touch: Builtin = ({ argv, shell, err }) => {
  const { paths } = splitArgs(argv);
  if (paths.length === 0) return usageError(err, "touch", "missing file operand");
  return eachOperand(err, paths, (a) => {
    const path = shell.resolve(a);
    if (shell.fs.exists(path)) {
      shell.fs.touch(path);
      return undefined;
    }
    const e = errorText(shell.fs.write(path, "", false));
    return e && `touch: cannot touch '${a}': ${e}\n`;
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
  const { argv, shell, err } = c;
  const tool = move ? "mv" : "cp";
  const { flags, paths } = splitArgs(argv);
  const recursive = move || flags.has("r") || flags.has("R") || flags.has("a") || flags.has("--recursive");
  if (paths.length === 0) return usageError(err, tool, "missing file operand");
  if (paths.length === 1)
    return usageError(err, tool, `missing destination file operand after '${paths[0]}'`);
  const dest = paths[paths.length - 1] ?? "";
  const sources = paths.slice(0, -1);
  const destPath = shell.resolve(dest);
  const destIsDir = shell.fs.isDir(destPath);
  if (sources.length > 1 && !destIsDir) {
    err(`${tool}: target '${dest}' is not a directory\n`);
    return 1;
  }
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
  }
  return status;
}

export const cp: Builtin = (c) => transfer(c, false);
export const mv: Builtin = (c) => transfer(c, true);

export const FILE_COMMANDS: Record<string, Builtin> = { ls, mkdir, rm, rmdir, touch, cp, mv };
