import { WORKSTATION_LIMITS } from "./limits";

/**
 * The student's virtual filesystem: a bounded in-memory tree. Only the home directory and /tmp
 * are writable; the rest is a read-only skeleton so `ls /` and `cd /etc` behave plausibly.
 */

export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_TOTAL_BYTES = 4 * 1024 * 1024;

export type FsError =
  | "ENOENT"
  | "EISDIR"
  | "ENOTDIR"
  | "EACCES"
  | "EFBIG"
  | "EEXIST"
  | "ENOSPC"
  | "ENOTEMPTY"
  | "EPERM";

/** Bytes (contents and names) and entries a filesystem — or several sharing it — may hold. */
export class FsQuota {
  bytes = 0;
  entries = 0;
  constructor(
    readonly maxBytes = MAX_TOTAL_BYTES,
    readonly maxEntries = WORKSTATION_LIMITS.fsEntries,
  ) {}
}

export interface FsSnapshot {
  files: Record<string, string>;
  dirs: string[];
  /** Permission bits that differ from a new entry's (files 0644, directories 0755); absent when none do. */
  modes?: Record<string, number>;
}

/** A new file's and directory's permission bits under the usual umask 022. */
export const FILE_MODE = 0o644;
export const DIR_MODE = 0o755;

/** Normalises `path` against `cwd` (no symlinks: `..` is purely lexical, like `cd -L`). */
export function resolvePath(cwd: string, path: string, home?: string): string {
  let p = path;
  if (home !== undefined && (p === "~" || p.startsWith("~/"))) p = home + p.slice(1);
  const abs = p.startsWith("/") ? p : `${cwd}/${p}`;
  const out: string[] = [];
  for (const seg of abs.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

export class VirtualFs {
  private files = new Map<string, string>();
  private dirs = new Set<string>(["/"]);
  /** Modification times (ms) of what was written while a clock was set (`ls -l`). */
  private mtimes = new Map<string, number>();
  /** Permission bits set by chmod, where they differ from FILE_MODE / DIR_MODE. */
  private modes = new Map<string, number>();
  /** The session's clock, for modification times (none: `ls -l` shows the epoch). */
  private clock: (() => number) | undefined;

  /** Sets the clock; what exists already was made "now". */
  setClock(clock: () => number): void {
    this.clock = clock;
    const now = clock();
    for (const p of [...this.dirs, ...this.files.keys()]) if (!this.mtimes.has(p)) this.mtimes.set(p, now);
  }

  constructor(
    private readonly writableRoots: string[],
    skeleton: string[] = [],
    /** What the student's writes may use (container filesystems of a workstation share one). */
    private readonly quota: FsQuota = new FsQuota(),
    /** Writable roots that are root's all the same (the workstation's sticky /tmp): writable inside, not chmod-able. */
    private readonly rootOwned: readonly string[] = [],
  ) {
    for (const d of skeleton) this.mkdirp(d);
    for (const d of writableRoots) this.mkdirp(d);
    // the null device reads as empty (writes to it never reach the filesystem)
    this.mkdirp("/dev");
    this.files.set("/dev/null", "");
  }

  private mkdirp(path: string): void {
    let p = path;
    while (!this.dirs.has(p)) {
      this.dirs.add(p);
      p = parentOf(p);
    }
  }

  isDir(path: string): boolean {
    return this.dirs.has(path);
  }

  isFile(path: string): boolean {
    return this.files.has(path);
  }

  exists(path: string): boolean {
    return this.isDir(path) || this.isFile(path);
  }

  read(path: string): string | { error: FsError } {
    const f = this.files.get(path);
    // the student owns every file chmod can change: the owner's read bit decides
    if (f !== undefined) return (this.mode(path) & 0o400) === 0 ? { error: "EACCES" } : f;
    return { error: this.dirs.has(path) ? "EISDIR" : "ENOENT" };
  }

  /** The student may write here at all (the home, /tmp), whatever the permission bits say. */
  writableAt(path: string): boolean {
    return path === "/dev/null" || this.writable(path);
  }

  private writable(path: string): boolean {
    return this.writableRoots.some((r) => r === "/" || path === r || path.startsWith(`${r}/`));
  }

  write(path: string, data: string, append: boolean): FsError | undefined {
    if (path === "/dev/null") return undefined;
    if (this.dirs.has(path)) return "EISDIR";
    const parent = parentOf(path);
    if (!this.dirs.has(parent)) return this.files.has(parent) ? "ENOTDIR" : "ENOENT";
    if (!this.writable(path)) return "EACCES";
    const existing = this.files.get(path);
    if (existing !== undefined && (this.mode(path) & 0o200) === 0) return "EACCES";
    const before = existing ?? "";
    if ((append ? before.length + data.length : data.length) > MAX_FILE_BYTES) return "EFBIG";
    const delta =
      (append ? data.length : data.length - before.length) + (existing === undefined ? path.length : 0);
    if (existing === undefined && this.quota.entries >= this.quota.maxEntries) return "ENOSPC";
    if (delta > 0 && this.quota.bytes + delta > this.quota.maxBytes) return "ENOSPC";
    this.quota.bytes += delta;
    if (existing === undefined) this.quota.entries++;
    this.files.set(path, append ? before + data : data);
    this.touched(path);
    if (existing === undefined) this.touched(parent);
    return undefined;
  }

  mkdir(path: string): FsError | undefined {
    if (this.exists(path)) return "EEXIST";
    const parent = parentOf(path);
    if (!this.dirs.has(parent)) return "ENOENT";
    if (!this.writable(path)) return "EACCES";
    if (this.quota.entries >= this.quota.maxEntries || this.quota.bytes + path.length > this.quota.maxBytes)
      return "ENOSPC";
    this.quota.entries++;
    this.quota.bytes += path.length;
    this.dirs.add(path);
    this.touched(path);
    this.touched(parent);
    return undefined;
  }

  private touched(path: string): void {
    if (this.clock !== undefined) this.mtimes.set(path, this.clock());
  }

  /** Sets the modification time to now (`touch` of an existing file). */
  touch(path: string): void {
    if (this.exists(path)) this.touched(path);
  }

  /** Sets the modification time (`touch -d`, `-t`, `-r`). */
  setMtime(path: string, ms: number): void {
    if (this.exists(path) && Number.isFinite(ms)) this.mtimes.set(path, ms);
  }

  mtime(path: string): number {
    return this.mtimes.get(path) ?? 0;
  }

  /** A file's size in bytes (as stat sees it: whatever its permission bits), a directory's 4096; -1 when nothing is there. */
  size(path: string): number {
    const f = this.files.get(path);
    if (f !== undefined) return Buffer.byteLength(f);
    return this.dirs.has(path) ? 4096 : -1;
  }

  /** The permission bits (07777) of what exists at `path`. */
  mode(path: string): number {
    const set = this.modes.get(path);
    if (set !== undefined) return set;
    if (path === "/tmp") return 0o1777;
    if (path === "/dev/null") return 0o666;
    return this.dirs.has(path) ? DIR_MODE : FILE_MODE;
  }

  /**
   * Whether the user owns `path`: what they may write, but not a root-owned root (the
   * workstation's /tmp) nor /dev/null. The rest is root's (`ls -l` says so; chmod is refused).
   */
  owned(path: string): boolean {
    return this.writable(path) && !this.rootOwned.includes(path) && path !== "/dev/null";
  }

  /** Sets the permission bits (`chmod`): only what the user owns. */
  chmod(path: string, mode: number): FsError | undefined {
    if (!this.exists(path)) return "ENOENT";
    if (!this.owned(path)) return "EPERM";
    const bits = mode & 0o7777;
    if (bits === (this.dirs.has(path) ? DIR_MODE : FILE_MODE)) this.modes.delete(path);
    else this.modes.set(path, bits);
    return undefined;
  }

  /** Removes an empty directory (`rmdir`, `rm -d`, `rm -r` after its contents). */
  rmdir(path: string): FsError | undefined {
    if (!this.dirs.has(path)) return this.files.has(path) ? "ENOTDIR" : "ENOENT";
    const inside = this.list(path);
    if (Array.isArray(inside) && inside.length > 0) return "ENOTEMPTY";
    if (path === "/" || !this.writable(path) || this.writableRoots.includes(path)) return "EACCES";
    this.dirs.delete(path);
    this.mtimes.delete(path);
    this.modes.delete(path);
    this.quota.entries--;
    this.quota.bytes -= path.length;
    this.touched(parentOf(path));
    return undefined;
  }

  remove(path: string): FsError | undefined {
    if (path === "/dev/null") return "EACCES";
    if (this.dirs.has(path)) return "EISDIR";
    const f = this.files.get(path);
    if (f === undefined) return "ENOENT";
    if (!this.writable(path)) return "EACCES";
    this.quota.bytes -= f.length + path.length;
    this.quota.entries--;
    this.files.delete(path);
    this.mtimes.delete(path);
    this.modes.delete(path);
    this.touched(parentOf(path));
    return undefined;
  }

  /** Names directly inside `dir`, sorted like `ls` (C locale). */
  list(dir: string): string[] | { error: FsError } {
    if (!this.dirs.has(dir)) return { error: this.files.has(dir) ? "ENOTDIR" : "ENOENT" };
    const prefix = dir === "/" ? "/" : `${dir}/`;
    const names = new Set<string>();
    for (const p of [...this.dirs, ...this.files.keys()]) {
      if (p !== dir && p.startsWith(prefix)) {
        const rest = p.slice(prefix.length);
        if (rest !== "" && !rest.includes("/")) names.add(rest);
      }
    }
    return [...names].sort();
  }

  /** Only what the student created (writable roots) is persisted; the skeleton is rebuilt. */
  toJSON(): FsSnapshot {
    const files: Record<string, string> = {};
    for (const [p, v] of [...this.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (this.writable(p)) files[p] = v;
    }
    const dirs = [...this.dirs].filter((d) => this.writable(d)).sort();
    if (this.modes.size === 0) return { files, dirs };
    const modes: Record<string, number> = {};
    for (const [p, m] of [...this.modes].sort(([a], [b]) => (a < b ? -1 : 1))) modes[p] = m;
    return { files, dirs, modes };
  }

  restore(snap: FsSnapshot): void {
    for (const d of snap.dirs) if (this.writable(d)) this.mkdirp(d);
    for (const [p, v] of Object.entries(snap.files)) {
      if (!this.writable(p) || v.length > MAX_FILE_BYTES) continue;
      this.mkdirp(parentOf(p));
      this.write(p, v, false);
    }
    for (const [p, m] of Object.entries(snap.modes ?? {})) if (Number.isInteger(m)) this.chmod(p, m);
  }

  /** Removes a seeded file (a process substitution's /dev/fd entry once its line ends). */
  unseed(path: string): void {
    this.files.delete(path);
    this.mtimes.delete(path);
  }

  /** Seeds a read-only file (container images); bypasses the writable check. */
  seed(path: string, data: string): void {
    this.mkdirp(parentOf(path));
    this.files.set(path, data);
  }
}
