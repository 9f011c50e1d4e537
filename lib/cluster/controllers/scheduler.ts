/**
 * Scheduler: binds pending pods to a Ready, schedulable node whose taints they tolerate. Among
 * the nodes that fit it spreads like the default profile does for request-less pods: fewest
 * pods of the same owner first (PodTopologySpread/SelectorSpread), then the least loaded node
 * (NodeResourcesFit counts every pod with the default non-zero requests), then by name.
 */
import type { Node, Pod } from "../model";
import type { Sim } from "../sim";
import { rfc3339 } from "../time";

function tolerates(p: Pod, taint: { key: string; value?: string; effect: string }): boolean {
  return (p.spec.tolerations ?? []).some(
    (t) =>
      (t.effect === undefined || t.effect === "" || t.effect === taint.effect) &&
      (t.operator === "Exists"
        ? !t.key || t.key === taint.key
        : t.key === taint.key && (t.value ?? "") === (taint.value ?? "")),
  );
}

export function schedulerController(sim: Sim): void {
  const nodes = sim.store.scan<Node>("nodes");
  const all = sim.store.scan<Pod>("pods");
  /** Bindings made in this pass (the scanned pods do not see them). */
  const bound = new Map<Pod, string>();
  for (const p of all) {
    if (p.spec.nodeName || p.metadata.deletionTimestamp) continue;
    const fits = nodes.filter((n) => {
      const ready = n.status.conditions.some((c) => c.type === "Ready" && c.status === "True");
      if (!ready || n.spec.unschedulable) return false;
      const sel = p.spec.nodeSelector ?? {};
      if (!Object.entries(sel).every(([k, v]) => n.metadata.labels?.[k] === v)) return false;
      return (n.spec.taints ?? []).every((t) => t.effect === "PreferNoSchedule" || tolerates(p, t));
    });
    const owner = p.metadata.ownerReferences?.find((r) => r.controller)?.uid;
    const load = (n: Node) => {
      const on = all.filter(
        (x) => (x.spec.nodeName ?? bound.get(x)) === n.metadata.name && !x.metadata.deletionTimestamp,
      );
      const siblings = owner
        ? on.filter((x) => x.metadata.ownerReferences?.some((r) => r.uid === owner)).length
        : 0;
      return siblings * 1000 + on.length;
    };
    const node =
      fits.length < 2
        ? fits[0]
        : [...fits].sort(
            (a, b) => load(a) - load(b) || (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""),
          )[0];
    const ns = p.metadata.namespace ?? "default";
    const name = p.metadata.name ?? "";
    if (!node) {
      const already = p.status.conditions?.some((c) => c.type === "PodScheduled" && c.status === "False");
      if (already) continue;
      const taint =
        nodes[0]?.spec.taints?.find((t) => t.effect === "NoSchedule")?.key ?? "node.kubernetes.io/not-ready";
      const msg = `0/${nodes.length} nodes are available: ${nodes.length} node(s) had untolerated taint {${taint}: }. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
      sim.store.mutate<Pod>("pods", ns, name, (x) => {
        x.status = {
          phase: "Pending",
          conditions: [
            {
              type: "PodScheduled",
              status: "False",
              lastProbeTime: null,
              lastTransitionTime: rfc3339(sim.now()),
              reason: "Unschedulable",
              message: msg,
            },
          ],
          qosClass: x.status.qosClass ?? "BestEffort",
        };
      });
      sim.event(p, "Warning", "FailedScheduling", msg, "default-scheduler");
      continue;
    }
    bound.set(p, node.metadata.name ?? "");
    sim.store.mutate<Pod>("pods", ns, name, (x) => {
      x.spec.nodeName = node.metadata.name;
      const spec = x.spec as unknown as Record<string, unknown>;
      // Keep the API server's field order: nodeName sits after serviceAccount.
      const ordered: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(spec)) {
        if (k === "nodeName") continue;
        ordered[k] = v;
        if (k === "serviceAccount") ordered["nodeName"] = node.metadata.name;
      }
      if (!("nodeName" in ordered)) ordered["nodeName"] = node.metadata.name;
      x.spec = ordered as unknown as Pod["spec"];
      x.status = {
        phase: "Pending",
        conditions: [
          {
            type: "PodScheduled",
            status: "True",
            lastProbeTime: null,
            lastTransitionTime: rfc3339(sim.now()),
          },
        ],
        qosClass: x.status.qosClass ?? "BestEffort",
      };
    });
    sim.event(
      p,
      "Normal",
      "Scheduled",
      `Successfully assigned ${ns}/${name} to ${node.metadata.name}`,
      "default-scheduler",
    );
  }
}
