/**
 * `kubectl cp`, as kubectl v1.32 does it: from a pod it runs `tar cf - PATH` in the container
 * and unpacks the stream locally (tar's messages go to kubectl's stdout); into a pod it asks
 * `test -d DEST`, packs the local files as Go's archive/tar does and runs `tar -xmf - -C DIR`
 * there. The container's tar is lib/shell's GNU tar, reached through the shell host's exec.
 */
import { ApiError, asObj, fail, str } from "../client";
import { packTar, readTar, type TarEntry } from "../tar";
import { hostOf } from "./exec";
import { pickContainer } from "./pods";
import type { Command, Ctx } from "./types";

interface Spec {
  namespace?: string;
  pod?: string;
  file: string;
}

const FORMAT_ERROR = "filespec must match the canonical format: [[namespace/]pod:]file/path";

/** Go's path.Clean (remote paths) and filepath.Clean (local ones, on Linux). */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
    } else out.push(seg);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined || ".";
}

const dirOf = (p: string): string => {
  const c = cleanPath(p);
  const i = c.lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : c.slice(0, i);
};
const baseOf = (p: string): string => {
  const c = cleanPath(p);
  if (c === "/") return "/";
  return c.slice(c.lastIndexOf("/") + 1);
};
const join = (...parts: string[]): string => cleanPath(parts.filter((x) => x !== "").join("/"));

/** kubectl's extractFileSpec: `[namespace/]pod:path`, or a local path. */
function parseSpec(arg: string): Spec {
  const colon = arg.indexOf(":");
  if (colon === 0) throw fail(FORMAT_ERROR);
  if (colon < 0) return { file: arg === "" ? "" : cleanPath(arg) };
  const file = arg.slice(colon + 1);
  const pieces = arg.slice(0, colon).split("/");
  const remote = file === "" ? "" : cleanPath(file);
  if (pieces.length === 1) return { pod: pieces[0], file: remote };
  if (pieces.length === 2) return { namespace: pieces[0], pod: pieces[1], file: remote };
  throw fail(FORMAT_ERROR);
}

/** kubectl's stripPathShortcuts: no leading `../`, `./` or `/` left. */
function stripShortcuts(p: string): string {
  let s = cleanPath(p);
  while (s.startsWith("../")) s = s.slice(3);
  if (s === "." || s === ".." || s === "/") return "";
  return s.replace(/^\/+/, "");
}

interface Remote {
  namespace: string;
  pod: string;
  container: string;
}

/** Runs argv in the pod's container with these streams; the command's exit status. */
async function inContainer(
  ctx: Ctx,
  r: Remote,
  command: string[],
  streams: { stdin: string; stdout(c: string): void; stderr(c: string): void },
  stdin: boolean,
): Promise<number> {
  const host = hostOf(ctx.io.machine);
  if (!host.enterContainer) throw fail("containers are not available in this session");
  return host.enterContainer({ ...r, command, stdin, tty: false, streams });
}

async function remoteOf(
  ctx: Ctx,
  spec: Spec,
  requested: string,
  errOut: (s: string) => void,
): Promise<Remote> {
  const namespace = spec.namespace ?? ctx.namespace;
  const pod = spec.pod ?? "";
  let obj: Record<string, unknown>;
  try {
    obj = ctx.client.get(`/api/v1/namespaces/${namespace}/pods/${pod}`);
  } catch (e) {
    if (e instanceof ApiError) throw e.toCmdError();
    throw e;
  }
  const phase = str(asObj(obj.status).phase);
  if (phase === "Succeeded" || phase === "Failed")
    throw fail(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  const container = pickContainer({ ...ctx, err: errOut }, obj, requested, "exec");
  return { namespace, pod, container };
}

/** Go's archive/tar entries for a local file or directory tree (kubectl's makeTar). */
function localEntries(ctx: Ctx, src: string, dest: string, out: TarEntry[]): void {
  const io = ctx.io;
  const now = Math.floor(io.clock.now() / 1000);
  const names = io.listDir?.(src);
  if (names !== undefined) {
    if (names.length === 0) out.push({ name: dest, type: "dir", data: "", mode: 0o755, mtime: now });
    for (const n of [...names].sort()) localEntries(ctx, join(src, n), join(dest, n), out);
    return;
  }
  const data = io.readFile?.(src);
  if (data !== undefined) out.push({ name: dest, type: "file", data, mode: 0o644, mtime: now });
}

async function copyToPod(
  ctx: Ctx,
  src: Spec,
  dst: Spec,
  requested: string,
  noPreserve: boolean,
): Promise<number> {
  const io = ctx.io;
  if (io.readFile?.(src.file) === undefined && io.listDir?.(src.file) === undefined)
    throw fail(`${src.file} doesn't exist in local filesystem`);
  const remote = await remoteOf(ctx, dst, requested, (s) => ctx.err(s));
  let destFile = dst.file;
  const quiet = { stdin: "", stdout: () => {}, stderr: () => {} };
  if ((await inContainer(ctx, remote, ["test", "-d", destFile], quiet, false)) === 0)
    destFile = join(destFile, baseOf(src.file));
  const entries: TarEntry[] = [];
  localEntries(ctx, src.file, baseOf(destFile), entries);
  const command = noPreserve
    ? ["tar", "--no-same-permissions", "--no-same-owner", "-xmf", "-"]
    : ["tar", "-xmf", "-"];
  const dir = dirOf(destFile);
  if (dir !== "") command.push("-C", dir);
  const code = await inContainer(
    ctx,
    remote,
    command,
    { stdin: packTar(entries, "ustar"), stdout: (c) => ctx.out(c), stderr: (c) => ctx.err(c) },
    true,
  );
  return code;
}

async function copyFromPod(ctx: Ctx, src: Spec, dst: Spec, requested: string): Promise<number> {
  const io = ctx.io;
  // tar's stderr is kubectl's stdout here (TarPipe's ErrOut is o.Out)
  const remote = await remoteOf(ctx, src, requested, (s) => ctx.out(s));
  let archive = "";
  let ended = false;
  const code = await inContainer(
    ctx,
    remote,
    ["tar", "cf", "-", src.file],
    {
      stdin: "",
      stdout: (c) => {
        archive += c;
        // kubectl stops at the end-of-archive blocks and exits, whatever tar says after them
        if (readTar(archive).error === undefined) ended = true;
      },
      stderr: (c) => {
        if (!ended) ctx.out(c);
      },
    },
    false,
  );
  const read = readTar(archive);
  if (
    read.error === "invalid header" ||
    (read.error !== undefined && read.entries.length === 0 && code !== 0)
  ) {
    if (archive === "") return 1;
    throw fail(read.error === "unexpected EOF" ? "unexpected EOF" : "archive/tar: invalid tar header");
  }
  const prefix = stripShortcuts(src.file.replace(/^\/+/, ""));
  const dest = cleanPath(dst.file);
  let symlinkWarned = false;
  for (const h of read.entries) {
    if (!h.name.startsWith(prefix)) throw fail("tar contents corrupted");
    const target = join(dest, cleanPath(h.name.slice(prefix.length)).replace(/^\.$/, ""));
    if (target !== dest && !target.startsWith(dest === "/" ? "/" : `${dest}/`) && dest !== ".") {
      ctx.err(`warning: file "${target}" is outside target destination, skipping\n`);
      continue;
    }
    const parent = io.mkdirAll?.(dirOf(target));
    if (parent !== undefined) throw fail(`mkdir ${parent.path}: ${parent.error.toLowerCase()}`);
    if (h.type === "dir") {
      const made = io.mkdirAll?.(target);
      if (made !== undefined) throw fail(`mkdir ${made.path}: ${made.error.toLowerCase()}`);
      continue;
    }
    if (h.type === "symlink") {
      if (!symlinkWarned) {
        symlinkWarned = true;
        ctx.err(
          `warning: skipping symlink: "${target}" -> "${h.linkname ?? ""}" (consider using "kubectl exec -n "${remote.namespace}" "${remote.pod}" -- tar cf - "${src.file}" | tar xf -")\n`,
        );
      } else ctx.err(`warning: skipping symlink: "${target}" -> "${h.linkname ?? ""}"\n`);
      continue;
    }
    const err = io.writeFile?.(target, h.data);
    if (err !== undefined) throw fail(`open ${target}: ${err.toLowerCase()}`);
  }
  return 0;
}

export const cpCommand: Command = {
  name: "cp",
  short: "Copy files and directories to and from containers",
  flags: [
    { name: "container", short: "c", kind: "string", def: "" },
    { name: "no-preserve", kind: "bool", def: "false" },
    { name: "retries", kind: "int", def: "0" },
  ],
  async run(ctx, f) {
    if (f.args.length !== 2) throw fail("source and destination are required");
    const src = parseSpec(f.args[0] ?? "");
    const dst = parseSpec(f.args[1] ?? "");
    if (src.pod !== undefined && dst.pod !== undefined)
      throw fail("one of src or dest must be a local file specification");
    if (src.file === "" || dst.file === "") throw fail("filepath can not be empty");
    if (src.pod !== undefined) return copyFromPod(ctx, src, dst, f.str("container"));
    if (dst.pod !== undefined) return copyToPod(ctx, src, dst, f.str("container"), f.bool("no-preserve"));
    throw fail("one of src or dest must be a remote file specification");
  },
};
