/**
 * Kubelet: a pod's lifecycle as staged transitions (kwok-style). Binding starts a pod
 * (Pending/ContainerCreating); from there each stage is data in ./pod-stages.ts — its events,
 * status and what follows after how long — and a due item in the cluster's queue fires it.
 *
 *   bound → Pending/ContainerCreating → sandbox ready (IP) → Pulling → Pulled → Created → Started → Running
 *   unknown image → Failed/ErrImagePull → BackOff/ImagePullBackOff → retry with doubling back-off
 *   deletionTimestamp → Killing → removed after the grace period (the bootcamp app ignores SIGTERM)
 */

import type { ClusterContext, Due } from "../context";
import type { ContainerStatus, Pod } from "../model";
import { rfc3339 } from "../time";
import { nodeReady } from "./node";
import {
  podCondition as cond,
  nodeIP,
  POD_STAGES,
  runStage,
  STAGE_DELAYS,
  type StageName,
  scheduleStage,
} from "./pod-stages";

export function kubeletController(sim: ClusterContext): void {
  const ready = new Map<string, boolean>();
  const isReady = (node: string) => {
    let r = ready.get(node);
    if (r === undefined) {
      r = nodeReady(sim, node);
      ready.set(node, r);
    }
    return r;
  };
  for (const p of sim.store.scan<Pod>("pods")) {
    // A node that does not report cannot run, start or kill anything.
    if (!p.spec.nodeName || !isReady(p.spec.nodeName)) continue;
    if (sim.overBudget()) return;
    const uid = p.metadata.uid ?? "";
    const ns = p.metadata.namespace ?? "default";
    const name = p.metadata.name ?? "";
    if (p.metadata.deletionTimestamp) {
      const rt = sim.runtime[uid];
      if (rt?.killing) continue;
      sim.runtime[uid] = { pullFailures: rt?.pullFailures ?? 0, killing: true };
      sim.unschedule(uid);
      const running = (p.status.containerStatuses ?? []).filter((s) => s.state.running);
      for (const s of running) {
        sim.event(
          p,
          "Normal",
          "Killing",
          `Stopping container ${s.name}`,
          "kubelet",
          `spec.containers{${s.name}}`,
        );
      }
      // A process that ignores SIGTERM (node as PID 1) lives until the grace period ends.
      const at = running.length > 0 ? Date.parse(p.metadata.deletionTimestamp) : sim.now();
      sim.schedule({ at: Math.max(at, sim.now()), kind: "kill", ns, name, uid });
      continue;
    }
    if (p.status.startTime) continue;
    const hostIP = nodeIP(sim, p.spec.nodeName);
    const now = rfc3339(sim.now());
    sim.store.mutate<Pod>("pods", ns, name, (x) => {
      const statuses: ContainerStatus[] = x.spec.containers.map((c) => ({
        name: c.name,
        state: { waiting: { reason: "ContainerCreating" } },
        lastState: {},
        ready: false,
        restartCount: 0,
        image: c.image ?? "",
        imageID: "",
        started: false,
      }));
      const scheduled =
        x.status.conditions?.find((c) => c.type === "PodScheduled")?.lastTransitionTime ?? now;
      x.status = {
        phase: "Pending",
        conditions: [
          cond("PodReadyToStartContainers", false, now),
          cond("Initialized", true, now),
          cond(
            "Ready",
            false,
            now,
            "ContainersNotReady",
            `containers with unready status: [${statuses.map((s) => s.name).join(" ")}]`,
          ),
          cond(
            "ContainersReady",
            false,
            now,
            "ContainersNotReady",
            `containers with unready status: [${statuses.map((s) => s.name).join(" ")}]`,
          ),
          cond("PodScheduled", true, scheduled),
        ],
        hostIP,
        hostIPs: [{ ip: hostIP }],
        startTime: now,
        containerStatuses: statuses,
        qosClass: x.status.qosClass ?? "BestEffort",
      };
    });
    sim.runtime[uid] = { pullFailures: 0, killing: false };
    scheduleStage(sim, p, STAGE_DELAYS.sandbox, "sandbox");
  }
}

/** Handle one due kubelet transition. */
export function kubeletDue(sim: ClusterContext, d: Due): void {
  const p = sim.store.peek<Pod>("pods", d.ns, d.name);
  if (!p || p.metadata.uid !== d.uid) return;
  const nodeName = p.spec.nodeName ?? "minikube";
  if (!nodeReady(sim, nodeName)) {
    // Retried when the node is back: the kubelet re-syncs every pod.
    const rt = sim.runtime[d.uid];
    if (rt) rt.killing = false;
    if (d.kind === "kubelet" && !p.metadata.deletionTimestamp) {
      sim.store.mutate<Pod>("pods", d.ns, d.name, (x) => {
        delete x.status.startTime;
      });
    }
    return;
  }
  if (d.kind === "kill") {
    for (const c of p.spec.containers) delete sim.apps[sim.appKey(d.ns, d.name, c.name)];
    delete sim.runtime[d.uid];
    sim.store.remove("pods", d.ns, d.name);
    return;
  }
  if (d.kind !== "kubelet" || p.metadata.deletionTimestamp) return;
  const [step, cname] = (d.step ?? "").split(":");
  if (step === undefined || !Object.hasOwn(POD_STAGES, step)) return;
  const container = p.spec.containers.find((c) => c.name === cname);
  runStage(sim, p, step as StageName, {
    nodeName,
    now: rfc3339(sim.now()),
    ...(container !== undefined ? { container } : {}),
  });
}
