/**
 * GNU tar in a container (the bootcamp image is Debian's, which ships it): create (`c`), extract
 * (`x`) and list (`t`) archives on the container's filesystem, the archive read from stdin or
 * written to stdout with `f -` (or a file). This is what `kubectl cp` runs over exec:
 * `tar cf - PATH` from a pod, `tar -xmf - -C DIR` into one. Messages are GNU tar's.
 */
import { utcFields } from "../cluster/time";
import { packTar, readTar, type TarEntry } from "../kubectl/tar";
import { resolvePath, type VirtualFs } from "./fs";
import { fsErrorText } from "./interp";
import type { ExitCode, Program, ProgramIO } from "./types";

const TRY = "Try 'tar --help' or 'tar --usage' for more information.\n";

interface Options {
  op?: "c" | "x" | "t";
  file?: string;
  dir?: string;
  verbose: boolean;
  gzip: boolean;
  operands: string[];
}

/** Old-style (`tar cf - x`), short (`-xmf -`) and long (`--file=-`) options, as GNU tar reads them. */
function parse(argv: string[]): Options | string {
  const o: Options = { verbose: false, gzip: false, operands: [] };
  const args = [...argv];
  const pending: ("f" | "C")[] = [];
  const letter = (ch: string): string | undefined => {
    if (ch === "c" || ch === "x" || ch === "t") {
      if (o.op !== undefined && o.op !== ch)
        return "tar: You may not specify more than one '-Acdtrux', '--delete' or  '--test-label' option\n";
      o.op = ch;
    } else if (ch === "f" || ch === "C") pending.push(ch);
    else if (ch === "v") o.verbose = true;
    else if (ch === "z") o.gzip = true;
    else if (!"mpoO".includes(ch)) return `tar: invalid option -- '${ch}'\n`;
    return undefined;
  };
  const takeArg = (which: "f" | "C", value: string | undefined): string | undefined => {
    if (value === undefined) return `tar: option requires an argument -- '${which}'\n`;
    if (which === "f") o.file = value;
    else o.dir = value;
    return undefined;
  };
  // the first word without a dash is a bundle of old-style letters
  const first = args[0];
  if (first !== undefined && !first.startsWith("-") && /^[a-zA-Z]+$/.test(first)) {
    args.shift();
    for (const ch of first) {
      const e = letter(ch);
      if (e) return e;
    }
    while (pending.length > 0) {
      const e = takeArg(pending.shift() as "f" | "C", args.shift());
      if (e) return e;
    }
  }
  let onlyOperands = false;
  while (args.length > 0) {
    const a = args.shift() as string;
    if (onlyOperands || a === "-" || !a.startsWith("-")) {
      o.operands.push(a);
      continue;
    }
    if (a === "--") {
      onlyOperands = true;
      continue;
    }
    if (a.startsWith("--")) {
      const [name, value] = a.includes("=")
        ? [a.slice(2, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
        : [a.slice(2)];
      if (name === "file" || name === "directory") {
        const e = takeArg(name === "file" ? "f" : "C", value ?? args.shift());
        if (e) return e;
      } else if (name === "create" || name === "extract" || name === "get" || name === "list") {
        const e = letter(name === "create" ? "c" : name === "list" ? "t" : "x");
        if (e) return e;
      } else if (name === "verbose") o.verbose = true;
      else if (name === "gzip") o.gzip = true;
      else if (
        ![
          "no-same-permissions",
          "no-same-owner",
          "same-permissions",
          "same-owner",
          "preserve-permissions",
          "touch",
          "overwrite",
        ].includes(name ?? "")
      )
        return `tar: unrecognized option '${a}'\n`;
      continue;
    }
    for (let i = 1; i < a.length; i++) {
      const ch = a[i] as string;
      const e = letter(ch);
      if (e) return e;
      if (ch === "f" || ch === "C") {
        pending.pop();
        const rest = a.slice(i + 1);
        const e2 = takeArg(ch, rest !== "" ? rest : args.shift());
        if (e2) return e2;
        break;
      }
    }
  }
  return o;
}

const two = (n: number): string => String(n).padStart(2, "0");

/** `tar tv`'s line: `-rw-r--r-- root/root      1234 2026-12-02 12:34 name`. */
function longLine(e: TarEntry, name: string): string {
  const bits = "rwxrwxrwx"
    .split("")
    .map((c, i) => ((e.mode >> (8 - i)) & 1 ? c : "-"))
    .join("");
  const kind = e.type === "dir" ? "d" : e.type === "symlink" ? "l" : "-";
  const user = e.uname || String(e.uid ?? 0);
  const group = e.gname || String(e.gid ?? 0);
  const size = String(e.type === "file" ? new TextEncoder().encode(e.data).length : 0);
  const pad = user.length + 1 + group.length + 1 + size.length;
  const width = Math.max(19, pad) - pad + size.length;
  const t = utcFields(e.mtime * 1000);
  const date = `${t.year}-${t.mm}-${t.dd} ${two(Math.floor((e.mtime % 86400) / 3600))}:${two(Math.floor((e.mtime % 3600) / 60))}`;
  const link = e.type === "symlink" ? ` -> ${e.linkname ?? ""}` : "";
  return `${kind}${bits} ${user}/${group} ${size.padStart(width)} ${date} ${name}${link}\n`;
}

/** GNU tar's member name: leading slashes removed (it warns once). */
function memberName(path: string): { name: string; stripped: boolean } {
  const name = path.replace(/^\/+/, "");
  return { name: name === "" ? "/" : name, stripped: name !== path };
}

export function createTar(fs: VirtualFs): Program {
  return async (io: ProgramIO): Promise<ExitCode> => {
    const o = parse(io.argv.slice(1));
    if (typeof o === "string") {
      io.stderr(o + TRY);
      return 2;
    }
    if (o.op === undefined) {
      io.stderr(`tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\n${TRY}`);
      return 2;
    }
    if (o.gzip) {
      io.stderr(
        "tar (child): gzip: Cannot exec: No such file or directory\ntar (child): Error is not recoverable: exiting now\n",
      );
      return 2;
    }
    const cwd = io.cwd ?? "/";
    const file = o.file ?? "-";
    let base = cwd;
    if (o.dir !== undefined) {
      base = resolvePath(cwd, o.dir);
      if (!fs.isDir(base)) {
        io.stderr(
          `tar: ${o.dir}: Cannot ${fs.exists(base) ? "chdir: Not a directory" : "open: No such file or directory"}\ntar: Error is not recoverable: exiting now\n`,
        );
        return 2;
      }
    }
    let failed = false;
    const warned = { strip: false };
    const strip = (path: string): string => {
      const m = memberName(path);
      if (m.stripped && !warned.strip) {
        warned.strip = true;
        io.stderr("tar: Removing leading `/' from member names\n");
      }
      return m.name;
    };
    if (o.op === "c") {
      if (o.operands.length === 0) {
        io.stderr(`tar: Cowardly refusing to create an empty archive\n${TRY}`);
        return 2;
      }
      if (file === "-" && io.stdoutIsTerminal && io.tty) {
        io.stderr(
          "tar: Refusing to write archive contents to terminal (missing -f option?)\ntar: Error is not recoverable: exiting now\n",
        );
        return 2;
      }
      const entries: TarEntry[] = [];
      const listing = (line: string): void => (file === "-" ? io.stderr(line) : io.stdout(line));
      const add = (path: string, shown: string, name: string): void => {
        const mtime = Math.floor(fs.mtime(path) / 1000);
        const owner = { uid: 0, gid: 0, uname: "root", gname: "root" };
        if (fs.isDir(path)) {
          entries.push({ name: `${name}/`, type: "dir", data: "", mode: 0o755, mtime, ...owner });
          if (o.verbose) listing(`${shown}/\n`);
          const children = fs.list(path);
          for (const child of Array.isArray(children) ? [...children].sort() : []) {
            const p = path === "/" ? `/${child}` : `${path}/${child}`;
            add(p, `${shown.replace(/\/$/, "")}/${child}`, `${name === "/" ? "" : `${name}/`}${child}`);
          }
          return;
        }
        const data = fs.read(path);
        if (typeof data !== "string") {
          io.stderr(`tar: ${shown}: Cannot stat: No such file or directory\n`);
          failed = true;
          return;
        }
        if (o.verbose) listing(`${shown}\n`);
        entries.push({ name, type: "file", data, mode: 0o644, mtime, ...owner });
      };
      for (const operand of o.operands) {
        const name = strip(operand.replace(/(.)\/+$/, "$1"));
        add(resolvePath(base, operand), operand.replace(/(.)\/+$/, "$1"), name);
      }
      const archive = packTar(entries, "gnu");
      if (file === "-") io.stdout(archive);
      else {
        const e = fs.write(resolvePath(cwd, file), archive, false);
        if (e !== undefined) {
          io.stderr(
            `tar: ${file}: Cannot open: ${fsErrorText(e)}\ntar: Error is not recoverable: exiting now\n`,
          );
          return 2;
        }
      }
      if (failed) io.stderr("tar: Exiting with failure status due to previous errors\n");
      return failed ? 2 : 0;
    }
    // x and t read an archive
    let stream: string;
    if (file === "-") stream = io.stdin;
    else {
      const r = fs.read(resolvePath(cwd, file));
      if (typeof r !== "string") {
        io.stderr(
          `tar: ${file}: Cannot open: ${fsErrorText(r.error)}\ntar: Error is not recoverable: exiting now\n`,
        );
        return 2;
      }
      stream = r;
    }
    const read = readTar(stream);
    if (read.empty && (read.error !== undefined || stream.length === 0)) {
      io.stderr(
        "tar: This does not look like a tar archive\ntar: Exiting with failure status due to previous errors\n",
      );
      return 2;
    }
    const wanted = o.operands.map((p) => p.replace(/^\/+/, "").replace(/\/+$/, ""));
    const seen = new Set<string>();
    for (const e of read.entries) {
      const name = strip(e.name);
      const bare = name.replace(/\/+$/, "");
      const match = wanted.find((w) => bare === w || bare.startsWith(`${w}/`));
      if (wanted.length > 0 && match === undefined) continue;
      if (match !== undefined) seen.add(match);
      if (o.op === "t") {
        io.stdout(o.verbose ? longLine(e, name) : `${name}\n`);
        continue;
      }
      if (o.verbose) io.stdout(`${name}\n`);
      const target = resolvePath(base, bare);
      // GNU tar makes missing parent directories of a member
      const parts = target.split("/").filter(Boolean);
      let dir = "";
      let blocked: string | undefined;
      for (const part of parts.slice(0, e.type === "dir" ? parts.length : -1)) {
        dir += `/${part}`;
        if (fs.isDir(dir)) continue;
        const err = fs.mkdir(dir);
        if (err !== undefined) {
          blocked = fsErrorText(err);
          break;
        }
      }
      if (blocked !== undefined) {
        io.stderr(`tar: ${bare}: Cannot mkdir: ${blocked}\n`);
        failed = true;
        continue;
      }
      if (e.type !== "file") continue;
      const err = fs.write(target, e.data, false);
      if (err !== undefined) {
        io.stderr(`tar: ${bare}: Cannot open: ${fsErrorText(err)}\n`);
        failed = true;
      }
    }
    if (read.error === "unexpected EOF") {
      io.stderr(
        "tar: Unexpected EOF in archive\ntar: Unexpected EOF in archive\ntar: Error is not recoverable: exiting now\n",
      );
      return 2;
    }
    for (const w of wanted) {
      if (!seen.has(w)) {
        io.stderr(`tar: ${w}: Not found in archive\n`);
        failed = true;
      }
    }
    if (failed) io.stderr("tar: Exiting with failure status due to previous errors\n");
    return failed ? 2 : 0;
  };
}
