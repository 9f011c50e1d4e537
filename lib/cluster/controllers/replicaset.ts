/** ReplicaSet controller: keep `spec.replicas` active pods matching the selector (self-healing). */
import type { Pod, ReplicaSet } from "../model";
import { labelSelectorMatcher } from "../selectors";
import type { Sim } from "../sim";
import { isPodActive, isPodReady, ownedBy, ownerRef } from "./util";

export function replicaSetController(sim: Sim): void {
  for (const rs of sim.store.scan<ReplicaSet>("replicasets")) {
    if (rs.metadata.deletionTimestamp) continue;
    const ns = rs.metadata.namespace ?? "default";
    const match = labelSelectorMatcher(rs.spec.selector);
    const pods = sim.store.scan<Pod>("pods", ns).filter((p) => ownedBy(p, rs) && match(p.metadata.labels));
    const active = pods.filter(isPodActive);
    const want = rs.spec.replicas ?? 1;
    if (active.length < want) {
      for (let i = active.length; i < want; i++) createPod(sim, rs);
    } else if (active.length > want) {
      // Prefer deleting pods that are not ready, then the newest.
      const victims = [...active]
        .sort((a, b) => {
          const ra = isPodReady(a) ? 1 : 0;
          const rb = isPodReady(b) ? 1 : 0;
          if (ra !== rb) return ra - rb;
          return (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "");
        })
        .slice(0, active.length - want);
      for (const p of victims) {
        deletePodGracefully(sim, p);
        sim.event(
          rs,
          "Normal",
          "SuccessfulDelete",
          `Deleted pod: ${p.metadata.name}`,
          "replicaset-controller",
        );
      }
    }
    const now = sim.store.scan<Pod>("pods", ns).filter((p) => ownedBy(p, rs) && match(p.metadata.labels));
    const counted = now.filter(isPodActive);
    const ready = counted.filter(isPodReady).length;
    const status: ReplicaSet["status"] = {
      replicas: counted.length,
      fullyLabeledReplicas: counted.length,
    };
    if (ready > 0) {
      status.readyReplicas = ready;
      status.availableReplicas = ready;
    }
    status.observedGeneration = rs.metadata.generation ?? 1;
    if (status.replicas === 0) delete status.fullyLabeledReplicas;
    if (JSON.stringify(status) !== JSON.stringify(rs.status)) {
      sim.store.mutate<ReplicaSet>("replicasets", ns, rs.metadata.name ?? "", (x) => {
        x.status = status;
      });
    }
  }
}

function createPod(sim: Sim, rs: ReplicaSet): void {
  const ns = rs.metadata.namespace ?? "default";
  const tpl = rs.spec.template;
  const pod = sim.createPod({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: ns,
      labels: { ...(tpl.metadata.labels ?? {}) },
      ...(tpl.metadata.annotations ? { annotations: tpl.metadata.annotations } : {}),
      ownerReferences: [ownerRef(rs)],
    },
    spec: JSON.parse(JSON.stringify(tpl.spec)),
    status: {},
  });
  sim.event(rs, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, "replicaset-controller");
}

export function deletePodGracefully(sim: Sim, p: Pod, grace?: number): void {
  const g = grace ?? p.spec.terminationGracePeriodSeconds ?? 30;
  sim.store.markDeleting("pods", p.metadata.namespace, p.metadata.name ?? "", sim.now() + g * 1000, g);
}
