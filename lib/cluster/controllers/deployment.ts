/**
 * Deployment controller: one ReplicaSet per template (pod-template-hash), rolling updates with
 * maxSurge/maxUnavailable, revision annotations, rollback by template match, history cleanup.
 */

import type { ClusterContext } from "../context";
import type { Deployment, ReplicaSet } from "../model";
import { rfc3339 } from "../time";
import {
  controllerOf,
  ownedBy,
  ownerRef,
  perClusterMemo,
  resolveIntOrPercent,
  sameTemplate,
  templateHash,
} from "./util";

const REVISION = "deployment.kubernetes.io/revision";

function revisionOf(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? "0") || 0;
}

function replicasOf(rs: ReplicaSet): number {
  return rs.spec.replicas ?? 0;
}

/**
 * A Deployment whose last sync wrote nothing: the ReplicaSets that sync saw and until when its
 * answer holds (the progress deadline is the only thing that changes it with time). Stored
 * objects are never mutated, so while the Deployment and its ReplicaSets are the same objects a
 * sync would write nothing again and is skipped, as kube-controller-manager only syncs a
 * Deployment when an informer reports a change to it or its ReplicaSets. Without this every
 * controller pass synced every Deployment, and each `kubectl create deployment` in a loop cost
 * O(Deployments) passes' worth of work on the server's event loop.
 */
interface QuietSync {
  /** The owner index's stamp of the Deployment's ReplicaSets (Store.indexStamp). */
  rss: number;
  until: number;
}

const quietSyncs = perClusterMemo<Deployment, QuietSync>();

export function deploymentController(sim: ClusterContext): void {
  const quiet = quietSyncs(sim);
  for (const d of sim.store.scan<Deployment>("deployments")) {
    if (d.metadata.deletionTimestamp) continue;
    const rss = sim.store.indexStamp("replicasets", "owner", d.metadata.uid ?? "");
    const last = quiet.get(d);
    if (last && sim.now() <= last.until && last.rss === rss) continue;
    const rv = sim.store.rv;
    syncDeployment(sim, d);
    if (sim.store.rv === rv) quiet.set(d, { rss, until: progressDeadline(d) });
  }
}

/**
 * When `d`'s Progressing condition would time out (+Infinity when no deadline runs: a complete
 * Deployment's `NewReplicaSetAvailable` has none, as kube-controller-manager checks the deadline
 * only while a rollout progresses — without this the scenario's Deployments, complete for longer
 * than their deadline, were synced again on every controller pass).
 */
function progressDeadline(d: Deployment): number {
  const p = d.status?.conditions?.find((c) => c.type === "Progressing");
  if (p?.status !== "True" || p.reason === "NewReplicaSetAvailable") return Number.POSITIVE_INFINITY;
  return Date.parse(p.lastUpdateTime) + (d.spec.progressDeadlineSeconds ?? 600) * 1000;
}

function scaleRS(sim: ClusterContext, d: Deployment, rs: ReplicaSet, to: number, maxSurge: number): void {
  const from = replicasOf(rs);
  const desired = d.spec.replicas ?? 1;
  sim.store.mutate<ReplicaSet>("replicasets", rs.metadata.namespace, rs.metadata.name ?? "", (x) => {
    x.spec.replicas = to;
    x.metadata.annotations = {
      ...(x.metadata.annotations ?? {}),
      "deployment.kubernetes.io/desired-replicas": String(desired),
      "deployment.kubernetes.io/max-replicas": String(desired + maxSurge),
    };
  });
  if (from !== to) {
    const dir = to > from ? "up" : "down";
    sim.event(
      d,
      "Normal",
      "ScalingReplicaSet",
      `Scaled ${dir} replica set ${rs.metadata.name} from ${from} to ${to}`,
      "deployment-controller",
    );
  }
}

/**
 * The ReplicaSets `d` controls, through the store's owner index (list order): a scan of the
 * namespace per Deployment made every controller pass O(Deployments × ReplicaSets), and a
 * student creating Deployments in a loop held the server for half a second per `kubectl create`.
 */
function ownedReplicaSets(sim: ClusterContext, d: Deployment): ReplicaSet[] {
  return sim.store
    .byIndex<ReplicaSet>("replicasets", "owner", d.metadata.uid ?? "")
    .filter((rs) => rs.metadata.namespace === d.metadata.namespace && ownedBy(rs, d));
}

function syncDeployment(sim: ClusterContext, d: Deployment): void {
  const ns = d.metadata.namespace ?? "default";
  const name = d.metadata.name ?? "";
  const desired = d.spec.replicas ?? 1;
  const recreate = d.spec.strategy?.type === "Recreate";
  let maxSurge = recreate ? 0 : resolveIntOrPercent(d.spec.strategy?.rollingUpdate?.maxSurge, desired, true);
  let maxUnavailable = recreate
    ? desired
    : resolveIntOrPercent(d.spec.strategy?.rollingUpdate?.maxUnavailable, desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  if (recreate) maxSurge = 0;

  const all = ownedReplicaSets(sim, d);
  let newRS = all.find((rs) => sameTemplate(rs.spec.template, d.spec.template));
  const olds = () => ownedReplicaSets(sim, d).filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
  const maxOldRevision = Math.max(0, ...all.filter((rs) => rs !== newRS).map(revisionOf));
  if (d.spec.paused) {
    updateStatus(sim, d, newRS, olds(), maxUnavailable);
    return;
  }

  if (!newRS) {
    const hash = templateHash(d.spec.template, d.status?.collisionCount ?? 0);
    const template = JSON.parse(JSON.stringify(d.spec.template));
    template.metadata.labels = { ...(template.metadata.labels ?? {}), "pod-template-hash": hash };
    const currentTotal = all.reduce((n, rs) => n + replicasOf(rs), 0);
    let initial = desired;
    if (!recreate && all.some((rs) => replicasOf(rs) > 0)) {
      initial = Math.max(0, Math.min(desired, desired + maxSurge - currentTotal));
    } else if (recreate && all.some((rs) => replicasOf(rs) > 0)) {
      initial = 0;
    }
    const revision = String(maxOldRevision + 1);
    const created = sim.store.create<ReplicaSet>("replicasets", {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: `${name}-${hash}`,
        namespace: ns,
        labels: { ...(template.metadata.labels ?? {}) },
        annotations: {
          "deployment.kubernetes.io/desired-replicas": String(desired),
          "deployment.kubernetes.io/max-replicas": String(desired + maxSurge),
          [REVISION]: revision,
        },
        ownerReferences: [ownerRef(d)],
      },
      spec: {
        replicas: initial,
        selector: {
          ...d.spec.selector,
          matchLabels: { ...(d.spec.selector.matchLabels ?? {}), "pod-template-hash": hash },
        },
        template,
      },
      status: { replicas: 0 },
    });
    newRS = created;
    if (initial > 0) {
      sim.event(
        d,
        "Normal",
        "ScalingReplicaSet",
        `Scaled up replica set ${created.metadata.name} from 0 to ${initial}`,
        "deployment-controller",
      );
    }
    markProgress(sim, d, "NewReplicaSetCreated", `Created new replica set "${created.metadata.name}"`);
  } else if (revisionOf(newRS) <= maxOldRevision) {
    // Rolled back to an older template: the old ReplicaSet becomes the newest revision.
    const rev = String(maxOldRevision + 1);
    sim.store.mutate<ReplicaSet>("replicasets", ns, newRS.metadata.name ?? "", (x) => {
      x.metadata.annotations = { ...(x.metadata.annotations ?? {}), [REVISION]: rev };
    });
    newRS = sim.store.peek<ReplicaSet>("replicasets", ns, newRS.metadata.name ?? "") ?? newRS;
    markProgress(sim, d, "FoundNewReplicaSet", `Found new replica set "${newRS.metadata.name}"`);
  }

  const rev = newRS.metadata.annotations?.[REVISION] ?? "1";
  if (d.metadata.annotations?.[REVISION] !== rev) {
    sim.store.mutate<Deployment>("deployments", ns, name, (x) => {
      x.metadata.annotations = { ...(x.metadata.annotations ?? {}), [REVISION]: rev };
    });
  }

  const oldList = olds();
  const oldActive = oldList.filter((rs) => replicasOf(rs) > 0);
  if (oldActive.length === 0) {
    if (replicasOf(newRS) !== desired) scaleRS(sim, d, newRS, desired, maxSurge);
  } else if (recreate) {
    for (const rs of oldActive) scaleRS(sim, d, rs, 0, maxSurge);
  } else {
    rollingUpdate(sim, d, newRS, oldActive, desired, maxSurge, maxUnavailable);
  }

  cleanupHistory(sim, d);
  const fresh = sim.store.peek<ReplicaSet>("replicasets", ns, newRS.metadata.name ?? "");
  updateStatus(sim, d, fresh, olds(), maxUnavailable);
}

function rollingUpdate(
  sim: ClusterContext,
  d: Deployment,
  newRS: ReplicaSet,
  olds: ReplicaSet[],
  desired: number,
  maxSurge: number,
  maxUnavailable: number,
): void {
  // Scale up the new ReplicaSet within the surge budget.
  const total = replicasOf(newRS) + olds.reduce((n, rs) => n + replicasOf(rs), 0);
  if (replicasOf(newRS) > desired) {
    scaleRS(sim, d, newRS, desired, maxSurge);
  } else {
    const maxTotal = desired + maxSurge;
    if (total < maxTotal) {
      const up = Math.min(maxTotal - total, desired - replicasOf(newRS));
      if (up > 0) scaleRS(sim, d, newRS, replicasOf(newRS) + up, maxSurge);
    }
  }
  const ns = d.metadata.namespace;
  const fresh = sim.store.peek<ReplicaSet>("replicasets", ns, newRS.metadata.name ?? "") ?? newRS;
  const minAvailable = desired - maxUnavailable;
  const oldSorted = [...olds].sort((a, b) =>
    (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? ""),
  );
  const allTotal = replicasOf(fresh) + oldSorted.reduce((n, rs) => n + replicasOf(rs), 0);
  const newUnavailable = replicasOf(fresh) - (fresh.status?.availableReplicas ?? 0);
  let maxScaledDown = allTotal - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return;
  // First drop old pods that are not available anyway.
  for (const rs of oldSorted) {
    if (maxScaledDown <= 0) break;
    const unhealthy = replicasOf(rs) - (rs.status?.availableReplicas ?? 0);
    if (unhealthy <= 0) continue;
    const down = Math.min(unhealthy, maxScaledDown);
    scaleRS(sim, d, rs, replicasOf(rs) - down, maxSurge);
    maxScaledDown -= down;
  }
  // Then scale down available old pods while keeping minAvailable.
  const current = oldSorted.map(
    (rs) => sim.store.peek<ReplicaSet>("replicasets", ns, rs.metadata.name ?? "") ?? rs,
  );
  const available =
    (fresh.status?.availableReplicas ?? 0) +
    current.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
  let budget = available - minAvailable;
  for (const rs of current) {
    if (budget <= 0) break;
    if (replicasOf(rs) === 0) continue;
    const down = Math.min(replicasOf(rs), budget);
    scaleRS(sim, d, rs, replicasOf(rs) - down, maxSurge);
    budget -= down;
  }
}

function cleanupHistory(sim: ClusterContext, d: Deployment): void {
  const limit = d.spec.revisionHistoryLimit ?? 10;
  const ns = d.metadata.namespace;
  const olds = ownedReplicaSets(sim, d)
    .filter((rs) => replicasOf(rs) === 0 && (rs.status?.replicas ?? 0) === 0)
    .filter((rs) => rs.metadata.annotations?.[REVISION] !== d.metadata.annotations?.[REVISION])
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  const excess = olds.length - limit;
  for (let i = 0; i < excess; i++) {
    const rs = olds[i];
    if (rs) sim.store.remove("replicasets", ns, rs.metadata.name ?? "");
  }
}

function markProgress(sim: ClusterContext, d: Deployment, reason: string, message: string): void {
  const now = rfc3339(sim.now());
  sim.store.mutate<Deployment>("deployments", d.metadata.namespace, d.metadata.name ?? "", (x) => {
    const conds = (x.status.conditions ?? []).filter((c) => c.type !== "Progressing");
    const prev = x.status.conditions?.find((c) => c.type === "Progressing");
    conds.push({
      type: "Progressing",
      status: "True",
      lastUpdateTime: now,
      lastTransitionTime: prev?.status === "True" ? prev.lastTransitionTime : now,
      reason,
      message,
    });
    x.status.conditions = sortConditions(conds);
  });
}

function sortConditions<T extends { type: string }>(c: T[]): T[] {
  const order = ["Available", "Progressing", "ReplicaFailure"];
  return [...c].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

function updateStatus(
  sim: ClusterContext,
  d0: Deployment,
  newRS: ReplicaSet | undefined,
  olds: ReplicaSet[],
  maxUnavailable: number,
): void {
  const ns = d0.metadata.namespace;
  const d = sim.store.peek<Deployment>("deployments", ns, d0.metadata.name ?? "") ?? d0;
  const all = [...(newRS ? [newRS] : []), ...olds];
  const desired = d.spec.replicas ?? 1;
  const replicas = all.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
  const ready = all.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
  const available = all.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
  const updated = newRS?.status?.replicas ?? 0;
  const now = rfc3339(sim.now());
  const status: Deployment["status"] = { observedGeneration: d.metadata.generation ?? 1 };
  if (replicas) status.replicas = replicas;
  if (updated) status.updatedReplicas = updated;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  const unavailable = Math.max(0, desired - available);
  if (unavailable) status.unavailableReplicas = unavailable;
  const conds = [...(d.status?.conditions ?? [])];
  const setCond = (type: string, st: string, reason: string, message: string) => {
    const i = conds.findIndex((c) => c.type === type);
    const prev = conds[i];
    if (prev && prev.status === st && prev.reason === reason && prev.message === message) return;
    const c = {
      type,
      status: st,
      lastUpdateTime: now,
      lastTransitionTime: prev && prev.status === st ? prev.lastTransitionTime : now,
      reason,
      message,
    };
    if (i >= 0) conds[i] = c;
    else conds.push(c);
  };
  if (available >= desired - maxUnavailable) {
    setCond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.");
  } else {
    setCond(
      "Available",
      "False",
      "MinimumReplicasUnavailable",
      "Deployment does not have minimum availability.",
    );
  }
  const complete =
    newRS !== undefined &&
    updated === desired &&
    replicas === desired &&
    available === desired &&
    olds.every((rs) => (rs.status?.replicas ?? 0) === 0);
  const progressing = conds.find((c) => c.type === "Progressing");
  if (complete) {
    // Nothing left to time out.
    // (looked for first: a new queue per Deployment per pass was most of a pass's garbage)
    const isDeadline = (q: { kind: string; uid: string }) =>
      q.kind === "progress" && q.uid === d.metadata.uid;
    if (sim.queue.some(isDeadline)) sim.queue = sim.queue.filter((q) => !isDeadline(q));
  }
  if (newRS && complete) {
    setCond(
      "Progressing",
      "True",
      "NewReplicaSetAvailable",
      `ReplicaSet "${newRS.metadata.name}" has successfully progressed.`,
    );
  } else if (newRS && progressing?.reason === "NewReplicaSetAvailable") {
    setCond(
      "Progressing",
      "True",
      "ReplicaSetUpdated",
      `ReplicaSet "${newRS.metadata.name}" is progressing.`,
    );
  } else if (newRS && progressing?.status === "True") {
    const deadline = (d.spec.progressDeadlineSeconds ?? 600) * 1000;
    const last = Date.parse(progressing.lastUpdateTime);
    if (sim.now() - last > deadline) {
      setCond(
        "Progressing",
        "False",
        "ProgressDeadlineExceeded",
        `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`,
      );
    } else if (
      progressing.reason !== "ReplicaSetUpdated" &&
      progressing.reason !== "NewReplicaSetCreated" &&
      progressing.reason !== "FoundNewReplicaSet"
    ) {
      setCond(
        "Progressing",
        "True",
        "ReplicaSetUpdated",
        `ReplicaSet "${newRS.metadata.name}" is progressing.`,
      );
    } else if (!sim.queue.some((q) => q.kind === "progress" && q.uid === d.metadata.uid)) {
      sim.schedule({
        at: last + deadline + 1000,
        kind: "progress",
        ns: ns ?? "default",
        name: d.metadata.name ?? "",
        uid: d.metadata.uid ?? "",
      });
    }
  }
  status.conditions = sortConditions(conds);
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (JSON.stringify(status) !== JSON.stringify(d.status)) {
    sim.store.mutate<Deployment>("deployments", ns, d.metadata.name ?? "", (x) => {
      x.status = status;
    });
  }
  void controllerOf;
}
