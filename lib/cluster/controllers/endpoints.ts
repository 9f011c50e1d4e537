/** Endpoints + EndpointSlice controller: a Service's selector → the IPs of its matching pods. */

import type { ClusterContext } from "../context";
import type { EndpointAddress, Endpoints, KObject, Pod, Service } from "../model";
import { NAME_ALPHABET } from "../rng";
import { isPodReady, ownerRef } from "./util";

function targetPort(
  svcPort: Service["spec"]["ports"] extends (infer P)[] | undefined ? P : never,
  pod: Pod,
): number | undefined {
  const t = svcPort.targetPort ?? svcPort.port;
  if (typeof t === "number") return t;
  for (const c of pod.spec.containers)
    for (const p of c.ports ?? []) if (p.name === t) return p.containerPort;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

export function endpointsController(sim: ClusterContext): void {
  for (const svc of sim.store.scan<Service>("services")) {
    const sel = svc.spec.selector;
    if (!sel || Object.keys(sel).length === 0) continue;
    const ns = svc.metadata.namespace ?? "default";
    const name = svc.metadata.name ?? "";
    const pods = sim.store
      .scan<Pod>("pods", ns)
      .filter((p) => p.status.podIP && !p.metadata.deletionTimestamp)
      .filter((p) => Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v));
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const p of pods) {
      const a: EndpointAddress = {
        ip: p.status.podIP ?? "",
        nodeName: p.spec.nodeName ?? "minikube",
        targetRef: { kind: "Pod", namespace: ns, name: p.metadata.name ?? "", uid: p.metadata.uid ?? "" },
      };
      (isPodReady(p) ? ready : notReady).push(a);
    }
    const byIP = (a: EndpointAddress, b: EndpointAddress) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
    ready.sort(byIP);
    notReady.sort(byIP);
    const first = pods[0];
    const ports = (svc.spec.ports ?? []).map((sp) => {
      const port = first
        ? targetPort(sp, first)
        : typeof sp.targetPort === "number"
          ? sp.targetPort
          : sp.port;
      return { ...(sp.name ? { name: sp.name } : {}), port: port ?? sp.port, protocol: sp.protocol ?? "TCP" };
    });
    const subsets =
      ready.length + notReady.length > 0
        ? [
            {
              ...(ready.length ? { addresses: ready } : {}),
              ...(notReady.length ? { notReadyAddresses: notReady } : {}),
              ports,
            },
          ]
        : undefined;
    const desired: Endpoints = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: {
        name,
        namespace: ns,
        ...(svc.metadata.labels ? { labels: { ...svc.metadata.labels } } : {}),
      },
      ...(subsets ? { subsets } : {}),
    };
    const cur = sim.store.peek<Endpoints>("endpoints", ns, name);
    if (!cur) sim.store.create("endpoints", desired);
    else if (JSON.stringify(cur.subsets) !== JSON.stringify(desired.subsets)) {
      sim.store.mutate<Endpoints>("endpoints", ns, name, (x) => {
        if (subsets) x.subsets = subsets;
        else delete x.subsets;
      });
    }
    syncSlice(
      sim,
      svc,
      [...ready.map((a) => ({ a, ok: true })), ...notReady.map((a) => ({ a, ok: false }))],
      ports,
    );
  }
}

function syncSlice(
  sim: ClusterContext,
  svc: Service,
  addrs: Array<{ a: EndpointAddress; ok: boolean }>,
  ports: Array<{ name?: string; port: number; protocol: string }>,
): void {
  const ns = svc.metadata.namespace ?? "default";
  const svcName = svc.metadata.name ?? "";
  const existing = sim.store
    .scan("endpointslices", ns)
    .find((s) => s.metadata.labels?.["kubernetes.io/service-name"] === svcName);
  const endpoints = addrs.map(({ a, ok }) => ({
    addresses: [a.ip],
    conditions: { ready: ok, serving: ok, terminating: false },
    nodeName: a.nodeName,
    targetRef: a.targetRef,
  }));
  const slicePorts = ports.map((p) => ({ name: p.name ?? "", protocol: p.protocol, port: p.port }));
  if (!existing) {
    const slice: KObject = {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        name: `${svcName}-${sim.rng.chars(NAME_ALPHABET, 5)}`,
        namespace: ns,
        generation: 1,
        labels: {
          ...(svc.metadata.labels ?? {}),
          "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
          "kubernetes.io/service-name": svcName,
        },
        ownerReferences: [ownerRef(svc)],
      },
      addressType: "IPv4",
      endpoints,
      ports: slicePorts,
    };
    sim.store.create("endpointslices", slice);
  } else if (JSON.stringify(existing["endpoints"]) !== JSON.stringify(endpoints)) {
    sim.store.mutate("endpointslices", ns, existing.metadata.name ?? "", (x) => {
      x["endpoints"] = endpoints;
      x["ports"] = slicePorts;
    });
  }
}
