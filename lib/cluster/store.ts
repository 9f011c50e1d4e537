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

/** Secondary indexes kept on every write: value → objects, so controllers never scan a table. */
const INDEXES: Record<string, (resource: string, o: KObject) => string[]> = {
  /** Every owner uid in `ownerReferences` (the garbage collector's and controllers' lookups). */
  owner: (_r, o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid),
  /** Events by the uid of the object they are about (the recorder's aggregation). */
  involved: (r, o) => (r === "events" ? [String(o["involvedObject"]?.uid ?? "")] : []),
  /**
   * Pods by the node they are bound to, "" for unbound; terminal pods are left out as the
   * scheduler's cache leaves them out (they no longer take a slot on the node).
   */
  node: (r, o) => {
    if (r !== "pods") return [];
    const phase = o["status"]?.phase;
    if (phase === "Succeeded" || phase === "Failed") return [];
    return [String(o["spec"]?.nodeName ?? "")];
  },
};

/** Source of index stamps: unique over the process, so a stamp never comes back. */
let lastStamp = 0;

/** One resource's objects: by key, and in key order (the API server's list order). */
class Table {
  readonly byKey = new Map<string, KObject>();
  /** The objects in ascending key order. */
  readonly objs: KObject[] = [];
  /** Indexes built so far (on first use: an idle cluster keeps none). */
  readonly indexes = new Map<string, Map<string, Map<string, KObject>>>();
  /** Per index, per value: a stamp renewed whenever an object under the value is added, replaced or removed. */
  readonly stamps = new Map<string, Map<string, number>>();

  /** First position whose key is ≥ `k`. */
  lowerBound(k: string): number {
    let lo = 0;
    let hi = this.objs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const o = this.objs[mid];
      if (o && key(o.metadata.namespace, o.metadata.name ?? "") < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  put(resource: string, k: string, o: KObject): void {
    const prev = this.byKey.get(k);
    const i = this.lowerBound(k);
    if (prev) {
      this.unindex(resource, k, prev);
      this.objs[i] = o;
    } else this.objs.splice(i, 0, o);
    this.byKey.set(k, o);
    this.index(resource, k, o);
  }

  delete(resource: string, k: string): void {
    const prev = this.byKey.get(k);
    if (!prev) return;
    this.objs.splice(this.lowerBound(k), 1);
    this.byKey.delete(k);
    this.unindex(resource, k, prev);
  }

  /** The index `name`, built from the stored objects the first time it is asked for. */
  ensure(resource: string, name: string): Map<string, Map<string, KObject>> {
    let idx = this.indexes.get(name);
    if (!idx) {
      idx = new Map();
      this.indexes.set(name, idx);
      this.stamps.set(name, new Map());
      for (const [k, o] of this.byKey) this.add(idx, name, resource, k, o);
    }
    return idx;
  }

  private stamp(name: string, v: string): void {
    this.stamps.get(name)?.set(v, ++lastStamp);
  }

  private add(
    idx: Map<string, Map<string, KObject>>,
    name: string,
    resource: string,
    k: string,
    o: KObject,
  ): void {
    for (const v of INDEXES[name]?.(resource, o) ?? []) {
      let set = idx.get(v);
      if (!set) {
        set = new Map();
        idx.set(v, set);
      }
      set.set(k, o);
      this.stamp(name, v);
    }
  }

  private index(resource: string, k: string, o: KObject): void {
    for (const [name, idx] of this.indexes) this.add(idx, name, resource, k, o);
  }

  private unindex(resource: string, k: string, o: KObject): void {
    for (const [name, idx] of this.indexes) {
      for (const v of INDEXES[name]?.(resource, o) ?? []) {
        const set = idx.get(v);
        if (!set?.delete(k)) continue;
        if (set.size > 0) this.stamp(name, v);
        else {
          idx.delete(v);
          this.stamps.get(name)?.delete(v);
        }
      }
    }
  }
}

/**
 * What a write may still take: the classroom's object quota and storage budget (see limits.ts).
 * Throws the API server's error when the write does not fit.
 */
export interface StoreQuota {
  create(resource: string, obj: KObject, count: number, bytes: number, size: number): void;
  grow(resource: string, obj: KObject, bytes: number, delta: number, size: number): void;
}

export interface WriteOptions {
  /** Check the write against the quota (API requests and controllers acting for the student). */
  quota?: boolean;
}

export class Store {
  private readonly tables = new Map<string, Table>();
  /** Serialised size (UTF-16 units of its JSON) of every stored object. */
  private readonly sizes = new WeakMap<KObject, number>();
  /** Sum of `sizes` over everything stored: what a snapshot of the objects costs. */
  private bytes = 0;
  /**
   * Whether `sizes` and `bytes` are kept: not after load() (an idle cluster pays nothing for
   * them) until a write that needs them (a quota check) measures everything once.
   */
  private measured = true;
  private log: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  /** Bumped on every write; controllers use it to know when to run again. */
  rv = 0;
  /** Writes since construction (the work budget counts them). */
  writes = 0;
  quota: StoreQuota | undefined;

  constructor(private readonly ctx: StoreContext) {}

  private table(resource: string): Table {
    let t = this.tables.get(resource);
    if (!t) {
      t = new Table();
      this.tables.set(resource, t);
    }
    return t;
  }

  /** The stored object itself (never mutate it) or undefined. */
  peek<T extends KObject = KObject>(resource: string, ns: string | undefined, name: string): T | undefined {
    return this.tables.get(resource)?.byKey.get(key(ns, name)) as T | undefined;
  }

  get<T extends KObject = KObject>(resource: string, ns: string | undefined, name: string): T {
    const o = this.peek<T>(resource, ns, name);
    if (!o) throw notFound(resource, groupOf(resource), name);
    return clone(o);
  }

  /** Stored objects (not copies), sorted by namespace then name like the API server's list. */
  scan<T extends KObject = KObject>(resource: string, ns?: string): T[] {
    const t = this.tables.get(resource);
    if (!t) return [];
    if (!ns) return t.objs.slice() as T[];
    // Keys of one namespace are the contiguous range [`ns/`, `ns0`) ('0' follows '/').
    return t.objs.slice(t.lowerBound(`${ns}/`), t.lowerBound(`${ns}0`)) as T[];
  }

  /** How many objects of `resource` are stored (all namespaces). */
  count(resource: string): number {
    return this.tables.get(resource)?.byKey.size ?? 0;
  }

  /**
   * Stored objects whose index `index` (owner, involved, node) has `value`, in list order.
   */
  byIndex<T extends KObject = KObject>(resource: string, index: string, value: string): T[] {
    const set = this.tables.get(resource)?.ensure(resource, index).get(value);
    if (!set) return [];
    return [...set.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o as T);
  }

  /**
   * A number that changes whenever the objects `byIndex` returns change (one is added, replaced
   * or removed), -1 while there are none: stored objects are never mutated, so a controller that
   * remembers the stamp it synced at knows, without building the list, that a sync would see the
   * same objects again (kube-controller-manager syncs an object only when its informers report a
   * change).
   */
  indexStamp(resource: string, index: string, value: string): number {
    const t = this.tables.get(resource);
    if (!t) return -1;
    t.ensure(resource, index);
    return t.stamps.get(index)?.get(value) ?? -1;
  }

  /** How many objects `byIndex` would return, without building the list. */
  countIndex(resource: string, index: string, value: string): number {
    return this.tables.get(resource)?.ensure(resource, index).get(value)?.size ?? 0;
  }

  /** Serialised size of a stored object. */
  sizeOf(o: KObject): number {
    return this.sizes.get(o) ?? JSON.stringify(o).length;
  }

  private place(resource: string, t: Table, k: string, o: KObject, size: number | undefined): void {
    if (this.measured && size !== undefined) {
      const prev = t.byKey.get(k);
      if (prev) this.bytes -= this.sizes.get(prev) ?? 0;
      this.sizes.set(o, size);
      this.bytes += size;
    }
    t.put(resource, k, o);
  }

  /** Serialised size of everything stored (measured on first use after a load). */
  bytesUsed(): number {
    if (!this.measured) {
      this.bytes = 0;
      for (const t of this.tables.values()) {
        for (const o of t.objs) {
          const size = JSON.stringify(o).length;
          this.sizes.set(o, size);
          this.bytes += size;
        }
      }
      this.measured = true;
    }
    return this.bytes;
  }

  create<T extends KObject>(resource: string, input: T, opts: WriteOptions = {}): T {
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
    if (t.byKey.has(k)) throw alreadyExists(resource, groupOf(resource), meta.name);
    meta.uid = meta.uid ?? this.ctx.uid();
    meta.creationTimestamp = meta.creationTimestamp ?? rfc3339(this.ctx.now());
    if (resource === "deployments" || resource === "replicasets" || resource === "daemonsets") {
      meta.generation = meta.generation ?? 1;
    }
    meta.resourceVersion = String(this.rv + 1);
    const ordered = orderMeta(obj);
    const size = JSON.stringify(ordered).length;
    if (opts.quota && this.quota) this.quota.create(resource, ordered, t.byKey.size, this.bytesUsed(), size);
    ++this.rv;
    this.place(resource, t, k, ordered, size);
    this.emit({ resource, type: "ADDED", rv: this.rv, object: ordered });
    return ordered;
  }

  /**
   * Replace an object. A non-empty `resourceVersion` in `input` must match (optimistic
   * concurrency, 409 Conflict otherwise). Returns the stored copy; no-op writes keep the version.
   */
  update<T extends KObject>(resource: string, input: T, owned = false, opts: WriteOptions = {}): T {
    const obj = owned ? input : clone(input);
    const meta = obj.metadata;
    const name = meta.name ?? "";
    const t = this.table(resource);
    const k = key(meta.namespace, name);
    const cur = t.byKey.get(k);
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
    const text = JSON.stringify(ordered);
    const prevSize = this.sizes.get(cur) ?? JSON.stringify(cur).length;
    // Same serialised length is needed for a no-op write; only then compare the text.
    if (text.length === prevSize && text === JSON.stringify(cur)) return cur as T;
    // The new resourceVersion may be one digit longer than the old one.
    const size = text.length + String(this.rv + 1).length - (cur.metadata.resourceVersion ?? "").length;
    if (opts.quota && this.quota && size > prevSize) {
      this.quota.grow(resource, ordered, this.bytesUsed(), size - prevSize, size);
    }
    ordered.metadata.resourceVersion = String(++this.rv);
    this.place(resource, t, k, ordered, size);
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
    const cur = t.byKey.get(k);
    if (!cur) throw notFound(resource, groupOf(resource), name);
    if (this.measured) this.bytes -= this.sizes.get(cur) ?? 0;
    t.delete(resource, k);
    const gone = { ...cur, metadata: { ...cur.metadata, resourceVersion: String(++this.rv) } };
    this.emit({ resource, type: "DELETED", rv: this.rv, object: gone });
    return gone;
  }

  private emit(e: StoreEvent): void {
    this.writes += 1;
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
    // Insertion order of the tables, each in key order: stable for a given state.
    for (const [res, t] of this.tables) if (t.byKey.size > 0) objects[res] = t.objs.slice();
    return { rv: this.rv, objects };
  }

  load(data: { rv: number; objects: Record<string, KObject[]> }): void {
    this.rv = data.rv;
    for (const [res, list] of Object.entries(data.objects)) {
      const t = this.table(res);
      this.measured = false;
      for (const o of list)
        this.place(res, t, key(o.metadata.namespace, o.metadata.name ?? ""), o, undefined);
    }
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
