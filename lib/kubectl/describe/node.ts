import { asArr, asObj, type Obj, str } from "../client";
import {
  annotationsMultiline,
  date,
  describeEvents,
  labelsMultiline,
  PrefixWriter,
  taintsMultiline,
} from "./writer";

/** Quantity → a number in base units (cpu in millicores when `milli`). */
export function parseQuantity(q: string, milli = false): number {
  const m = /^([+-]?[0-9.]+)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const suffix: Record<string, number> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
  };
  const v = n * (suffix[m[2] ?? ""] ?? 1);
  return milli ? Math.round(v * 1000) : v;
}

function formatCpu(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}
function formatBytes(b: number): string {
  if (b === 0) return "0";
  for (const [s, f] of [
    ["Gi", 1024 ** 3],
    ["Mi", 1024 ** 2],
    ["Ki", 1024],
  ] as const)
    if (b % f === 0) return `${b / f}${s}`;
  return String(b);
}

function podTotals(pod: Obj): { req: Map<string, number>; lim: Map<string, number> } {
  const req = new Map<string, number>();
  const lim = new Map<string, number>();
  for (const c of asArr(asObj(pod.spec).containers).map(asObj)) {
    const res = asObj(c.resources);
    for (const [target, src] of [
      [req, asObj(res.requests)],
      [lim, asObj(res.limits)],
    ] as const) {
      for (const [k, v] of Object.entries(src))
        target.set(k, (target.get(k) ?? 0) + parseQuantity(str(v), k === "cpu"));
    }
  }
  return { req, lim };
}

function fmt(name: string, v: number): string {
  return name === "cpu" ? formatCpu(v) : formatBytes(v);
}

export function describeNode(
  node: Obj,
  pods: Obj[] | undefined,
  events: Obj[] | undefined,
  lease: Obj | undefined,
  now: number,
): string {
  const w = new PrefixWriter(now);
  const m = asObj(node.metadata);
  const spec = asObj(node.spec);
  const status = asObj(node.status);
  w.write(0, `Name:\t${str(m.name)}\n`);
  const labels = asObj(m.labels);
  const roles = new Set<string>();
  for (const k of Object.keys(labels)) {
    if (k.startsWith("node-role.kubernetes.io/")) {
      const r = k.slice("node-role.kubernetes.io/".length);
      if (r) roles.add(r);
    } else if (k === "kubernetes.io/role" && str(labels[k])) roles.add(str(labels[k]));
  }
  w.write(0, `Roles:\t${roles.size > 0 ? [...roles].sort().join(",") : "<none>"}\n`);
  labelsMultiline(w, "Labels", m.labels);
  annotationsMultiline(w, "Annotations", m.annotations);
  w.write(0, `CreationTimestamp:\t${date(m.creationTimestamp)}\n`);
  taintsMultiline(w, "Taints", spec.taints);
  w.write(0, `Unschedulable:\t${spec.unschedulable === true}\n`);
  if (lease) {
    const ls = asObj(lease.spec);
    w.write(0, "Lease:\n");
    w.write(1, `HolderIdentity:\t${str(ls.holderIdentity) || "<unset>"}\n`);
    w.write(1, `AcquireTime:\t${ls.acquireTime ? date(ls.acquireTime) : "<unset>"}\n`);
    w.write(1, `RenewTime:\t${ls.renewTime ? date(ls.renewTime) : "<unset>"}\n`);
  }
  const conds = asArr(status.conditions).map(asObj);
  if (conds.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
    w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
    for (const c of conds) {
      w.write(
        1,
        `${str(c.type)} \t${str(c.status)} \t${date(c.lastHeartbeatTime)} \t${date(c.lastTransitionTime)} \t${str(c.reason)} \t${str(c.message)}\n`,
      );
    }
  }
  w.write(0, "Addresses:\n");
  for (const a of asArr(status.addresses).map(asObj)) w.write(1, `${str(a.type)}:\t${str(a.address)}\n`);
  const printList = (list: Obj): void => {
    for (const k of Object.keys(list).sort()) w.write(0, `  ${k}:\t${str(list[k])}\n`);
  };
  if (Object.keys(asObj(status.capacity)).length > 0) {
    w.write(0, "Capacity:\n");
    printList(asObj(status.capacity));
  }
  if (Object.keys(asObj(status.allocatable)).length > 0) {
    w.write(0, "Allocatable:\n");
    printList(asObj(status.allocatable));
  }
  const ni = asObj(status.nodeInfo);
  w.write(0, "System Info:\n");
  w.write(0, `  Machine ID:\t${str(ni.machineID)}\n`);
  w.write(0, `  System UUID:\t${str(ni.systemUUID)}\n`);
  w.write(0, `  Boot ID:\t${str(ni.bootID)}\n`);
  w.write(0, `  Kernel Version:\t${str(ni.kernelVersion)}\n`);
  w.write(0, `  OS Image:\t${str(ni.osImage)}\n`);
  w.write(0, `  Operating System:\t${str(ni.operatingSystem)}\n`);
  w.write(0, `  Architecture:\t${str(ni.architecture)}\n`);
  w.write(0, `  Container Runtime Version:\t${str(ni.containerRuntimeVersion)}\n`);
  w.write(0, `  Kubelet Version:\t${str(ni.kubeletVersion)}\n`);
  w.write(0, `  Kube-Proxy Version:\t${str(ni.kubeProxyVersion)}\n`);
  if (str(spec.podCIDR)) w.write(0, `PodCIDR:\t${str(spec.podCIDR)}\n`);
  if (asArr(spec.podCIDRs).length > 0) w.write(0, `PodCIDRs:\t${asArr(spec.podCIDRs).map(str).join(",")}\n`);
  if (str(spec.providerID)) w.write(0, `ProviderID:\t${str(spec.providerID)}\n`);
  if (pods) {
    const alloc =
      Object.keys(asObj(status.allocatable)).length > 0 ? asObj(status.allocatable) : asObj(status.capacity);
    const allocOf = (name: string): number => parseQuantity(str(alloc[name]), name === "cpu");
    const pct = (v: number, name: string): number => {
      const a = allocOf(name);
      return a > 0 ? Math.trunc((v / a) * 100) : 0;
    };
    w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
    const total = { req: new Map<string, number>(), lim: new Map<string, number>() };
    for (const p of pods) {
      const { req, lim } = podTotals(p);
      for (const [k, v] of req) total.req.set(k, (total.req.get(k) ?? 0) + v);
      for (const [k, v] of lim) total.lim.set(k, (total.lim.get(k) ?? 0) + v);
      const cell = (mp: Map<string, number>, n: string): string =>
        `${fmt(n, mp.get(n) ?? 0)} (${pct(mp.get(n) ?? 0, n)}%)`;
      const pm = asObj(p.metadata);
      w.write(
        1,
        `${str(pm.namespace)}\t${str(pm.name)}\t\t${cell(req, "cpu")}\t${cell(lim, "cpu")}\t${cell(req, "memory")}\t${cell(
          lim,
          "memory",
        )}\t${w.since(pm.creationTimestamp)}\n`,
      );
    }
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
    w.write(1, "Resource\tRequests\tLimits\n");
    w.write(1, "--------\t--------\t------\n");
    const row = (n: string): void => {
      const r = total.req.get(n) ?? 0;
      const l = total.lim.get(n) ?? 0;
      w.write(1, `${n}\t${fmt(n, r)} (${pct(r, n)}%)\t${fmt(n, l)} (${pct(l, n)}%)\n`);
    };
    row("cpu");
    row("memory");
    row("ephemeral-storage");
    for (const k of Object.keys(alloc)
      .filter((k) => k.startsWith("hugepages-"))
      .sort())
      row(k);
  } else w.write(0, "Pods:\tnot authorized\n");
  describeEvents(w, events);
  return w.toString();
}
