import { asArr, asObj, type Obj, str } from "../client";
import { annotationsMultiline, describeEvents, labelsMultiline, PrefixWriter } from "./writer";

function formatSlices(slices: Obj[], port: Obj): string {
  if (slices.length === 0) return "<none>";
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const s of slices) {
    const ports = asArr(s.ports).map(asObj);
    const endpoints = asArr(s.endpoints).map(asObj);
    if (ports.length === 0) {
      for (const e of endpoints) {
        if (list.length === max) more = true;
        if (!more) list.push(str(asArr(e.addresses)[0]));
        count++;
      }
      continue;
    }
    for (const sp of ports) {
      if (str(sp.name) !== str(port.name)) continue;
      for (const e of endpoints) {
        if (list.length === max) more = true;
        if (!more) list.push(`${str(asArr(e.addresses)[0])}:${Number(sp.port ?? 0)}`);
        count++;
      }
    }
  }
  const ret = list.join(",");
  return more ? `${ret} + ${count - max} more...` : ret;
}

export function describeService(svc: Obj, slices: Obj[], events: Obj[] | undefined, now: number): string {
  const w = new PrefixWriter(now);
  const m = asObj(svc.metadata);
  const spec = asObj(svc.spec);
  w.write(0, `Name:\t${str(m.name)}\n`);
  w.write(0, `Namespace:\t${str(m.namespace)}\n`);
  labelsMultiline(w, "Labels", m.labels);
  annotationsMultiline(w, "Annotations", m.annotations);
  const sel = asObj(spec.selector);
  const selText = Object.keys(sel)
    .sort()
    .map((k) => `${k}=${str(sel[k])}`)
    .join(",");
  w.write(0, `Selector:\t${selText || "<none>"}\n`);
  w.write(0, `Type:\t${str(spec.type)}\n`);
  if (spec.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${str(spec.ipFamilyPolicy)}\n`);
  const fams = asArr(spec.ipFamilies).map(str);
  w.write(0, `IP Families:\t${fams.length > 0 ? fams.join(",") : "<none>"}\n`);
  w.write(0, `IP:\t${str(spec.clusterIP)}\n`);
  const ips = asArr(spec.clusterIPs).map(str);
  w.write(0, `IPs:\t${ips.length > 0 ? ips.join(",") : "<none>"}\n`);
  const ext = asArr(spec.externalIPs).map(str);
  if (ext.length > 0) w.write(0, `External IPs:\t${ext.join(",")}\n`);
  if (str(spec.loadBalancerIP)) w.write(0, `IP:\t${str(spec.loadBalancerIP)}\n`);
  if (str(spec.externalName)) w.write(0, `External Name:\t${str(spec.externalName)}\n`);
  const ingress = asArr(asObj(asObj(svc.status).loadBalancer).ingress).map(asObj);
  if (ingress.length > 0)
    w.write(0, `LoadBalancer Ingress:\t${ingress.map((i) => str(i.ip) || str(i.hostname)).join(", ")}\n`);
  for (const p of asArr(spec.ports).map(asObj)) {
    const name = str(p.name) || "<unset>";
    const proto = str(p.protocol) || "TCP";
    w.write(0, `Port:\t${name}\t${Number(p.port ?? 0)}/${proto}\n`);
    w.write(0, `TargetPort:\t${str(p.targetPort)}/${proto}\n`);
    if (Number(p.nodePort ?? 0) !== 0) w.write(0, `NodePort:\t${name}\t${Number(p.nodePort)}/${proto}\n`);
    w.write(0, `Endpoints:\t${formatSlices(slices, p)}\n`);
  }
  w.write(0, `Session Affinity:\t${str(spec.sessionAffinity)}\n`);
  if (str(spec.externalTrafficPolicy))
    w.write(0, `External Traffic Policy:\t${str(spec.externalTrafficPolicy)}\n`);
  if (str(spec.internalTrafficPolicy))
    w.write(0, `Internal Traffic Policy:\t${str(spec.internalTrafficPolicy)}\n`);
  if (Number(spec.healthCheckNodePort ?? 0) !== 0)
    w.write(0, `HealthCheck NodePort:\t${Number(spec.healthCheckNodePort)}\n`);
  describeEvents(w, events);
  return w.toString();
}

export function describeEndpoints(ep: Obj, events: Obj[] | undefined, now: number): string {
  const w = new PrefixWriter(now);
  const m = asObj(ep.metadata);
  w.write(0, `Name:\t${str(m.name)}\n`);
  w.write(0, `Namespace:\t${str(m.namespace)}\n`);
  labelsMultiline(w, "Labels", m.labels);
  annotationsMultiline(w, "Annotations", m.annotations);
  w.write(0, "Subsets:\n");
  for (const s of asArr(ep.subsets).map(asObj)) {
    const addrs = asArr(s.addresses)
      .map((a) => str(asObj(a).ip))
      .join(",");
    w.write(1, `Addresses:\t${addrs || "<none>"}\n`);
    const nr = asArr(s.notReadyAddresses)
      .map((a) => str(asObj(a).ip))
      .join(",");
    w.write(1, `NotReadyAddresses:\t${nr || "<none>"}\n`);
    const ports = asArr(s.ports).map(asObj);
    if (ports.length > 0) {
      w.write(1, "Ports:\n");
      w.write(2, "Name\tPort\tProtocol\n");
      w.write(2, "----\t----\t--------\n");
      for (const p of ports)
        w.write(2, `${str(p.name) || "<unset>"}\t${Number(p.port ?? 0)}\t${str(p.protocol)}\n`);
    }
    w.write(0, "\n");
  }
  describeEvents(w, events);
  return w.toString();
}

export function describeNamespace(ns: Obj, quotas: Obj[], limits: Obj[]): string {
  const w = new PrefixWriter(0);
  const m = asObj(ns.metadata);
  w.write(0, `Name:\t${str(m.name)}\n`);
  labelsMultiline(w, "Labels", m.labels);
  annotationsMultiline(w, "Annotations", m.annotations);
  w.write(0, `Status:\t${str(asObj(ns.status).phase)}\n`);
  w.write(0, "\n");
  if (quotas.length === 0) w.write(0, "No resource quota.\n");
  else {
    for (const q of quotas) {
      w.write(0, `Name:\t${str(asObj(q.metadata).name)}\n`);
      w.write(0, "Resource\tUsed\tHard\n--------\t---\t---\n");
      const hard = asObj(asObj(q.status).hard);
      const used = asObj(asObj(q.status).used);
      for (const k of Object.keys(hard).sort()) w.write(0, `${k}\t${str(used[k])}\t${str(hard[k])}\n`);
    }
  }
  w.write(0, "\n");
  if (limits.length === 0) w.write(0, "No LimitRange resource.\n");
  else for (const l of limits) w.write(0, `Name:\t${str(asObj(l.metadata).name)}\n`);
  return w.toString();
}

export function describeGeneric(o: Obj, events: Obj[] | undefined, now: number): string {
  const w = new PrefixWriter(now);
  const m = asObj(o.metadata);
  w.write(0, `Name:\t${str(m.name)}\n`);
  if (str(m.namespace)) w.write(0, `Namespace:\t${str(m.namespace)}\n`);
  labelsMultiline(w, "Labels", m.labels);
  annotationsMultiline(w, "Annotations", m.annotations);
  w.write(0, `API Version:\t${str(o.apiVersion)}\n`);
  w.write(0, `Kind:\t${str(o.kind)}\n`);
  describeEvents(w, events);
  return w.toString();
}
