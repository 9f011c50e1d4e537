/**
 * Kubelet: a pod's lifecycle as staged transitions (kwok-style). Each stage is a due item in
 * the cluster's queue; its handler updates the pod status and records the kubelet's events.
 *
 *   bound → Pending/ContainerCreating → sandbox ready (IP) → Pulling → Pulled → Created → Started → Running
 *   unknown image → Failed/ErrImagePull → BackOff/ImagePullBackOff → retry with doubling back-off
 *   deletionTimestamp → Killing → removed after the grace period (the bootcamp app ignores SIGTERM)
 */

import { startApp } from "../container-apps";
import { imageID, lookupImage, normalizeImage, pullError } from "../images";
import type { Due, Sim } from "../kernel";
import type { ContainerStatus, Node, Pod, PodCondition } from "../model";
import { rfc3339 } from "../time";
import { nodeReady } from "./node";

const SANDBOX_MS = 1000;
const START_MS = 300;
const FAIL_MS = 1500;
const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;

function cond(type: string, ok: boolean, at: string, reason?: string, message?: string): PodCondition {
  const c: PodCondition = {
    type,
    status: ok ? "True" : "False",
    lastProbeTime: null,
    lastTransitionTime: at,
  };
  if (!ok && reason) {
    c.reason = reason;
    if (message) c.message = message;
  }
  return c;
}

function setCond(p: Pod, type: string, ok: boolean, now: string, reason?: string, message?: string): void {
  const list = p.status.conditions ?? [];
  const i = list.findIndex((c) => c.type === type);
  const prev = list[i];
  const next = cond(
    type,
    ok,
    prev && prev.status === (ok ? "True" : "False") ? (prev.lastTransitionTime ?? now) : now,
    reason,
    message,
  );
  if (i >= 0) list[i] = next;
  else list.push(next);
  p.status.conditions = list;
}

function refreshReadiness(p: Pod, now: string): void {
  const statuses = p.status.containerStatuses ?? [];
  const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
  const ready = notReady.length === 0 && statuses.length > 0;
  const msg = `containers with unready status: [${notReady.join(" ")}]`;
  setCond(p, "Ready", ready, now, "ContainersNotReady", msg);
  setCond(p, "ContainersReady", ready, now, "ContainersNotReady", msg);
  const order = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];
  p.status.conditions = [...(p.status.conditions ?? [])].sort(
    (a, b) => order.indexOf(a.type) - order.indexOf(b.type),
  );
  const running = statuses.length > 0 && statuses.every((s) => s.state.running);
  if (running) p.status.phase = "Running";
}

function imageCached(sim: Sim, image: string, nodeName: string): boolean {
  const node = sim.store.peek<Node>("nodes", undefined, nodeName);
  const want = normalizeImage(image);
  return node?.status.images?.some((i) => i.names.some((n) => normalizeImage(n) === want)) ?? false;
}

function cacheImage(sim: Sim, image: string, nodeName: string): void {
  const info = lookupImage(image);
  if (!info || !sim.store.peek("nodes", undefined, nodeName)) return;
  sim.store.mutate<Node>("nodes", undefined, nodeName, (n) => {
    const images = n.status.images ?? [];
    if (!images.some((i) => i.names.includes(image))) {
      images.unshift({ names: [`${info.repository}@${info.digest}`, image], sizeBytes: info.sizeBytes });
    }
    n.status.images = images;
  });
}

function due(sim: Sim, p: Pod, delay: number, step: string): void {
  sim.schedule({
    at: sim.now() + delay,
    kind: "kubelet",
    ns: p.metadata.namespace ?? "default",
    name: p.metadata.name ?? "",
    uid: p.metadata.uid ?? "",
    step,
  });
}

/** The node's InternalIP (each node runs its own kubelet). */
export function nodeIP(sim: Sim, nodeName: string): string {
  const n = sim.store.peek<Node>("nodes", undefined, nodeName);
  return n?.status.addresses?.find((a) => a.type === "InternalIP")?.address ?? "192.168.49.2";
}

export function kubeletController(sim: Sim): void {
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
    due(sim, p, SANDBOX_MS, "sandbox");
  }
}

/** Handle one due kubelet transition. */
export function kubeletDue(sim: Sim, d: Due): void {
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
  const now = rfc3339(sim.now());
  const [step, cname] = (d.step ?? "").split(":");
  const container = p.spec.containers.find((c) => c.name === cname);
  const fieldPath = (n: string) => `spec.containers{${n}}`;
  const update = (fn: (x: Pod) => void) => sim.store.mutate<Pod>("pods", d.ns, d.name, fn);
  const status = (x: Pod, n: string) => x.status.containerStatuses?.find((s) => s.name === n);

  switch (step) {
    case "sandbox": {
      const ip = p.spec.hostNetwork ? nodeIP(sim, nodeName) : sim.podIP(nodeName);
      update((x) => {
        x.status.podIP = ip;
        x.status.podIPs = [{ ip }];
        setCond(x, "PodReadyToStartContainers", true, now);
        const order = ["hostIP", "hostIPs", "podIP", "podIPs", "startTime"];
        const s = x.status as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(s)) {
          if (order.includes(k)) continue;
          out[k] = v;
          if (k === "conditions") for (const o of order) if (s[o] !== undefined) out[o] = s[o];
        }
        x.status = out as Pod["status"];
      });
      for (const c of p.spec.containers) beginPull(sim, p, c.name, c.image ?? "");
      return;
    }
    case "pulled": {
      if (!container) return;
      const image = container.image ?? "";
      const info = lookupImage(image);
      const secs = ((info?.pullMs ?? 1000) / 1000).toFixed(3);
      cacheImage(sim, image, nodeName);
      sim.event(
        p,
        "Normal",
        "Pulled",
        `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting). Image size: ${info?.sizeBytes ?? 0} bytes.`,
        "kubelet",
        fieldPath(container.name),
      );
      sim.event(
        p,
        "Normal",
        "Created",
        `Created container ${container.name}`,
        "kubelet",
        fieldPath(container.name),
      );
      due(sim, p, START_MS, `start:${container.name}`);
      return;
    }
    case "start": {
      if (!container) return;
      sim.event(
        p,
        "Normal",
        "Started",
        `Started container ${container.name}`,
        "kubelet",
        fieldPath(container.name),
      );
      const cid = `docker://${sim.rng.hex(64)}`;
      update((x) => {
        const s = status(x, container.name);
        if (!s) return;
        s.state = { running: { startedAt: now } };
        s.ready = true;
        s.imageID = imageID(container.image ?? "");
        s.containerID = cid;
        s.started = true;
        const ordered: ContainerStatus = {
          name: s.name,
          state: s.state,
          lastState: s.lastState,
          ready: s.ready,
          restartCount: s.restartCount,
          image: s.image,
          imageID: s.imageID,
          containerID: cid,
          started: true,
        };
        Object.assign(s, ordered);
        refreshReadiness(x, now);
      });
      startApp(sim, p, container.name, container.image ?? "");
      return;
    }
    case "fail": {
      if (!container) return;
      const image = container.image ?? "";
      const err = pullError(image);
      const rt = sim.runtime[d.uid] ?? { pullFailures: 0, killing: false };
      rt.pullFailures += 1;
      sim.runtime[d.uid] = rt;
      sim.event(
        p,
        "Warning",
        "Failed",
        `Failed to pull image "${image}": ${err}`,
        "kubelet",
        fieldPath(container.name),
      );
      sim.event(p, "Warning", "Failed", "Error: ErrImagePull", "kubelet", fieldPath(container.name));
      update((x) => {
        const s = status(x, container.name);
        if (s) s.state = { waiting: { reason: "ErrImagePull", message: err } };
      });
      due(sim, p, 1000, `backoff:${container.name}`);
      return;
    }
    case "backoff": {
      if (!container) return;
      const image = container.image ?? "";
      const rt = sim.runtime[d.uid] ?? { pullFailures: 1, killing: false };
      const wait = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** Math.max(0, rt.pullFailures - 1));
      const msg = `Back-off pulling image "${image}"`;
      sim.event(p, "Normal", "BackOff", msg, "kubelet", fieldPath(container.name));
      sim.event(p, "Warning", "Failed", "Error: ImagePullBackOff", "kubelet", fieldPath(container.name));
      update((x) => {
        const s = status(x, container.name);
        if (s) s.state = { waiting: { reason: "ImagePullBackOff", message: msg } };
      });
      due(sim, p, wait, `retry:${container.name}`);
      return;
    }
    case "retry": {
      if (!container) return;
      beginPull(sim, p, container.name, container.image ?? "");
      return;
    }
  }
}

function beginPull(sim: Sim, p: Pod, cname: string, image: string): void {
  const c = p.spec.containers.find((x) => x.name === cname);
  const fieldPath = `spec.containers{${cname}}`;
  const policy = c?.imagePullPolicy ?? "IfNotPresent";
  const known = lookupImage(image);
  if (known && imageCached(sim, image, p.spec.nodeName ?? "minikube") && policy !== "Always") {
    sim.event(
      p,
      "Normal",
      "Pulled",
      `Container image "${image}" already present on machine`,
      "kubelet",
      fieldPath,
    );
    sim.event(p, "Normal", "Created", `Created container ${cname}`, "kubelet", fieldPath);
    due(sim, p, START_MS, `start:${cname}`);
    return;
  }
  sim.event(p, "Normal", "Pulling", `Pulling image "${image}"`, "kubelet", fieldPath);
  if (known) due(sim, p, known.pullMs, `pulled:${cname}`);
  else due(sim, p, FAIL_MS, `fail:${cname}`);
}
