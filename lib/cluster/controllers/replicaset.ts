/**
 * ReplicaSet controller: keep `spec.replicas` active pods matching the selector (self-healing).
 *
 * Like kube-controller-manager's it creates at most `burstReplicas` (500) pods per sync, in
 * slow-start batches (1, 2, 4, …) that stop at the first failure, and every create or delete
 * goes through the controller's client rate limiter (20 per second, bursts of 30). So a large
 * scale is spread over simulated time, and each touch of the cluster does a bounded share.
 * A failed create (quota, storage) is reported as a FailedCreate event and a ReplicaFailure
 * condition, and retried with the work queue's exponential back-off.
 */

import type { ClusterContext } from "../context";
import { ApiError } from "../errors";
import { BURST_REPLICAS } from "../limits";
import type { Pod, ReplicaSet } from "../model";
import { labelSelectorMatcher } from "../selectors";
import { rfc3339 } from "../time";
import { isPodActive, isPodReady, ownedBy, ownerRef, perClusterMemo } from "./util";

/** The work queue's per-item back-off: 5 ms doubling up to 1000 s. */
const BACKOFF_BASE_MS = 5;
const BACKOFF_MAX_MS = 1_000_000;

/**
 * Per cluster: ReplicaSets whose last sync wrote nothing and would write nothing again before
 * `until`, with the stamp of the pods it saw: ones that have as many active pods as they want
 * (until: never), and ones waiting for the controller's rate limiter or their back-off (until:
 * the next token, the retry). While the ReplicaSet and its pods are the same (never mutated)
 * objects such a sync is skipped, as the real controller syncs a ReplicaSet only when its
 * informers report a change or its requeue comes due (see QuietSync in ./deployment.ts). Without
 * the second kind, a loop of `kubectl create deployment` that emptied the limiter synced every
 * waiting ReplicaSet again on every controller pass.
 */
const quietSyncs = perClusterMemo<ReplicaSet, { pods: number; until: number }>();

/** Set by createPods when it did nothing but wait: when a sync could next do something. */
let waitedUntil: number | undefined;

export function replicaSetController(sim: ClusterContext): void {
  const quiet = quietSyncs(sim);
  for (const rs of sim.store.scan<ReplicaSet>("replicasets")) {
    if (rs.metadata.deletionTimestamp) continue;
    if (sim.overBudget()) return;
    // The owner index's stamp of its pods (Store.indexStamp): unchanged, the same pods.
    const pods = sim.store.indexStamp("pods", "owner", rs.metadata.uid ?? "");
    const last = quiet.get(rs);
    if (last && last.pods === pods && sim.now() < last.until) continue;
    const rv = sim.store.rv;
    waitedUntil = undefined;
    const steady = syncReplicaSet(sim, rs);
    if (sim.store.rv !== rv) continue;
    if (steady) quiet.set(rs, { pods, until: Number.POSITIVE_INFINITY });
    else if (waitedUntil !== undefined) quiet.set(rs, { pods, until: waitedUntil });
  }
}

function ownedPods(sim: ClusterContext, rs: ReplicaSet): Pod[] {
  const match = labelSelectorMatcher(rs.spec.selector);
  return sim.store
    .byIndex<Pod>("pods", "owner", rs.metadata.uid ?? "")
    .filter(
      (p) => p.metadata.namespace === rs.metadata.namespace && ownedBy(p, rs) && match(p.metadata.labels),
    );
}

/** Returns whether the ReplicaSet had as many active pods as it wants (nothing to create or delete). */
function syncReplicaSet(sim: ClusterContext, rs: ReplicaSet): boolean {
  const ns = rs.metadata.namespace ?? "default";
  const uid = rs.metadata.uid ?? "";
  const active = ownedPods(sim, rs).filter(isPodActive);
  const want = rs.spec.replicas ?? 1;
  let failure: string | undefined;
  if (active.length < want) failure = createPods(sim, rs, want - active.length);
  else {
    if (active.length > want) deletePods(sim, rs, active, active.length - want);
    delete sim.replicaSets[uid];
  }
  const counted = ownedPods(sim, rs).filter(isPodActive);
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
  const prev = rs.status?.conditions ?? [];
  const had = prev.find((c) => c.type === "ReplicaFailure");
  if (failure !== undefined) {
    status.conditions = [
      had ?? {
        type: "ReplicaFailure",
        status: "True",
        lastTransitionTime: rfc3339(sim.now()),
        reason: "FailedCreate",
        message: failure,
      },
    ];
  } else if (had && sim.replicaSets[uid]) {
    // Still backing off after a failure: the condition stays until a sync succeeds.
    status.conditions = [had];
  }
  if (JSON.stringify(status) !== JSON.stringify(rs.status)) {
    sim.store.mutate<ReplicaSet>("replicasets", ns, rs.metadata.name ?? "", (x) => {
      x.status = status;
    });
  }
  return active.length === want;
}

/** Create up to `missing` pods now; returns the error message of a failed create. */
function createPods(sim: ClusterContext, rs: ReplicaSet, missing: number): string | undefined {
  const ns = rs.metadata.namespace ?? "default";
  const name = rs.metadata.name ?? "";
  const uid = rs.metadata.uid ?? "";
  const st = sim.replicaSets[uid];
  if (st && st.retryAt > sim.now()) {
    sim.requeueReplicaSet(uid, ns, name, st.retryAt);
    waitedUntil = st.retryAt;
    return undefined;
  }
  const total = Math.min(missing, BURST_REPLICAS);
  let created = 0;
  for (let batch = 1; created < total; batch *= 2) {
    const size = Math.min(batch, total - created);
    let failed: string | undefined;
    for (let i = 0; i < size; i++) {
      if (sim.overBudget()) return undefined;
      if (!sim.takeToken()) {
        // The client is throttled: the sync goes on when the limiter has tokens again.
        sim.requeueReplicaSet(uid, ns, name, sim.tokensAt(total - created));
        if (created === 0) waitedUntil = sim.tokensAt(1);
        return undefined;
      }
      try {
        createPod(sim, rs);
        created += 1;
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        failed ??= e.message;
        sim.event(rs, "Warning", "FailedCreate", `Error creating: ${e.message}`, "replicaset-controller");
      }
    }
    if (failed !== undefined) {
      // slowStartBatch stops at the first batch with an error; the sync is retried with back-off.
      const failures = (st?.failures ?? 0) + 1;
      const retryAt = sim.now() + Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** failures);
      sim.replicaSets[uid] = { ...(sim.replicaSets[uid] ?? {}), failures, retryAt };
      sim.requeueReplicaSet(uid, ns, name, retryAt);
      return failed;
    }
  }
  if (missing > total) sim.requeueReplicaSet(uid, ns, name, sim.now());
  else delete sim.replicaSets[uid];
  return undefined;
}

function deletePods(sim: ClusterContext, rs: ReplicaSet, active: Pod[], excess: number): void {
  const ns = rs.metadata.namespace ?? "default";
  const name = rs.metadata.name ?? "";
  // Prefer deleting pods that are not ready, then the newest.
  const victims = [...active]
    .sort((a, b) => {
      const ra = isPodReady(a) ? 1 : 0;
      const rb = isPodReady(b) ? 1 : 0;
      if (ra !== rb) return ra - rb;
      return (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "");
    })
    .slice(0, Math.min(excess, BURST_REPLICAS));
  for (const p of victims) {
    if (sim.overBudget()) return;
    if (!sim.takeToken()) {
      sim.requeueReplicaSet(rs.metadata.uid ?? "", ns, name, sim.tokensAt(excess));
      return;
    }
    deletePodGracefully(sim, p);
    sim.event(rs, "Normal", "SuccessfulDelete", `Deleted pod: ${p.metadata.name}`, "replicaset-controller");
  }
}

function createPod(sim: ClusterContext, rs: ReplicaSet): void {
  const ns = rs.metadata.namespace ?? "default";
  const tpl = rs.spec.template;
  const pod = sim.createPod(
    {
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
    },
    { quota: true },
  );
  sim.event(rs, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, "replicaset-controller");
}

export function deletePodGracefully(sim: ClusterContext, p: Pod, grace?: number): void {
  const g = grace ?? p.spec.terminationGracePeriodSeconds ?? 30;
  sim.store.markDeleting("pods", p.metadata.namespace, p.metadata.name ?? "", sim.now() + g * 1000, g);
}
