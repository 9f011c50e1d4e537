/**
 * Describers keyed by kind. Each one fetches what real kubectl fetches for it (events by field
 * selector, the node's pods and lease, the deployment's replica sets, …) through the client.
 */
import { asArr, asObj, type Obj, type RestClient, str } from "../client";
import { describeNode } from "./node";
import { describePod } from "./pod";
import { describeEndpoints, describeGeneric, describeNamespace, describeService } from "./service";
import { describeDeployment, describeReplicaSet } from "./workloads";

function items(o: Obj): Obj[] {
  return asArr(o.items).map(asObj);
}

function tryList(client: RestClient, p: string, query: Record<string, string>): Obj[] {
  try {
    return items(client.get(p, query));
  } catch {
    return [];
  }
}

export function searchEvents(client: RestClient, obj: Obj, uidOverride?: string): Obj[] {
  const m = asObj(obj.metadata);
  const ns = str(m.namespace);
  const fieldSelector = `involvedObject.name=${str(m.name)},involvedObject.namespace=${ns},involvedObject.uid=${
    uidOverride ?? str(m.uid)
  }`;
  const p = ns ? `/api/v1/namespaces/${ns}/events` : "/api/v1/events";
  return tryList(client, p, { fieldSelector, limit: "500" });
}

function selectorQuery(sel: unknown): string {
  const ml = asObj(asObj(sel).matchLabels);
  return Object.keys(ml)
    .sort()
    .map((k) => `${k}=${str(ml[k])}`)
    .join(",");
}

const ownedBy = (o: Obj, uid: string): boolean =>
  asArr(asObj(o.metadata).ownerReferences).some((r) => asObj(r).uid === uid && asObj(r).controller === true);

function templateEqual(a: unknown, b: unknown): boolean {
  const strip = (t: unknown): string => {
    const c = JSON.parse(JSON.stringify(asObj(t))) as Obj;
    const labels = asObj(asObj(c.metadata).labels);
    delete labels["pod-template-hash"];
    return JSON.stringify(c);
  };
  return strip(a) === strip(b);
}

export type Describer = (client: RestClient, obj: Obj, now: number) => string;

export const describers: Record<string, Describer> = {
  Pod: (client, pod, now) => describePod(pod, searchEvents(client, pod), now),
  Node: (client, node, now) => {
    const name = str(asObj(node.metadata).name);
    const pods = tryList(client, "/api/v1/pods", {
      fieldSelector: `spec.nodeName=${name},status.phase!=Failed,status.phase!=Succeeded`,
      limit: "500",
    });
    let lease: Obj | undefined;
    try {
      lease = client.get(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`);
    } catch {
      lease = undefined;
    }
    const events = [...searchEvents(client, node), ...searchEvents(client, node, name)];
    return describeNode(node, pods, events, lease, now);
  },
  Deployment: (client, d, now) => {
    const m = asObj(d.metadata);
    const uid = str(m.uid);
    const all = tryList(client, `/apis/apps/v1/namespaces/${str(m.namespace)}/replicasets`, {
      labelSelector: selectorQuery(asObj(d.spec).selector),
      limit: "500",
    }).filter((rs) => ownedBy(rs, uid));
    const template = asObj(d.spec).template;
    const newRS = all
      .filter((rs) => templateEqual(asObj(rs.spec).template, template))
      .sort((a, b) =>
        str(asObj(a.metadata).creationTimestamp).localeCompare(str(asObj(b.metadata).creationTimestamp)),
      )[0];
    // kubectl v1.32 lists every old ReplicaSet (deploymentutil's allOldRSs), scaled to 0 or not
    const old = all.filter((rs) => rs !== newRS);
    return describeDeployment(d, old, newRS, searchEvents(client, d), now);
  },
  ReplicaSet: (client, rs, now) => {
    const m = asObj(rs.metadata);
    const pods = tryList(client, `/api/v1/namespaces/${str(m.namespace)}/pods`, {
      labelSelector: selectorQuery(asObj(rs.spec).selector),
    }).filter((p) => ownedBy(p, str(m.uid)));
    const counts = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
    for (const p of pods) {
      const phase = str(asObj(p.status).phase);
      if (phase === "Running") counts.running++;
      else if (phase === "Pending") counts.waiting++;
      else if (phase === "Succeeded") counts.succeeded++;
      else if (phase === "Failed") counts.failed++;
    }
    return describeReplicaSet(rs, counts, searchEvents(client, rs), now);
  },
  Service: (client, svc, now) => {
    const m = asObj(svc.metadata);
    const slices = tryList(
      client,
      `/apis/discovery.k8s.io/v1/namespaces/${str(m.namespace)}/endpointslices`,
      {
        labelSelector: `kubernetes.io/service-name=${str(m.name)}`,
      },
    );
    return describeService(svc, slices, searchEvents(client, svc), now);
  },
  Endpoints: (client, ep, now) => describeEndpoints(ep, searchEvents(client, ep), now),
  Namespace: (client, ns) => {
    const name = str(asObj(ns.metadata).name);
    const quotas = tryList(client, `/api/v1/namespaces/${name}/resourcequotas`, {});
    const limits = tryList(client, `/api/v1/namespaces/${name}/limitranges`, {});
    return describeNamespace(ns, quotas, limits);
  },
};

export function describeObject(client: RestClient, kind: string, obj: Obj, now: number): string {
  const d = describers[kind];
  if (d) return d(client, obj, now);
  return describeGeneric(obj, searchEvents(client, obj), now);
}
