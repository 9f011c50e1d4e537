import { fail, kindPrefix } from "../client";
import { dryRunFlag, dryRunOf, dryRunQuery, printOutcome } from "./dryrun";
import { noResources, patch, resolveTargets } from "./mutate";
import type { Command } from "./types";

export const scaleCommand: Command = {
  name: "scale",
  args: "resource",
  short: "Set a new size for a deployment, replica set, or replication controller",
  flags: [
    { name: "replicas", kind: "int", def: "0" },
    { name: "current-replicas", kind: "int", def: "-1" },
    { name: "selector", short: "l", kind: "string", def: "" },
    { name: "all", kind: "bool", def: "false" },
    { name: "timeout", kind: "string", def: "0s" },
    { name: "filename", short: "f", kind: "strings", def: "" },
    dryRunFlag,
    { name: "output", short: "o", kind: "string", def: "" },
    { name: "template", kind: "string", def: "" },
  ],
  async run(ctx, f) {
    const dryRun = dryRunOf(ctx, f);
    if (!f.changed.has("replicas"))
      // kubectl v1.32 reports cobra's required-flag error through util.CheckErr
      throw fail('required flag(s) "replicas" not set');
    const replicas = f.int("replicas");
    if (replicas < 0)
      throw fail("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
    if (f.args.length === 0) throw noResources();
    const { targets, failed } = resolveTargets(ctx, f.args, {
      selector: f.str("selector"),
      all: f.bool("all"),
    });
    for (const t of targets) {
      if (!["Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"].includes(t.info.kind))
        throw fail(`no scaler has been implemented for {"${t.info.group}" "${t.info.kind}"}`);
      if (dryRun !== "client") patch(ctx, t, { spec: { replicas } }, "merge", "scale", dryRunQuery(dryRun));
      printOutcome(ctx, f, {
        obj: t.obj,
        prefix: kindPrefix(t.info),
        name: t.name,
        operation: "scaled",
        dryRun,
      });
    }
    return failed ? 1 : 0;
  },
};
