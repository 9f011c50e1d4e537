import type { Builtin } from "./builtins";
import type { VirtualFs } from "./fs";
import { fsErrorText } from "./interp";
import { applyMode, modeString, parseMode } from "./modes";

function octal(mode: number): string {
  return mode.toString(8).padStart(4, "0");
}

/** `chmod [-R] [-c|-v] [-f] MODE FILE…`: sets the permission bits the workstation keeps and enforces. */
export const chmod: Builtin = ({ argv, shell, out, err }) => {
  const flags = new Set<string>();
  const args: string[] = [];
  let options = true;
  for (const a of argv.slice(1)) {
    if (options && a === "--") options = false;
    else if (options && /^-[Rvcf]+$/.test(a)) for (const f of a.slice(1)) flags.add(f);
    else if (options && a === "--recursive") flags.add("R");
    else if (options && a === "--verbose") flags.add("v");
    else if (options && a === "--changes") flags.add("c");
    else if (options && (a === "--silent" || a === "--quiet")) flags.add("f");
    else args.push(a);
  }
  const text = args[0];
  if (text === undefined) {
    err("chmod: missing operand\nTry 'chmod --help' for more information.\n");
    return 1;
  }
  const mode = parseMode(text);
  if (mode === undefined) {
    err(`chmod: invalid mode: \u2018${text}\u2019\nTry 'chmod --help' for more information.\n`);
    return 1;
  }
  if (args.length === 1) {
    err(`chmod: missing operand after \u2018${text}\u2019\nTry 'chmod --help' for more information.\n`);
    return 1;
  }
  const fs = shell.fs;
  let status = 0;
  const change = (shown: string, path: string): void => {
    const isDir = fs.isDir(path);
    const before = fs.mode(path);
    const after = applyMode(mode, before, isDir);
    const e = fs.chmod(path, after);
    if (e !== undefined) {
      if (!flags.has("f")) err(`chmod: changing permissions of '${shown}': ${fsErrorText(e)}\n`);
      status = 1;
    } else if (before !== after && (flags.has("v") || flags.has("c"))) {
      out(
        `mode of '${shown}' changed from ${octal(before)} (${modeString(isDir, before).slice(1)}) to ${octal(after)} (${modeString(isDir, after).slice(1)})\n`,
      );
    } else if (before === after && flags.has("v")) {
      out(`mode of '${shown}' retained as ${octal(before)} (${modeString(isDir, before).slice(1)})\n`);
    }
    if (isDir && flags.has("R")) walk(fs, path, shown, change);
  };
  for (const f of args.slice(1)) {
    const path = shell.resolve(f);
    if (!fs.exists(path)) {
      if (!flags.has("f")) err(`chmod: cannot access '${f}': No such file or directory\n`);
      status = 1;
      continue;
    }
    change(f, path);
  }
  return status;
};

function walk(fs: VirtualFs, dir: string, shown: string, visit: (shown: string, path: string) => void): void {
  const names = fs.list(dir);
  if (!Array.isArray(names)) return;
  for (const n of names) visit(`${shown.replace(/\/$/, "")}/${n}`, dir === "/" ? `/${n}` : `${dir}/${n}`);
}
