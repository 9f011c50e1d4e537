/**
 * Node lifecycle: when the node stops being Ready its pods are marked not ready, and once their
 * `node.kubernetes.io/unreachable|not-ready:NoExecute` toleration runs out (300 s by default)
 * they are evicted. The kubelet cannot confirm the kill, so they stay Terminating until the
 * node comes back.
 */

import type { ClusterContext } from "../context";
import type { Node, Pod } from "../model";
import { rfc3339 } from "../time";

export function nodeReady(sim: ClusterContext, name = "minikube"): boolean {
  const n = sim.store.peek<Node>("nodes", undefined, name);
  return n?.status.conditions.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

export function nodeLifecycleController(sim: ClusterContext): void {
  for (const node of sim.store.scan<Node>("nodes")) {
    const ready = node.status.conditions.find((c) => c.type === "Ready");
    if (!ready || ready.status === "True") continue;
    const since = Date.parse(ready.lastTransitionTime);
    const taintKey =
      ready.status === "False" ? "node.kubernetes.io/not-ready" : "node.kubernetes.io/unreachable";
    for (const p of sim.store.scan<Pod>("pods")) {
      if (p.spec.nodeName !== node.metadata.name || p.metadata.deletionTimestamp) continue;
      const ns = p.metadata.namespace ?? "default";
      const name = p.metadata.name ?? "";
      if (p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True")) {
        sim.store.mutate<Pod>("pods", ns, name, (x) => {
          for (const c of x.status.conditions ?? []) {
            if (c.type === "Ready") {
              c.status = "False";
              c.lastTransitionTime = rfc3339(sim.now());
            }
          }
        });
      }
      const tol = (p.spec.tolerations ?? []).find(
        (t) =>
          (t.key === taintKey || (t.operator === "Exists" && !t.key)) &&
          (!t.effect || t.effect === "NoExecute"),
      );
      if (tol && tol.tolerationSeconds === undefined) continue;
      const at = since + (tol?.tolerationSeconds ?? 0) * 1000;
      if (sim.now() >= at) {
        const grace = p.spec.terminationGracePeriodSeconds ?? 30;
        sim.store.markDeleting("pods", ns, name, sim.now() + grace * 1000, grace);
        sim.event(
          p,
          "Normal",
          "TaintManagerEviction",
          `Marking for deletion Pod ${ns}/${name}`,
          "taint-eviction-controller",
        );
      } else if (!sim.queue.some((d) => d.kind === "evict" && d.uid === p.metadata.uid)) {
        sim.schedule({ at, kind: "evict", ns, name, uid: p.metadata.uid ?? "" });
      }
    }
  }
}
