/**
 * Scheduler: binds pending pods to a Ready, schedulable node whose taints they tolerate. Among
 * the nodes that fit it spreads like the default profile does for request-less pods: fewest
 * pods of the same owner first (PodTopologySpread/SelectorSpread), then the least loaded node
 * (NodeResourcesFit counts every pod with the default non-zero requests), then by name.
 */

import type { ClusterContext } from "../context";
import { NODE_PODS } from "../limits";
import type { Node, Pod } from "../model";
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

/** Pods a node may hold (`status.allocatable.pods`; minikube's 110). */
function allowedPods(n: Node): number {
  const v = Number.parseInt(String(n.status.allocatable?.["pods"] ?? ""), 10);
  return Number.isFinite(v) ? v : NODE_PODS;
}

function nodeIsReady(n: Node): boolean {
  return n.status.conditions.some((c) => c.type === "Ready" && c.status === "True");
}

/**
 * Why `n` cannot take `p`, as the first failing filter plugin says it (NodeUnschedulable,
 * TaintToleration, NodeAffinity, NodeResourcesFit), or undefined when it fits. `resolvable`:
 * whether preemption could help (only a full node; and then only with lower-priority pods).
 */
function filterNode(
  p: Pod,
  n: Node,
  podsOnNode: number,
  allowed: number,
): { reason: string; resolvable: boolean } | undefined {
  if (n.spec.unschedulable) return { reason: "node(s) were unschedulable", resolvable: false };
  const taint = (n.spec.taints ?? []).find((t) => t.effect !== "PreferNoSchedule" && !tolerates(p, t));
  if (taint)
    return {
      reason: `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`,
      resolvable: false,
    };
  if (!nodeIsReady(n)) {
    // A node that stopped reporting is tainted by the node controller; until then it is not-ready.
    return { reason: "node(s) had untolerated taint {node.kubernetes.io/not-ready: }", resolvable: false };
  }
  const sel = p.spec.nodeSelector ?? {};
  if (!Object.entries(sel).every(([k, v]) => n.metadata.labels?.[k] === v)) {
    return { reason: "node(s) didn't match Pod's node affinity/selector", resolvable: false };
  }
  if (podsOnNode + 1 > allowed) return { reason: "Too many pods", resolvable: true };
  return undefined;
}

/** `1 Too many pods, 2 node(s) were unschedulable`: the scheduler's sorted reason histogram. */
function histogram(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts.entries()]
    .map(([r, n]) => `${n} ${r}`)
    .sort()
    .join(", ");
}

export function schedulerController(sim: ClusterContext): void {
  const nodes = sim.store.scan<Node>("nodes");
  const onNode = (n: Node) => sim.store.countIndex("pods", "node", n.metadata.name ?? "");
  const allowed = new Map(nodes.map((n) => [n, allowedPods(n)]));
  for (const p of sim.store.byIndex<Pod>("pods", "node", "")) {
    if (p.spec.nodeName || p.metadata.deletionTimestamp) continue;
    if (sim.overBudget()) return;
    const failures: Array<{ reason: string; resolvable: boolean }> = [];
    const fits = nodes.filter((n) => {
      const why = filterNode(p, n, onNode(n), allowed.get(n) ?? NODE_PODS);
      if (why) failures.push(why);
      return !why;
    });
    const owner = p.metadata.ownerReferences?.find((r) => r.controller)?.uid;
    const load = (n: Node) => {
      const on = sim.store
        .byIndex<Pod>("pods", "node", n.metadata.name ?? "")
        .filter((x) => !x.metadata.deletionTimestamp);
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
      const total = nodes.length;
      const preemption = histogram(
        failures.map((f) =>
          f.resolvable
            ? "No preemption victims found for incoming pod"
            : "Preemption is not helpful for scheduling",
        ),
      );
      const msg = `0/${total} nodes are available: ${histogram(failures.map((f) => f.reason))}. preemption: 0/${total} nodes are available: ${preemption}.`;
      // An unschedulable pod waits in the scheduler's queue; it is written (and reported) again
      // only when the reason changes.
      const already = p.status.conditions?.some(
        (c) => c.type === "PodScheduled" && c.status === "False" && c.message === msg,
      );
      if (already) continue;
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
