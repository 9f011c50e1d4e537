/** Resolving `POD` or `TYPE/NAME` to a pod, and picking its container, as logs/exec/attach do. */
import { ApiError, asArr, asObj, fail, type Obj, str } from "../client";
import type { Ctx } from "./types";

function selectorOf(o: Obj): string {
  const spec = asObj(o.spec);
  const sel = asObj(spec.selector);
  const ml = sel.matchLabels ? asObj(sel.matchLabels) : sel;
  return Object.keys(ml)
    .sort()
    .map((k) => `${k}=${str(ml[k])}`)
    .join(",");
}

const PHASE_RANK: Record<string, number> = { Running: 0, Unknown: 1, Pending: 2 };

function readyCondition(p: Obj): Obj | undefined {
  return asArr(asObj(p.status).conditions)
    .map(asObj)
    .find((c) => c.type === "Ready");
}

const isReady = (p: Obj): boolean => readyCondition(p)?.status === "True";
const maxRestarts = (p: Obj): number =>
  Math.max(0, ...asArr(asObj(p.status).containerStatuses).map((c) => Number(asObj(c).restartCount ?? 0)));

/** Earlier timestamps first; an empty timestamp last. */
function olderFirst(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "") return 1;
  if (b === "") return -1;
  return a < b ? -1 : 1;
}

/**
 * kubectl's ByLogging order for `logs TYPE/NAME`: scheduled pods first, then Running < Unknown <
 * Pending, ready first, ready for longer first, more restarts first, older first.
 */
function byLogging(a: Obj, b: Obj): number {
  const na = str(asObj(a.spec).nodeName);
  const nb = str(asObj(b.spec).nodeName);
  if (na !== nb && (na === "" || nb === "")) return na === "" ? 1 : -1;
  const pa = PHASE_RANK[str(asObj(a.status).phase)] ?? 3;
  const pb = PHASE_RANK[str(asObj(b.status).phase)] ?? 3;
  if (pa !== pb) return pa - pb;
  if (isReady(a) !== isReady(b)) return isReady(a) ? -1 : 1;
  if (isReady(a) && isReady(b)) {
    const c = olderFirst(
      str(readyCondition(a)?.lastTransitionTime),
      str(readyCondition(b)?.lastTransitionTime),
    );
    if (c !== 0) return c;
  }
  if (maxRestarts(a) !== maxRestarts(b)) return maxRestarts(b) - maxRestarts(a);
  return olderFirst(str(asObj(a.metadata).creationTimestamp), str(asObj(b.metadata).creationTimestamp));
}

export interface PodTarget {
  pod: Obj;
  /** How many pods matched (for `Found N pods, using pod/x`). */
  found: number;
}

/** `mode` decides the wording of a missing pod: logs wraps it as `error: error from server…`. */
export function resolvePod(ctx: Ctx, arg: string, mode: "logs" | "exec"): PodTarget {
  const ns = ctx.namespace;
  const slash = arg.indexOf("/");
  if (slash < 0 || ["pod", "pods", "po"].includes(arg.slice(0, slash).toLowerCase())) {
    const name = slash < 0 ? arg : arg.slice(slash + 1);
    try {
      return { pod: ctx.client.get(`/api/v1/namespaces/${ns}/pods/${name}`), found: 1 };
    } catch (e) {
      if (e instanceof ApiError && mode === "logs" && e.status === 404)
        throw fail(`error from server (NotFound): pods "${name}" not found in namespace "${ns}"`);
      if (e instanceof ApiError) throw e.toCmdError();
      throw e;
    }
  }
  const info = ctx.client.resolve(arg.slice(0, slash));
  const name = arg.slice(slash + 1);
  let owner: Obj;
  try {
    owner = ctx.client.get(ctx.client.resourcePath(info, ns, name));
  } catch (e) {
    if (e instanceof ApiError && mode === "logs" && e.status === 404) {
      const kind = info.group ? `${info.resource}.${info.group}` : info.resource;
      throw fail(`error from server (NotFound): ${kind} "${name}" not found in namespace "${ns}"`);
    }
    if (e instanceof ApiError) throw e.toCmdError();
    throw e;
  }
  const sel = selectorOf(owner);
  const pods = asArr(ctx.client.get(`/api/v1/namespaces/${ns}/pods`, { labelSelector: sel }).items).map(
    asObj,
  );
  pods.sort(byLogging);
  const pod = pods[0];
  if (!pod) throw fail("timed out waiting for the condition");
  return { pod, found: pods.length };
}

/** The container to use; prints `Defaulted container …` for multi-container pods. */
export function pickContainer(ctx: Ctx, pod: Obj, requested: string, verb: "logs" | "exec"): string {
  const containers = asArr(asObj(pod.spec).containers).map((c) => str(asObj(c).name));
  if (requested) {
    const all = [...containers, ...asArr(asObj(pod.spec).initContainers).map((c) => str(asObj(c).name))];
    if (!all.includes(requested)) {
      const podName = str(asObj(pod.metadata).name);
      // exec leaves the check to the API server, whose BadRequest kubectl prints as it is
      if (verb === "exec")
        throw new ApiError(
          400,
          "BadRequest",
          `container ${requested} is not valid for pod ${podName}`,
          undefined,
        ).toCmdError();
      throw fail(`container ${requested} is not valid for pod ${podName}`);
    }
    return requested;
  }
  const annotated = str(asObj(asObj(pod.metadata).annotations)["kubectl.kubernetes.io/default-container"]);
  if (annotated && containers.includes(annotated)) return annotated;
  const first = containers[0] ?? "";
  if (containers.length > 1) ctx.err(`Defaulted container "${first}" out of: ${containers.join(", ")}\n`);
  return first;
}
