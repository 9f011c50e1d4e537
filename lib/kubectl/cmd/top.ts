/**
 * `kubectl top pod|node [NAME] [-l sel] [-A]`: reads metrics.k8s.io/v1beta1 (served only while
 * minikube's metrics-server addon runs) and prints CPU in millicores and memory in MiB; without
 * the API: `error: Metrics API not available`.
 */
import { ApiError, asArr, asObj, fail, type Obj, str } from "../client";
import { tableTabs } from "../tabwriter";
import type { Command, Ctx } from "./types";

const GV = "/apis/metrics.k8s.io/v1beta1";

function requireMetricsApi(ctx: Ctx): void {
  const groups = asArr(ctx.client.get("/apis").groups).map((g) => str(asObj(g).name));
  if (!groups.includes("metrics.k8s.io")) throw fail("Metrics API not available");
}

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
};
function quantity(q: unknown): number {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(str(q).trim());
  return m ? Number(m[1]) * (SUFFIX[m[2] ?? ""] ?? 1) : 0;
}
/** Quantity.MilliValue() (rounded up) and Value() / 2^20, as kubectl's top printer shows them. */
const milli = (q: unknown): number => Math.ceil(quantity(q) * 1000 - 1e-6);
const mebi = (q: unknown): number => Math.floor(Math.ceil(quantity(q)) / (1024 * 1024));

function getMetrics(ctx: Ctx, p: string, q: Record<string, string>): Obj[] {
  try {
    const o = ctx.client.get(p, q);
    return o.items !== undefined ? asArr(o.items).map(asObj) : [o];
  } catch (e) {
    if (e instanceof ApiError) throw e.toCmdError();
    throw e;
  }
}

function print(ctx: Ctx, header: string[], rows: string[][], noHeaders: boolean): void {
  const lines = (noHeaders ? rows : [header, ...rows]).map((r) => `${r.map((c) => `${c}\t`).join("")}\n`);
  ctx.out(tableTabs(lines.join("")));
}

const topPod: Command = {
  name: "pod",
  aliases: ["pods", "po"],
  short: "Display resource (CPU/memory) usage of pods",
  args: "pod",
  flags: [
    { name: "selector", short: "l", kind: "string", def: "" },
    { name: "field-selector", kind: "string", def: "" },
    { name: "all-namespaces", short: "A", kind: "bool", def: "false" },
    { name: "containers", kind: "bool", def: "false" },
    { name: "no-headers", kind: "bool", def: "false" },
    { name: "sort-by", kind: "string", def: "" },
    { name: "sum", kind: "bool", def: "false" },
    { name: "use-protocol-buffers", kind: "bool", def: "true" },
  ],
  async run(ctx, f) {
    const name = f.args[0];
    if (name && f.str("selector")) throw fail("only one of NAME or selector can be provided");
    requireMetricsApi(ctx);
    const allNs = f.bool("all-namespaces");
    const base = allNs ? `${GV}/pods` : `${GV}/namespaces/${ctx.namespace}/pods`;
    const q: Record<string, string> = {};
    if (f.str("selector")) q.labelSelector = f.str("selector");
    let items = getMetrics(ctx, name ? `${base}/${name}` : base, q);
    if (items.length === 0) {
      ctx.err(allNs ? "No resources found\n" : `No resources found in ${ctx.namespace} namespace.\n`);
      return 0;
    }
    const usage = (m: Obj, key: "cpu" | "memory"): number =>
      asArr(m.containers).reduce<number>(
        (s, c) => s + (key === "cpu" ? milli : mebi)(asObj(asObj(c).usage)[key]),
        0,
      );
    const by = f.str("sort-by");
    if (by === "cpu" || by === "memory") items = [...items].sort((a, b) => usage(b, by) - usage(a, by));
    const rows: string[][] = [];
    for (const m of items) {
      const md = asObj(m.metadata);
      const lead = allNs ? [str(md.namespace), str(md.name)] : [str(md.name)];
      if (f.bool("containers")) {
        for (const c of asArr(m.containers).map(asObj))
          rows.push([
            ...lead,
            str(c.name),
            `${milli(asObj(c.usage).cpu)}m`,
            `${mebi(asObj(c.usage).memory)}Mi`,
          ]);
      } else rows.push([...lead, `${usage(m, "cpu")}m`, `${usage(m, "memory")}Mi`]);
    }
    const header = [
      ...(allNs ? ["NAMESPACE"] : []),
      ...(f.bool("containers") ? ["POD", "NAME"] : ["NAME"]),
      "CPU(cores)",
      "MEMORY(bytes)",
    ];
    print(ctx, header, rows, f.bool("no-headers"));
    return 0;
  },
};

const topNode: Command = {
  name: "node",
  aliases: ["nodes", "no"],
  short: "Display resource (CPU/memory) usage of nodes",
  args: "resource",
  flags: [
    { name: "selector", short: "l", kind: "string", def: "" },
    { name: "no-headers", kind: "bool", def: "false" },
    { name: "sort-by", kind: "string", def: "" },
    { name: "show-capacity", kind: "bool", def: "false" },
    { name: "use-protocol-buffers", kind: "bool", def: "true" },
  ],
  async run(ctx, f) {
    const name = f.args[0];
    if (name && f.str("selector")) throw fail("only one of NAME or selector can be provided");
    requireMetricsApi(ctx);
    const q: Record<string, string> = {};
    if (f.str("selector")) q.labelSelector = f.str("selector");
    const items = getMetrics(ctx, name ? `${GV}/nodes/${name}` : `${GV}/nodes`, q);
    const nodes = new Map(
      asArr(ctx.client.get("/api/v1/nodes").items)
        .map(asObj)
        .map((n) => [str(asObj(n.metadata).name), n] as const),
    );
    const rows: string[][] = [];
    for (const m of items) {
      const n = str(asObj(m.metadata).name);
      const node = nodes.get(n);
      const avail = asObj(asObj(node?.status)[f.bool("show-capacity") ? "capacity" : "allocatable"]);
      const cpu = milli(asObj(m.usage).cpu);
      const mem = mebi(asObj(m.usage).memory);
      const cpuPct = Math.floor((cpu / Math.max(1, milli(avail.cpu))) * 100);
      const memPct = Math.floor((mem / Math.max(1, mebi(avail.memory))) * 100);
      rows.push([n, `${cpu}m`, `${cpuPct}%`, `${mem}Mi`, `${memPct}%`]);
    }
    print(ctx, ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"], rows, f.bool("no-headers"));
    return 0;
  },
};

export const topCommand: Command = {
  name: "top",
  short: "Display resource (CPU/memory) usage",
  flags: [],
  sub: [topNode, topPod],
};
