/**
 * The virtual network: pod IPs, Service ClusterIPs (kube-proxy), NodePorts on the node's IP,
 * and cluster DNS names for callers inside pods.
 */
import { appAt, serveApp } from "./container-apps";
import type { Sim } from "./kernel";
import type { Endpoints, Node, Pod, Service } from "./model";
import type { NetRequest, NetResponse } from "./types";

/** Whether `host` names a node (its InternalIP or hostname): NodePorts answer there. */
function isNode(sim: Sim, host: string): boolean {
  if (host === "control-plane.minikube.internal") return true;
  return sim.store
    .scan<Node>("nodes")
    .some((n) => n.metadata.name === host || n.status.addresses.some((a) => a.address === host));
}

function podByIP(sim: Sim, ip: string): Pod | undefined {
  return sim.store.scan<Pod>("pods").find((p) => p.status.podIP === ip && !p.spec.hostNetwork);
}

/** Deliver to a pod's IP and port. */
export function toPod(sim: Sim, pod: Pod, port: number, req: NetRequest): NetResponse {
  const running = pod.status.containerStatuses?.some((s) => s.state.running) ?? false;
  if (!running) return { kind: "refused" };
  const app = appAt(sim, pod.metadata.namespace ?? "default", pod.metadata.name ?? "", port);
  if (!app) return { kind: "refused" };
  return { kind: "response", ...serveApp(sim, app, req) };
}

function resolveService(sim: Sim, host: string, from: NetRequest["from"]): Service | undefined {
  const services = sim.store.scan<Service>("services");
  const byIP = services.find((s) => s.spec.clusterIP === host);
  if (byIP) return byIP;
  if (from.kind !== "pod") return undefined;
  const parts = host.replace(/\.$/, "").split(".");
  const name = parts[0] ?? "";
  let ns = from.namespace;
  if (parts.length >= 2) {
    const rest = parts.slice(2).join(".");
    if (!["", "svc", "svc.cluster.local"].includes(rest)) return undefined;
    ns = parts[1] ?? ns;
  }
  return services.find((s) => s.metadata.name === name && s.metadata.namespace === ns);
}

/** Pick a ready endpoint like kube-proxy (random among ready addresses). */
function viaService(sim: Sim, svc: Service, port: number, byNodePort: boolean, req: NetRequest): NetResponse {
  const sp = (svc.spec.ports ?? []).find((p) => (byNodePort ? p.nodePort === port : p.port === port));
  if (!sp) return byNodePort ? { kind: "refused" } : { kind: "timeout" };
  const ep = sim.store.peek<Endpoints>("endpoints", svc.metadata.namespace, svc.metadata.name ?? "");
  const subset = ep?.subsets?.[0];
  const addrs = subset?.addresses ?? [];
  if (addrs.length === 0) return { kind: "refused" };
  const a = addrs[sim.rng.int(addrs.length)];
  const epPort = subset?.ports?.find((p) => (sp.name ? p.name === sp.name : true))?.port ?? sp.port;
  const pod = a ? podByIP(sim, a.ip) : undefined;
  if (!pod) return { kind: "refused" };
  return toPod(sim, pod, epPort, req);
}

export function route(sim: Sim, req: NetRequest): NetResponse {
  const host = req.host.toLowerCase();
  if (req.from.kind === "pod" && (host === "localhost" || host === "127.0.0.1")) {
    const pod = sim.store.peek<Pod>("pods", req.from.namespace, req.from.pod);
    return pod ? toPod(sim, pod, req.port, req) : { kind: "refused" };
  }
  if (host === "localhost" || host === "127.0.0.1") return { kind: "refused" };
  if (isNode(sim, host)) {
    const svc = sim.store
      .scan<Service>("services")
      .find((s) => s.spec.ports?.some((p) => p.nodePort === req.port));
    if (svc) return viaService(sim, svc, req.port, true, req);
    return { kind: "refused" };
  }
  if (/^10\.244\.\d+\.\d+$/.test(host)) {
    const pod = podByIP(sim, host);
    return pod ? toPod(sim, pod, req.port, req) : { kind: "timeout" };
  }
  const svc = resolveService(sim, host, req.from);
  if (svc) return viaService(sim, svc, req.port, false, req);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return { kind: "timeout" };
  return { kind: "unresolved" };
}
