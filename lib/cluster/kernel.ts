/**
 * The simulation kernel shared by controllers: the store, simulated time, the queue of due
 * transitions, the seeded RNG, event recording and per-pod runtime state (the apps).
 */
import { expandLine } from "./container-apps";
import type { AppState, ClusterContext, Due, PodRuntime, ReplicaSetSync } from "./context";
import { deploymentController } from "./controllers/deployment";
import { endpointsController } from "./controllers/endpoints";
import { gcController } from "./controllers/gc";
import { kubeletController, kubeletDue } from "./controllers/kubelet";
import { nodeLifecycleController } from "./controllers/node";
import { replicaSetController } from "./controllers/replicaset";
import { schedulerController } from "./controllers/scheduler";
import { admitPod } from "./defaults";
import { ApiError } from "./errors";
import { CONTROLLER_BURST, CONTROLLER_QPS, classroomQuota, WORK_BUDGET } from "./limits";
import type { KEvent, KObject, Node, Pod } from "./model";
import { NAME_ALPHABET, Rng } from "./rng";
import { Store, type WriteOptions } from "./store";
import { microTime, parseTime, rfc3339 } from "./time";
import type { Clock } from "./types";

export type { AppState, Due, PodRuntime, ReplicaSetSync } from "./context";

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
  /** The ReplicaSet controller's client rate limiter and per-ReplicaSet back-off, when in use. */
  limiter?: TokenBucket;
  replicaSets?: Record<string, ReplicaSetSync>;
  /**
   * Where the controllers last agreed (resourceVersion and time), and whether a touch left work
   * over: a restored cluster reconciles exactly when the live one would have.
   */
  settled?: { rv: number; at: number; deferred?: boolean };
  /** `namespace/name` of pods the cluster has had, oldest first (see Sim.podExisted). */
  podHistory?: string[];
}

/** Pod names remembered after the pods are gone (the newest win). */
export const POD_HISTORY_LIMIT = 1000;

/** client-go's token bucket (`--kube-api-qps`, `--kube-api-burst`), refilled lazily. */
export interface TokenBucket {
  tokens: number;
  at: number;
}

/** What one reconcile did; `settled` is false when it stopped before the controllers agreed. */
export interface ReconcileResult {
  passes: number;
  settled: boolean;
  /** Why it stopped early: the pass limit (a controller bug) or the touch's work budget. */
  stopped?: "pass-limit" | "budget";
  /** At the pass limit: the controllers that still wrote in the last pass (the suspects). */
  writers?: string[];
}

/** Counters a host can read (Cluster.stats) to see a cluster's load and its stops. */
export interface SimStats {
  touches: number;
  /** Touches that ran out of work budget and left the rest for the next one. */
  budgetStops: number;
  /** Reconciles that hit the pass limit without settling. */
  passLimitStops: number;
  /** The latest of them: when (cluster time) and which controllers kept writing. */
  lastPassLimit?: { at: number; writers: string[] };
}

export type Controller = (sim: Sim) => void;

const MAX_LOG_LINES = 2000;
/**
 * Log lines kept for all containers together, so a snapshot stays bounded with many pods
 * (each keeps at least LOG_LINES_FLOOR; the kubelet rotates logs too, at 10 MiB a container).
 */
const LOG_LINES_TOTAL = 20_000;
const LOG_LINES_FLOOR = 100;
/** client-go's EventAggregator: maxEvents similar messages within the interval. */
const AGGREGATE_MAX = 10;
const AGGREGATE_WINDOW_MS = 600_000;
const COMBINED = "(combined from similar events): ";
/** Reconcile passes before giving up on controllers that keep writing (a bug, reported). */
const MAX_PASSES = 50;
/** How often time-based sweeps (event TTL) run on an otherwise unchanged cluster. */
const SWEEP_MS = 60_000;

export class Sim implements ClusterContext {
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
    if (d.kind === "sync") {
      const st = this.replicaSets[d.uid];
      if (st && st.syncAt === d.at) delete st.syncAt;
      return;
    }
    kubeletDue(this, d);
  };

  limiter: TokenBucket = { tokens: CONTROLLER_BURST, at: 0 };
  /** No event is older than this (epoch ms): the TTL sweep waits until one can have expired. */
  eventsExpireAfter = Number.NEGATIVE_INFINITY;
  replicaSets: Record<string, ReplicaSetSync> = {};
  readonly stats: SimStats = { touches: 0, budgetStops: 0, passLimitStops: 0 };
  /** Store writes at which the current touch's budget is spent (none outside a touch). */
  private budgetEnd = Number.POSITIVE_INFINITY;
  /**
   * Simulated work done so far: one unit per store write, plus the cost of a controller pass
   * over the objects (one unit per 50 pods), which is paid even when the pass writes nothing.
   */
  private scanned = 0;

  /** Work units done since the cluster was created (writes and passes). */
  work(): number {
    return this.store.writes + this.scanned;
  }
  /** Work was left for a later touch (budget spent); the next touch continues it. */
  private deferred = false;

  /** Start a touch (an API request, a network request, a tick): a fresh work budget. */
  beginTouch(): void {
    this.budgetEnd = this.work() + WORK_BUDGET;
    this.stats.touches += 1;
  }

  /** Whether this touch has done its share of simulated work; controllers stop when it has. */
  overBudget(): boolean {
    return this.work() >= this.budgetEnd;
  }

  /** Take one request from the controller client's rate limiter; false when it must wait. */
  takeToken(): boolean {
    const b = this.limiter;
    // Time only moves forward, except while a scenario is built from an earlier start.
    const elapsed = Math.max(0, this.t - b.at);
    b.tokens = Math.min(CONTROLLER_BURST, b.tokens + (elapsed * CONTROLLER_QPS) / 1000);
    b.at = this.t;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** When the rate limiter will have `n` tokens again. */
  tokensAt(n: number): number {
    const missing = Math.max(0, Math.min(n, CONTROLLER_BURST) - this.limiter.tokens);
    return this.t + Math.ceil((missing * 1000) / CONTROLLER_QPS);
  }

  /** Queue a no-op due at `at` for ReplicaSet `uid` so its controller runs again then. */
  requeueReplicaSet(uid: string, ns: string, name: string, at: number): void {
    const st = this.replicaSets[uid] ?? { failures: 0, retryAt: 0 };
    this.replicaSets[uid] = st;
    if (st.syncAt !== undefined && st.syncAt <= at) return;
    st.syncAt = at;
    this.schedule({ at, kind: "sync", ns, name, uid });
  }

  createPod(p: Pod, opts: WriteOptions = {}): Pod {
    return this.store.create("pods", admitPod(this, p), opts);
  }

  constructor(
    readonly clock: Clock,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    this.t = clock.now();
    this.limiter.at = this.t;
    this.store = new Store({
      now: () => this.t,
      uid: () => this.rng.uuid(),
      suffix: () => this.rng.chars(NAME_ALPHABET, 5),
    });
    this.store.quota = classroomQuota;
    this.store.subscribe((e) => {
      if (e.resource === "pods" && e.type !== "MODIFIED") this.notePod(e.object);
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

  /** When the cluster next has work: a due transition, or now when a touch left work over. */
  nextDueAt(): number | undefined {
    if (this.deferred) return this.t;
    return this.queue[0]?.at;
  }

  /**
   * Run controllers until nothing changes. Bounded twice: by the pass limit (a controller bug
   * must not hang a request) and by the touch's work budget (a huge scale must not either); an
   * early stop is returned, counted in `stats`, and the next touch carries on.
   */
  reconcile(force = false): ReconcileResult {
    // Level-triggered controllers only react to state; when nothing was written since the last
    // settled pass (and no time-based sweep such as event TTL is due), a pass would be a no-op.
    if (!force && !this.deferred && this.store.rv === this.settledRv && this.t - this.settledAt < SWEEP_MS) {
      return { passes: 0, settled: true };
    }
    let passes = 0;
    let settled = false;
    let stopped: ReconcileResult["stopped"];
    /** Controllers that wrote during the latest pass. */
    let writers: string[] = [];
    while (!settled) {
      if (this.overBudget()) {
        stopped = "budget";
        break;
      }
      if (passes === MAX_PASSES) {
        stopped = "pass-limit";
        break;
      }
      passes += 1;
      this.scanned += 1 + Math.floor(this.store.count("pods") / 50);
      const before = this.store.rv;
      writers = [];
      for (const c of this.controllers) {
        if (this.overBudget()) break;
        const rv = this.store.rv;
        c(this);
        if (this.store.rv !== rv) writers.push(c.name || "(anonymous controller)");
      }
      settled = this.store.rv === before;
    }
    this.deferred = stopped === "budget";
    if (stopped === "budget") this.stats.budgetStops += 1;
    this.settledRv = settled ? this.store.rv : -1;
    this.settledAt = this.t;
    if (stopped === "pass-limit") {
      this.stats.passLimitStops += 1;
      this.stats.lastPassLimit = { at: this.t, writers };
      return { passes, settled, stopped, writers };
    }
    return stopped ? { passes, settled, stopped } : { passes, settled };
  }

  private settledRv = -1;
  private settledAt = 0;

  /** Process every transition due up to `target`, then settle at `target`. */
  advanceTo(target: number, handle: (d: Due) => void): void {
    this.reconcile();
    for (;;) {
      const d = this.queue[0];
      if (!d || d.at > target) break;
      // Out of budget: the transitions still due wait for the next touch (the cluster lags, as a
      // busy control plane does).
      if (this.overBudget()) {
        this.deferred = true;
        this.stats.budgetStops += 1;
        break;
      }
      // Transitions due at the same moment (pods created together) are handled together, then
      // the controllers react once.
      if (d.at > this.t) this.t = d.at;
      handle(this.queue.shift() as Due);
      while (this.queue[0]?.at === d.at && !this.overBudget()) handle(this.queue.shift() as Due);
      this.reconcile(true);
    }
    // A touch that ran out of budget leaves simulated time where its work stopped, so the next
    // touch carries on in order (rate limits, back-offs and timestamps stay right).
    if (target > this.t && !this.deferred) this.t = target;
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
      this.trimLog(app);
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
    const similar = this.store
      .byIndex<KEvent>("events", "involved", obj.metadata.uid ?? "")
      .filter(
        (e) =>
          e.metadata.namespace === ns &&
          e.reason === reason &&
          e.type === type &&
          e.reportingComponent === component &&
          e.involvedObject.fieldPath === fieldPath,
      );
    // client-go's EventAggregator (the scheduler's events API has no such step): once 10
    // different messages of one (object, type, reason, source) came within 10 minutes, further
    // ones are folded into a single "(combined from similar events)" event with a count.
    let text = message;
    if (component !== "default-scheduler") {
      const recent = new Set<string>([message]);
      for (const e of similar) {
        const last = parseTime(e.lastTimestamp ?? e.metadata.creationTimestamp) ?? Number.NaN;
        if (!e.message?.startsWith(COMBINED) && now - last <= AGGREGATE_WINDOW_MS)
          recent.add(e.message ?? "");
      }
      if (recent.size >= AGGREGATE_MAX) text = `${COMBINED}${message}`;
    }
    const same =
      text === message
        ? similar.find((e) => e.message === message)
        : similar.find((e) => e.message?.startsWith(COMBINED));
    if (same) {
      this.store.mutate<KEvent>("events", ns, same.metadata.name ?? "", (x) => {
        x.count = (x.count ?? 1) + 1;
        x.message = text;
        x.lastTimestamp = rfc3339(now);
      });
      return;
    }
    message = text;
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
    try {
      this.store.create("events", ev, { quota: true });
    } catch (e) {
      // The recorder gives up on an event the API server refuses ("will not retry").
      if (!(e instanceof ApiError)) throw e;
    }
  }

  appKey(ns: string, pod: string, container: string): string {
    return `${ns}/${pod}/${container}`;
  }

  appendLog(app: AppState, line: string): void {
    app.log.push([this.t, line]);
    for (const l of this.logListeners) l(app, line);
    this.trimLog(app);
  }

  /** Keep a container's log within its share of the cluster's log lines. */
  private trimLog(app: AppState): void {
    const apps = Object.keys(this.apps).length;
    const keep = Math.min(
      MAX_LOG_LINES,
      Math.max(LOG_LINES_FLOOR, Math.floor(LOG_LINES_TOTAL / Math.max(1, apps))),
    );
    if (app.log.length > keep) app.log.splice(0, app.log.length - keep);
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

  /**
   * Whether a pod of this name exists or existed in the namespace: the step checks' only source
   * of pod names (a name printed by `echo` is not a pod). Bounded: the newest POD_HISTORY_LIMIT.
   */
  podExisted(namespace: string, name: string): boolean {
    const key = `${namespace}/${name}`;
    return this.podHistory.has(key) || this.store.peek("pods", namespace, name) !== undefined;
  }

  private readonly podHistory = new Set<string>();

  private notePod(o: KObject): void {
    const key = `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
    this.podHistory.delete(key);
    this.podHistory.add(key);
    if (this.podHistory.size > POD_HISTORY_LIMIT) {
      const oldest = this.podHistory.values().next().value;
      if (oldest !== undefined) this.podHistory.delete(oldest);
    }
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
      ...(this.limiterFull() ? {} : { limiter: { ...this.limiter } }),
      ...(Object.keys(this.replicaSets).length > 0 ? { replicaSets: this.replicaSets } : {}),
      ...(this.podHistory.size > 0 ? { podHistory: [...this.podHistory] } : {}),
      ...(this.settledRv === this.store.rv || this.deferred
        ? {
            settled: { rv: this.settledRv, at: this.settledAt, ...(this.deferred ? { deferred: true } : {}) },
          }
        : {}),
    };
  }

  private limiterFull(): boolean {
    const b = this.limiter;
    return b.tokens + (Math.max(0, this.t - b.at) * CONTROLLER_QPS) / 1000 >= CONTROLLER_BURST;
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
    this.limiter = s.limiter ? { ...s.limiter } : { tokens: CONTROLLER_BURST, at: s.t };
    this.replicaSets = s.replicaSets ?? {};
    this.settledRv = s.settled?.rv ?? -1;
    this.settledAt = s.settled?.at ?? 0;
    this.deferred = s.settled?.deferred ?? false;
    this.podHistory.clear();
    for (const key of s.podHistory ?? []) this.podHistory.add(key);
    this.store.load(s.store);
  }
}
