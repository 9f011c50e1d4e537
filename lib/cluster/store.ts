/**
 * The object store: objects keyed by resource and namespace/name, one resourceVersion counter,
 * copy-on-write (a stored object is never mutated; writers store a new object), typed errors,
 * and a bounded event log that feeds watches.
 */
import { ApiError, alreadyExists, conflict, notFound } from "./errors";
import type { KObject } from "./model";
import { RESOURCES } from "./resources";
import { rfc3339 } from "./time";

export type WatchType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  resource: string;
  type: WatchType;
  rv: number;
  object: KObject;
}

export interface StoreContext {
  now(): number;
  uid(): string;
  suffix(): string;
}

const LOG_LIMIT = 64;

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function key(ns: string | undefined, name: string): string {
  return ns ? `${ns}/${name}` : name;
}

function groupOf(resource: string): string {
  return RESOURCES.find((i) => i.name === resource)?.group ?? "";
}

export class Store {
  private readonly objects = new Map<string, Map<string, KObject>>();
  /** Sorted views per resource, dropped on every write to that resource. */
  private readonly sorted = new Map<string, KObject[]>();
  private log: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  /** Bumped on every write; controllers use it to know when to run again. */
  rv = 0;

  constructor(private readonly ctx: StoreContext) {}

  private table(resource: string): Map<string, KObject> {
    let t = this.objects.get(resource);
    if (!t) {
      t = new Map();
      this.objects.set(resource, t);
    }
    return t;
  }

  /** The stored object itself (never mutate it) or undefined. */
  peek<T extends KObject = KObject>(resource: string, ns: string | undefined, name: string): T | undefined {
    return this.objects.get(resource)?.get(key(ns, name)) as T | undefined;
  }

  get<T extends KObject = KObject>(resource: string, ns: string | undefined, name: string): T {
    const o = this.peek<T>(resource, ns, name);
    if (!o) throw notFound(resource, groupOf(resource), name);
    return clone(o);
  }

  /** Stored objects (not copies), sorted by namespace then name like the API server's list. */
  scan<T extends KObject = KObject>(resource: string, ns?: string): T[] {
    let all = this.sorted.get(resource);
    if (!all) {
      all = this.sortAll(resource);
      this.sorted.set(resource, all);
    }
    return (ns ? all.filter((o) => o.metadata.namespace === ns) : all.slice()) as T[];
  }

  private sortAll(resource: string): KObject[] {
    const t = this.objects.get(resource);
    if (!t) return [];
    const out = [...t.values()];
    out.sort((a, b) => {
      const an = key(a.metadata.namespace, a.metadata.name ?? "");
      const bn = key(b.metadata.namespace, b.metadata.name ?? "");
      return an < bn ? -1 : an > bn ? 1 : 0;
    });
    return out;
  }

  create<T extends KObject>(resource: string, input: T): T {
    const obj = clone(input);
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) {
      let name = meta.generateName + this.ctx.suffix();
      while (this.peek(resource, meta.namespace, name)) name = meta.generateName + this.ctx.suffix();
      meta.name = name;
    }
    if (!meta.name) {
      throw new ApiError(400, "Invalid", "name or generateName is required", {});
    }
    const t = this.table(resource);
    const k = key(meta.namespace, meta.name);
    if (t.has(k)) throw alreadyExists(resource, groupOf(resource), meta.name);
    meta.uid = meta.uid ?? this.ctx.uid();
    meta.creationTimestamp = meta.creationTimestamp ?? rfc3339(this.ctx.now());
    if (resource === "deployments" || resource === "replicasets" || resource === "daemonsets") {
      meta.generation = meta.generation ?? 1;
    }
    meta.resourceVersion = String(++this.rv);
    const ordered = orderMeta(obj);
    t.set(k, ordered);
    this.emit({ resource, type: "ADDED", rv: this.rv, object: ordered });
    return ordered;
  }

  /**
   * Replace an object. A non-empty `resourceVersion` in `input` must match (optimistic
   * concurrency, 409 Conflict otherwise). Returns the stored copy; no-op writes keep the version.
   */
  update<T extends KObject>(resource: string, input: T, owned = false): T {
    const obj = owned ? input : clone(input);
    const meta = obj.metadata;
    const name = meta.name ?? "";
    const t = this.table(resource);
    const k = key(meta.namespace, name);
    const cur = t.get(k);
    if (!cur) throw notFound(resource, groupOf(resource), name);
    if (meta.resourceVersion && meta.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(
        resource,
        groupOf(resource),
        name,
        "the object has been modified; please apply your changes to the latest version and try again",
      );
    }
    meta.uid = cur.metadata.uid;
    meta.creationTimestamp = cur.metadata.creationTimestamp;
    meta.resourceVersion = cur.metadata.resourceVersion;
    if (cur.metadata.generation !== undefined) {
      meta.generation = cur.metadata.generation;
      if (JSON.stringify(cur["spec"]) !== JSON.stringify(obj["spec"])) meta.generation += 1;
    }
    if (cur.metadata.deletionTimestamp) {
      meta.deletionTimestamp = cur.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = cur.metadata.deletionGracePeriodSeconds;
    }
    const ordered = orderMeta(obj);
    if (JSON.stringify(ordered) === JSON.stringify(cur)) return cur as T;
    ordered.metadata.resourceVersion = String(++this.rv);
    t.set(k, ordered);
    this.emit({ resource, type: "MODIFIED", rv: this.rv, object: ordered });
    return ordered;
  }

  /** Read-modify-write of a stored object; returns false when it does not exist. */
  mutate<T extends KObject>(
    resource: string,
    ns: string | undefined,
    name: string,
    fn: (o: T) => void,
  ): boolean {
    const cur = this.peek<T>(resource, ns, name);
    if (!cur) return false;
    const next = clone(cur);
    fn(next);
    next.metadata.resourceVersion = undefined;
    this.update(resource, next, true);
    return true;
  }

  /** Mark for graceful deletion (pods): keeps the object with a deletionTimestamp. */
  markDeleting(resource: string, ns: string | undefined, name: string, at: number, grace: number): KObject {
    this.mutate(resource, ns, name, (o) => {
      o.metadata.deletionTimestamp = rfc3339(at);
      o.metadata.deletionGracePeriodSeconds = grace;
    });
    return this.get(resource, ns, name);
  }

  remove(resource: string, ns: string | undefined, name: string): KObject {
    const t = this.table(resource);
    const k = key(ns, name);
    const cur = t.get(k);
    if (!cur) throw notFound(resource, groupOf(resource), name);
    t.delete(k);
    const gone = { ...cur, metadata: { ...cur.metadata, resourceVersion: String(++this.rv) } };
    this.emit({ resource, type: "DELETED", rv: this.rv, object: gone });
    return gone;
  }

  private emit(e: StoreEvent): void {
    this.sorted.delete(e.resource);
    this.log.push(e);
    if (this.log.length > LOG_LIMIT) this.log = this.log.slice(-LOG_LIMIT / 2);
    for (const l of this.listeners) l(e);
  }

  /** Events after `rv`, or undefined when the log no longer reaches back that far (410 Gone). */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv >= this.rv) return [];
    const first = this.log[0];
    if (!first || first.rv > rv + 1) return undefined;
    return this.log.filter((e) => e.rv > rv);
  }

  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Drop the watch history (e.g. after building a scenario) so idle clusters stay small. */
  compact(): void {
    this.log = [];
  }

  toJSON(): { rv: number; objects: Record<string, KObject[]> } {
    const objects: Record<string, KObject[]> = {};
    for (const [res, t] of this.objects) if (t.size > 0) objects[res] = [...t.values()];
    return { rv: this.rv, objects };
  }

  load(data: { rv: number; objects: Record<string, KObject[]> }): void {
    this.rv = data.rv;
    for (const [res, list] of Object.entries(data.objects)) {
      const t = this.table(res);
      for (const o of list) t.set(key(o.metadata.namespace, o.metadata.name ?? ""), o);
    }
    this.sorted.clear();
  }
}

const META_ORDER = [
  "name",
  "generateName",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
];

/** Keep field order as the API server serialises it (apiVersion, kind, metadata, …). */
function orderMeta<T extends KObject>(obj: T): T {
  const meta: Record<string, unknown> = {};
  const src = obj.metadata as Record<string, unknown>;
  for (const k of META_ORDER) if (src[k] !== undefined) meta[k] = src[k];
  for (const [k, v] of Object.entries(src)) if (!(k in meta) && v !== undefined) meta[k] = v;
  const out: Record<string, unknown> = {};
  if (obj.apiVersion !== undefined) out["apiVersion"] = obj.apiVersion;
  if (obj.kind !== undefined) out["kind"] = obj.kind;
  out["metadata"] = meta;
  for (const [k, v] of Object.entries(obj)) if (!(k in out) && v !== undefined) out[k] = v;
  return out as T;
}
