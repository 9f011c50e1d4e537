import { fail, kindPrefix } from "../client";
import { deleteFromFiles } from "./apply";
import { dryRunFlag, dryRunOf, dryRunSuffix } from "./dryrun";
import { noResources, resolveTargets } from "./mutate";
import { checkNamesWithSelector } from "./resources";
import { type Command, reportObjectError, sleep } from "./types";

export const deleteCommand: Command = {
  name: "delete",
  args: "resource",
  short: "Delete resources by file names, stdin, resources and names, or by resources and label selector",
  flags: [
    { name: "selector", short: "l", kind: "string", def: "" },
    { name: "all", kind: "bool", def: "false" },
    { name: "all-namespaces", short: "A", kind: "bool", def: "false" },
    { name: "field-selector", kind: "string", def: "" },
    { name: "force", kind: "bool", def: "false" },
    { name: "grace-period", kind: "int", def: "-1" },
    { name: "now", kind: "bool", def: "false" },
    { name: "wait", kind: "bool", def: "true" },
    { name: "timeout", kind: "string", def: "0s" },
    { name: "ignore-not-found", kind: "bool", def: "false" },
    { name: "cascade", kind: "string", def: "background" },
    { name: "filename", short: "f", kind: "strings", def: "" },
    { name: "recursive", short: "R", kind: "bool", def: "false" },
    { name: "output", short: "o", kind: "string", def: "" },
    dryRunFlag,
    { name: "interactive", short: "i", kind: "bool", def: "false" },
  ],

  async run(ctx, f) {
    const dryRun = dryRunOf(ctx, f);
    const output = f.str("output");
    if (output !== "" && output !== "name")
      throw fail(`unexpected -o output mode: ${output}. We only support '-o name'`);
    if (f.list("filename").length > 0) return deleteFromFiles(ctx, f, deleteBody(f), dryRun);
    if (f.args.length === 0) throw noResources();
    checkNamesWithSelector(f.args, f.str("selector") !== "" || f.bool("all"));
    const hasNames = f.args.length > 1 || f.args.some((a) => a.includes("/"));
    if (!hasNames && !f.str("selector") && !f.bool("all") && !f.str("field-selector"))
      throw fail(`resource(s) were provided, but no name was specified`);
    const { targets, failed } = resolveTargets(ctx, f.args, {
      selector: f.str("selector"),
      all: f.bool("all"),
      allNamespaces: f.bool("all-namespaces"),
    });
    if (targets.length === 0 && !failed) {
      ctx.err(f.bool("all-namespaces") ? "No resources found\n" : `No resources found\n`);
      return 0;
    }
    const grace = f.bool("now") ? 1 : f.bool("force") ? 0 : f.int("grace-period");
    const policy =
      f.str("cascade") === "orphan"
        ? "Orphan"
        : f.str("cascade") === "foreground"
          ? "Foreground"
          : "Background";
    const deleted: typeof targets = [];
    let exit = failed ? 1 : 0;
    for (const t of targets) {
      const body: Record<string, unknown> = { propagationPolicy: policy };
      if (grace >= 0) body.gracePeriodSeconds = grace;
      try {
        if (dryRun !== "client")
          ctx.client.json("DELETE", ctx.client.resourcePath(t.info, t.namespace, t.name), {
            // kubectl asks for a server dry run in the DeleteOptions body
            body: dryRun === "server" ? { ...body, dryRun: ["All"] } : body,
          });
      } catch (e) {
        if (reportObjectError(ctx, e, f.bool("ignore-not-found"))) exit = 1;
        continue;
      }
      if (f.bool("force") && grace === 0)
        ctx.err(
          "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n",
        );
      ctx.out(
        output === "name"
          ? `${kindPrefix(t.info)}/${t.name}\n`
          : `${kindPrefix(t.info)} "${t.name}" deleted${dryRunSuffix(dryRun)}\n`,
      );
      deleted.push(t);
    }
    // --wait: block until the objects are gone (pods terminate gracefully)
    if (f.bool("wait") && dryRun === "none") {
      for (const t of deleted) {
        for (let i = 0; i < 120; i++) {
          const res = ctx.client.send("GET", ctx.client.resourcePath(t.info, t.namespace, t.name));
          if (res.status === 404) break;
          if (!(await sleep(ctx.io, 1000))) return 130;
        }
      }
    }
    return exit;
  },
};

/** The DeleteOptions body of --cascade, --grace-period, --now and --force. */
function deleteBody(f: import("../flags").ParsedFlags): Record<string, unknown> {
  const grace = f.bool("now") ? 1 : f.bool("force") ? 0 : f.int("grace-period");
  const cascade = f.str("cascade");
  const body: Record<string, unknown> = {
    propagationPolicy:
      cascade === "orphan" ? "Orphan" : cascade === "foreground" ? "Foreground" : "Background",
  };
  if (grace >= 0) body.gracePeriodSeconds = grace;
  return body;
}
