import { groupVersion } from "../client";
import { tableTabs } from "../tabwriter";
import type { Command } from "./types";

export const apiResourcesCommand: Command = {
  name: "api-resources",
  short: "Print the supported API resources on the server",
  flags: [
    { name: "namespaced", kind: "bool", def: "true" },
    { name: "api-group", kind: "string", def: "" },
    { name: "output", short: "o", kind: "string", def: "" },
    { name: "no-headers", kind: "bool", def: "false" },
    { name: "verbs", kind: "strings", def: "" },
    { name: "sort-by", kind: "string", def: "" },
    { name: "cached", kind: "bool", def: "false" },
    { name: "categories", kind: "strings", def: "" },
  ],
  async run(ctx, f) {
    let list = [...ctx.client.discover()];
    if (f.changed.has("namespaced")) list = list.filter((r) => r.namespaced === f.bool("namespaced"));
    if (f.changed.has("api-group")) list = list.filter((r) => r.group === f.str("api-group"));
    const verbs = f.list("verbs");
    if (verbs.length > 0) list = list.filter((r) => verbs.every((v) => r.verbs.includes(v)));
    list.sort((a, b) =>
      a.group === b.group ? (a.resource < b.resource ? -1 : 1) : a.group < b.group ? -1 : 1,
    );
    const o = f.str("output");
    if (o === "name") {
      ctx.out(list.map((r) => (r.group ? `${r.resource}.${r.group}\n` : `${r.resource}\n`)).join(""));
      return 0;
    }
    const wide = o === "wide";
    const lines: string[] = [];
    if (!f.bool("no-headers"))
      lines.push(
        [
          "NAME",
          "SHORTNAMES",
          "APIVERSION",
          "NAMESPACED",
          "KIND",
          ...(wide ? ["VERBS", "CATEGORIES"] : []),
        ].join("\t"),
      );
    for (const r of list) {
      const cells = [r.resource, r.shortNames.join(","), groupVersion(r), String(r.namespaced), r.kind];
      if (wide) cells.push(`[${r.verbs.join(" ")}]`, r.categories.join(","));
      lines.push(cells.join("\t"));
    }
    ctx.out(tableTabs(`${lines.join("\n")}\n`));
    return 0;
  },
};

export const apiVersionsCommand: Command = {
  name: "api-versions",
  short: 'Print the supported API versions on the server, in the form of "group/version"',
  flags: [],
  async run(ctx) {
    const set = new Set(ctx.client.discover().map(groupVersion));
    ctx.out(
      [...set]
        .sort()
        .map((v) => `${v}\n`)
        .join(""),
    );
    return 0;
  },
};
