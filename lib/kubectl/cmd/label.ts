/** `kubectl label` and `kubectl annotate` share one implementation (metadata map edits by merge patch). */

import { mergePatch } from "../../cluster/patch";
import { asObj, fail, kindPrefix, type Obj, str } from "../client";
import { dryRunFlag, dryRunOf, dryRunQuery, printOutcome } from "./dryrun";
import { noResources, patch, resolveTargets } from "./mutate";
import type { Command } from "./types";

export function metadataCommand(kind: "labels" | "annotations"): Command {
  const verb = kind === "labels" ? "label" : "annotate";
  return {
    name: verb,
    args: "resource",
    short: kind === "labels" ? "Update the labels on a resource" : "Update the annotations on a resource",
    flags: [
      { name: "overwrite", kind: "bool", def: "false" },
      { name: "selector", short: "l", kind: "string", def: "" },
      { name: "all", kind: "bool", def: "false" },
      { name: "all-namespaces", short: "A", kind: "bool", def: "false" },
      { name: "list", kind: "bool", def: "false" },
      { name: "local", kind: "bool", def: "false" },
      { name: "resource-version", kind: "string", def: "" },
      { name: "filename", short: "f", kind: "strings", def: "" },
      dryRunFlag,
      { name: "output", short: "o", kind: "string", def: "" },
      { name: "template", kind: "string", def: "" },
    ],
    async run(ctx, f) {
      const dryRun = dryRunOf(ctx, f);
      const isChange = (a: string): boolean => a.includes("=") || (a.endsWith("-") && !a.includes("/"));
      const firstChange = f.args.findIndex(isChange);
      const resources = firstChange < 0 ? f.args : f.args.slice(0, firstChange);
      const changes = firstChange < 0 ? [] : f.args.slice(firstChange);
      if (resources.length === 0) throw noResources();
      const { targets, failed } = resolveTargets(ctx, resources, {
        selector: f.str("selector"),
        all: f.bool("all"),
        allNamespaces: f.bool("all-namespaces"),
      });
      if (f.bool("list")) {
        for (const t of targets) {
          const m = asObj(asObj(t.obj.metadata)[kind]);
          for (const k of Object.keys(m).sort()) ctx.out(`${k}=${str(m[k])}\n`);
        }
        return failed ? 1 : 0;
      }
      if (changes.length === 0)
        throw fail(`at least one ${kind === "labels" ? "label" : "annotation"} update is required`);
      const set = new Map<string, string>();
      const remove: string[] = [];
      for (const c of changes) {
        if (c.endsWith("-") && !c.includes("=")) remove.push(c.slice(0, -1));
        else {
          const i = c.indexOf("=");
          set.set(c.slice(0, i), c.slice(i + 1));
        }
      }
      let exit = failed ? 1 : 0;
      for (const t of targets) {
        const current = asObj(asObj(t.obj.metadata)[kind]);
        if (!f.bool("overwrite")) {
          const clashes = [...set].filter(([k, v]) => k in current && str(current[k]) !== v);
          if (clashes.length > 0) {
            const [k] = clashes[0] ?? ["", ""];
            if (kind === "labels")
              ctx.err(`error: '${k}' already has a value (${str(current[k])}), and --overwrite is false\n`);
            else
              ctx.err(
                `error: --overwrite is false but found the following declared annotation(s): ${clashes
                  .map(([key]) => `'${key}' already has a value (${str(current[key])})`)
                  .join("; ")}\n`,
              );
            exit = 1;
            continue;
          }
        }
        const diff: Obj = {};
        for (const [k, v] of set) if (str(current[k]) !== v || !(k in current)) diff[k] = v;
        for (const k of remove) {
          if (k in current) diff[k] = null;
          else if (kind === "labels") ctx.out(`label "${k}" not found.\n`);
        }
        // kubectl says `not labeled` when the labels would not change; annotate always says `annotated`
        const changed = Object.keys(diff).length > 0;
        const operation =
          kind === "annotations"
            ? "annotated"
            : !changed
              ? "not labeled"
              : set.size === 0
                ? "unlabeled"
                : "labeled";
        const body = { metadata: { [kind]: diff } };
        let obj = t.obj;
        if (changed && dryRun === "client") obj = mergePatch(t.obj, body) as Obj;
        else if (changed) obj = patch(ctx, t, body, "merge", undefined, dryRunQuery(dryRun));
        printOutcome(ctx, f, { obj, prefix: kindPrefix(t.info), name: t.name, operation, dryRun });
      }
      return exit;
    },
  };
}

export const labelCommand = metadataCommand("labels");
