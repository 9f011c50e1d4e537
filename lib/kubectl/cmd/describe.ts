import { ApiError, asArr, asObj, groupVersion, type Obj, str } from "../client";
import { describeObject } from "../describe";
import { listQuery } from "./get";
import { checkNamesWithSelector, parseResourceArgs } from "./resources";
import type { Command } from "./types";

export const describeCommand: Command = {
  name: "describe",
  args: "resource",
  short: "Show details of a specific resource or group of resources",
  flags: [
    { name: "selector", short: "l", kind: "string", def: "" },
    { name: "field-selector", kind: "string", def: "" },
    { name: "all-namespaces", short: "A", kind: "bool", def: "false" },
    { name: "show-events", kind: "bool", def: "true" },
    { name: "chunk-size", kind: "int", def: "500" },
    { name: "filename", short: "f", kind: "strings", def: "" },
    { name: "recursive", short: "R", kind: "bool", def: "false" },
  ],
  async run(ctx, f) {
    if (f.args.length === 0) {
      ctx.err(
        'error: You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n',
      );
      return 1;
    }
    const allNs = f.bool("all-namespaces");
    checkNamesWithSelector(f.args, f.str("selector") !== "");
    const { requests } = parseResourceArgs(ctx.client, f.args);
    const now = ctx.io.clock.now();
    const outputs: string[] = [];
    let exit = 0;
    for (const r of requests) {
      const ns = r.info.namespaced && !allNs ? ctx.namespace : undefined;
      const withType = (o: Obj): Obj => ({ apiVersion: groupVersion(r.info), kind: r.info.kind, ...o });
      if (r.names.length === 0) {
        const list = ctx.client.get(ctx.client.resourcePath(r.info, ns), listQuery(f));
        const items = asArr(list.items).map(asObj);
        if (items.length === 0) {
          ctx.err(
            r.info.namespaced && !allNs
              ? `No resources found in ${ctx.namespace} namespace.\n`
              : "No resources found\n",
          );
          continue;
        }
        for (const it of items) outputs.push(describeObject(ctx.client, r.info.kind, withType(it), now));
        continue;
      }
      for (const name of r.names) {
        try {
          const o = ctx.client.get(ctx.client.resourcePath(r.info, ns, name));
          outputs.push(describeObject(ctx.client, r.info.kind, withType(o), now));
        } catch (e) {
          if (!(e instanceof ApiError) || e.status !== 404) throw e;
          // kubectl describe falls back to a name-prefix match
          const list = ctx.client.get(ctx.client.resourcePath(r.info, ns), { limit: "500" });
          const matches = asArr(list.items)
            .map(asObj)
            .filter((it) => str(asObj(it.metadata).name).startsWith(name));
          if (matches.length === 0) {
            ctx.err(`${e.serverText()}\n`);
            exit = 1;
            continue;
          }
          for (const it of matches) outputs.push(describeObject(ctx.client, r.info.kind, withType(it), now));
        }
      }
    }
    ctx.out(outputs.join("\n\n"));
    return exit;
  },
};
