/**
 * The simulation kernel shared by controllers: the store, simulated time, the queue of due
 * transitions, the seeded RNG, event recording and per-pod runtime state (the apps).
 */
import { expandLine } from "./app";
import { deploymentController } from "./controllers/deployment";
import { endpointsController } from "./controllers/endpoints";
import { gcController } from "./controllers/gc";
import { kubeletController, kubeletDue } from "./controllers/kubelet";
import { nodeLifecycleController } from "./controllers/node";
import { replicaSetController } from "./controllers/replicaset";
import { schedulerController } from "./controllers/scheduler";
import { admitPod } from "./defaults";
import type { KEvent, KObject, Node, Pod } from "./model";
import { NAME_ALPHABET, Rng } from "./rng";
import { Store } from "./store";
import { microTime, rfc3339 } from "./time";
import type { Clock } from "./types";

/** A transition that becomes due at `at` (epoch ms). */
export interface Due {
  at: number;
  kind: "kubelet" | "kill" | "evict" | "progress";
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

export interface SimState {
  t: number;
  rng: number;
  queue: Due[];
  apps: Record<string, AppState>;
  runtime: Record<string, PodRuntime>;
  nextPodIP: number;
  eventSeq: number;
  store: ReturnType<Store["toJSON"]>;
  /** Next pod IP per node other than the first (`10.244.N.x`), absent on single-node clusters. */
  nodePodIPs?: Record<string, number>;
  /**
   * The DefaultTolerationSeconds admission plugin's window for not-ready/unreachable NoExecute
   * taints (kube-apiserver's `--default-unreachable-toleration-seconds`); 300 when absent.
   */
  tolerationSeconds?: number;
}

export type Controller = (sim: Sim) => void;

const MAX_LOG_LINES = 2000;
/** How often time-based sweeps (event TTL) run on an otherwise unchanged cluster. */
const SWEEP_MS = 60_000;

export class Sim {
  readonly store: Store;
  rng: Rng;
  /** Simulated "now" while processing; never behind a transition being processed. */
  t: number;
  queue: Due[] = [];
  apps: Record<string, AppState> = {};
  runtime: Record<string, PodRuntime> = {};
  nextPodIP = 3;
  nodePodIPs: Record<string, number> = {};
  tolerationSeconds = 300;
  eventSeq = 0;
  /** Followers of app logs (`logs -f`); not part of a snapshot. */
  readonly logListeners = new Set<(app: AppState, line: string) => void>();
  controllers: Controller[] = [
    deploymentController,
    replicaSetController,
    gcController,
    nodeLifecycleController,
    schedulerController,
    kubeletController,
    endpointsController,
  ];

  /** Dispatch of due transitions (kept as a property so scenario code can pass it along). */
  readonly onDue = (d: Due): void => {
    kubeletDue(this, d);
  };

  createPod(p: Pod): Pod {
    return this.store.create("pods", admitPod(this, p));
  }

  constructor(
    readonly clock: Clock,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    this.t = clock.now();
    this.store = new Store({
      now: () => this.t,
      uid: () => this.rng.uuid(),
      suffix: () => this.rng.chars(NAME_ALPHABET, 5),
    });
  }

  now(): number {
    return this.t;
  }

  schedule(d: Due): void {
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1]?.at ?? 0) > d.at) i--;
    this.queue.splice(i, 0, d);
  }

  unschedule(uid: string): void {
    this.queue = this.queue.filter((d) => d.uid !== uid);
  }

  nextDueAt(): number | undefined {
    return this.queue[0]?.at;
  }

  /** Run controllers until nothing changes (bounded: a controller bug must not hang a request). */
  reconcile(force = false): void {
    // Level-triggered controllers only react to state; when nothing was written since the last
    // settled pass (and no time-based sweep such as event TTL is due), a pass would be a no-op.
    if (!force && this.store.rv === this.settledRv && this.t - this.settledAt < SWEEP_MS) return;
    for (let i = 0; i < 50; i++) {
      const before = this.store.rv;
      for (const c of this.controllers) c(this);
      if (this.store.rv === before) break;
    }
    this.settledRv = this.store.rv;
    this.settledAt = this.t;
  }

  private settledRv = -1;
  private settledAt = 0;

  /** Process every transition due up to `target`, then settle at `target`. */
  advanceTo(target: number, handle: (d: Due) => void): void {
    this.reconcile();
    for (;;) {
      const d = this.queue[0];
      if (!d || d.at > target) break;
      this.queue.shift();
      if (d.at > this.t) this.t = d.at;
      handle(d);
      this.reconcile(true);
    }
    if (target > this.t) this.t = target;
    this.reconcile();
    this.emitPeriodic();
  }

  /** Catch up on the lines periodic apps (shell loops) printed up to now; lazy like all time. */
  private emitPeriodic(): void {
    for (const app of Object.values(this.apps)) {
      if (app.every === undefined || app.next === undefined || app.line === undefined) continue;
      if (app.next > this.t) continue;
      // Only the last MAX_LOG_LINES can be kept anyway.
      const skip = Math.max(0, Math.floor((this.t - app.next) / app.every) - MAX_LOG_LINES);
      let at = app.next + skip * app.every;
      for (; at <= this.t; at += app.every) {
        const line = expandLine(app.line, at, app.pod);
        app.log.push([at, line]);
        for (const l of this.logListeners) l(app, line);
      }
      app.next = at;
      if (app.log.length > MAX_LOG_LINES) app.log.splice(0, app.log.length - MAX_LOG_LINES);
    }
  }

  /**
   * Record an event the way client-go's recorder does: identical (object, reason, message,
   * source) events are aggregated into one with a count.
   */
  event(
    obj: KObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    component: string,
    fieldPath?: string,
  ): void {
    const ns = obj.metadata.namespace ?? "default";
    const now = this.t;
    // A kubelet reports as the node it runs on.
    const host: string = (obj.kind === "Pod" && (obj as Pod).spec?.nodeName) || "minikube";
    for (const e of this.store.scan<KEvent>("events", ns)) {
      if (
        e.involvedObject.uid === obj.metadata.uid &&
        e.reason === reason &&
        e.message === message &&
        e.reportingComponent === component &&
        e.involvedObject.fieldPath === fieldPath
      ) {
        this.store.mutate<KEvent>("events", ns, e.metadata.name ?? "", (x) => {
          x.count = (x.count ?? 1) + 1;
          x.lastTimestamp = rfc3339(now);
        });
        return;
      }
    }
    const apiVersion = obj.apiVersion ?? "v1";
    const involved: KEvent["involvedObject"] = {
      kind: obj.kind ?? "",
      namespace: ns,
      name: obj.metadata.name ?? "",
      uid: obj.metadata.uid ?? "",
      apiVersion,
      resourceVersion: obj.metadata.resourceVersion ?? "",
    };
    if (fieldPath) involved.fieldPath = fieldPath;
    this.eventSeq += 1;
    const seq = this.eventSeq;
    const nameHex = (BigInt(Math.floor(now)) * 1000000n + BigInt(seq)).toString(16);
    const base = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${obj.metadata.name}.${nameHex}`, namespace: ns, creationTimestamp: rfc3339(now) },
      involvedObject: involved,
      reason,
      message,
    };
    // The scheduler writes events.k8s.io/v1 events: no first/last timestamps, an eventTime.
    const ev: KEvent =
      component === "default-scheduler"
        ? {
            ...base,
            source: {},
            firstTimestamp: null,
            lastTimestamp: null,
            type,
            eventTime: microTime(now),
            reportingComponent: component,
            reportingInstance: `${component}-minikube`,
            action: reason === "Scheduled" ? "Binding" : "Scheduling",
          }
        : {
            ...base,
            source: component === "kubelet" ? { component, host } : { component },
            firstTimestamp: rfc3339(now),
            lastTimestamp: rfc3339(now),
            count: 1,
            type,
            eventTime: null,
            reportingComponent: component,
            reportingInstance: component === "kubelet" ? host : "",
          };
    this.store.create("events", ev);
  }

  appKey(ns: string, pod: string, container: string): string {
    return `${ns}/${pod}/${container}`;
  }

  appendLog(app: AppState, line: string): void {
    app.log.push([this.t, line]);
    for (const l of this.logListeners) l(app, line);
    if (app.log.length > MAX_LOG_LINES) app.log.splice(0, app.log.length - MAX_LOG_LINES);
  }

  /** The next free IP in the pod CIDR of `node` (`10.244.0.0/24` for the first node). */
  podIP(node = "minikube"): string {
    const cidr = this.store.peek<Node>("nodes", undefined, node)?.spec.podCIDR ?? "10.244.0.0/24";
    const prefix = cidr.split(".").slice(0, 3).join(".");
    if (prefix === "10.244.0") {
      const n = this.nextPodIP;
      this.nextPodIP = n >= 254 ? 2 : n + 1;
      return `${prefix}.${n}`;
    }
    const n = this.nodePodIPs[node] ?? 2;
    this.nodePodIPs[node] = n >= 254 ? 2 : n + 1;
    return `${prefix}.${n}`;
  }

  /** Pods the node runs (bound, not yet removed). */
  pods(ns?: string): Pod[] {
    return this.store.scan<Pod>("pods", ns);
  }

  toJSON(): SimState {
    return {
      t: this.t,
      rng: this.rng.getState(),
      queue: this.queue,
      apps: this.apps,
      runtime: this.runtime,
      nextPodIP: this.nextPodIP,
      eventSeq: this.eventSeq,
      store: this.store.toJSON(),
      ...(Object.keys(this.nodePodIPs).length > 0 ? { nodePodIPs: this.nodePodIPs } : {}),
      ...(this.tolerationSeconds !== 300 ? { tolerationSeconds: this.tolerationSeconds } : {}),
    };
  }

  load(s: SimState): void {
    this.t = s.t;
    this.rng = new Rng(s.rng);
    this.queue = s.queue;
    this.apps = s.apps;
    this.runtime = s.runtime;
    this.nextPodIP = s.nextPodIP;
    this.eventSeq = s.eventSeq;
    this.nodePodIPs = s.nodePodIPs ?? {};
    this.tolerationSeconds = s.tolerationSeconds ?? 300;
    this.store.load(s.store);
  }
}
