/** Helpers shared by controllers. */
import type { ClusterContext } from "../context";
import type { KObject, OwnerReference, Pod, PodTemplateSpec } from "../model";

/**
 * What a controller remembers about objects between passes: per cluster (a cached scenario
 * template may share objects between clusters) and per object (forgotten with the object).
 */
export function perClusterMemo<K extends object, V>(): (cluster: ClusterContext) => WeakMap<K, V> {
  const byCluster = new WeakMap<ClusterContext, WeakMap<K, V>>();
  return (cluster) => {
    let memo = byCluster.get(cluster);
    if (!memo) {
      memo = new WeakMap();
      byCluster.set(cluster, memo);
    }
    return memo;
  };
}

export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

const SAFE = "bcdfghjklmnpqrstvwxz2456789";

/** FNV-1a 32-bit of the template, encoded like Kubernetes' `rand.SafeEncodeString`. */
export function templateHash(t: PodTemplateSpec, collisionCount = 0): string {
  const text = canonical(withoutHash(t)) + (collisionCount ? String(collisionCount) : "");
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return String(h)
    .split("")
    .map((d) => SAFE[Number(d) % SAFE.length])
    .join("");
}

export function withoutHash(t: PodTemplateSpec): PodTemplateSpec {
  const labels = { ...(t.metadata.labels ?? {}) };
  delete labels["pod-template-hash"];
  return { ...t, metadata: { ...t.metadata, labels } };
}

/** Stored objects are never mutated, so their canonical form can be cached by identity. */
const canonicalCache = new WeakMap<PodTemplateSpec, string>();

function canonicalTemplate(t: PodTemplateSpec): string {
  let c = canonicalCache.get(t);
  if (c === undefined) {
    c = canonical(withoutHash(t));
    canonicalCache.set(t, c);
  }
  return c;
}

export function sameTemplate(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return canonicalTemplate(a) === canonicalTemplate(b);
}

export function controllerOf(o: KObject): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller);
}

export function ownedBy(o: KObject, owner: KObject): boolean {
  return controllerOf(o)?.uid === owner.metadata.uid;
}

export function ownerRef(owner: KObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? "v1",
    kind: owner.kind ?? "",
    name: owner.metadata.name ?? "",
    uid: owner.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function isPodReady(p: Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** Counted by controllers: not terminating, not finished. */
export function isPodActive(p: Pod): boolean {
  return !p.metadata.deletionTimestamp && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed";
}

/** `25%` or `1` resolved against `total` (round up for surge, down for unavailable). */
export function resolveIntOrPercent(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.parseInt(v, 10) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}
