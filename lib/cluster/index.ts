/**
 * kubeclass' simulated Kubernetes cluster: a single-node minikube running Kubernetes v1.32,
 * exposed through an HTTP-shaped API handler (what real kubectl sends) and a virtual network.
 * Time is lazy: every touch (handle, net, snapshot, tick) first advances to `clock.now()`.
 */
import { handleApi } from "./api";
import { ROOT_LISTING, SERVER_JS } from "./container-apps";
import { lookupImage } from "./images";
import { Sim, type SimState, type SimStats } from "./kernel";
import type { Pod } from "./model";
import { route } from "./net";
import { buildScenario, listScenarios, type ScenarioInfo } from "./scenarios";
import { instantiate } from "./template";
import type { ApiHandler, ApiRequest, ApiResponse, Clock, NetRequest, NetResponse } from "./types";

export type { ScenarioInfo };
export { listScenarios };

export interface CreateOptions {
  /** `empty`, `explore-app` (default) or another id from listScenarios(). */
  scenario?: string;
  seed?: number;
  clock: Clock;
  /** Build by running the simulation instead of instantiating the cached template (tests). */
  direct?: boolean;
}

const SNAPSHOT_VERSION = 1;

export class Cluster {
  private constructor(
    private readonly sim: Sim,
    readonly scenario: string,
    readonly seed: number,
  ) {}

  static create(opts: CreateOptions): Cluster {
    const scenario = opts.scenario ?? "explore-app";
    const seed = opts.seed ?? 1;
    const sim = new Sim(opts.clock, seed);
    const state = opts.direct ? undefined : instantiate(scenario, seed, opts.clock.now());
    if (state) sim.load(state);
    else if (!opts.direct || !buildScenario(sim, scenario, opts.clock.now())) {
      const known = listScenarios().map((s) => s.id);
      throw new Error(`unknown scenario "${scenario}" (known: ${known.join(", ")})`);
    }
    sim.store.compact();
    return new Cluster(sim, scenario, seed);
  }

  static restore(json: string, clock: Clock): Cluster {
    const data = JSON.parse(json) as { v: number; scenario: string; seed: number; sim: SimState };
    if (data.v !== SNAPSHOT_VERSION) throw new Error(`unsupported cluster snapshot version ${data.v}`);
    const sim = new Sim(clock, data.seed);
    sim.load(data.sim);
    return new Cluster(sim, data.scenario, data.seed);
  }

  /** Process every transition that became due up to clock.now(). */
  tick(): void {
    this.sim.beginTouch();
    this.sim.advanceTo(this.sim.clock.now(), this.sim.onDue);
  }

  /** The Kubernetes REST API. */
  readonly handle: ApiHandler = (req: ApiRequest): ApiResponse => {
    this.tick();
    const res = handleApi(this.sim, req);
    return res;
  };

  /** The virtual network (curl, kubectl proxy targets, services, NodePorts). */
  net(req: NetRequest): NetResponse {
    this.tick();
    return route(this.sim, req);
  }

  /** The whole state as JSON; restore() continues exactly from here (due transitions included). */
  snapshot(): string {
    this.tick();
    return JSON.stringify({
      v: SNAPSHOT_VERSION,
      scenario: this.scenario,
      seed: this.seed,
      sim: this.sim.toJSON(),
    });
  }

  /**
   * Load counters: touches, touches that spent their work budget and left work for the next
   * one, reconciles that hit the pass limit. A host may log or export them.
   */
  stats(): Readonly<SimStats> {
    return { ...this.sim.stats };
  }

  /**
   * Epoch ms of the next due transition (a host may set one timer for it), if any; now when the
   * last touch ran out of work budget and left work to do.
   */
  nextDueAt(): number | undefined {
    return this.sim.nextDueAt();
  }

  /**
   * Mark a node Ready or NotReady, as `minikube node stop NAME` / `minikube node start NAME`
   * would (the single-argument form means the first node, `minikube`). A NotReady node gets
   * the `node.kubernetes.io/unreachable` taints; its pods are evicted once their toleration
   * (300 s, or the scenario's window) runs out and their ReplicaSets replace them elsewhere.
   * Throws for an unknown node.
   */
  setNodeReady(ready: boolean): void;
  setNodeReady(name: string, ready: boolean): void;
  setNodeReady(a: boolean | string, b?: boolean): void {
    const name = typeof a === "string" ? a : "minikube";
    const ready = typeof a === "string" ? (b ?? true) : a;
    this.tick();
    if (!this.sim.store.peek("nodes", undefined, name)) throw new Error(`node "${name}" not found`);
    setNodeReady(this.sim, name, ready);
  }

  /** Whether a pod of this name exists or existed (the step checks' `<pod>`; Sim.podExisted). */
  podExisted(namespace: string, name: string): boolean {
    return this.sim.podExisted(namespace, name);
  }

  /** Names of the cluster's nodes (`minikube`, `minikube-m02`, …). */
  nodeNames(): string[] {
    return this.sim.store.scan("nodes").map((n) => n.metadata.name ?? "");
  }

  /** @internal for tests and tools in this folder. */
  get internals(): Sim {
    return this.sim;
  }
}

function setNodeReady(sim: Sim, name: string, ready: boolean): void {
  const now = `${new Date(sim.now()).toISOString().slice(0, 19)}Z`;
  sim.store.mutate("nodes", undefined, name, (n) => {
    for (const c of n["status"].conditions) {
      if (c.type !== "Ready") continue;
      const status = ready ? "True" : "Unknown";
      if (c.status !== status) c.lastTransitionTime = now;
      c.status = status;
      c.reason = ready ? "KubeletReady" : "NodeStatusUnknown";
      c.message = ready ? "kubelet is posting ready status" : "Kubelet stopped posting node status.";
      c.lastHeartbeatTime = now;
    }
    n["spec"].taints = ready
      ? undefined
      : [
          { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded: now },
          { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: now },
        ];
    if (!n["spec"].taints) delete n["spec"].taints;
  });
  sim.reconcile();
}

/** What a container shell needs: the facts of one running container (see lib/shell ContainerFacts). */
export interface ContainerInfo {
  namespace: string;
  pod: string;
  container: string;
  hostname: string;
  /** In the order `env` prints them. */
  env: Record<string, string>;
  files: Record<string, string>;
  /** Top-level entries of `/` (`ls /`). */
  rootListing: string[];
  workingDir: string;
  user: string;
  image: string;
  /** The behaviour: `bootcamp` answers HTTP on 8080. */
  app: "bootcamp" | "system" | "unknown";
}

/**
 * Facts of a container for `kubectl exec`. Returns a string with the error kubectl prints when
 * exec is impossible (pod missing, container not running, completed pod).
 */
export function containerInfo(
  cluster: Cluster,
  ns: string,
  pod: string,
  container?: string,
): ContainerInfo | string {
  cluster.tick();
  const sim = cluster.internals;
  const p = sim.store.peek<Pod>("pods", ns, pod);
  if (!p) return `Error from server (NotFound): pods "${pod}" not found`;
  if (p.status.phase === "Succeeded" || p.status.phase === "Failed") {
    return `error: cannot exec into a container in a completed pod; current phase is ${p.status.phase}`;
  }
  const c = container ? p.spec.containers.find((x) => x.name === container) : p.spec.containers[0];
  if (!c) return `error: unable to upgrade connection: container ${container} not found in pod ${pod}`;
  const status = p.status.containerStatuses?.find((s) => s.name === c.name);
  const app = sim.apps[sim.appKey(ns, pod, c.name)];
  if (!status?.state.running || !app) {
    return `error: unable to upgrade connection: container not found ("${c.name}")`;
  }
  const info = lookupImage(c.image ?? "");
  const env: Record<string, string> = {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOSTNAME: pod,
  };
  for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  for (const [k, v] of app.env ?? []) env[k] = v;
  const bootcamp = info?.app === "bootcamp";
  if (bootcamp) {
    env["NPM_CONFIG_LOGLEVEL"] = "info";
    env["NODE_VERSION"] = "6.3.1";
  }
  env["HOME"] = "/root";
  const files: Record<string, string> = {
    "/etc/hostname": `${pod}\n`,
    "/etc/hosts": `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n${p.status.podIP ?? ""}\t${pod}\n`,
    "/etc/resolv.conf": `nameserver 10.96.0.10\nsearch ${ns}.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n`,
    "/var/run/secrets/kubernetes.io/serviceaccount/namespace": ns,
  };
  if (bootcamp) files["/server.js"] = SERVER_JS;
  return {
    namespace: ns,
    pod,
    container: c.name,
    hostname: pod,
    env,
    files,
    rootListing: bootcamp ? [...ROOT_LISTING] : ROOT_LISTING.filter((n) => n !== "server.js" && n !== "core"),
    workingDir: "/",
    user: "root",
    image: c.image ?? "",
    app: bootcamp ? "bootcamp" : info ? "system" : "unknown",
  };
}
