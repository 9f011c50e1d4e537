/**
 * A pod's lifecycle on the kubelet as data, in the manner of kwok's Stage resources: each stage
 * names what the kubelet does when it fires — its own bookkeeping (`before`), the events it
 * records, the pod status it writes (kwok's statusTemplate), what it starts (`after`) — and the
 * stages that follow with their delays. A stage that follows with no delay fires at once; where
 * several stages may follow, the first whose `selector` matches is taken (kwok's selector).
 *
 *   sandbox → (image present ? image-present : pulling) → pulled → start (Running)
 *   pulling (unknown image) → fail (ErrImagePull) → backoff (ImagePullBackOff) → retry → …
 *
 * Stage names are the `step` of due items in the cluster's queue (and so in snapshots): keep them.
 */
import { startApp } from "../container-apps";
import type { ClusterContext } from "../context";
import { imageID, lookupImage, normalizeImage, pullError } from "../images";
import type { ContainerStatus, Node, Pod, PodCondition } from "../model";

/** How long the kubelet's steps take (kwok's stage delays), in ms. */
export const STAGE_DELAYS = {
  /** Pod bound and started → sandbox (network) ready. */
  sandbox: 1000,
  /** Container created → started. */
  start: 300,
  /** Pulling an image no registry has → the pull fails. */
  pullFails: 1500,
  /** ErrImagePull → ImagePullBackOff. */
  backoff: 1000,
  /** The kubelet's image pull back-off: 10 s doubling to 5 min. */
  retryFirst: 10_000,
  retryMax: 300_000,
} as const;

/** What a stage sees when it fires. */
export interface StageContext {
  sim: ClusterContext;
  /** The pod as it was when the stage fired (events name this object). */
  pod: Pod;
  nodeName: string;
  /** The container of a per-container stage. */
  container?: Pod["spec"]["containers"][number];
  /** The stage's time, RFC 3339. */
  now: string;
}

export type StageEvent = ["Normal" | "Warning", string, string];

/** What follows a stage: `delayMs` undefined means at once. */
export interface NextStage {
  stage: StageName | StageName[];
  container?: string;
  delayMs?: number;
}

export interface PodStage {
  /** Per-container stages do nothing without their container. */
  perContainer: boolean;
  /** When several stages may follow, this one is taken only if it matches. */
  selector?(c: StageContext): boolean;
  before?(c: StageContext): void;
  events?(c: StageContext): StageEvent[];
  status?(x: Pod, c: StageContext): void;
  after?(c: StageContext): void;
  next?(c: StageContext): NextStage[];
}

export type StageName =
  | "sandbox"
  | "image-present"
  | "pulling"
  | "pulled"
  | "start"
  | "fail"
  | "backoff"
  | "retry";

/** Which stage comes after "the image is needed": present on the node, else pulled. */
const PULL: StageName[] = ["image-present", "pulling"];

function cond(type: string, ok: boolean, at: string, reason?: string, message?: string): PodCondition {
  const c: PodCondition = {
    type,
    status: ok ? "True" : "False",
    lastProbeTime: null,
    lastTransitionTime: at,
  };
  if (!ok && reason) {
    c.reason = reason;
    if (message) c.message = message;
  }
  return c;
}

export { cond as podCondition };

export function setCond(
  p: Pod,
  type: string,
  ok: boolean,
  now: string,
  reason?: string,
  message?: string,
): void {
  const list = p.status.conditions ?? [];
  const i = list.findIndex((c) => c.type === type);
  const prev = list[i];
  const next = cond(
    type,
    ok,
    prev && prev.status === (ok ? "True" : "False") ? (prev.lastTransitionTime ?? now) : now,
    reason,
    message,
  );
  if (i >= 0) list[i] = next;
  else list.push(next);
  p.status.conditions = list;
}

function refreshReadiness(p: Pod, now: string): void {
  const statuses = p.status.containerStatuses ?? [];
  const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
  const ready = notReady.length === 0 && statuses.length > 0;
  const msg = `containers with unready status: [${notReady.join(" ")}]`;
  setCond(p, "Ready", ready, now, "ContainersNotReady", msg);
  setCond(p, "ContainersReady", ready, now, "ContainersNotReady", msg);
  const order = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];
  p.status.conditions = [...(p.status.conditions ?? [])].sort(
    (a, b) => order.indexOf(a.type) - order.indexOf(b.type),
  );
  const running = statuses.length > 0 && statuses.every((s) => s.state.running);
  if (running) p.status.phase = "Running";
}

function imageCached(sim: ClusterContext, image: string, nodeName: string): boolean {
  const node = sim.store.peek<Node>("nodes", undefined, nodeName);
  const want = normalizeImage(image);
  return node?.status.images?.some((i) => i.names.some((n) => normalizeImage(n) === want)) ?? false;
}

function cacheImage(sim: ClusterContext, image: string, nodeName: string): void {
  const info = lookupImage(image);
  if (!info || !sim.store.peek("nodes", undefined, nodeName)) return;
  sim.store.mutate<Node>("nodes", undefined, nodeName, (n) => {
    const images = n.status.images ?? [];
    if (!images.some((i) => i.names.includes(image))) {
      images.unshift({ names: [`${info.repository}@${info.digest}`, image], sizeBytes: info.sizeBytes });
    }
    n.status.images = images;
  });
}

/** The node's InternalIP (each node runs its own kubelet). */
export function nodeIP(sim: ClusterContext, nodeName: string): string {
  const n = sim.store.peek<Node>("nodes", undefined, nodeName);
  return n?.status.addresses?.find((a) => a.type === "InternalIP")?.address ?? "192.168.49.2";
}

const image = (c: StageContext): string => c.container?.image ?? "";
const cname = (c: StageContext): string => c.container?.name ?? "";
const statusOf = (x: Pod, c: StageContext) => x.status.containerStatuses?.find((s) => s.name === cname(c));
const pullFailures = (c: StageContext): number => c.sim.runtime[c.pod.metadata.uid ?? ""]?.pullFailures ?? 1;

export const POD_STAGES: Record<StageName, PodStage> = {
  sandbox: {
    perContainer: false,
    status: (x, c) => {
      const ip = c.pod.spec.hostNetwork ? nodeIP(c.sim, c.nodeName) : c.sim.podIP(c.nodeName);
      x.status.podIP = ip;
      x.status.podIPs = [{ ip }];
      setCond(x, "PodReadyToStartContainers", true, c.now);
      const order = ["hostIP", "hostIPs", "podIP", "podIPs", "startTime"];
      const s = x.status as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s)) {
        if (order.includes(k)) continue;
        out[k] = v;
        if (k === "conditions") for (const o of order) if (s[o] !== undefined) out[o] = s[o];
      }
      x.status = out as Pod["status"];
    },
    next: (c) => c.pod.spec.containers.map((k) => ({ stage: PULL, container: k.name })),
  },
  "image-present": {
    perContainer: true,
    selector: (c) =>
      lookupImage(image(c)) !== undefined &&
      imageCached(c.sim, image(c), c.nodeName) &&
      (c.container?.imagePullPolicy ?? "IfNotPresent") !== "Always",
    events: (c) => [
      ["Normal", "Pulled", `Container image "${image(c)}" already present on machine`],
      ["Normal", "Created", `Created container ${cname(c)}`],
    ],
    next: (c) => [{ stage: "start", container: cname(c), delayMs: STAGE_DELAYS.start }],
  },
  pulling: {
    perContainer: true,
    events: (c) => [["Normal", "Pulling", `Pulling image "${image(c)}"`]],
    next: (c) => {
      const known = lookupImage(image(c));
      return known
        ? [{ stage: "pulled", container: cname(c), delayMs: known.pullMs }]
        : [{ stage: "fail", container: cname(c), delayMs: STAGE_DELAYS.pullFails }];
    },
  },
  pulled: {
    perContainer: true,
    before: (c) => cacheImage(c.sim, image(c), c.nodeName),
    events: (c) => {
      const info = lookupImage(image(c));
      const secs = ((info?.pullMs ?? 1000) / 1000).toFixed(3);
      return [
        [
          "Normal",
          "Pulled",
          `Successfully pulled image "${image(c)}" in ${secs}s (${secs}s including waiting). Image size: ${info?.sizeBytes ?? 0} bytes.`,
        ],
        ["Normal", "Created", `Created container ${cname(c)}`],
      ];
    },
    next: (c) => [{ stage: "start", container: cname(c), delayMs: STAGE_DELAYS.start }],
  },
  start: {
    perContainer: true,
    events: (c) => [["Normal", "Started", `Started container ${cname(c)}`]],
    status: (x, c) => {
      const cid = `docker://${c.sim.rng.hex(64)}`;
      const s = statusOf(x, c);
      if (!s) return;
      s.state = { running: { startedAt: c.now } };
      s.ready = true;
      s.imageID = imageID(image(c));
      s.containerID = cid;
      s.started = true;
      const ordered: ContainerStatus = {
        name: s.name,
        state: s.state,
        lastState: s.lastState,
        ready: s.ready,
        restartCount: s.restartCount,
        image: s.image,
        imageID: s.imageID,
        containerID: cid,
        started: true,
      };
      Object.assign(s, ordered);
      refreshReadiness(x, c.now);
    },
    after: (c) => startApp(c.sim, c.pod, cname(c), image(c)),
  },
  fail: {
    perContainer: true,
    before: (c) => {
      const uid = c.pod.metadata.uid ?? "";
      const rt = c.sim.runtime[uid] ?? { pullFailures: 0, killing: false };
      rt.pullFailures += 1;
      c.sim.runtime[uid] = rt;
    },
    events: (c) => [
      ["Warning", "Failed", `Failed to pull image "${image(c)}": ${pullError(image(c))}`],
      ["Warning", "Failed", "Error: ErrImagePull"],
    ],
    status: (x, c) => {
      const s = statusOf(x, c);
      if (s) s.state = { waiting: { reason: "ErrImagePull", message: pullError(image(c)) } };
    },
    next: (c) => [{ stage: "backoff", container: cname(c), delayMs: STAGE_DELAYS.backoff }],
  },
  backoff: {
    perContainer: true,
    events: (c) => [
      ["Normal", "BackOff", `Back-off pulling image "${image(c)}"`],
      ["Warning", "Failed", "Error: ImagePullBackOff"],
    ],
    status: (x, c) => {
      const s = statusOf(x, c);
      if (s)
        s.state = {
          waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${image(c)}"` },
        };
    },
    next: (c) => [
      {
        stage: "retry",
        container: cname(c),
        delayMs: Math.min(
          STAGE_DELAYS.retryMax,
          STAGE_DELAYS.retryFirst * 2 ** Math.max(0, pullFailures(c) - 1),
        ),
      },
    ],
  },
  retry: {
    perContainer: true,
    next: (c) => [{ stage: PULL, container: cname(c) }],
  },
};

/** Queues a stage of the pod `delayMs` from now (the due item's step is `stage[:container]`). */
export function scheduleStage(
  sim: ClusterContext,
  p: Pod,
  delayMs: number,
  stage: StageName,
  container?: string,
): void {
  sim.schedule({
    at: sim.now() + delayMs,
    kind: "kubelet",
    ns: p.metadata.namespace ?? "default",
    name: p.metadata.name ?? "",
    uid: p.metadata.uid ?? "",
    step: container === undefined ? stage : `${stage}:${container}`,
  });
}

/** Fires a stage of the pod `p` (as it is now): bookkeeping, events, status, effects, what follows. */
export function runStage(
  sim: ClusterContext,
  p: Pod,
  name: StageName,
  ctx: Omit<StageContext, "sim" | "pod">,
): void {
  const stage = POD_STAGES[name];
  if (stage.perContainer && ctx.container === undefined) return;
  const c: StageContext = { sim, pod: p, ...ctx };
  const fieldPath = ctx.container === undefined ? undefined : `spec.containers{${ctx.container.name}}`;
  stage.before?.(c);
  for (const [type, reason, message] of stage.events?.(c) ?? [])
    sim.event(p, type, reason, message, "kubelet", fieldPath);
  const write = stage.status;
  if (write !== undefined)
    sim.store.mutate<Pod>("pods", p.metadata.namespace ?? "default", p.metadata.name ?? "", (x) =>
      write(x, c),
    );
  stage.after?.(c);
  for (const n of stage.next?.(c) ?? []) {
    const container = p.spec.containers.find((k) => k.name === n.container);
    const candidates = Array.isArray(n.stage) ? n.stage : [n.stage];
    const nextCtx = { ...ctx, ...(container !== undefined ? { container } : {}) };
    const chosen =
      candidates.find((s) => POD_STAGES[s].selector?.({ sim, pod: p, ...nextCtx }) ?? true) ?? candidates[0];
    if (chosen === undefined) continue;
    if (n.delayMs === undefined) runStage(sim, p, chosen, nextCtx);
    else scheduleStage(sim, p, n.delayMs, chosen, n.container);
  }
}
