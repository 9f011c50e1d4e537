/**
 * `kubectl cp`: a file from the workstation into a container and back. Real kubectl pipes tar
 * through `kubectl exec`; here the container's files are reached directly, and tar's and
 * kubectl's messages are printed where they would appear.
 */
import { ApiError, asArr, asObj, fail, str } from "../client";
import type { Command } from "./types";

interface Spec {
  namespace?: string;
  pod?: string;
  path: string;
}

/** `[namespace/]pod:path`, or a local path (kubectl's extractFileSpec). */
function parseSpec(arg: string): Spec {
  const colon = arg.indexOf(":");
  if (colon <= 0) return { path: arg };
  const head = arg.slice(0, colon);
  const path = arg.slice(colon + 1);
  const parts = head.split("/");
  if (parts.length === 1) return { pod: head, path };
  if (parts.length === 2) return { namespace: parts[0], pod: parts[1], path };
  return { path: arg };
}

const baseName = (p: string): string => p.replace(/\/+$/, "").split("/").pop() ?? p;

function joinPath(dir: string, name: string): string {
  if (name.startsWith("/")) return name;
  return `${dir.replace(/\/+$/, "")}/${name}`.replace(/\/\.\//g, "/");
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
    if (src.pod === undefined && dst.pod === undefined)
      throw fail("one of src or dest must be a remote file specification");
    if (src.pod !== undefined && dst.pod !== undefined)
      throw fail("one of src or dest must be a local file specification");
    const io = ctx.io;
    const remote = (src.pod !== undefined ? src : dst) as Spec & { pod: string };
    const namespace = remote.namespace ?? ctx.namespace;
    if (src.pod === undefined && io.readFile?.(src.path) === undefined)
      throw fail(`${src.path} doesn't exist in local filesystem`);
    if (remote.path === "") throw fail("remote path cannot be empty");
    let pod: Record<string, unknown>;
    try {
      pod = ctx.client.get(`/api/v1/namespaces/${namespace}/pods/${remote.pod}`);
    } catch (e) {
      if (e instanceof ApiError) throw e.toCmdError();
      throw e;
    }
    const containers = asArr(asObj(pod.spec).containers).map((c) => str(asObj(c).name));
    const container = f.str("container") || containers[0];
    if (!f.str("container") && containers.length > 1)
      ctx.err(`Defaulted container "${container}" out of: ${containers.join(", ")}\n`);
    const files = io.containerFiles?.({ namespace, pod: remote.pod, ...(container ? { container } : {}) });
    if (files === undefined) throw fail("containers are not available in this session");
    if (typeof files === "string") {
      ctx.err(files.endsWith("\n") ? files : `${files}\n`);
      return 1;
    }
    const inContainer = (p: string): string => (p.startsWith("/") ? p : joinPath(files.workingDir, p));
    if (src.pod === undefined) {
      // local → container: tar xmf - -C DIR in the container
      const data = io.readFile?.(src.path) ?? "";
      let target = inContainer(dst.path);
      if (files.isDir(target)) target = joinPath(target, baseName(src.path));
      const err = files.write(target, data);
      if (err !== undefined) {
        ctx.err(
          `tar: ${target.replace(/^\//, "")}: Cannot open: ${err}\ntar: Exiting with failure status due to previous errors\n`,
        );
        return 1;
      }
      return 0;
    }
    // container → local: tar cf - PATH in the container
    const from = inContainer(src.path);
    if (src.path.startsWith("/")) ctx.err("tar: Removing leading `/' from member names\n");
    const data = files.read(from);
    if (data === undefined) {
      ctx.err(
        files.isDir(from)
          ? `tar: ${src.path}: directories are not copied in this classroom\n`
          : `tar: ${src.path}: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n`,
      );
      throw fail(`${src.path} no such file or directory`);
    }
    let target = dst.path;
    if (io.listDir?.(target) !== undefined) target = joinPath(target, baseName(src.path));
    const err = io.writeFile?.(target, data);
    if (err !== undefined) throw fail(`open ${target}: ${err.toLowerCase()}`);
    return 0;
  },
};
