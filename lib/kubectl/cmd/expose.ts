import { ApiError, asArr, asObj, fail, type Obj, str } from "../client";
import { dryRunFlag, dryRunOf, dryRunQuery, printOutcome } from "./dryrun";
import { noResources, resolveTargets } from "./mutate";
import type { Command } from "./types";

function selectorFor(kind: string, o: Obj): Record<string, string> | undefined {
  const spec = asObj(o.spec);
  if (kind === "Pod") return asObj(asObj(o.metadata).labels) as Record<string, string>;
  if (kind === "Service") return asObj(spec.selector) as Record<string, string>;
  const sel = asObj(spec.selector);
  if (sel.matchExpressions && asArr(sel.matchExpressions).length > 0) return undefined;
  return asObj(sel.matchLabels ?? spec.selector) as Record<string, string>;
}

function portsFor(kind: string, o: Obj): number[] {
  const spec = asObj(o.spec);
  const podSpec = kind === "Pod" ? spec : asObj(asObj(spec.template).spec);
  if (kind === "Service") return asArr(spec.ports).map((p) => Number(asObj(p).port));
  return asArr(podSpec.containers).flatMap((c) =>
    asArr(asObj(c).ports).map((p) => Number(asObj(p).containerPort)),
  );
}

export const exposeCommand: Command = {
  name: "expose",
  args: "resource",
  short:
    "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
  flags: [
    { name: "port", kind: "string", def: "" },
    { name: "target-port", kind: "string", def: "" },
    { name: "type", kind: "string", def: "" },
    { name: "name", kind: "string", def: "" },
    { name: "protocol", kind: "string", def: "" },
    { name: "selector", kind: "string", def: "" },
    { name: "labels", short: "l", kind: "string", def: "" },
    { name: "external-ip", kind: "string", def: "" },
    { name: "cluster-ip", kind: "string", def: "" },
    { name: "filename", short: "f", kind: "strings", def: "" },
    dryRunFlag,
    { name: "output", short: "o", kind: "string", def: "" },
    { name: "template", kind: "string", def: "" },
  ],
  async run(ctx, f) {
    const dryRun = dryRunOf(ctx, f);
    if (f.args.length === 0) throw noResources();
    const { targets, failed } = resolveTargets(ctx, f.args, {});
    if (failed) return 1;
    for (const t of targets) {
      const kind = t.info.kind;
      if (!["Pod", "Service", "Deployment", "ReplicaSet", "ReplicationController"].includes(kind))
        throw fail(`cannot expose a ${kind}`);
      const selector = f.str("selector")
        ? Object.fromEntries(
            f
              .str("selector")
              .split(",")
              .map((kv) => kv.split("=") as [string, string]),
          )
        : selectorFor(kind, t.obj);
      if (!selector || Object.keys(selector).length === 0)
        throw fail(
          `couldn't retrieve selectors via --selector flag or introspection: the ${kind.toLowerCase()} has no selector`,
        );
      let ports: number[];
      if (f.str("port")) ports = [Number(f.str("port"))];
      else ports = portsFor(kind, t.obj);
      if (ports.length === 0 || ports.some((p) => !Number.isInteger(p)))
        throw fail(
          "couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples",
        );
      const name = f.str("name") || t.name;
      const target = f.str("target-port");
      const protocol = f.str("protocol") || "TCP";
      const svcPorts = ports.map((port, i) => ({
        ...(ports.length > 1 ? { name: `port-${i + 1}` } : {}),
        protocol,
        port,
        targetPort: target ? (/^\d+$/.test(target) ? Number(target) : target) : port,
      }));
      const labels = f.str("labels")
        ? Object.fromEntries(
            f
              .str("labels")
              .split(",")
              .map((kv) => kv.split("=") as [string, string]),
          )
        : asObj(asObj(t.obj.metadata).labels);
      const spec: Obj = { ports: svcPorts, selector };
      if (f.str("type")) spec.type = f.str("type");
      if (f.str("cluster-ip")) spec.clusterIP = f.str("cluster-ip");
      if (f.str("external-ip")) spec.externalIPs = [f.str("external-ip")];
      const body = {
        kind: "Service",
        apiVersion: "v1",
        metadata: { name, creationTimestamp: null, ...(Object.keys(labels).length > 0 ? { labels } : {}) },
        spec,
        status: { loadBalancer: {} },
      };
      let obj: Obj = body;
      try {
        if (dryRun !== "client")
          obj = ctx.client.json("POST", `/api/v1/namespaces/${t.namespace ?? ctx.namespace}/services`, {
            body,
            query: { ...dryRunQuery(dryRun), fieldManager: "kubectl-expose", fieldValidation: "Strict" },
          });
      } catch (e) {
        if (e instanceof ApiError) throw e.toCmdError();
        throw e;
      }
      printOutcome(ctx, f, {
        obj,
        prefix: "service",
        name: str(name),
        operation: "exposed",
        dryRun,
        typed: dryRun === "client",
      });
    }
    return 0;
  },
};
