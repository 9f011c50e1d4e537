/** Garbage collector: dependents whose controlling owner is gone are deleted (background), and
 * owners in foreground deletion are removed once their dependents are gone. Also namespaces. */

import type { ClusterContext } from "../context";
import type { KObject, Pod } from "../model";
import { NAME_ALPHABET } from "../rng";
import { deletePodGracefully } from "./replicaset";
import { controllerOf } from "./util";

const OWNER_RESOURCE: Record<string, string> = {
  Deployment: "deployments",
  ReplicaSet: "replicasets",
  Service: "services",
  DaemonSet: "daemonsets",
  StatefulSet: "statefulsets",
  Node: "nodes",
};

const DEPENDENT_RESOURCES = ["replicasets", "pods", "endpointslices"];

function ownerExists(sim: ClusterContext, o: KObject): boolean {
  const ref = controllerOf(o);
  if (!ref) return true;
  const res = OWNER_RESOURCE[ref.kind];
  if (!res) return true;
  const ns = res === "nodes" ? undefined : o.metadata.namespace;
  const owner = sim.store.peek(res, ns, ref.name);
  return owner !== undefined && owner.metadata.uid === ref.uid;
}

function dependentsOf(sim: ClusterContext, owner: KObject): Array<{ res: string; obj: KObject }> {
  const out: Array<{ res: string; obj: KObject }> = [];
  for (const res of DEPENDENT_RESOURCES) {
    for (const o of sim.store.byIndex(res, "owner", owner.metadata.uid ?? "")) {
      if (o.metadata.namespace === owner.metadata.namespace) out.push({ res, obj: o });
    }
  }
  return out;
}

export function deleteObject(sim: ClusterContext, res: string, o: KObject): void {
  if (res === "pods") {
    if (o.metadata.deletionTimestamp) return;
    const pod = o as Pod;
    if (!pod.spec.nodeName) sim.store.remove("pods", o.metadata.namespace, o.metadata.name ?? "");
    else deletePodGracefully(sim, pod);
  } else {
    sim.store.remove(res, o.metadata.namespace, o.metadata.name ?? "");
  }
}

export function gcController(sim: ClusterContext): void {
  for (const res of DEPENDENT_RESOURCES) {
    for (const o of sim.store.scan(res)) {
      if (sim.overBudget()) return;
      if (!ownerExists(sim, o)) deleteObject(sim, res, o);
    }
  }
  // Foreground deletion: the owner waits (with a deletionTimestamp) for its dependents.
  for (const res of ["deployments", "replicasets"]) {
    for (const o of sim.store.scan(res)) {
      if (!o.metadata.deletionTimestamp || !o.metadata.finalizers?.includes("foregroundDeletion")) continue;
      const deps = dependentsOf(sim, o);
      if (deps.length === 0) {
        sim.store.remove(res, o.metadata.namespace, o.metadata.name ?? "");
        continue;
      }
      for (const d of deps) {
        if (sim.overBudget()) return;
        if (d.res !== "pods" && !d.obj.metadata.deletionTimestamp) {
          sim.store.mutate(d.res, d.obj.metadata.namespace, d.obj.metadata.name ?? "", (x) => {
            x.metadata.deletionTimestamp = o.metadata.deletionTimestamp;
            x.metadata.finalizers = ["foregroundDeletion"];
          });
        } else if (d.res === "pods") deleteObject(sim, "pods", d.obj);
      }
    }
  }
  namespaceController(sim);
  expireEvents(sim);
}

const EVENT_TTL_MS = 60 * 60 * 1000;

/**
 * The API server drops events an hour after their last occurrence. The sweep only looks at the
 * events once the earliest of them can have expired (new events never expire sooner).
 */
function expireEvents(sim: ClusterContext): void {
  if (sim.now() - EVENT_TTL_MS <= sim.eventsExpireAfter) return;
  let earliest = sim.now();
  for (const e of sim.store.scan("events")) {
    const last = e["lastTimestamp"] ?? e["eventTime"] ?? e.metadata.creationTimestamp;
    const t = typeof last === "string" ? Date.parse(last) : Number.NaN;
    if (Number.isNaN(t)) continue;
    if (sim.now() - t > EVENT_TTL_MS) sim.store.remove("events", e.metadata.namespace, e.metadata.name ?? "");
    else earliest = Math.min(earliest, t);
  }
  sim.eventsExpireAfter = earliest;
}

const NAMESPACED = [
  "deployments",
  "replicasets",
  "daemonsets",
  "statefulsets",
  "services",
  "endpoints",
  "endpointslices",
  "configmaps",
  "secrets",
  "serviceaccounts",
  "resourcequotas",
  "limitranges",
  "persistentvolumeclaims",
  "replicationcontrollers",
  "leases",
  "events",
];

const ROOT_CA =
  "-----BEGIN CERTIFICATE-----\nMIIDBjCCAe6gAwIBAgIBATANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwptaW5p\na3ViZUNBMB4XDTI2MTEyOTAyMDAwMFoXDTM2MTEyODAyMDAwMFowFTETMBEGA1UE\nAxMKbWluaWt1YmVDQTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAK1s\n-----END CERTIFICATE-----\n";

function namespaceController(sim: ClusterContext): void {
  for (const ns of sim.store.scan("namespaces")) {
    const name = ns.metadata.name ?? "";
    if (ns.metadata.deletionTimestamp) {
      if (ns["status"]?.phase !== "Terminating") {
        sim.store.mutate("namespaces", undefined, name, (x) => {
          x["status"] = { phase: "Terminating" };
        });
      }
      for (const res of NAMESPACED)
        for (const o of sim.store.scan(res, name)) {
          if (sim.overBudget()) return;
          sim.store.remove(res, name, o.metadata.name ?? "");
        }
      const pods = sim.store.scan<Pod>("pods", name);
      for (const p of pods) {
        if (sim.overBudget()) return;
        deleteObject(sim, "pods", p);
      }
      if (pods.length === 0) sim.store.remove("namespaces", undefined, name);
      continue;
    }
    if (!sim.store.peek("serviceaccounts", name, "default")) {
      sim.store.create("serviceaccounts", {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "default", namespace: name },
      });
    }
    if (!sim.store.peek("configmaps", name, "kube-root-ca.crt")) {
      sim.store.create("configmaps", {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: "kube-root-ca.crt",
          namespace: name,
          annotations: {
            "kubernetes.io/description":
              "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc.  No other usages are guaranteed across distributions of Kubernetes clusters.",
          },
        },
        data: { "ca.crt": ROOT_CA },
      });
    }
  }
  void NAME_ALPHABET;
}
