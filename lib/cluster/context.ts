/**
 * What controllers, the kubelet's stages and the container apps may use of the simulation
 * kernel: the object store, the simulated clock, the queue of due transitions, event recording,
 * the seeded RNG and the kubelet's runtime bookkeeping. The kernel (./kernel.ts, class Sim)
 * implements it; controllers import this interface, never the kernel, so the kernel can import
 * the controllers without a cycle between the folders.
 */
import type { KObject, Pod } from "./model";
import type { Rng } from "./rng";
import type { Store, WriteOptions } from "./store";

/** A transition that becomes due at `at` (epoch ms). */
export interface Due {
  at: number;
  /** `sync`: a controller asked to run again then (rate limit, back-off); nothing else happens. */
  kind: "kubelet" | "kill" | "evict" | "progress" | "sync";
  ns: string;
  name: string;
  uid: string;
  step?: string;
}

/** Runtime state of one running container (the app inside). */
export interface AppState {
  pod: string;
  ns: string;
  container: string;
  image: string;
  startedAt: number;
  requests: number;
  /** Log lines with the epoch ms they were written. */
  log: Array<[number, string]>;
  /** Service link variables captured when the container started. */
  env?: Array<[string, string]>;
  /** A periodic log line (busybox loops): the text, its period and when it is next due. */
  line?: string;
  every?: number;
  next?: number;
}

/** Kubelet bookkeeping for a pod that is not yet settled. */
export interface PodRuntime {
  pullFailures: number;
  killing: boolean;
}

/** What the ReplicaSet controller remembers about one ReplicaSet between syncs. */
export interface ReplicaSetSync {
  /** Consecutive failed syncs (the work queue's per-item exponential back-off). */
  failures: number;
  /** No create is tried before this time after a failure. */
  retryAt: number;
  /** A `sync` due is queued for this time. */
  syncAt?: number;
}

/** An event's type and reason, its message, the reporting component and the object's field path. */
export type EventWords = [
  type: "Normal" | "Warning",
  reason: string,
  message: string,
  component: string,
  fieldPath?: string,
];

export interface ClusterContext {
  readonly store: Store;
  readonly rng: Rng;
  /** Simulated now (epoch ms). */
  now(): number;
  /** True when the current touch has spent its work budget: stop and leave the rest. */
  overBudget(): boolean;
  /** Records an event about `obj` as client-go's recorder does (similar events aggregate). */
  event(obj: KObject, ...what: EventWords): void;
  /** Transitions due later, earliest first. */
  queue: Due[];
  schedule(d: Due): void;
  /** Drops every due transition of the object with this uid. */
  unschedule(uid: string): void;
  /** Creates a pod through admission (defaults, quota). */
  createPod(p: Pod, opts?: WriteOptions): Pod;
  /** The next pod IP on the node. */
  podIP(node?: string): string;
  runtime: Record<string, PodRuntime>;
  apps: Record<string, AppState>;
  appKey(ns: string, pod: string, container: string): string;
  appendLog(app: AppState, line: string): void;
  /** Events older than this are gone already (the event TTL sweep). */
  eventsExpireAfter: number;
  /** The ReplicaSet controller's client rate limiter and per-ReplicaSet back-off. */
  replicaSets: Record<string, ReplicaSetSync>;
  takeToken(): boolean;
  tokensAt(n: number): number;
  requeueReplicaSet(uid: string, ns: string, name: string, at: number): void;
}
