/**
 * Faults a teacher injects into a student's cluster (issue 13): incidents for the class to
 * debug. Each fault is plain data (stored, sent over the wire, applied later when the student's
 * cluster is loaded) and is applied the way the component that would cause it in a real cluster
 * acts: object changes go through the cluster's own API (as `kubectl delete`, `set image`,
 * `scale`, `cordon` send them), a node's readiness changes as the node lifecycle controller sees
 * it, and the events those components record are written, so `kubectl describe` shows them.
 */
import type { Cluster } from "./index";
import type { KEvent, KObject } from "./model";
import type { ApiResponse } from "./types";

export const FAULT_KINDS = [
  "node-not-ready",
  "node-ready",
  "delete-pod",
  "broken-image",
  "scale-zero",
  "cordon",
  "uncordon",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  /** The node, pod or deployment; when absent one is chosen from the cluster (see below). */
  target?: string;
  /** Namespace for pods and deployments (default `default`). */
  namespace?: string;
}

/** The image a broken deployment is set to: a tag that does not exist (ErrImagePull). */
export const BROKEN_IMAGE_TAG = "no-such-tag";

export interface FaultResult {
  ok: boolean;
  /** What was done to what, or why nothing was (a log line for the teacher, English). */
  detail: string;
  target?: string;
}

const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Validates a fault that came from outside (a form, a stored row). */
export function parseFault(raw: unknown): Fault | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  if (typeof r["kind"] !== "string" || !(FAULT_KINDS as readonly string[]).includes(r["kind"])) return null;
  const f: Fault = { kind: r["kind"] as FaultKind };
  for (const k of ["target", "namespace"] as const) {
    const v = r[k];
    if (v === undefined || v === null || v === "") continue;
    if (typeof v !== "string" || !NAME.test(v)) return null;
    f[k] = v;
  }
  return f;
}

function api(
  cluster: Cluster,
  method: "GET" | "DELETE" | "PATCH",
  path: string,
  body?: unknown,
): ApiResponse {
  return cluster.handle({
    method,
    path,
    query: new URLSearchParams(),
    headers:
      body === undefined
        ? { accept: "application/json" }
        : { accept: "application/json", "content-type": "application/strategic-merge-patch+json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

function items(cluster: Cluster, path: string): KObject[] {
  const res = api(cluster, "GET", path);
  if (res.status !== 200) return [];
  return ((JSON.parse(res.body) as { items?: KObject[] }).items ?? []).filter(
    (o) => !o.metadata.deletionTimestamp,
  );
}

function failed(res: ApiResponse): string | null {
  if (res.status < 300) return null;
  try {
    return (JSON.parse(res.body) as { message?: string }).message ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

/** The node a node fault hits by default: a worker when there is one, else the only node. */
function defaultNode(cluster: Cluster): string | undefined {
  const nodes = items(cluster, "/api/v1/nodes");
  const worker = nodes.find((n) => !("node-role.kubernetes.io/control-plane" in (n.metadata.labels ?? {})));
  return (worker ?? nodes[0])?.metadata.name;
}

function nodeEvent(cluster: Cluster, node: string, reason: string, component: string): void {
  const obj = cluster.internals.store.peek("nodes", undefined, node);
  if (!obj) return;
  // A node's events live in `default` and name the node by its name as uid, with no namespace
  // (what kubelet and the node controller write, and what `kubectl describe node` looks up).
  const sim = cluster.internals;
  const ref = {
    ...obj,
    kind: "Node",
    apiVersion: "v1",
    metadata: { ...obj.metadata, namespace: "default", uid: node },
  };
  const before = sim.eventSeq;
  sim.event(ref as KObject, "Normal", reason, `Node ${node} status is now: ${reason}`, component);
  if (sim.eventSeq === before) return;
  for (const e of sim.store.byIndex<KEvent>("events", "involved", node))
    if (e.involvedObject.namespace === "default" && e.reason === reason)
      sim.store.mutate<KEvent>("events", "default", e.metadata.name ?? "", (x) => {
        delete (x.involvedObject as { namespace?: string }).namespace;
      });
}

export function applyFault(cluster: Cluster, fault: Fault): FaultResult {
  const ns = fault.namespace ?? "default";
  switch (fault.kind) {
    case "node-not-ready":
    case "node-ready": {
      const node = fault.target ?? defaultNode(cluster);
      if (!node || !cluster.nodeNames().includes(node))
        return { ok: false, detail: `node "${fault.target ?? ""}" not found` };
      const ready = fault.kind === "node-ready";
      cluster.setNodeReady(node, ready);
      // The node lifecycle controller notices a silent kubelet; a kubelet that is back says so.
      if (ready) nodeEvent(cluster, node, "NodeReady", "kubelet");
      else nodeEvent(cluster, node, "NodeNotReady", "node-controller");
      return { ok: true, target: node, detail: `node/${node} ${ready ? "Ready" : "NotReady"}` };
    }
    case "cordon":
    case "uncordon": {
      const node = fault.target ?? defaultNode(cluster);
      if (!node) return { ok: false, detail: "no node" };
      const on = fault.kind === "cordon";
      const res = api(cluster, "PATCH", `/api/v1/nodes/${node}`, {
        spec: { unschedulable: on ? true : null },
      });
      const err = failed(res);
      if (err) return { ok: false, target: node, detail: err };
      nodeEvent(cluster, node, on ? "NodeNotSchedulable" : "NodeSchedulable", "kubelet");
      return { ok: true, target: node, detail: `node/${node} ${on ? "cordoned" : "uncordoned"}` };
    }
    case "delete-pod": {
      const pods = items(cluster, `/api/v1/namespaces/${ns}/pods`);
      const pod =
        fault.target ?? pods.find((p) => (p.metadata.ownerReferences ?? []).length > 0)?.metadata.name;
      const name = pod ?? pods[0]?.metadata.name;
      if (!name) return { ok: false, detail: `no pod in namespace ${ns}` };
      const err = failed(api(cluster, "DELETE", `/api/v1/namespaces/${ns}/pods/${name}`));
      if (err) return { ok: false, target: name, detail: err };
      return { ok: true, target: name, detail: `pod "${name}" deleted` };
    }
    case "broken-image":
    case "scale-zero": {
      const deps = items(cluster, `/apis/apps/v1/namespaces/${ns}/deployments`);
      const name = fault.target ?? deps[0]?.metadata.name;
      if (!name) return { ok: false, detail: `no deployment in namespace ${ns}` };
      const path = `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;
      if (fault.kind === "scale-zero") {
        const err = failed(api(cluster, "PATCH", `${path}/scale`, { spec: { replicas: 0 } }));
        if (err) return { ok: false, target: name, detail: err };
        return { ok: true, target: name, detail: `deployment.apps/${name} scaled to 0` };
      }
      const dep = deps.find((d) => d.metadata.name === name) as
        | (KObject & {
            spec: { template: { spec: { containers: Array<{ name: string; image?: string }> } } };
          })
        | undefined;
      const c = dep?.spec.template.spec.containers[0];
      if (!c) return { ok: false, target: name, detail: `deployments.apps "${name}" not found` };
      const repo = (c.image ?? "nginx").replace(/@.*$/, "").replace(/:[^/:]*$/, "");
      const image = `${repo}:${BROKEN_IMAGE_TAG}`;
      const err = failed(
        api(cluster, "PATCH", path, {
          spec: { template: { spec: { containers: [{ name: c.name, image }] } } },
        }),
      );
      if (err) return { ok: false, target: name, detail: err };
      return { ok: true, target: name, detail: `deployment.apps/${name} image set to ${image}` };
    }
  }
}
